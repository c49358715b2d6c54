"""iCalendar (.ics, RFC 5545) import of planner events.

Reads events from any calendar program (RRULE, EXDATE, RECURRENCE-ID, all-day events, TZID time
zones including Outlook's Windows zone names). Times are converted to UTC. An event whose UID is
already in the workspace is updated rather than added again. The whole file is checked before
anything is written, and written in one transaction: a malformed file is reported with the
reason and nothing of it is imported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from sqlmodel import Session, col, delete, select

from workbench.models import EventException, EventKind, EventLink, EventStatus, PlannerEvent
from workbench.services.common import text
from workbench.services.common.errors import ServiceError
from workbench.services.common.text import TextError
from workbench.services.planner import recurrence
from workbench.services.planner.drafts import (
    UID_DOMAIN,
    EventDraft,
    OccurrenceChange,
    PlannerError,
    all_day_start,
    parse_kind,
    validate_draft,
)
from workbench.services.planner.events import add_event, write_event
from workbench.services.planner.ics_format import (
    DERIVED_UIDS,
    KIND_HINTS,
    READ_ERRORS,
    X_KIND,
    X_OUTCOME,
    X_REFS,
    X_STATUS,
    IcsError,
)
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

# --- import ---------------------------------------------------------------------------------


@dataclass
class ImportedEvent:
    """One event of a calendar file, checked and ready to store."""

    draft: EventDraft
    cancelled: list[datetime] = field(default_factory=list)
    overrides: dict[datetime, OccurrenceChange] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    warnings: tuple[str, ...]
    changes: ChangeSet

    @property
    def total(self) -> int:
        return self.created + self.updated


def _label(component: icalendar.Component) -> str:
    summary = str(component.get("SUMMARY", "")).strip()
    uid = str(component.get("UID", "")).strip()
    return f"event '{summary}'" if summary else f"event {uid or '(no UID)'}"


def _tzid_of(component: icalendar.Component, name: str, value: datetime) -> str | None:
    """The IANA zone of a local time, from its TZID (Windows names mapped) or its tzinfo."""
    prop = component.get(name)
    params = getattr(prop, "params", {})
    tzid = str(params.get("TZID", "")).strip('"') if params else ""
    candidates = [tzid, WINDOWS_TO_OLSON.get(tzid, ""), getattr(value.tzinfo, "key", "")]
    for candidate in candidates:
        if candidate:
            try:
                ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return str(candidate)
    return None


def _moment(value: object, *, where: str, floating: tzinfo) -> tuple[datetime, bool]:
    """(aware UTC datetime, is a date) from a decoded DTSTART-like value."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=floating)
        return aware.astimezone(UTC), False
    if isinstance(value, date):
        return all_day_start(value), True
    raise IcsError(f"{where} is not a date or a date-time.")


def _decoded(component: icalendar.Component, name: str, where: str) -> Any:
    try:
        return component.decoded(name)
    except (ValueError, TypeError, KeyError) as error:
        raise IcsError(f"{where} has an unreadable {name}: {error}.") from None


def _kind(component: icalendar.Component) -> EventKind:
    marked = component.get(X_KIND)
    if marked:
        try:
            return parse_kind(str(marked))
        except PlannerError:
            pass
    categories = component.get("CATEGORIES")
    texts = [str(component.get("SUMMARY", ""))]
    for group in categories if isinstance(categories, list) else [categories]:
        if group is not None:
            texts.extend(str(category) for category in getattr(group, "cats", []))
    text = " ".join(texts).lower().replace("-", " ")
    for hint, kind in KIND_HINTS:
        if hint in text:
            return kind
    return EventKind.OTHER


def _status(component: icalendar.Component) -> EventStatus:
    marked = str(component.get(X_STATUS, "")).lower()
    if marked in {status.value for status in EventStatus}:
        return EventStatus(marked)
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return EventStatus.CANCELLED
    return EventStatus.PLANNED


