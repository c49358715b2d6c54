"""Changing a workspace behind the app's back, as someone with database access could.

On a file that takes a SQLite tool; on the team server a PostgreSQL client and a superuser
role, which can switch the append-only triggers off. Statements are written once, with ``?``
parameters.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import psycopg2

from workbench.services.store.workspace import Workspace

APPEND_ONLY = ("version", "approval", "audit_log")


def execute_directly(workspace: Workspace, statement: str, *parameters: object) -> None:
    """Run one statement on the workspace's database, triggers left as they are."""
    _run(workspace, statement, parameters, disable_triggers=False)


def tamper(workspace: Workspace, statement: str, *parameters: object) -> None:
    """Switch the append-only triggers off, run the statement, and commit it."""
    _run(workspace, statement, parameters, disable_triggers=True)


def _run(
    workspace: Workspace, statement: str, parameters: tuple[object, ...], *, disable_triggers: bool
) -> None:
    if workspace.path is not None:
        with closing(sqlite3.connect(workspace.path)) as db:
            if disable_triggers:
                for table in APPEND_ONLY:
                    for operation in ("update", "delete"):
                        db.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
            db.execute(statement, parameters)
            db.commit()
        return
    connection = psycopg2.connect(workspace.url)
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
