"""``workbench copy``, ``checkout``, ``checkin`` and ``lease`` against the test server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.postgres import PgServer
from workbench.models import ArtifactKind
from workbench.services.register import artifacts
from workbench.services.store.workspace import open_workspace


@pytest.fixture
def acme_file(tmp_path: Path) -> Path:
    path = tmp_path / "acme-isms.grcw"
    workspace = open_workspace(path)
    artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.SCOPE, title="ISMS Scope Statement",
        content="# Scope\n",
    )  # fmt: skip
    workspace.close()
    return path


def _head(capsys, location: str) -> str:
    code, out, _ = run(capsys, "-w", location, "verify", "--json")
    assert code == 0
    head = json.loads(out)["audit_log_head"]
    return f"{head['hash']}/{head['entries']}"


def test_the_engagement_moves_to_the_server_goes_offline_and_comes_back(
    capsys, acme_file: Path, pg_url: str, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "copy", str(acme_file), pg_url)
    assert (code, err) == (0, "")
    assert out.startswith("copied ") and "audit log head on both: " in out
    assert _head(capsys, str(acme_file)) == _head(capsys, pg_url)

    laptop = tmp_path / "laptop.grcw"
    code, out, err = run(capsys, "checkout", pg_url, "-o", str(laptop))
    assert (code, err) == (0, "")
    assert "the server is read-only until you check the file in" in out

    scope = tmp_path / "scope.md"
    scope.write_text("# Scope\n\nAgreed on the train.\n", encoding="utf-8")
    code, _, err = run(capsys, "-w", pg_url, "doc", "save", "1", "--file", str(scope),
                       "--comment", "meanwhile")  # fmt: skip
    assert code == 2
    assert err.startswith("workbench: This workspace is checked out by Mara Tester since ")
    code, out, _ = run(capsys, "lease", "show", pg_url)
    assert code == 0 and "Checked out by Mara Tester since" in out and str(laptop) in out

    code, _, _ = run(capsys, "-w", str(laptop), "doc", "save", "1", "--file", str(scope),
                     "--comment", "on the train")  # fmt: skip
    assert code == 0
    code, out, err = run(capsys, "checkin", str(laptop), pg_url)
    assert (code, err) == (0, "")
    assert "1 new audit log entries" in out and "server verified" in out
    code, out, _ = run(capsys, "-w", pg_url, "doc", "history", "1")
    assert "on the train" in out

    # the same file a second time: the server's check-in entry is not in it
    code, _, err = run(capsys, "checkin", str(laptop), pg_url)
    assert code == 2 and "laptop.grcw is not a checked-out workspace" in err


def test_break_lease_then_checkin_is_refused(
    capsys, acme_file: Path, pg_url: str, tmp_path: Path
) -> None:
    assert run(capsys, "copy", str(acme_file), pg_url)[0] == 0
    laptop = tmp_path / "laptop.grcw"
    assert run(capsys, "checkout", pg_url, "-o", str(laptop))[0] == 0
    code, out, _ = run(capsys, "lease", "break", pg_url, "--reason", "Mara is ill")
    assert code == 0 and "lease broken" in out
    code, out, _ = run(capsys, "lease", "show", pg_url)
    assert "is not checked out" in out
    code, _, err = run(capsys, "checkin", str(laptop), pg_url)
    assert code == 2
    assert (
        "The server has moved on since the check-out: its audit log entry 4 (lease.break by " in err
    )
    assert err.count("\n") == 1


def test_copy_refuses_a_filled_destination_and_a_missing_source(
    capsys, acme_file: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "copy", str(acme_file), str(acme_file))
    assert code == 2 and "already holds a workspace" in err
    code, _, err = run(capsys, "copy", str(tmp_path / "none.grcw"), str(tmp_path / "x.grcw"))
    assert code == 2 and "There is no workspace at" in err


def test_the_password_is_asked_at_a_terminal_and_never_printed(
    capsys, pg_server: PgServer, pg_url: str, monkeypatch, tmp_path: Path
) -> None:
    url = pg_server.with_password(pg_url)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))

    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, "-w", url, "verify")
    assert code == 2 and "asks for a password" in err and "~/.pgpass or PGPASSWORD" in err

    asked: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "hunter2")
    code, out, err = run(capsys, "-w", url, "verify")
    assert (code, err) == (0, "")
    assert asked == [f"Password for {url}: "]
    assert "hunter2" not in out
