"""Signing keys as history: every public key a person held, when, and what the audit log says.

A key is a :class:`~workbench.models.PersonKey` record that is never updated or deleted
(triggers refuse it too). Rotating a key adds a :class:`~workbench.models.PersonKeyRetirement`
for the old record and a new record, in one write; a person's current key is their newest
record not retired. A signature is checked with the record of the key that made it, valid at
the time it was made, so rotating never breaks an older signature.

The write that adds a key records its id and fingerprint in its audit entry (``key_id``,
``key_fingerprint``; a retirement under ``retired``), and :func:`check_key` compares a record
with that entry: a key swapped in the file behind the workbench's back no longer matches what
the log recorded when it was added, and the swap is refused before anyone signs with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from workbench.models import AuditLogEntry, PersonKey, PersonKeyRetirement, utc_now


def fingerprint(raw_public: bytes) -> str:
    """SHA-256 of the raw public key, in upper-case hex (64 characters)."""
    return hashlib.sha256(raw_public).hexdigest().upper()


def format_fingerprint(value: str, groups: int | None = None) -> str:
    """``3F2A 9C1B ...`` in groups of four; only the first ``groups`` groups when given."""
    parts = [value[i : i + 4] for i in range(0, len(value), 4)]
    if groups is not None and groups < len(parts):
        return " ".join(parts[:groups]) + " …"
    return " ".join(parts)


def short_fingerprint(value: str) -> str:
    return format_fingerprint(value, groups=4)


class KeyStatus(StrEnum):
    CURRENT = "current"  # the key the person signs with now
    RETIRED = "retired"  # its use ended; what it signed before stays valid
    SUPERSEDED = "superseded"  # a newer key followed without retiring it (older workspaces)


@dataclass(frozen=True)
class KeyInfo:
    """One key of a person, as the People pane and ``person keys`` show it."""

    id: int
    person_id: int
    fingerprint: str
    created_at: datetime
    created_by: str
    status: KeyStatus
    retired_at: datetime | None = None
    retired_by: str | None = None
    reason: str = ""
    signatures: int = 0

    @property
    def fingerprint_text(self) -> str:
        return format_fingerprint(self.fingerprint)

    @property
    def short_fingerprint(self) -> str:
        return short_fingerprint(self.fingerprint)


def keys_of(session: Session, person_ids: Iterable[int] | None = None) -> list[PersonKey]:
    """Key records, oldest first (of the given people only, when given)."""
    statement = select(PersonKey).order_by(col(PersonKey.id))
    if person_ids is not None:
        statement = statement.where(col(PersonKey.person_id).in_(set(person_ids)))
    return list(session.exec(statement))


def retirements(
    session: Session, key_ids: Iterable[int] | None = None
) -> dict[int, PersonKeyRetirement]:
    statement = select(PersonKeyRetirement)
    if key_ids is not None:
        statement = statement.where(col(PersonKeyRetirement.key_id).in_(set(key_ids)))
    return {retirement.key_id: retirement for retirement in session.exec(statement)}


def current_keys(session: Session, person_ids: Iterable[int] | None = None) -> dict[int, PersonKey]:
    """Each person's current key: their newest record not retired."""
    records = keys_of(session, person_ids)
    retired = retirements(session, [key.id for key in records if key.id is not None])
    current: dict[int, PersonKey] = {}
    for key in records:
        if key.id not in retired:
            current[key.person_id] = key  # oldest first, so the newest wins
    return current


def current_key(session: Session, person_id: int) -> PersonKey | None:
    return current_keys(session, [person_id]).get(person_id)


def add_key(session: Session, *, person_id: int, raw: bytes, actor: str) -> PersonKey:
    """Record a public key as part of the caller's write (which logs ``key_id`` and
    ``key_fingerprint``, see :func:`key_summary`)."""
    key = PersonKey(
        person_id=person_id,
        public_key=raw,
        fingerprint=fingerprint(raw),
        created_at=utc_now(),
        created_by=actor,
    )
    session.add(key)
    session.flush()
    return key


