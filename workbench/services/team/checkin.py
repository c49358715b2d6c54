"""Check a file that was checked out back in to its server: a fast-forward, or nothing.

The file must verify, hold the lease the server handed out, and its audit log must begin with
the server's whole log: then the server has not moved since the check-out, and every record the
file has beyond it is work done offline. Those records are added in one transaction (new rows
of every table; the file's state of records that change, such as an artifact's status), the
lease is released, and the check-in itself is the next entry of the log. If the server moved (a
broken lease, a write after it), the check-in is refused, naming the first entry the file lacks,
and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workbench.models import AuditLogEntry, utc_now
from workbench.services.audit.verify import VerifyReport, verify_workspace
from workbench.services.common.errors import ServiceError
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import PROFILE_ID, Workspace
from workbench.services.store.writes import open_lease, run_write
from workbench.services.team.copying import snapshot
from workbench.services.team.lease import open_copy_lease
from workbench.services.team.tables import (
    APPEND_ONLY,
    SCRATCH,
    Row,
    batch_size,
    copied_tables,
    key_of,
    reset_sequences,
    rows,
)


class CheckinRefused(ServiceError):
    """The file cannot be checked in; nothing was written to the server."""


@dataclass(frozen=True)
class CheckinResult:
    added: int
    updated: int
    removed: int
    new_entries: int
    report: VerifyReport
    changes: ChangeSet


def checkin(file: Workspace, server: Workspace, *, actor: str) -> CheckinResult:
    name = file.display_name
    file_report = verify_workspace(file)
    if not file_report.ok:
        raise CheckinRefused(
            f"{name} does not verify ({len(file_report.problems)} problem(s), the first: "
            f"{file_report.problems[0]}); nothing was checked in."
        )
    copy_lease = open_copy_lease(file)
    if copy_lease is None:
        raise CheckinRefused(f"{name} is not a checked-out workspace: it holds no open lease.")
    with (
        snapshot(file) as reading,
        run_write(
            server,
            actor=actor,
            action="workspace.checkin",
            entity="workspace",
            entity_id=PROFILE_ID,
            summary={"file": str(file.path), "holder": copy_lease.holder},
            durable=True,
            while_leased=True,
        ) as write,
    ):
        new_entries = _check_fast_forward(write.session, reading, name)
        lease = open_lease(write.session)
        if lease is None or lease.token != copy_lease.token:
            holder = f"by {lease.holder} for {lease.file_path}" if lease else "by nobody"
            raise CheckinRefused(
                f"{name} is not the copy the server's lease was given for (it is checked out "
                f"{holder}); nothing was checked in."
            )
        counts = _apply(reading.connection(), write.session.connection(), name)
        reset_sequences(write.session.connection())
        lease.released_at = utc_now()
        lease.released_by = actor
        lease.release_reason = "checked in"
        write.session.add(lease)
        write.summary.update(added=counts[0], updated=counts[1], removed=counts[2])
        write.summary["new_entries"] = new_entries
        write.changed(lease=True, profile=True)
    with file.write() as session:
        row = session.get(type(copy_lease), copy_lease.id)
        if row is not None:
            row.released_at = utc_now()
            row.released_by = actor
            row.release_reason = "checked in"
            session.add(row)
    return CheckinResult(*counts, new_entries, verify_workspace(server), write.changes)


def _describe(entry: AuditLogEntry) -> str:
    at: datetime = entry.at
    return f"audit log entry {entry.id} ({entry.action} by {entry.actor}, {at:%Y-%m-%d %H:%M} UTC)"


def _check_fast_forward(server: Session, file: Session, name: str) -> int:
    """The server's log must be the beginning of the file's; return how many entries the file
    adds. Otherwise refuse, naming the first server entry the file does not have."""
    log = select(AuditLogEntry).order_by(col(AuditLogEntry.id))
    server_entries = server.exec(log).all()
    file_entries = file.exec(log).all()
    for index, entry in enumerate(server_entries):
        theirs = file_entries[index] if index < len(file_entries) else None
        if theirs is None or (theirs.id, theirs.entry_hash) != (entry.id, entry.entry_hash):
            raise CheckinRefused(
                f"The server has moved on since the check-out: its {_describe(entry)} is not in "
                f"{name}; nothing was checked in."
            )
    return len(file_entries) - len(server_entries)


def _apply(file: Connection, server: Connection, name: str) -> tuple[int, int, int]:
    """Make the server's records the file's: add, update, and (last, children first) remove."""
    added = updated = 0
    removals: list[tuple[Table, list[tuple[Any, ...]]]] = []
    for table in copied_tables():
        if table.name in SCRATCH:
            continue
        if table.name == "blob_chunk":
            added += _add_chunks(file, server, table, name)
            continue
        theirs = {key_of(table, row): row for row in rows(server, table)}
        new: list[Row] = []
        for row in rows(file, table):
            key = key_of(table, row)
            existing = theirs.pop(key, None)
            if existing is None:
                new.append(row)
            elif existing != row:
                if table.name in APPEND_ONLY:
                    raise CheckinRefused(
                        f"{table.name} record {key[0]} differs between the server and {name}; "
                        "nothing was checked in."
                    )
                server.execute(update(table).where(*_match(table, key)).values(**row))
                updated += 1
        if theirs:
            if table.name in APPEND_ONLY:
                key = next(iter(theirs))
                raise CheckinRefused(
                    f"{table.name} record {key[0]} is on the server but not in {name}; "
                    "nothing was checked in."
                )
            removals.append((table, list(theirs)))
        if new:
            server.execute(insert(table), new)
            added += len(new)
    removed = 0
    for table, keys in reversed(removals):
        for key in keys:
            server.execute(delete(table).where(*_match(table, key)))
            removed += 1
    return added, updated, removed


def _add_chunks(file: Connection, server: Connection, table: Table, name: str) -> int:
    """Stored file chunks are many and large, and never change: compare their keys only (the
    check after check-in rehashes every stored file) and insert the new ones a few at a time."""
    columns = list(table.primary_key.columns)
    theirs = {tuple(row) for row in server.execute(sa_select(*columns))}
    added = 0
    batch: list[Row] = []
    for row in rows(file, table):
        key = key_of(table, row)
        if key in theirs:
            theirs.discard(key)
            continue
        batch.append(row)
        if len(batch) == batch_size(table):
            server.execute(insert(table), batch)
            added, batch = added + len(batch), []
    if batch:
        server.execute(insert(table), batch)
        added += len(batch)
    if theirs:
        raise CheckinRefused(
            f"{table.name} record {next(iter(theirs))[0]} is on the server but not in {name}; "
            "nothing was checked in."
        )
    return added


def _match(table: Table, key: tuple[Any, ...]) -> list[Any]:
    return [column == value for column, value in zip(table.primary_key.columns, key, strict=True)]
