"""Every failure is one clear line: a full disk, a file not allowed, a read-only workspace, a
stored value changed behind the workbench's back, a pack stopped halfway. Exit 2 when the
command cannot run, 1 when a check finds problems; nothing saved is lost, nothing half-written
is left."""

from __future__ import annotations

import errno
import os
import secrets
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli import run
from tests.helpers.packs import engagement
from tests.helpers.tamper import rows, tamper
from workbench.services.store import workspace as workspace_module
from workbench.services.store.workspace import open_workspace

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "acme.grcw"
    workspace = open_workspace(path)
    engagement(workspace, tmp_path / "published")
    workspace.close()
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def _with_pragma(monkeypatch: pytest.MonkeyPatch, pragma: str) -> None:
    """Every connection the command opens runs ``pragma`` first, as a full disk or a read-only
    file would make SQLite behave."""
    install = workspace_module._install_sqlite_pragmas

    def installing(engine: Any) -> None:
        install(engine)

        @workspace_module.event.listens_for(engine, "connect")
        def _limit(dbapi_connection: Any, _record: Any) -> None:
            if "max_page_count" in pragma:
                pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
                dbapi_connection.execute(f"PRAGMA max_page_count={pages}")
            else:
                dbapi_connection.execute(pragma)

    monkeypatch.setattr(workspace_module, "_install_sqlite_pragmas", installing)


def test_doc_save_on_a_full_disk(capsys, ws: Path, tmp_path: Path, monkeypatch) -> None:
    before = rows(ws, "SELECT id, content_sha256 FROM version ORDER BY id")
    text = tmp_path / "policy.md"
    # random text, which compression cannot shrink into the pages the file has free
    text.write_text("# Access Control Policy\n\n" + secrets.token_hex(400_000), encoding="utf-8")
    _with_pragma(monkeypatch, "max_page_count")
    code, out, err = run(capsys, "-w", str(ws), "doc", "save", "1", "--file", str(text),
                         "--comment", "big")  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        "workbench: The disk is full: acme.grcw cannot be written and nothing was saved; free "
        "some space and try again\n"
    )
    monkeypatch.undo()
    assert rows(ws, "SELECT id, content_sha256 FROM version ORDER BY id") == before
    code, _, _ = run(capsys, "-w", str(ws), "verify")
    assert code == 0


def test_a_read_only_workspace(capsys, ws: Path, monkeypatch) -> None:
    _with_pragma(monkeypatch, "PRAGMA query_only=ON")
    code, out, err = run(capsys, "-w", str(ws), "planner", "add", "--kind", "other", "--title",
                         "Kick-off", "--start", "2027-01-11")  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        "workbench: acme.grcw is read-only: nothing was saved; check the file's permissions\n"
    )


def test_exports_to_a_full_disk_or_a_forbidden_folder(capsys, ws: Path, tmp_path, monkeypatch):
    real_replace = os.replace

    def forbidden(source: Any, target: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(target))

    monkeypatch.setattr(os, "replace", forbidden)
    out_dir = tmp_path / "exports"
    target = out_dir / "register.csv"
    code, out, err = run(capsys, "-w", str(ws), "register", "export", "--format", "csv",
                         "-o", str(target))  # fmt: skip
    monkeypatch.setattr(os, "replace", real_replace)
    assert (code, out) == (2, "")
    assert err == f"workbench: cannot write {target}: Permission denied\n"
    assert _leftovers(out_dir) == []


def test_pack_on_a_full_disk_leaves_nothing(capsys, ws: Path, tmp_path, monkeypatch) -> None:
    entries = rows(ws, "SELECT count(*) FROM audit_log")
    written = 0

    def filling(self: zipfile.ZipFile, info: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        nonlocal written
        written += 1
        if written > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(self, info, data, *args, **kwargs)

    original = zipfile.ZipFile.writestr
    monkeypatch.setattr(zipfile.ZipFile, "writestr", filling)
    out_dir = tmp_path / "packs"
    code, out, err = run(capsys, "-w", str(ws), "pack", "-o", str(out_dir / "acme.zip"))
    assert (code, out) == (2, "")
    assert err == "workbench: cannot write the audit pack: No space left on device\n"
    assert _leftovers(out_dir) == []
    assert rows(ws, "SELECT count(*) FROM audit_log") == entries  # no pack recorded


def test_pack_stopped_by_sigterm_leaves_nothing(ws: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "packs"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    entries = rows(ws, "SELECT count(*) FROM audit_log")
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.pack_child", "-w", str(ws), "pack", "-o",
         str(out_dir / "acme.zip")],
        cwd=REPO, env={**os.environ, "TMPDIR": str(scratch), "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "rendering\n"  # mid-pack: the partial zip exists
        assert [name for name in _leftovers(out_dir) if name.endswith(".partial")]
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 128 + signal.SIGTERM
    assert err == "workbench: the audit pack was stopped (SIGTERM); nothing was written\n"
    assert _leftovers(out_dir) == [] and _leftovers(scratch) == []
    assert rows(ws, "SELECT count(*) FROM audit_log") == entries


def test_an_invalid_stored_status(capsys, ws: Path) -> None:
    tamper(ws, "UPDATE artifact SET status = 'SHREDDED' WHERE id = 1")
    code, out, err = run(capsys, "-w", str(ws), "register", "list")
    assert (code, out) == (2, "")
    assert err == (
        "workbench: acme.grcw holds the value 'SHREDDED', which this release does not know (it "
        "was changed outside the workbench); run workbench check to find every such value\n"
    )
    code, out, err = run(capsys, "-w", str(ws), "verify")
    assert code == 1 and err == ""
    assert out.splitlines()[0] == (
        "artifact 1: its status is 'SHREDDED', which is none of draft, in_review, approved, "
        "published, rejected, retired"
    )
    code, out, err = run(capsys, "-w", str(ws), "doc", "history", "Access Control Policy")
    assert (code, out) == (2, "") and "'SHREDDED'" in err and len(err.splitlines()) == 1
    assert rows(ws, "SELECT title FROM artifact WHERE id = 1") == [("Access Control Policy",)]


def test_an_invalid_stored_date(capsys, ws: Path) -> None:
    tamper(ws, "UPDATE artifact SET next_review = '2027-02-30' WHERE id = 1")
    code, out, err = run(capsys, "-w", str(ws), "register", "list")
    assert (code, out) == (2, "") and len(err.splitlines()) == 1
    assert "holds a date or number that cannot be read (day is out of range for month)" in err
    code, out, _ = run(capsys, "-w", str(ws), "verify")
    assert code == 1 and "artifact 1: its next_review is '2027-02-30', which is not a date" in out