def retire_key(
    session: Session, key: PersonKey, *, actor: str, reason: str = ""
) -> PersonKeyRetirement:
    """Record the end of a key's use as part of the caller's write."""
    assert key.id is not None
    retirement = PersonKeyRetirement(
        key_id=key.id, retired_at=utc_now(), retired_by=actor, reason=reason
    )
    session.add(retirement)
    session.flush()
    return retirement


def key_summary(key: PersonKey) -> dict[str, object]:
    return {"key_id": key.id, "key_fingerprint": key.fingerprint}


def info(
    key: PersonKey,
    retirement: PersonKeyRetirement | None,
    *,
    current: bool,
    signatures: int = 0,
) -> KeyInfo:
    assert key.id is not None
    status = KeyStatus.CURRENT if current else KeyStatus.SUPERSEDED
    return KeyInfo(
        id=key.id,
        person_id=key.person_id,
        fingerprint=key.fingerprint,
        created_at=key.created_at,
        created_by=key.created_by,
        status=KeyStatus.RETIRED if retirement is not None else status,
        retired_at=retirement.retired_at if retirement else None,
        retired_by=retirement.retired_by if retirement else None,
        reason=retirement.reason if retirement else "",
        signatures=signatures,
    )


# --- what the audit log recorded ------------------------------------------------------------


@dataclass
class KeyClaims:
    """What the audit log says about keys: by key id (this release's writes record it) and by
    person and fingerprint (a workspace from before keys were records recorded only these)."""

    by_id: dict[int, str] = field(default_factory=dict)
    by_person: dict[int, set[str]] = field(default_factory=dict)
    retired: dict[int, str] = field(default_factory=dict)


def _claims_of(entry_id: str, summary: Mapping[str, object], claims: KeyClaims) -> None:
    recorded = summary.get("key_fingerprint")
    if not isinstance(recorded, str):
        return
    key_id = summary.get("key_id")
    if isinstance(key_id, int):
        claims.by_id[key_id] = recorded
    if entry_id.isdigit():
        claims.by_person.setdefault(int(entry_id), set()).add(recorded)
    retired = summary.get("retired")
    if isinstance(retired, dict) and isinstance(retired.get("key_id"), int):
        claims.retired[int(retired["key_id"])] = str(retired.get("key_fingerprint"))


# The writes that add or retire a key; read by action, which the log indexes.
KEY_ACTIONS = (
    "person.add",
    "person.create_key",
    "person.import_key",
    "person.rotate_key",
    "person.retire_key",
)


def key_claims(session: Session, person_id: int | None = None) -> KeyClaims:
    statement = select(AuditLogEntry.entity_id, AuditLogEntry.summary).where(
        col(AuditLogEntry.action).in_(KEY_ACTIONS), AuditLogEntry.entity == "person"
    )
    if person_id is not None:
        statement = statement.where(AuditLogEntry.entity_id == str(person_id))
    claims = KeyClaims()
    for entity_id, summary in session.exec(statement):
        if "key_fingerprint" not in summary:
            continue
        try:
            data = json.loads(summary)
        except ValueError:
            continue  # the chain check names a damaged entry
        if isinstance(data, dict):
            _claims_of(entity_id, data, claims)
    return claims


def check_key(key: PersonKey, claims: KeyClaims) -> str | None:
    """Why a key record cannot be trusted, or None: its public key must hash to its
    fingerprint, and the audit entry that added it must have recorded that fingerprint."""
    assert key.id is not None
    short = short_fingerprint(key.fingerprint)
    if fingerprint(key.public_key) != key.fingerprint:
        return f"key {short} was changed: its public key does not have this fingerprint"
    recorded = claims.by_id.get(key.id)
    if recorded is not None and recorded != key.fingerprint:
        return (
            f"key {short} was changed: the audit log recorded the key "
            f"{short_fingerprint(recorded)} when it was added"
        )
    if recorded is None and key.fingerprint not in claims.by_person.get(key.person_id, set()):
        return f"key {short} was added behind the workbench's back: no audit entry records it"
    return None


def used_at(key: PersonKey, retirement: PersonKeyRetirement | None, moment: datetime) -> bool:
    """Whether the key was in use at ``moment``: added before it, not retired before it."""
    return key.created_at <= moment and (retirement is None or moment < retirement.retired_at)
