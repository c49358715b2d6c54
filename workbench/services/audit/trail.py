"""Reading the audit log: filtering, rows fetched by id in pages, readable summaries, CSV.

The audit trail pane holds entry ids only and asks for rows as they are shown, like the
register; filtering happens here, in SQL. The log itself is written only by
:func:`workbench.services.store.audit_log.append`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, or_
from sqlalchemy import select as sa_select
from sqlmodel import col, func, select

from workbench.models import Artifact, AuditLogEntry, Person
from workbench.services.common import sheets
from workbench.services.store.workspace import Workspace

CSV_HEADER = (
    "id", "time (UTC)", "actor", "action", "entity", "entity id", "subject", "summary",
    "details (JSON)", "previous hash", "entry hash",
)  # fmt: skip
MAX_VALUE = 80


@dataclass(frozen=True)
class AuditFilter:
    text: str = ""
    action: str = ""
    actor: str = ""
    since: date | None = None  # local dates, both inclusive
    until: date | None = None

    def describe(self) -> str:
        parts: list[str] = []
        if self.text.strip():
            parts.append(f"containing “{self.text.strip()}”")
        if self.action:
            parts.append(f"action {self.action}")
        if self.actor:
            parts.append(f"by {self.actor}")
        if self.since:
            parts.append(f"from {self.since.isoformat()}")
        if self.until:
            parts.append(f"until {self.until.isoformat()}")
        return "; ".join(parts)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    subject: str
    summary: str
    prev_hash: str
    entry_hash: str

    @property
    def description(self) -> str:
        return describe_summary(self.summary)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)


def _conditions(audit_filter: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text = audit_filter.text.strip()
    if text:
        pattern = f"%{text}%"
        conditions.append(
            or_(
                col(AuditLogEntry.action).ilike(pattern),
                col(AuditLogEntry.actor).ilike(pattern),
                col(AuditLogEntry.entity_id).ilike(pattern),
                col(AuditLogEntry.summary).ilike(pattern),
            )
        )
    if audit_filter.action:
        conditions.append(col(AuditLogEntry.action) == audit_filter.action)
    if audit_filter.actor:
        conditions.append(col(AuditLogEntry.actor) == audit_filter.actor)
    if audit_filter.since:
        conditions.append(col(AuditLogEntry.at) >= _local_midnight(audit_filter.since))
    if audit_filter.until:
        conditions.append(
            col(AuditLogEntry.at) < _local_midnight(audit_filter.until + timedelta(days=1))
        )
    return conditions


def query_ids(
    workspace: Workspace, audit_filter: AuditFilter, *, newest_first: bool = True
) -> list[int]:
    order = col(AuditLogEntry.id).desc() if newest_first else col(AuditLogEntry.id).asc()
    statement = sa_select(col(AuditLogEntry.id)).where(*_conditions(audit_filter)).order_by(order)
    with workspace.read() as session:
        found = session.connection().execute(statement).scalars().all()
    return [int(i) for i in found if i is not None]


def count_all(workspace: Workspace) -> int:
    with workspace.read() as session:
        return int(session.exec(select(func.count()).select_from(AuditLogEntry)).one())


def _distinct(workspace: Workspace, column: object) -> list[str]:
    with workspace.read() as session:
        statement = sa_select(column).distinct().order_by(column)  # type: ignore[call-overload]
        return [str(value) for value in session.connection().execute(statement).scalars()]


def actions(workspace: Workspace) -> list[str]:
    return _distinct(workspace, col(AuditLogEntry.action))


def actors(workspace: Workspace) -> list[str]:
    return _distinct(workspace, col(AuditLogEntry.actor))


def fetch_rows(workspace: Workspace, ids: Sequence[int]) -> dict[int, AuditRow]:
    if not ids:
        return {}
    with workspace.read() as session:
        entries = list(session.exec(select(AuditLogEntry).where(col(AuditLogEntry.id).in_(ids))))
        artifact_ids = {int(e.entity_id) for e in entries
                        if e.entity == "artifact" and e.entity_id.isdigit()}  # fmt: skip
        person_ids = {int(e.entity_id) for e in entries
                      if e.entity == "person" and e.entity_id.isdigit()}  # fmt: skip
        # .all(): a result object has keys() and would pass to dict() as a mapping.
        titles = dict(
            session.exec(
                select(Artifact.id, Artifact.title).where(col(Artifact.id).in_(artifact_ids))
            ).all()
        )
        names = dict(
            session.exec(select(Person.id, Person.name).where(col(Person.id).in_(person_ids))).all()
        )
    rows: dict[int, AuditRow] = {}
    for entry in entries:
        assert entry.id is not None
        key = int(entry.entity_id) if entry.entity_id.isdigit() else None
        if entry.entity == "artifact" and key in titles:
            subject = f"artifact {key} {titles[key]}"
        elif entry.entity == "person" and key in names:
            subject = f"person {names[key]}"
        elif entry.entity == "workspace":
            subject = "workspace"
        else:
            subject = f"{entry.entity} {entry.entity_id}"
        rows[entry.id] = AuditRow(
            id=entry.id,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            subject=subject,
            summary=entry.summary,
            prev_hash=entry.prev_hash,
            entry_hash=entry.entry_hash,
        )
    return rows


# Hashes and ids come last and shortened: a reader looks for what changed first.
TECHNICAL_KEYS = ("key_id", "approval_id", "log_entries", "content_sha256", "key_fingerprint")
_HEX = re.compile(r"[0-9a-fA-F]{32,}")


def _value(value: object) -> str:
    if isinstance(value, list):
        text = ", ".join(_value(item) for item in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif value is None:
        text = "—"
    elif isinstance(value, str) and _HEX.fullmatch(value):
        text = value[:12] + "…"
    else:
        text = str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def describe_summary(summary: str) -> str:
    """An entry's JSON summary as one readable line: ``title: A → B; version: 2``."""
    try:
        data = json.loads(summary)
    except ValueError:
        return summary
    if not isinstance(data, dict):
        return _value(data)
    parts: list[str] = []
    before, after = data.get("before"), data.get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        parts.extend(
            f"{key}: {_value(before.get(key))} → {_value(value)}" for key, value in after.items()
        )
        data = {k: v for k, v in data.items() if k not in ("before", "after")}
    ordered = sorted(
        data.items(),
        key=lambda item: TECHNICAL_KEYS.index(item[0]) + 1 if item[0] in TECHNICAL_KEYS else 0,
    )
    for key, value in ordered:
        if isinstance(value, dict) and set(value) == {"before", "after"}:
            parts.append(f"{key}: {_value(value['before'])} → {_value(value['after'])}")
        elif value not in (None, "", [], {}):
            parts.append(f"{key}: {_value(value)}")
    return "; ".join(parts)


def _csv_rows(workspace: Workspace, ids: Sequence[int]) -> Iterator[tuple[sheets.Value, ...]]:
    for start in range(0, len(ids), 500):
        page = ids[start : start + 500]
        fetched = fetch_rows(workspace, page)
        for entry_id in page:
            row = fetched[entry_id]
            yield (
                row.id, row.at.isoformat(), row.actor, row.action, row.entity, row.entity_id,
                row.subject, row.description, row.summary, row.prev_hash, row.entry_hash,
            )  # fmt: skip


def export_csv(workspace: Workspace, target: Path, audit_filter: AuditFilter) -> int:
    """Write the (filtered) audit trail, oldest first, with each entry's hashes; returns the
    number of entries. The file is written whole or not at all, and text a spreadsheet would
    evaluate (an actor named "=HYPERLINK(...)") is neutralised."""
    ids = query_ids(workspace, audit_filter, newest_first=False)
    return sheets.write_csv(target, CSV_HEADER, _csv_rows(workspace, ids))
