"""iCalendar (.ics, RFC 5545) export and import of planner events.

Export writes one VEVENT per event with a stable UID; a series carries its RRULE, cancelled
occurrences as EXDATE and changed ones as extra VEVENTs with RECURRENCE-ID. All-day events are
DATE values; timed events are UTC, or local time with TZID (and its VTIMEZONE) when the series
repeats in a zone.

Import reads events from any calendar program (RRULE, EXDATE, RECURRENCE-ID, all-day events,
TZID time zones including Outlook's Windows zone names). Times are converted to UTC. An event
whose UID is already in the workspace is updated rather than added again. The whole file is
checked before anything is written, and written in one transaction: a malformed file is
reported with the reason and nothing of it is imported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from sqlmodel import Session, col, delete, select

from workbench.models import EventException, EventKind, EventLink, EventStatus, PlannerEvent
from workbench.services import audit_log, recurrence
from workbench.services.changes import ChangeSet
from workbench.services.planner import (
    KIND_LABELS,
    UID_DOMAIN,
    EventDraft,
    Occurrence,
    OccurrenceChange,
    PlannerError,
    Source,
    add_event,
    all_day_start,
    occurrences,
    parse_kind,
    validate_draft,
    write_event,
)
from workbench.services.store import Workspace

PRODID = "-//GRC Workbench//Planner//EN"
REVIEW_UID_PREFIX = "artifact-review-"
X_KIND = "X-WORKBENCH-KIND"
X_STATUS = "X-WORKBENCH-STATUS"
X_OUTCOME = "X-WORKBENCH-OUTCOME"
X_REFS = "X-WORKBENCH-REFS"
# Words in a summary that tell an imported event's kind, most specific first.
KIND_HINTS: tuple[tuple[str, EventKind], ...] = (
    ("stage 1", EventKind.STAGE_1),
    ("stage 2", EventKind.STAGE_2),
    ("recertification", EventKind.RECERTIFICATION),
    ("surveillance", EventKind.SURVEILLANCE),
    ("internal audit", EventKind.INTERNAL_AUDIT),
    ("management review", EventKind.MANAGEMENT_REVIEW),
    ("review", EventKind.DOCUMENT_REVIEW),
    ("training", EventKind.TRAINING),
    ("awareness", EventKind.TRAINING),
)


# What the parser raises on a malformed file (AttributeError: components nested where
# they do not belong).
READ_ERRORS = (ValueError, IndexError, KeyError, TypeError, AttributeError)


class IcsError(PlannerError):
    """A calendar file cannot be imported; ``str(error)`` says why, in one sentence."""


# --- export ---------------------------------------------------------------------------------


def _zone(event: PlannerEvent) -> tzinfo | None:
    if event.all_day or not event.tzid:
        return None
    zone = recurrence.series_zone(event.tzid, all_day=False)
    return None if zone is UTC else zone


def _when(moment: datetime, event: PlannerEvent) -> date | datetime:
    """A time as the event's DTSTART shows it: a date, a zoned local time, or UTC."""
    if event.all_day:
        return moment.astimezone(UTC).date()
    zone = _zone(event)
    return moment.astimezone(zone) if zone else moment.astimezone(UTC)


def _base_component(event: PlannerEvent, stamp: datetime) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", stamp)
    component.add("created", event.created_at.astimezone(UTC))
    component.add("last-modified", event.updated_at.astimezone(UTC))
    return component


def _add_times(
    component: icalendar.Component, event: PlannerEvent, start: datetime, end: datetime | None
) -> None:
    component.add("dtstart", _when(start, event))
    if event.all_day:
        last = end if end is not None and end > start else start + timedelta(days=1)
        component.add("dtend", _when(last, event))
    elif end is not None and end > start:
        component.add("dtend", _when(end, event))


def _add_status(component: icalendar.Component, status: EventStatus) -> None:
    component.add("status", "CANCELLED" if status is EventStatus.CANCELLED else "CONFIRMED")
    component.add(X_STATUS, status.value)


