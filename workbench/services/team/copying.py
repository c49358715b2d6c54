"""Copy a workspace to another back end (file to server, server to file, file to file).

Every record keeps its id, hashes and signatures, so the copy verifies on its own and its
audit log ends in the same hash. The copy is read from one snapshot of the source and written
in one transaction: the destination gets all of it or nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert
from sqlmodel import Session

from workbench.services.store import audit_log
from workbench.services.store.workspace import Workspace, WorkspaceError
from workbench.services.team.tables import (
    APPEND_ONLY,
    batch_size,
    copied_tables,
    count,
    key_of,
    reset_sequences,
    rows,
)


@dataclass(frozen=True)
class CopyResult:
    records: int
    head: str
    entries: int


@contextmanager
def snapshot(workspace: Workspace) -> Iterator[Session]:
    """A read session that sees one moment of the workspace, however long the read takes."""
    with workspace.read() as session:
        if not workspace.is_sqlite:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        # (A SQLite read transaction in WAL mode is such a snapshot already.)
        yield session


def refuse_if_not_empty(destination: Workspace, connection: Connection | None = None) -> None:
    """Refuse a destination that holds a workspace (a new file or an empty database is fine).

    A workspace has a profile and log entries from its first moment; rows its migrations made
    (the default risk method, say) do not make a database a workspace."""
    if connection is None:
        with destination.read() as session:
            refuse_if_not_empty(destination, session.connection())
        return
    tables = {t.name: t for t in copied_tables()}
    entries = count(connection, tables["audit_log"])
    if entries or count(connection, tables["workspace_profile"]):
        raise WorkspaceError(
            f"{destination.display_name} already holds a workspace ({entries} audit log "
            "entries); copy only into a new file or an empty database."
        )


def copy_workspace(source: Workspace, destination: Workspace) -> CopyResult:
    """Copy every record of ``source`` into ``destination``, which must be empty (open it with
    ``initialise=False``). Raises :class:`WorkspaceError` when it is not."""
    with snapshot(source) as reading, destination.write(durable=True) as writing:
        src = reading.connection()
        dst = writing.connection()
        refuse_if_not_empty(destination, dst)
        records = copy_rows(src, dst)
        reset_sequences(dst)
        written = audit_log.head(writing)
        head, entries = written.hash, written.entries
        if written != audit_log.head(reading):
            raise WorkspaceError("The copy's audit log does not end where the source's does.")
    return CopyResult(records=records, head=head, entries=entries)


def copy_rows(src: Connection, dst: Connection) -> int:
    records = 0
    tables = copied_tables()
    # Records the destination's migrations made that anyone may edit later (the Annex A
    # control records) give way to the source's, which may have been edited since.
    for table in reversed(tables):
        if table.name not in APPEND_ONLY and count(dst, table):
            dst.execute(delete(table))
    for table in tables:
        # Append-only rows the destination's migrations made (the default risk method) are in
        # the source too, from the same migrations: they are kept, and must be the same.
        made = {key_of(table, row): row for row in rows(dst, table)} if count(dst, table) else {}
        batch = []
        for row in rows(src, table):
            if made:
                there = made.get(key_of(table, row))
                if there == row:
                    continue
                if there is not None:
                    raise WorkspaceError(
                        f"{table.name} row {key_of(table, row)} differs from the one the "
                        "destination was made with; nothing was copied."
                    )
            batch.append(row)
            if len(batch) == batch_size(table):
                dst.execute(insert(table), batch)
                records += len(batch)
                batch = []
        if batch:
            dst.execute(insert(table), batch)
            records += len(batch)
    return records
