"""Who the command line records: --as, WORKBENCH_USER, the saved name; else the login name,
said in one line on stderr."""

from __future__ import annotations

import zipfile
from pathlib import Path
from uuid import uuid4

import pytest
from sqlmodel import col, select

from tests.helpers.cli import run
from tests.helpers.packs import engagement
from workbench.models import AuditLogEntry
from workbench.services.common import identity
from workbench.services.register import versioning
from workbench.services.store.workspace import open_workspace


@pytest.fixture
def nobody(monkeypatch: pytest.MonkeyPatch) -> None:
    """No --as, no WORKBENCH_USER, no saved name: the login is all the workbench knows."""
    monkeypatch.delenv("WORKBENCH_USER")
    monkeypatch.setattr(identity, "account_name", lambda: "root")


@pytest.fixture
def ws(tmp_path: Path) -> str:
    path = tmp_path / "acme.grcw"
    workspace = open_workspace(path, creator="Setup")
    engagement(workspace, tmp_path)
    workspace.close()
    return str(path)


def last_entry(location: str) -> AuditLogEntry:
    workspace = open_workspace(location, create=False)
    try:
        with workspace.read() as session:
            entry = session.exec(
                select(AuditLogEntry).order_by(col(AuditLogEntry.id).desc())
            ).first()
    finally:
        workspace.close()
    assert entry is not None
    return entry


def save_text(
    capsys, ws: str, tmp_path: Path, *, before: tuple[str, ...] = (), after: tuple[str, ...] = ()
) -> tuple[int, str, str]:
    """``workbench [before] doc save ... [after]`` with a text that differs every time."""
    text = tmp_path / "policy.md"
    text.write_text(f"# Access Control Policy\n\nRevision {uuid4().hex}\n", "utf-8")
    return run(capsys, "-w", ws, *before, "doc", "save", "Access Control Policy",
               "--file", str(text), "--comment", "Tightened", *after)  # fmt: skip


def test_without_a_name_the_login_is_used_and_said_once(capsys, nobody, ws, tmp_path) -> None:
    code, out, err = save_text(capsys, ws, tmp_path)
    assert code == 0 and "saved version" in out
    assert err == (
        "workbench: acting as the login name 'root'; pass --as NAME, set WORKBENCH_USER, or "
        "save your name with `workbench consultant NAME`\n"
    )
    assert last_entry(ws).actor == "root"
    # Reading records no name, so it says nothing.
    code, _, err = run(capsys, "-w", ws, "register", "list")
    assert (code, err) == (0, "")


def test_as_names_who_acts_before_or_after_the_command(capsys, nobody, ws, tmp_path) -> None:
    code, _, err = save_text(capsys, ws, tmp_path, before=("--as", "Mara Tester"))
    assert (code, err) == (0, "")
    assert last_entry(ws).actor == "Mara Tester"
    code, _, err = save_text(capsys, ws, tmp_path, after=("--as", "Jonas Weber"))
    assert (code, err) == (0, "")
    entry = last_entry(ws)
    assert entry.actor == "Jonas Weber"
    workspace = open_workspace(ws, create=False)
    try:
        assert versioning.get_version(workspace, int(entry.entity_id)).info.author == "Jonas Weber"
    finally:
        workspace.close()


def test_the_saved_name_is_used_and_shown(capsys, nobody, ws, tmp_path) -> None:
    code, out, _ = run(capsys, "consultant")
    assert out.startswith("root (the login name: no name is saved;")
    code, out, _ = run(capsys, "consultant", "Mara van Tester", "--initials", "mvt")
    assert (code, out) == (0, "saved: Mara van Tester (MVT)\n")
    assert identity.saved_consultant() == identity.Consultant("Mara van Tester", "MVT")
    code, out, _ = run(capsys, "consultant")
    assert out == "Mara van Tester (MVT) (from settings)\n"
    code, _, err = save_text(capsys, ws, tmp_path)
    assert (code, err) == (0, "")
    assert last_entry(ws).actor == "Mara van Tester"
    code, _, err = run(capsys, "consultant", "  ")
    assert (code, err) == (2, "workbench: a name is needed: it is written on every version and "
                              "audit entry\n")  # fmt: skip


def test_the_environment_comes_before_the_saved_name(capsys, ws, tmp_path) -> None:
    identity.save_consultant("Saved Name")
    code, _, err = save_text(capsys, ws, tmp_path)
    assert (code, err) == (0, "")
    assert last_entry(ws).actor == "Mara Tester"  # WORKBENCH_USER


def test_a_new_workspace_records_who_made_it(capsys, nobody, tmp_path) -> None:
    target = tmp_path / "new.grcw"
    code, _, err = run(capsys, "-w", str(target), "--as", "Priya Shah", "register", "list")
    assert (code, err) == (0, "")
    assert last_entry(str(target)).action == "workspace.create"
    assert last_entry(str(target)).actor == "Priya Shah"


def test_the_pack_says_who_prepared_it(capsys, nobody, ws, tmp_path) -> None:
    target = tmp_path / "pack.zip"
    code, _, err = run(capsys, "-w", ws, "pack", "-o", str(target), "--as", "Mara Tester")
    assert (code, err) == (0, "")
    with zipfile.ZipFile(target) as archive:
        index = archive.read("index.html").decode("utf-8")
    assert " by Mara Tester with GRC Workbench " in index
    assert "root" not in index