def _master(event: PlannerEvent, refs: list[str], stamp: datetime) -> icalendar.Event:
    component = _base_component(event, stamp)
    component.add("summary", event.title)
    _add_times(component, event, event.start, event.end)
    if event.rrule:
        component.add("rrule", icalendar.vRecur.from_ical(event.rrule))
    if event.location:
        component.add("location", event.location)
    if event.notes:
        component.add("description", event.notes)
    _add_status(component, event.status)
    component.add("categories", [KIND_LABELS[event.kind]])
    component.add(X_KIND, event.kind.value)
    if event.outcome:
        component.add(X_OUTCOME, event.outcome)
    if refs:
        component.add(X_REFS, ",".join(refs))
    if event.reminder_minutes is not None:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.title)
        alarm.add("trigger", timedelta(minutes=-event.reminder_minutes))
        component.add_component(alarm)
    return component


def _override(event: PlannerEvent, exception: EventException, stamp: datetime) -> icalendar.Event:
    component = _base_component(event, stamp)
    component.add("recurrence-id", _when(exception.original_start, event))
    component.add("summary", exception.title if exception.title is not None else event.title)
    duration = (event.end - event.start) if event.end else None
    start = exception.start or exception.original_start
    end = exception.end if exception.start else None
    if end is None and duration is not None:
        end = start + duration
    _add_times(component, event, start, end)
    location = exception.location if exception.location is not None else event.location
    if location:
        component.add("location", location)
    notes = exception.notes if exception.notes is not None else event.notes
    if notes:
        component.add("description", notes)
    _add_status(component, exception.status or event.status)
    component.add(X_KIND, event.kind.value)
    outcome = exception.outcome if exception.outcome is not None else event.outcome
    if outcome:
        component.add(X_OUTCOME, outcome)
    return component


def _selected_ids(
    workspace: Workspace,
    first: date | None,
    last: date | None,
    kinds: Collection[EventKind] | None,
) -> set[int] | None:
    if first is None and last is None:
        return None
    found = occurrences(
        workspace,
        first or date(1900, 1, 1),
        last or date(9000, 12, 31),
        kinds=kinds,
        include_reviews=False,
    )
    return {o.event_id for o in found if o.event_id is not None}


def build_calendar(
    workspace: Workspace,
    *,
    first: date | None = None,
    last: date | None = None,
    kinds: Collection[EventKind] | None = None,
    event_ids: Collection[int] | None = None,
    include_reviews: bool = True,
) -> tuple[icalendar.Calendar, int]:
    """The workspace's events as a calendar, and how many events it holds.

    Filters combine: ``first``/``last`` keep events (whole series) with an occurrence in that
    range, ``kinds`` keeps those kinds, ``event_ids`` keeps those events. Review due dates of
    register artifacts come along as one-day events unless ``include_reviews`` is False or
    ``event_ids`` picks particular events.
    """
    include_reviews = include_reviews and event_ids is None
    in_range = _selected_ids(workspace, first, last, kinds)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "ISMS audits and reviews")
    stamp = datetime.now(UTC).replace(microsecond=0)
    statement = select(PlannerEvent).order_by(col(PlannerEvent.start), col(PlannerEvent.id))
    if kinds is not None:
        statement = statement.where(col(PlannerEvent.kind).in_(list(kinds)))
    count = 0
    with workspace.read() as session:
        refs: dict[int, list[str]] = {}
        for event_id, ref in session.exec(
            select(EventLink.event_id, EventLink.ref).where(col(EventLink.ref).is_not(None))
        ):
            if ref:
                refs.setdefault(event_id, []).append(ref)
        exceptions: dict[int, list[EventException]] = {}
        for exception in session.exec(select(EventException)):
            exceptions.setdefault(exception.event_id, []).append(exception)
        for event in session.exec(statement):
            assert event.id is not None
            if in_range is not None and event.id not in in_range:
                continue
            if event_ids is not None and event.id not in event_ids:
                continue
            master = _master(event, refs.get(event.id, []), stamp)
            own = sorted(exceptions.get(event.id, []), key=lambda e: e.original_start)
            cancelled = [_when(e.original_start, event) for e in own if e.cancelled]
            if cancelled:
                master.add("exdate", cancelled)
            calendar.add_component(master)
            for exception in own:
                if not exception.cancelled:
                    calendar.add_component(_override(event, exception, stamp))
            count += 1
    if include_reviews and (kinds is None or EventKind.DOCUMENT_REVIEW in kinds):
        for review in occurrences(
            workspace,
            first or date(1900, 1, 1),
            last or date(9000, 12, 31),
            kinds=[EventKind.DOCUMENT_REVIEW],
            include_reviews=True,
        ):
            if review.source is Source.REVIEW and review.artifact_id is not None:
                calendar.add_component(_review_component(review, stamp))
                count += 1
    calendar.add_missing_timezones()
    return calendar, count


