"""Check a team workspace out to a file, and break a lease that will not come back.

A check-out copies the server's workspace to a file and records a lease on the server (who,
since when, which file, the server's audit-log head); the file holds the same lease as a copy.
While the lease is open the server refuses every write (``store.writes.refuse_if_leased``).
Check-in (:mod:`workbench.services.team.checkin`) or breaking the lease closes it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from workbench.models import WorkspaceLease, utc_now
from workbench.services.common.errors import ServiceError
from workbench.services.store import audit_log
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import PROFILE_ID, Workspace
from workbench.services.store.writes import COPY, LEASED, open_lease, run_write
from workbench.services.team.copying import copy_workspace, refuse_if_not_empty


class LeaseError(ServiceError):
    pass


@dataclass(frozen=True)
class LeaseInfo:
    """An open lease as the user reads it: on the server, or in the checked-out file."""

    role: str
    holder: str
    since: datetime
    file_path: str
    server: str
    server_head: str
    server_entries: int

    @property
    def is_checked_out(self) -> bool:
        """This workspace is the server's, checked out (read-only) by ``holder``."""
        return self.role == LEASED

    def describe(self) -> str:
        since = f"{self.since:%Y-%m-%d %H:%M} UTC"
        if self.is_checked_out:
            return f"Checked out by {self.holder} since {since} (read-only)"
        return f"Checked out from {self.server_name} since {since}"

    @property
    def server_name(self) -> str:
        """The server's database and host, short enough for a status bar."""
        url = make_url(self.server)
        host = url.host or url.query.get("host") or "localhost"
        return f"{url.database} on {host if isinstance(host, str) else host[0]}"


def _info(lease: WorkspaceLease) -> LeaseInfo:
    return LeaseInfo(
        role=lease.role,
        holder=lease.holder,
        since=lease.since,
        file_path=lease.file_path,
        server=lease.server,
        server_head=lease.server_head,
        server_entries=lease.server_entries,
    )


def open_copy_lease(workspace: Workspace) -> WorkspaceLease | None:
    """The lease a checked-out file holds, while it has not been checked in."""
    with workspace.read() as session:
        statement = (
            select(WorkspaceLease)
            .where(WorkspaceLease.role == COPY, col(WorkspaceLease.released_at).is_(None))
            .order_by(col(WorkspaceLease.id).desc())
            .limit(1)
        )
        return session.exec(statement).first()


def current_lease(workspace: Workspace) -> LeaseInfo | None:
    """The open lease of a checked-out server workspace or of a checked-out file, if any."""
    with workspace.read() as session:
        lease = open_lease(session)
    if lease is None:
        lease = open_copy_lease(workspace)
    return _info(lease) if lease is not None else None


@dataclass(frozen=True)
class CheckoutResult:
    file: Path
    records: int
    head: str
    entries: int
    changes: ChangeSet


def checkout(server: Workspace, file: Workspace, *, actor: str) -> CheckoutResult:
    """Lease ``server`` to ``actor`` and copy it into ``file`` (a new, empty workspace file
    opened with ``initialise=False``)."""
    if file.path is None:
        raise LeaseError("A workspace is checked out to a file, not to another server.")
    path = file.path.resolve()
    refuse_if_not_empty(file)
    token = uuid.uuid4().hex
    with run_write(
        server,
        actor=actor,
        action="workspace.checkout",
        entity="workspace",
        entity_id=PROFILE_ID,
        summary={"file": str(path), "holder": actor},
    ) as write:
        lease = WorkspaceLease(
            token=token,
            role=LEASED,
            holder=actor,
            file_path=str(path),
            server=server.url,
            server_head="",
            server_entries=0,
        )
        write.session.add(lease)
        write.changed(lease=True)
    try:
        copied = copy_workspace(server, file)
    except Exception:
        _release(server, token, actor=actor, reason="the copy to the file failed")
        raise
    # Nobody could write in between: the lease made the server read-only before the copy.
    with server.write() as session:
        lease = _lease_by_token(session, token)
        lease.server_head, lease.server_entries = copied.head, copied.entries
        session.add(lease)
    with file.write() as session:
        session.add(
            WorkspaceLease(
                token=token,
                role=COPY,
                holder=actor,
                since=lease.since,
                file_path=str(path),
                server=server.url,
                server_head=copied.head,
                server_entries=copied.entries,
            )
        )
    return CheckoutResult(path, copied.records, copied.head, copied.entries, write.changes)


def _lease_by_token(session: Session, token: str) -> WorkspaceLease:
    return session.exec(select(WorkspaceLease).where(WorkspaceLease.token == token)).one()


def _release(server: Workspace, token: str, *, actor: str, reason: str) -> None:
    with run_write(
        server,
        actor=actor,
        action="lease.release",
        entity="lease",
        summary={"reason": reason},
        while_leased=True,
    ) as write:
        lease = _lease_by_token(write.session, token)
        write.entity_id = lease.id
        lease.released_at = utc_now()
        lease.released_by = actor
        lease.release_reason = reason
        write.session.add(lease)
        write.changed(lease=True)


def break_lease(server: Workspace, *, actor: str, reason: str) -> ChangeSet:
    """Close the open lease without checking in, so the server can be written to again.

    The file that was checked out can then no longer be checked in: the entry recording the
    break is not in its log."""
    reason = reason.strip()
    if not reason:
        raise LeaseError("Say why the lease is broken (--reason): the audit log records it.")
    with run_write(
        server,
        actor=actor,
        action="lease.break",
        entity="lease",
        summary={"reason": reason},
        while_leased=True,
    ) as write:
        lease = open_lease(write.session)
        if lease is None:
            raise LeaseError(f"{server.display_name} is not checked out: there is no lease.")
        write.entity_id = lease.id
        write.summary.update(
            holder=lease.holder, since=lease.since.isoformat(), file=lease.file_path
        )
        lease.released_at = utc_now()
        lease.released_by = actor
        lease.release_reason = f"broken: {reason}"
        write.session.add(lease)
        write.changed(lease=True)
    return write.changes


def server_head(workspace: Workspace) -> tuple[str, int]:
    with workspace.read() as session:
        found = audit_log.head(session)
    return found.hash, found.entries
