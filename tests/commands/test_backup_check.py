"""``workbench backup`` and ``workbench check``: a consistent, checked copy; the whole workspace
checked, each problem named."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.helpers.approvals import approved_by_both, with_people, with_policy
from tests.helpers.cli import run
from tests.helpers.planner import create_event
from tests.helpers.tamper import rows, tamper
from workbench.services.audit import backup
from workbench.services.register import profile
from workbench.services.store.workspace import head_revision, open_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "acme.grcw"
    workspace = open_workspace(path)
    profile.update_profile(workspace, actor="Mara", organisation_name="Acme Logistics")
    with_people(workspace)
    approved_by_both(workspace, with_policy(workspace))
    workspace.close()
    return path


def test_backup_while_the_workspace_is_being_written_elsewhere(capsys, ws: Path, tmp_path) -> None:
    target = tmp_path / "backups" / "acme-copy.grcw"
    # Another program holds a write transaction open: the copy holds what was committed.
    with closing(sqlite3.connect(ws, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE workspace_profile SET organisation_name = 'Not yet committed'")
        code, out, err = run(capsys, "-w", str(ws), "backup", "-o", str(target))
        other.execute("ROLLBACK")
    assert (code, err) == (0, "")
    assert out.startswith(f"backed up to {target} (")
    # The copy's own entry (workspace.copy) follows the original's eight.
    assert out.rstrip().endswith("the copy verified 1 version(s), 2 signature(s) and 9 audit log "
                                 "entries: no problems")  # fmt: skip
    assert rows(target, "SELECT organisation_name FROM workspace_profile") == [("Acme Logistics",)]
    assert rows(target, "PRAGMA journal_mode") == [("delete",)]  # one file, no WAL beside it
    assert not list(target.parent.glob("*.partial"))
    copy = open_workspace(target, create=False)
    copy.close()


def test_backup_never_replaces_a_file_unless_told(capsys, ws: Path, tmp_path) -> None:
    target = tmp_path / "kept.grcw"
    target.write_bytes(b"an older backup")
    code, out, err = run(capsys, "-w", str(ws), "backup", "-o", str(target))
    assert (code, out) == (2, "")
    assert err == f"workbench: {target} exists; choose another name, or replace it with --force\n"
    assert target.read_bytes() == b"an older backup"
    code, out, _ = run(capsys, "-w", str(ws), "backup", "-o", str(target), "--force")
    assert code == 0 and rows(target, "SELECT count(*) FROM approval") == [(2,)]
    code, _, err = run(capsys, "-w", str(ws), "backup", "-o", str(ws), "--force")
    assert code == 2 and "a file other than the workspace itself" in err


def test_backup_of_a_tampered_workspace_keeps_the_copy_and_exits_1(capsys, ws: Path, tmp_path):
    tamper(ws, "UPDATE approval SET comment = 'Rubber-stamped' WHERE id = 2")
    target = tmp_path / "copy.grcw"
    code, out, _ = run(capsys, "-w", str(ws), "backup", "-o", str(target), "--json")
    result = json.loads(out)
    assert code == 1 and result["ok"] is False and target.is_file()
    (problem,) = result["verify"]["problems"]
    assert problem["subject"].startswith("approval 2 (approved by Priya Shah)")


def test_a_backup_that_fails_leaves_nothing(capsys, ws: Path, tmp_path, monkeypatch) -> None:
    def full_disk(_source: Path, destination: Path) -> None:
        destination.write_bytes(b"half a database")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup, "copy_database", full_disk)
    target = tmp_path / "out" / "copy.grcw"
    code, out, err = run(capsys, "-w", str(ws), "backup", "-o", str(target))
    assert (code, out) == (2, "")
    assert err == (
        f"workbench: cannot write the backup {target}: The disk is full: copy.grcw cannot be "
        "written and nothing was saved; free some space and try again\n"
    )
    assert list(target.parent.iterdir()) == []


def test_check_a_clean_workspace(capsys, ws: Path) -> None:
    code, out, err = run(capsys, "-w", str(ws), "check")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == (
        f"checked schema {head_revision()}, the database and the records (artifacts 1, "
        "versions 1, approvals 2, review requests 2, people 2, person keys 2, planner events 0, "
        "findings 0, audit log entries 8, audit packs 0): no problems"
    )
    assert lines[1].startswith("audit log head: 8 entries, last hash ")
    code, out, _ = run(capsys, "-w", str(ws), "check", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] is True and report["integrity"] == []
    assert report["schema"] == {"revision": head_revision(), "expected": head_revision()}
    assert report["verify"]["audit_log_head"]["entries"] == 8


def test_check_names_what_sqlite_and_verify_and_the_planner_find(capsys, ws: Path) -> None:
    workspace = open_workspace(ws)
    event_id = create_event(workspace, title="Stand-up", rrule="FREQ=WEEKLY")
    workspace.close()
    tamper(ws, "UPDATE planner_event SET rrule = 'FREQ=DAILY;INTERVAL=0' WHERE id = ?", event_id)
    tamper(ws, "INSERT INTO artifact_link (artifact_id, ref) VALUES (999, 'ISO27001:2022/5.1')")
    tamper(ws, "UPDATE artifact SET status = 'SHREDDED' WHERE id = 1")
    code, out, _ = run(capsys, "-w", str(ws), "check")
    assert code == 1
    lines = out.splitlines()
    assert "artifact_link row 1 points at a artifact row that is not there" in lines
    assert (
        "artifact 1: its status is 'SHREDDED', which is none of draft, in_review, approved, "
        "published, rejected, retired"
    ) in lines
    assert (
        f"event {event_id} 'Stand-up': its repeat rule FREQ=DAILY;INTERVAL=0 cannot be used: "
        "INTERVAL=0: each value must be 1 to 36524."
    ) in lines
    assert lines[-2].endswith(": 3 problem(s)")


def test_check_a_damaged_file(capsys, ws: Path) -> None:
    root = rows(ws, "SELECT rootpage FROM sqlite_master WHERE name = 'ix_artifact_title'")[0][0]
    page = int(rows(ws, "PRAGMA page_size")[0][0])
    with ws.open("r+b") as raw:
        raw.seek(page * (int(root) - 1) + 8)
        raw.write(b"\x00\x07\x00\x05" * 20)  # cell pointers that point nowhere
    code, out, err = run(capsys, "-w", str(ws), "check")
    assert code == 1 and err == ""
    assert out.splitlines()[0].startswith("SQLite integrity check: ")
