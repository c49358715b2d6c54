"""Changing a workspace behind the app's back, as someone with database access could.

On a file that takes a SQLite tool: the attacker drops the append-only triggers first, then
runs SQL with Python's own sqlite3, never through the app. On the team server it takes a
PostgreSQL client and a superuser role, which can switch the triggers off. Statements are
written once, with ``?`` parameters; a target is an open workspace or a workspace file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg2

from workbench.services.store.workspace import Workspace

Target = Workspace | Path


def _file(target: Target) -> Path | None:
    return target if isinstance(target, Path) else target.path


@contextmanager
def raw_database(path: Path) -> Iterator[sqlite3.Connection]:
    """A workspace file opened with plain sqlite3, its append-only triggers dropped; committed
    when the block ends."""
    with closing(sqlite3.connect(path)) as db:
        triggers = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_no\\_%' "
            "ESCAPE '\\'"
        ).fetchall()
        for (name,) in triggers:
            db.execute(f"DROP TRIGGER {name}")
        yield db
        db.commit()


def execute_directly(workspace: Workspace, statement: str, *parameters: object) -> None:
    """Run one statement on the workspace's database, triggers left as they are."""
    _run(workspace, statement, parameters, disable_triggers=False)


def tamper(target: Target, statement: str, *parameters: object) -> None:
    """Switch the append-only triggers off, run the statement, and commit it."""
    _run(target, statement, parameters, disable_triggers=True)


def rows(target: Target, query: str, *parameters: object) -> list[tuple[object, ...]]:
    """What the database holds, read without the app."""
    path = _file(target)
    if path is not None:
        with closing(sqlite3.connect(path)) as db:
            return list(db.execute(query, parameters))
    assert isinstance(target, Workspace)
    connection = psycopg2.connect(target.url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(query.replace("?", "%s"), parameters)
            return [tuple(row) for row in cursor.fetchall()]
    finally:
        connection.close()


def _run(
    target: Target, statement: str, parameters: tuple[object, ...], *, disable_triggers: bool
) -> None:
    path = _file(target)
    if path is not None:
        if disable_triggers:
            with raw_database(path) as db:
                db.execute(statement, parameters)
            return
        with closing(sqlite3.connect(path)) as db:
            db.execute(statement, parameters)
            db.commit()
        return
    assert isinstance(target, Workspace)
    connection = psycopg2.connect(target.url)
    try:
        with connection.cursor() as cursor:
            if disable_triggers:
                # A superuser's way past every trigger, foreign keys included, as a raw
                # SQLite connection (foreign keys off) is past them on a file.
                cursor.execute("SET session_replication_role = replica")
            cursor.execute(statement.replace("?", "%s"), parameters)
        connection.commit()
    finally:
        connection.close()


def cut_log(target: Target, keep: int) -> int:
    """Delete every audit log entry after the first ``keep``; returns how many went."""
    ((count,),) = rows(target, "SELECT count(*) FROM audit_log")
    tamper(
        target,
        "DELETE FROM audit_log WHERE id NOT IN "
        "(SELECT id FROM (SELECT id FROM audit_log ORDER BY id LIMIT ?) AS kept)",
        keep,
    )
    return int(str(count)) - keep


def swap_key(target: Target, person: str, with_key_of: str) -> None:
    """Give ``person``'s current key record the public key (and fingerprint) of another
    person's, as a forger who wants to sign in ``person``'s name would."""
    latest = (
        "SELECT k.{} FROM person_key k JOIN person p ON p.id = k.person_id "
        "WHERE p.name = ? ORDER BY k.id DESC LIMIT 1"
    )
    ((public_key, fingerprint),) = rows(target, latest.format("public_key, k.fingerprint"),
                                        with_key_of)  # fmt: skip
    ((key_id,),) = rows(target, latest.format("id"), person)
    tamper(
        target,
        "UPDATE person_key SET public_key = ?, fingerprint = ? WHERE id = ?",
        public_key,
        fingerprint,
        key_id,
    )


def stored_bytes(workspace: Workspace) -> bytes:
    """Everything the workspace's database holds, as someone reading it raw would see it."""
    if workspace.path is not None:
        # Recent writes may still be in the write-ahead log beside the file.
        wal = workspace.path.with_name(workspace.path.name + "-wal")
        return workspace.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    connection = psycopg2.connect(workspace.url)
    dumped: list[bytes] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            for (table,) in cursor.fetchall():
                cursor.execute(f"SELECT * FROM {table}")
                for row in cursor.fetchall():
                    dumped.extend(
                        bytes(value) if isinstance(value, memoryview) else str(value).encode()
                        for value in row
                    )
    finally:
        connection.close()
    return b"\n".join(dumped)


def worst_control(workspace: Workspace) -> str:
    """The nastiest control character the back end can hold: NUL on SQLite; PostgreSQL text
    refuses NUL outright, so an attacker there gets no further than other control characters."""
    return "\x00" if workspace.is_sqlite else "\x01"
