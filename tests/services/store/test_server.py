"""The workspace on a PostgreSQL server: set-up, concurrent writers, lost connections,
passwords; and a ``sqlite:///`` URL set up exactly as a path."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy import event, text
from sqlmodel import select

from tests.helpers.documents import draft_policy
from tests.helpers.postgres import PgServer
from workbench.models import AuditLogEntry, Person, Version
from workbench.services.audit.verify import verify_workspace
from workbench.services.documents import editing
from workbench.services.register import profile
from workbench.services.store import audit_log
from workbench.services.store import workspace as store
from workbench.services.store.workspace import (
    APPLICATION_ID,
    ConnectionLostError,
    NotAWorkspaceError,
    PasswordRequiredError,
    WorkspaceError,
    open_workspace,
)
from workbench.services.store.writes import run_write
from workbench.services.team.tables import APPEND_ONLY

REPO = Path(__file__).resolve().parents[3]


def test_sqlite_url_is_set_up_as_a_path(tmp_path: Path) -> None:
    path = tmp_path / "acme.grcw"
    workspace = open_workspace(f"sqlite:///{path}")
    try:
        assert workspace.path == path
        with workspace.read() as session:
            connection = session.connection()
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        workspace.close()
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    # ... so the same file opens by path, and the path's checks apply to the URL too
    open_workspace(path, create=False).close()
    foreign = tmp_path / "other.db"
    with closing(sqlite3.connect(foreign)) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    with pytest.raises(NotAWorkspaceError, match="not a GRC Workbench workspace"):
        open_workspace(f"sqlite:///{foreign}")
    with pytest.raises(WorkspaceError, match="needs a file"):
        open_workspace("sqlite://")
    with pytest.raises(WorkspaceError, match="mysql databases are not supported"):
        open_workspace("mysql://db.example/acme")


def test_sqlite_url_of_an_older_file_is_backed_up_before_migrating(tmp_path: Path) -> None:
    from tests.helpers.store import workspace_at_revision

    path = workspace_at_revision(tmp_path / "old.grcw", "0001")
    open_workspace(f"sqlite:///{path}").close()
    assert len(list(tmp_path.glob("old.before-migration-0001-*.grcw"))) == 1


def test_server_workspace_is_migrated_protected_and_refuses_foreign_databases(
    pg_server: PgServer, pg_workspace
) -> None:
    assert pg_workspace.path is None and "@" in pg_workspace.url
    rows = pg_server.execute(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname",
        database=pg_workspace.engine.url.database,
    )
    # (Sorted here: the server's collation may order "blob_chunk" before "blob_no".)
    assert sorted(name for (name,) in rows) == sorted(
        f"{table}_no_{operation}"
        for table in APPEND_ONLY
        for operation in ("delete", "truncate", "update")
    )
    foreign = pg_server.new_database(migrated=False)
    pg_server.execute(
        "CREATE TABLE customers (id integer)", database=pg_server.database_of(foreign)
    )
    with pytest.raises(NotAWorkspaceError, match="holds other tables"):
        open_workspace(foreign)
    pg_server.drop(foreign)
    with pytest.raises(WorkspaceError, match="does not exist"):
        open_workspace(pg_server.url("no_such_database"))


def test_an_empty_database_becomes_a_workspace(pg_server: PgServer) -> None:
    url = pg_server.new_database(migrated=False)
    try:
        with pytest.raises(WorkspaceError, match="There is no workspace in"):
            open_workspace(url, create=False)
        workspace = open_workspace(url)
        try:
            with workspace.read() as session:
                assert audit_log.head(session).entries == 1
        finally:
            workspace.close()
    finally:
        pg_server.drop(url)


def test_concurrent_writer_processes_neither_fork_the_chain_nor_lose_a_write(
    pg_workspace,
) -> None:
    artifact_id = draft_policy(pg_workspace)
    writers, saves = 4, 15
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.helpers.writer_child",
                pg_workspace.url,
                str(artifact_id),
                str(saves),
                f"writer{n}",
            ],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(writers)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert (child.returncode, out.strip()) == (0, "done")
    with pg_workspace.read() as session:
        numbers = list(session.exec(select(Version.number).order_by(Version.number)))
        entries = list(session.exec(select(AuditLogEntry).order_by(AuditLogEntry.id)))
    assert numbers == list(range(1, writers * saves + 2))
    saved = [e for e in entries if e.action == "version.save"]
    assert len(saved) == writers * saves
    assert {e.actor for e in saved} == {f"writer{n}" for n in range(writers)}
    assert all(b.prev_hash == a.entry_hash for a, b in zip(entries, entries[1:], strict=False))
    report = verify_workspace(pg_workspace)
    assert report.ok, report.problems


def _backend_pid(session) -> int:
    return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(pg_server: PgServer, pid: int) -> None:
    pg_server.execute(f"SELECT pg_terminate_backend({pid})")


def _counts(workspace) -> tuple[int, int]:
    with workspace.read() as session:
        people = len(list(session.exec(select(Person))))
        return people, audit_log.head(session).entries


def test_a_connection_lost_mid_write_saves_nothing_and_the_next_write_works(
    pg_server: PgServer, pg_workspace
) -> None:
    before = _counts(pg_workspace)
    with pytest.raises(ConnectionLostError) as raised:
        with run_write(pg_workspace, actor="Mara", action="person.add", entity="person") as write:
            write.session.add(Person(name="Half Written"))
            write.session.flush()
            _terminate(pg_server, _backend_pid(write.session))
            write.session.add(Person(name="Second Half"))
            write.session.flush()
    message = str(raised.value)
    assert message == (
        f"The connection to {pg_workspace.url} was lost; nothing of this change was saved. "
        "Try again."
    )
    assert _counts(pg_workspace) == before
    # The dead connection is not handed out again: the retry goes through.
    profile.update_profile(pg_workspace, actor="Mara", organisation_name="Acme")
    assert _counts(pg_workspace) == (before[0], before[1] + 1)
    assert verify_workspace(pg_workspace).ok


def test_a_connection_lost_while_saving_a_version_leaves_no_half_version(
    pg_server: PgServer, pg_workspace
) -> None:
    artifact_id = draft_policy(pg_workspace)
    before = _counts(pg_workspace)

    def cut_after_the_version(conn, _cursor, statement, *_args) -> None:
        if statement.startswith("INSERT INTO version"):
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            _terminate(pg_server, pid)

    event.listen(pg_workspace.engine, "after_cursor_execute", cut_after_the_version)
    try:
        with pytest.raises(ConnectionLostError, match="nothing of this change was saved"):
            editing.save_version(
                pg_workspace, artifact_id=artifact_id, content="# Policy\n\nv2\n",
                author="Mara", comment="cut off",
            )  # fmt: skip
    finally:
        event.remove(pg_workspace.engine, "after_cursor_execute", cut_after_the_version)
    with pg_workspace.read() as session:
        assert list(session.exec(select(Version.number))) == [1]
    assert _counts(pg_workspace) == before
    editing.save_version(
        pg_workspace, artifact_id=artifact_id, content="# Policy\n\nv2\n", author="Mara",
        comment="again",
    )  # fmt: skip
    assert verify_workspace(pg_workspace).ok


def test_a_connection_lost_at_commit_says_so(pg_server: PgServer, pg_workspace, monkeypatch):
    before = _counts(pg_workspace)
    real_commit = store.Session.commit

    def commit_on_a_dead_connection(session) -> None:
        _terminate(pg_server, _backend_pid(session))
        real_commit(session)

    monkeypatch.setattr(store.Session, "commit", commit_on_a_dead_connection)
    with pytest.raises(ConnectionLostError, match="saved whole or not at all"):
        profile.update_profile(pg_workspace, actor="Mara", organisation_name="Acme")
    monkeypatch.undo()
    assert _counts(pg_workspace) == before


def test_write_connections_wait_for_the_lock_only_so_long(pg_workspace) -> None:
    with pg_workspace.read() as session:
        settings = {
            name: session.execute(text(f"SHOW {name}")).scalar_one()
            for name in ("lock_timeout", "idle_in_transaction_session_timeout")
        }
    assert settings == {"lock_timeout": "30s", "idle_in_transaction_session_timeout": "1min"}


def test_a_writer_holding_the_lock_too_long_gets_a_clear_message(workspace, monkeypatch) -> None:
    monkeypatch.setattr(store, "SERVER_LOCK_TIMEOUT_MS", 300)
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 300)
    impatient = open_workspace(workspace.path or workspace.url, create=False)
    try:
        with workspace.write() as session:
            session.add(Person(name="Slow Writer"))
            session.flush()
            with pytest.raises(WorkspaceError) as refused:
                profile.update_profile(impatient, actor="Jonas", organisation_name="Acme")
    finally:
        impatient.close()
    assert str(refused.value) == (
        f"{impatient.display_name} is busy: another write held it for over 0.3 seconds; "
        "nothing was saved. Try again."
    )


@pytest.fixture
def secret_url(pg_server: PgServer, pg_url: str) -> str:
    return pg_server.with_password(pg_url)


def test_password_from_pgpassword_pgpass_or_the_caller(
    secret_url: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "missing"))
    with pytest.raises(PasswordRequiredError, match="asks for a password") as raised:
        open_workspace(secret_url)
    assert "hunter2" not in raised.value.url and "wb_secret@" in raised.value.url
    with pytest.raises(WorkspaceError, match="refused the password given for user wb_secret"):
        open_workspace(secret_url, password="wrong")
    open_workspace(secret_url, password="hunter2").close()

    monkeypatch.setenv("PGPASSWORD", "hunter2")
    workspace = open_workspace(secret_url)
    assert "hunter2" not in workspace.url and "hunter2" not in workspace.display_name
    workspace.close()
    monkeypatch.delenv("PGPASSWORD")

    pgpass = tmp_path / "pgpass"
    pgpass.write_text("*:*:*:wb_secret:hunter2\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    open_workspace(secret_url).close()


def test_a_foreign_write_cannot_slip_past_the_server_triggers(pg_workspace) -> None:
    connection = psycopg2.connect(pg_workspace.url)
    try:
        with connection.cursor() as cursor, pytest.raises(psycopg2.Error, match="append-only"):
            cursor.execute("DELETE FROM audit_log")
    finally:
        connection.close()
