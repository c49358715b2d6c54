"""The one write path: a transaction, exactly one audit-log entry, and the change set.

Every service that changes a workspace does it inside :func:`run_write`::

    with run_write(workspace, actor=actor, action="review.withdraw", entity="artifact",
                   entity_id=artifact_id) as write:
        ...  # change rows through write.session
        write.summary["reason"] = reason
        write.changed(artifacts=[artifact_id])
    return write.changes

The entry is appended when the block ends without an exception, inside the same transaction,
so a write and its entry are committed together or not at all. Helpers that do part of a
larger write take the :class:`Write` (or its session) and never log: the operation that opened
the write names what happened, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from workbench.models import AuditLogEntry, WorkspaceLease
from workbench.services.store import audit_log
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace, WorkspaceError

# The role of a lease row on the workspace that was checked out (read-only while it is open),
# and on the file that holds the checked-out copy.
LEASED = "leased"
COPY = "copy"


class LeasedError(WorkspaceError):
    """The workspace is checked out: nobody writes to it until it is checked in."""


@dataclass
class Write:
    """One write in progress: its session, its audit entry's fields, and what it changed."""

    session: Session
    actor: str
    action: str
    entity: str
    entity_id: str | int | None = None
    summary: dict[str, object] = field(default_factory=dict)
    changes: ChangeSet = field(default_factory=ChangeSet)
    entry: AuditLogEntry | None = None

    def changed(self, **kinds: Iterable[int] | Iterable[str] | bool) -> None:
        """Add to what this write changed: ``write.changed(artifacts=[3], profile=True)``."""
        self.changes = self.changes | ChangeSet.of(**kinds)

    def notice(self, text: str) -> None:
        """A sentence the user should read once the write is done."""
        self.changed(notices=[text])


@contextmanager
def run_write(
    workspace: Workspace,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    summary: dict[str, object] | None = None,
    durable: bool = False,
    while_leased: bool = False,
) -> Iterator[Write]:
    """Open a write transaction; on success append its one audit entry and commit.

    ``entity_id`` may be set inside the block (``write.entity_id = created.id``) when the
    record is created there. ``durable`` syncs fully at commit, for writes whose loss would
    matter (a version, a signature). A checked-out workspace refuses every write with a
    :class:`LeasedError`, except the lease's own (``while_leased``: check-in, breaking it).
    """
    if not action or not entity:
        raise ValueError("a write names its action and entity")
    with workspace.write(durable=durable) as session:
        if not while_leased:
            refuse_if_leased(session)
        write = Write(session, actor, action, entity, entity_id, dict(summary or {}))
        yield write
        if write.entity_id is None:
            raise ValueError(f"the write {action} did not say which {entity} it changed")
        write.entry = audit_log.append(
            session,
            actor=write.actor,
            action=write.action,
            entity=write.entity,
            entity_id=write.entity_id,
            summary=write.summary,
        )


def open_lease(session: Session) -> WorkspaceLease | None:
    """The lease that makes this workspace read-only, if it is checked out."""
    statement = (
        select(WorkspaceLease)
        .where(WorkspaceLease.role == LEASED, col(WorkspaceLease.released_at).is_(None))
        .order_by(col(WorkspaceLease.id).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def refuse_if_leased(session: Session) -> None:
    lease = open_lease(session)
    if lease is not None:
        raise LeasedError(
            f"This workspace is checked out by {lease.holder} since "
            f"{lease.since:%Y-%m-%d %H:%M} UTC and is read-only until it is checked in "
            "(or the lease is broken)."
        )