def _reminder(component: icalendar.Component) -> int | None:
    for alarm in component.walk("VALARM"):
        try:
            trigger = alarm.decoded("TRIGGER")
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(trigger, timedelta) and trigger <= timedelta():
            return int(-trigger.total_seconds() // 60)
    return None


def _dates(component: icalendar.Component, name: str) -> list[Any]:
    value = component.get(name)
    if value is None:
        return []
    groups = value if isinstance(value, list) else [value]
    return [item.dt for group in groups for item in getattr(group, "dts", [])]


def _end(
    component: icalendar.Component, start: datetime, all_day: bool, where: str, floating: tzinfo
) -> datetime | None:
    if "DTEND" in component:
        end, _ = _moment(_decoded(component, "DTEND", where), where=where, floating=floating)
    elif "DURATION" in component:
        duration = _decoded(component, "DURATION", where)
        if not isinstance(duration, timedelta):
            raise IcsError(f"{where} has a DURATION that is not a duration.")
        end = start + duration
    else:
        return None
    if end < start:
        raise IcsError(f"{where} ends before it starts.")
    if all_day and end <= start + timedelta(days=1):
        return None
    return end if end > start else None


def _check_errors(component: icalendar.Component, where: str) -> None:
    errors = getattr(component, "errors", [])
    if errors:
        name, message = errors[0]
        raise IcsError(f"{where}: {name or 'a line'} cannot be read ({message}).")


def _text(component: icalendar.Component, name: str) -> str:
    value = component.get(name)
    return str(value).strip() if value is not None else ""


def _draft(component: icalendar.Component, floating: tzinfo, warnings: list[str]) -> EventDraft:
    where = _label(component)
    _check_errors(component, where)
    if "DTSTART" not in component:
        raise IcsError(f"{where} has no start (DTSTART).")
    raw_start = _decoded(component, "DTSTART", where)
    start, all_day = _moment(raw_start, where=where, floating=floating)
    tzid = None
    if not all_day and isinstance(raw_start, datetime):
        tzid = _tzid_of(component, "DTSTART", raw_start) if raw_start.tzinfo else None
        if raw_start.tzinfo is None:
            tzid = recurrence.local_zone_name()
    rule = None
    if "RRULE" in component:
        value = component.get("RRULE")
        if isinstance(value, list):
            warnings.append(f"{where}: only the first of its {len(value)} RRULEs was kept.")
            value = value[0]
        rule = value.to_ical().decode("utf-8")
    if "RDATE" in component:
        warnings.append(f"{where}: extra dates (RDATE) are not supported and were left out.")
    refs = tuple(ref for ref in _text(component, X_REFS).split(",") if ref.strip())
    draft = EventDraft(
        kind=_kind(component),
        title=_text(component, "SUMMARY") or "(untitled)",
        start=start,
        end=_end(component, start, all_day, where, floating),
        all_day=all_day,
        rrule=rule,
        tzid=tzid,
        location=_text(component, "LOCATION"),
        notes=_text(component, "DESCRIPTION"),
        status=_status(component),
        outcome=_text(component, X_OUTCOME),
        reminder_minutes=_reminder(component),
        refs=refs,
        uid=_text(component, "UID"),
    )
    try:
        return validate_draft(draft)
    except ServiceError as error:  # a PlannerError, or a TextError naming a bad character
        if refs and "reference" in str(error):
            warnings.append(f"{where}: {error} The references were left out.")
            return validate_draft(replace(draft, refs=()))
        raise IcsError(f"{where}: {error}") from None


def _override_change(
    component: icalendar.Component, master: EventDraft, floating: tzinfo
) -> tuple[datetime, OccurrenceChange]:
    where = _label(component)
    _check_errors(component, where)
    original, _ = _moment(
        _decoded(component, "RECURRENCE-ID", where), where=where, floating=floating
    )
    start = original
    if "DTSTART" in component:
        start, _ = _moment(_decoded(component, "DTSTART", where), where=where, floating=floating)
    end = _end(component, start, master.all_day, where, floating)
    has_status = "STATUS" in component or X_STATUS in component
    try:
        title = text.single_line(_text(component, "SUMMARY"), "event title")
        change = OccurrenceChange(
            start=start,
            end=end,
            title=title if title and title != master.title else None,
            location=text.single_line(_text(component, "LOCATION"), "location") or None,
            notes=text.multi_line(_text(component, "DESCRIPTION"), "notes") or None,
            status=_status(component) if has_status else None,
            outcome=text.multi_line(_text(component, X_OUTCOME), "outcome") or None,
        )
    except TextError as error:
        raise IcsError(f"{where}: {error}") from None
    return original, change


def _calendars(data: bytes, name: str) -> list[icalendar.Component]:
    if not data.strip():
        raise IcsError(f"{name} is empty.")
    try:
        found = icalendar.Calendar.from_ical(data, multiple=True)
    except READ_ERRORS as error:
        reason = str(error).split("\n", 1)[0]
        raise IcsError(f"{name} is not a valid iCalendar file: {reason}") from None
    calendars: list[icalendar.Component] = [c for c in found if c.name == "VCALENDAR"]
    if not calendars and b"BEGIN:VCALENDAR" in data.upper():
        raise IcsError(
            f"{name} is not a valid iCalendar file: its BEGIN and END lines do not match "
            "(is the file cut short?)."
        )
    if not calendars:
        raise IcsError(f"{name} holds no calendar (no BEGIN:VCALENDAR).")
    return calendars


def _fallback_uid(draft: EventDraft) -> str:
    """A UID for an event that has none (RFC 5545 requires one), stable across imports."""
    material = f"{draft.title}|{draft.start.isoformat()}|{draft.rrule or ''}"
    return f"{hashlib.sha256(material.encode('utf-8')).hexdigest()[:32]}@import"


def _derived_from_records(uid: str) -> str | None:
    """Why an event the workbench exported from a record (a review date, a due date, an
    expiry) is not imported as an event of its own; None for any other event. Importing it
    would put the date on the calendar twice, and moving it would not move the record."""
    if not uid.endswith(f"@{UID_DOMAIN}"):
        return None
    for prefix, reason in DERIVED_UIDS:
        if uid.startswith(prefix) and uid[len(prefix) : -len(UID_DOMAIN) - 1].isdigit():
            return reason
    return None


def parse_ics(data: bytes, *, name: str = "the file") -> tuple[list[ImportedEvent], list[str]]:
    """Read and check every event of a calendar file; raise IcsError on the first problem."""
    floating = recurrence.local_zone()
    masters: dict[str, ImportedEvent] = {}
    overrides: list[icalendar.Component] = []
    derived_skipped = 0
    warnings: list[str] = []
    for calendar in _calendars(data, name):
        for component in calendar.walk("VEVENT"):
            if "RECURRENCE-ID" in component:
                overrides.append(component)
                continue
            try:
                draft = _draft(component, floating, warnings)
            except IcsError:
                raise
            except READ_ERRORS as error:
                raise IcsError(f"{_label(component)} cannot be read: {error}.") from None
            uid = draft.uid or _fallback_uid(draft)
            derived = _derived_from_records(uid)
            if derived is not None:
                derived_skipped += 1
                warnings.append(f"{_label(component)} {derived} and were not imported")
                continue
            if uid in masters:
                raise IcsError(f"{_label(component)}: the UID {uid} is used by two events.")
            imported = ImportedEvent(draft=replace(draft, uid=uid))
            for value in _dates(component, "EXDATE"):
                moment, _ = _moment(value, where=_label(component), floating=floating)
                imported.cancelled.append(moment)
            masters[uid] = imported
    for component in overrides:
        uid = _text(component, "UID")
        master = masters.get(uid)
        if master is None or master.draft.rrule is None:
            warnings.append(f"{_label(component)}: changes one occurrence of a series not in "
                            "the file; left out.")  # fmt: skip
            continue
        try:
            original, change = _override_change(component, master.draft, floating)
        except IcsError:
            raise
        except READ_ERRORS as error:
            raise IcsError(f"{_label(component)} cannot be read: {error}.") from None
        master.overrides[original] = change
    if not masters and not derived_skipped:
        raise IcsError(f"{name} holds no events.")
    return list(masters.values()), warnings


def _store_exceptions(session: Session, event: PlannerEvent, imported: ImportedEvent) -> None:
    assert event.id is not None
    session.exec(delete(EventException).where(col(EventException.event_id) == event.id))
    if event.rrule is None:
        return
    seen: set[datetime] = set()
    for original in imported.cancelled:
        if original in seen or not recurrence.is_occurrence(
            event.rrule,
            event.start,
            original,
            all_day=event.all_day,
            tzid=event.tzid,
            cache=recurrence.expansions(session),
        ):
            continue
        seen.add(original)
        session.add(EventException(event_id=event.id, original_start=original, cancelled=True))
    for original, change in imported.overrides.items():
        if original in seen:
            continue
        seen.add(original)
        session.add(
            EventException(
                event_id=event.id,
                original_start=original,
                start=change.start,
                end=change.end,
                title=change.title,
                location=change.location,
                notes=change.notes,
                status=change.status,
                outcome=change.outcome,
            )
        )
    session.flush()


def _linked_artifacts(session: Session, event_id: int) -> tuple[int, ...]:
    statement = select(EventLink.artifact_id).where(
        col(EventLink.event_id) == event_id, col(EventLink.artifact_id).is_not(None)
    )
    return tuple(artifact_id for artifact_id in session.exec(statement) if artifact_id is not None)


def store_events(session: Session, imported: Iterable[ImportedEvent]) -> tuple[int, int, set[int]]:
    """Add or update (by UID) events as part of the caller's write: (created, updated, ids)."""
    created = updated = 0
    ids: set[int] = set()
    for item in imported:
        existing = session.exec(
            select(PlannerEvent).where(col(PlannerEvent.uid) == item.draft.uid)
        ).first()
        if existing is None:
            event = add_event(session, item.draft)
            created += 1
        else:
            assert existing.id is not None
            links = _linked_artifacts(session, existing.id)
            write_event(session, existing, replace(item.draft, artifact_ids=links))
            event = existing
            updated += 1
        _store_exceptions(session, event, item)
        assert event.id is not None
        ids.add(event.id)
    return created, updated, ids


def import_ics(workspace: Workspace, path: Path, *, actor: str) -> ImportResult:
    """Import a .ics file: all of it in one transaction, or nothing (IcsError says why)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IcsError(f"Cannot read {path}: {error.strerror or error}.") from error
    return import_ics_data(workspace, data, name=path.name, actor=actor)


def import_ics_data(workspace: Workspace, data: bytes, *, name: str, actor: str) -> ImportResult:
    imported, warnings = parse_ics(data, name=name)
    with run_write(
        workspace, actor=actor, action="planner.import", entity="planner_event", entity_id=name
    ) as write:
        session = write.session
        created, updated, ids = store_events(session, imported)
        write.summary = {"file": name, "created": created, "updated": updated}
        write.changed(events=ids)
    return ImportResult(
        created=created, updated=updated, warnings=tuple(warnings), changes=write.changes
    )
