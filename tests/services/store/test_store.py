from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlmodel import select

from tests.helpers.store import workspace_at_revision
from workbench.models import AuditLogEntry, Person, WorkspaceProfile
from workbench.services.register import profile
from workbench.services.store.workspace import (
    APPLICATION_ID,
    NewerWorkspaceError,
    NotAWorkspaceError,
    WorkspaceError,
    _alembic_config,
    head_revision,
    open_workspace,
)


def _pragma(path: Path, name: str) -> object:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(f"PRAGMA {name}").fetchone()[0]


def test_new_workspace_is_created_migrated_and_marked(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "acme.grcw"
    workspace = open_workspace(path)
    try:
        assert path.exists()
        assert _pragma(path, "application_id") == APPLICATION_ID
        assert _pragma(path, "journal_mode") == "wal"
        with closing(sqlite3.connect(path)) as db:
            (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
        assert revision == head_revision()
        with workspace.read() as session:
            assert session.get(WorkspaceProfile, 1) is not None
            actions = [entry.action for entry in session.exec(select(AuditLogEntry))]
        assert actions == ["workspace.create"]
    finally:
        workspace.close()


def test_connections_enforce_foreign_keys_and_busy_timeout(sqlite_workspace) -> None:
    with sqlite_workspace.read() as session:
        connection = session.connection()
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_reopening_keeps_data_and_does_not_recreate_profile(tmp_path: Path) -> None:
    path = tmp_path / "a.grcw"
    first = open_workspace(path)
    profile.update_profile(first, actor="Mara", organisation_name="Acme Logistics")
    first.close()
    second = open_workspace(path)
    try:
        assert profile.get_profile(second).organisation_name == "Acme Logistics"
        with second.read() as session:
            assert len(list(session.exec(select(AuditLogEntry)))) == 2
    finally:
        second.close()


def test_missing_workspace_without_create_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="There is no workspace at"):
        open_workspace(tmp_path / "nope.grcw", create=False)


def test_text_file_is_not_a_workspace(tmp_path: Path) -> None:
    path = tmp_path / "notes.grcw"
    path.write_text("meeting notes, not a database\n")
    with pytest.raises(NotAWorkspaceError, match="notes.grcw is not a GRC Workbench workspace"):
        open_workspace(path)
    assert path.read_text() == "meeting notes, not a database\n"


def test_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.commit()
    before = path.read_bytes()
    with pytest.raises(NotAWorkspaceError, match="SQLite database but not a GRC Workbench"):
        open_workspace(path)
    assert path.read_bytes() == before


def test_workspace_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.grcw"
    open_workspace(path).close()
    with closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        db.commit()
    with pytest.raises(NewerWorkspaceError, match="newer GRC Workbench"):
        open_workspace(path)


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="is a folder"):
        open_workspace(tmp_path)


def test_older_workspace_with_data_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.grcw"
    workspace_at_revision(path, "0001")
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "INSERT INTO person (name, role, email, created_at) "
            "VALUES ('Jonas', 'CISO', '', '2026-01-01 00:00:00')"
        )
        db.commit()

    workspace = open_workspace(path)
    try:
        with workspace.read() as session:
            assert [p.name for p in session.exec(select(Person))] == ["Jonas"]
        backups = list(tmp_path.glob("old.before-migration-0001-*.grcw"))
        assert len(backups) == 1
        with closing(sqlite3.connect(backups[0])) as db:
            assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
            assert db.execute("SELECT name FROM person").fetchall() == [("Jonas",)]
        # the migrated file now refuses to rewrite history
        with closing(sqlite3.connect(path)) as db, pytest.raises(sqlite3.IntegrityError):
            db.execute("DELETE FROM audit_log")
    finally:
        workspace.close()


def test_backup_while_open_is_a_complete_workspace(sqlite_workspace, tmp_path: Path) -> None:
    profile.update_profile(sqlite_workspace, actor="Mara", organisation_name="Acme")
    target = sqlite_workspace.backup(tmp_path / "copies" / "acme-backup.grcw")
    copy = open_workspace(target, create=False)
    try:
        assert profile.get_profile(copy).organisation_name == "Acme"
    finally:
        copy.close()
    assert not list((tmp_path / "copies").glob("*.partial"))


def test_failed_write_rolls_back_everything(workspace) -> None:
    with pytest.raises(RuntimeError), workspace.write() as session:
        session.add(Person(name="Half Written"))
        session.flush()
        raise RuntimeError("crash in the middle of a write")
    with workspace.read() as session:
        assert list(session.exec(select(Person))) == []


def test_revision_files_agree_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from workbench.services.store.workspace import known_revisions

    script = ScriptDirectory.from_config(_alembic_config())
    assert set(known_revisions()) == {r.revision for r in script.walk_revisions()}
    assert head_revision() == script.get_current_head()


def test_opening_a_current_workspace_does_not_load_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    open_workspace(tmp_path / "w.grcw").close()
    code = (
        "import sys; from workbench.services.store.workspace import open_workspace; "
        f"open_workspace({str(tmp_path / 'w.grcw')!r}).close(); "
        "print('alembic' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