def review_uid(artifact_id: int) -> str:
    return f"{REVIEW_UID_PREFIX}{artifact_id}@{UID_DOMAIN}"


def _review_component(review: Occurrence, stamp: datetime) -> icalendar.Event:
    """An artifact's review due date, as a one-day event other calendars can show."""
    assert review.artifact_id is not None
    component = icalendar.Event()
    component.add("uid", review_uid(review.artifact_id))
    component.add("dtstamp", stamp)
    component.add("summary", review.title)
    day = review.start.astimezone(UTC).date()
    component.add("dtstart", day)
    component.add("dtend", day + timedelta(days=1))
    component.add("categories", [KIND_LABELS[EventKind.DOCUMENT_REVIEW]])
    component.add("transp", "TRANSPARENT")
    return component


def export_ics(workspace: Workspace, path: Path, **filters: Any) -> int:
    """Write the (filtered) events to ``path``; return how many events were written."""
    calendar, count = build_calendar(workspace, **filters)
    data = calendar.to_ical()
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:
        raise IcsError(f"Cannot write {path}: {error.strerror or error}.") from error
    return count


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
    except PlannerError as error:
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
    title = _text(component, "SUMMARY")
    has_status = "STATUS" in component or X_STATUS in component
    change = OccurrenceChange(
        start=start,
        end=end,
        title=title if title and title != master.title else None,
        location=_text(component, "LOCATION") or None,
        notes=_text(component, "DESCRIPTION") or None,
        status=_status(component) if has_status else None,
        outcome=_text(component, X_OUTCOME) or None,
    )
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


def parse_ics(data: bytes, *, name: str = "the file") -> tuple[list[ImportedEvent], list[str]]:
    """Read and check every event of a calendar file; raise IcsError on the first problem."""
    floating = recurrence.local_zone()
    masters: dict[str, ImportedEvent] = {}
    overrides: list[icalendar.Component] = []
    reviews_skipped = 0
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
            if uid.startswith(REVIEW_UID_PREFIX) and uid.endswith(f"@{UID_DOMAIN}"):
                reviews_skipped += 1
                warnings.append(
                    f"{_label(component)} is a review date from a workbench register; "
                    "review dates come from the artifacts and were not imported"
                )
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
    if not masters and not reviews_skipped:
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
            event.rrule, event.start, original, all_day=event.all_day, tzid=event.tzid
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


def store_events(
    session: Session, imported: Iterable[ImportedEvent], *, actor: str
) -> tuple[int, int, set[int]]:
    """Add or update (by UID) events in the caller's transaction: (created, updated, ids)."""
    created = updated = 0
    ids: set[int] = set()
    for item in imported:
        existing = session.exec(
            select(PlannerEvent).where(col(PlannerEvent.uid) == item.draft.uid)
        ).first()
        if existing is None:
            event = add_event(session, item.draft, actor=actor, action="")
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
    with workspace.write() as session:
        created, updated, ids = store_events(session, imported, actor=actor)
        audit_log.append(
            session,
            actor=actor,
            action="planner.import",
            entity="planner_event",
            entity_id=name,
            summary={"file": name, "created": created, "updated": updated},
        )
    return ImportResult(
        created=created,
        updated=updated,
        warnings=tuple(warnings),
        changes=ChangeSet(events=frozenset(ids)),
    )
