"""Who acts: the order of --as, WORKBENCH_USER, the saved name and the login name."""

from __future__ import annotations

import json

import pytest

from workbench.services.common import identity
from workbench.services.common.identity import IdentityError, Source


def test_the_order_is_option_environment_saved_then_login(monkeypatch) -> None:
    monkeypatch.setattr(identity, "account_name", lambda: "root")
    identity.save_consultant("Mara van Tester", "")
    assert identity.resolve("  Jonas   Weber ") == identity.Consultant(
        "Jonas Weber", "JW", Source.OPTION
    )
    assert identity.resolve().name == "Mara Tester"  # WORKBENCH_USER, set for every test
    assert identity.resolve().source is Source.ENVIRONMENT
    monkeypatch.delenv("WORKBENCH_USER")
    assert identity.resolve() == identity.Consultant("Mara van Tester", "MVT", Source.SETTINGS)
    identity.identity_path().unlink()
    fallback = identity.resolve()
    assert fallback.name == "root" and fallback.is_account_fallback
    assert identity.account_notice(fallback) == (
        "acting as the login name 'root'; pass --as NAME, set WORKBENCH_USER, or save your "
        "name with `workbench consultant NAME`"
    )


def test_the_saved_name_is_plain_json_beside_the_settings(isolated_user_dirs) -> None:
    saved = identity.save_consultant(" Priya  Shah ", "ps")
    assert saved.label == "Priya Shah (PS)"
    path = isolated_user_dirs / "config" / "identity.json"
    assert json.loads(path.read_text("utf-8")) == {"name": "Priya Shah", "initials": "PS"}
    assert identity.saved_consultant() == identity.Consultant("Priya Shah", "PS")


def test_a_name_is_required_and_initials_are_short() -> None:
    with pytest.raises(IdentityError, match="a name is needed"):
        identity.save_consultant("   ")
    with pytest.raises(IdentityError, match="at most 4 letters"):
        identity.save_consultant("Mara Tester", "MARAT")
    assert identity.saved_consultant() is None


def test_an_unreadable_file_counts_as_no_name(isolated_user_dirs) -> None:
    path = identity.identity_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json", "utf-8")
    assert identity.saved_consultant() is None
    path.write_text('{"name": ""}', "utf-8")
    assert identity.saved_consultant() is None


def test_suggested_initials() -> None:
    assert identity.suggest_initials("Anna-Lena Müller") == "ALM"
    assert identity.suggest_initials("") == ""
