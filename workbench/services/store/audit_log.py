"""The append-only, hash-chained record of every write to a workspace.

Each entry's hash covers the previous entry's hash and the entry's own fields, so removing,
reordering or editing an entry breaks the chain from that point on, and :func:`verify_chain`
names the first entry that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from workbench.models import AuditLogEntry, utc_now

GENESIS_HASH = "0" * 64


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_digest(
    *, prev_hash: str, at: str, actor: str, action: str, entity: str, entity_id: str, summary: str
) -> str:
    material = canonical_json([prev_hash, at, actor, action, entity, entity_id, summary])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _last_hash(session: Session) -> str:
    statement = select(AuditLogEntry.entry_hash).order_by(col(AuditLogEntry.id).desc()).limit(1)
    return session.exec(statement).first() or GENESIS_HASH


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    summary: Mapping[str, object] | None = None,
) -> AuditLogEntry:
    """Add one entry inside the caller's write transaction."""
    at = utc_now()
    summary_json = canonical_json(dict(summary or {}))
    prev_hash = _last_hash(session)
    entry = AuditLogEntry(
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        summary=summary_json,
        prev_hash=prev_hash,
        entry_hash=entry_digest(
            prev_hash=prev_hash,
            at=at.isoformat(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            summary=summary_json,
        ),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    message: str

    def __str__(self) -> str:
        return f"audit log entry {self.entry_id}: {self.message}"


def verify_chain(session: Session) -> list[ChainProblem]:
    """Recompute every entry's hash and link; return what does not match."""
    return check_chain(session.exec(select(AuditLogEntry).order_by(col(AuditLogEntry.id))))


def check_chain(entries: Iterable[AuditLogEntry]) -> list[ChainProblem]:
    """:func:`verify_chain` over entries already read, oldest first."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS_HASH
    for entry in entries:
        assert entry.id is not None
        if entry.prev_hash != expected_prev:
            problems.append(ChainProblem(entry.id, "does not follow the entry before it"))
        recomputed = entry_digest(
            prev_hash=entry.prev_hash,
            at=entry.at.isoformat(),
            actor=entry.actor,
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            summary=entry.summary,
        )
        if recomputed != entry.entry_hash:
            problems.append(ChainProblem(entry.id, "its content was changed after it was written"))
        expected_prev = entry.entry_hash
    return problems


@dataclass(frozen=True)
class LogHead:
    """Where the log stands: how many entries it holds and the hash of the last one. Written
    down outside the workspace (``workbench verify --json``, an audit pack's manifest) or
    signed into an approval, it lets a later check tell whether the log was cut short."""

    entries: int
    hash: str

    def to_json(self) -> dict[str, object]:
        return {"entries": self.entries, "hash": self.hash}


def head(session: Session) -> LogHead:
    count = session.exec(select(func.count()).select_from(AuditLogEntry)).one()
    return LogHead(int(count), _last_hash(session))


def hash_at(session: Session, position: int) -> str | None:
    """The hash of the ``position``-th entry (counting from 1), None when there are fewer."""
    if position < 1:
        return None
    statement = (
        select(AuditLogEntry.entry_hash)
        .order_by(col(AuditLogEntry.id))
        .offset(position - 1)
        .limit(1)
    )
    return session.exec(statement).first()


def hashes_at(session: Session, positions: Iterable[int]) -> dict[int, str]:
    """The hashes of the entries at these positions (counting from 1), in one pass over the
    log; a position past its end is left out."""
    wanted = sorted({position for position in positions if position >= 1})
    if not wanted:
        return {}
    numbered = select(
        func.row_number().over(order_by=col(AuditLogEntry.id)).label("position"),
        col(AuditLogEntry.entry_hash).label("entry_hash"),
    ).subquery()
    statement = select(numbered.c.position, numbered.c.entry_hash).where(
        numbered.c.position.in_(wanted)
    )
    return {int(position): str(digest) for position, digest in session.exec(statement)}


def recent(session: Session, *, limit: int = 100) -> list[AuditLogEntry]:
    statement = select(AuditLogEntry).order_by(col(AuditLogEntry.id).desc()).limit(limit)
    return list(session.exec(statement))
