"""Planner events before they are stored: the event draft, a change to one occurrence, and the
checks both pass before anything is written.

Events are stored in UTC; a repeating event keeps its rule (RFC 5545 RRULE) and, per changed or
cancelled occurrence, an :class:`~workbench.models.EventException`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from workbench.models import (
    EventKind,
    EventStatus,
)
from workbench.services.catalog.standards import default_catalog
from workbench.services.common import text
from workbench.services.common.errors import ServiceError
from workbench.services.planner import recurrence
from workbench.services.planner.recurrence import RecurrenceError

UID_DOMAIN = "grc-workbench"
MAX_SPAN_DAYS = 366
# The dates the planner works with: wide enough for any engagement and any calendar file,
# narrow enough that no time zone or repeat rule steps off the end of the calendar.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)

KIND_LABELS: dict[EventKind, str] = {
    EventKind.INTERNAL_AUDIT: "Internal audit",
    EventKind.MANAGEMENT_REVIEW: "Management review",
    EventKind.STAGE_1: "Certification stage 1",
    EventKind.STAGE_2: "Certification stage 2",
    EventKind.SURVEILLANCE: "Surveillance audit",
    EventKind.RECERTIFICATION: "Recertification audit",
    EventKind.DOCUMENT_REVIEW: "Document review",
    EventKind.TRAINING: "Training",
    EventKind.OTHER: "Other",
}
AUDIT_KINDS = frozenset(
    {
        EventKind.INTERNAL_AUDIT,
        EventKind.STAGE_1,
        EventKind.STAGE_2,
        EventKind.SURVEILLANCE,
        EventKind.RECERTIFICATION,
    }
)


class PlannerError(ServiceError):
    """Bad planner input; ``str(error)`` is one sentence for the user."""


def new_uid() -> str:
    return f"{uuid.uuid4()}@{UID_DOMAIN}"


def all_day_start(day: date) -> datetime:
    """How an all-day event's day is stored: 00:00 UTC."""
    return datetime.combine(day, time(), tzinfo=UTC)


def parse_kind(text: str) -> EventKind:
    """An event kind from its value or label (``internal_audit``, "Internal audit", "stage-1")."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    for kind in EventKind:
        if key in (kind.value, KIND_LABELS[kind].lower().replace(" ", "_")):
            return kind
    known = ", ".join(kind.value for kind in EventKind)
    raise PlannerError(f"Unknown event kind '{text}' (known: {known}).")


# --- drafts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventDraft:
    """What a user enters for an event (or a whole series).

    ``start`` and ``end`` are aware datetimes; for an all-day event only their dates count
    (:func:`all_day_start` makes one) and ``end`` is exclusive, as in iCalendar.
    """

    kind: EventKind
    title: str
    start: datetime
    end: datetime | None = None
    all_day: bool = False
    rrule: str | None = None
    tzid: str | None = None
    location: str = ""
    notes: str = ""
    status: EventStatus = EventStatus.PLANNED
    outcome: str = ""
    reminder_minutes: int | None = None
    artifact_ids: tuple[int, ...] = ()
    refs: tuple[str, ...] = ()
    uid: str | None = None


@dataclass(frozen=True)
class OccurrenceChange:
    """Changes to one occurrence of a series; None keeps the series' value."""

    start: datetime | None = None
    end: datetime | None = None
    title: str | None = None
    location: str | None = None
    notes: str | None = None
    status: EventStatus | None = None
    outcome: str | None = None


def _checked_times(draft: EventDraft) -> tuple[datetime, datetime | None]:
    for name, value in (("start", draft.start), ("end", draft.end)):
        if value is not None and value.tzinfo is None:
            raise PlannerError(f"The {name} time needs a time zone.")
        if value is not None and not EARLIEST_DAY <= value.date() <= LATEST_DAY:
            raise PlannerError(
                f"The {name} {value.date().isoformat()} is outside the dates the planner uses "
                f"({EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()})."
            )
    start, end = draft.start.astimezone(UTC), draft.end.astimezone(UTC) if draft.end else None
    if draft.all_day:  # the dates as given, whatever their zone
        start = all_day_start(draft.start.date())
        end = all_day_start(draft.end.date()) if draft.end else None
        if end is not None and end <= start:
            end = None  # a one-day event: iCalendar's default duration
    if end is not None and end < start:
        raise PlannerError("The event ends before it starts.")
    if end is not None and end - start > timedelta(days=MAX_SPAN_DAYS):
        raise PlannerError("An event may last at most a year; use a repeating event instead.")
    return start, end


def _checked_tzid(tzid: str | None) -> str | None:
    if not tzid:
        return None
    if recurrence.series_zone(tzid, all_day=False) is UTC and tzid != "UTC":
        raise PlannerError(f"Unknown time zone '{tzid}'.")
    return tzid


def _checked_refs(refs: Iterable[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(ref.strip() for ref in refs if ref.strip()))
    unknown = default_catalog().unknown(cleaned)
    if unknown:
        raise PlannerError(f"Unknown clause or control reference: {', '.join(unknown)}.")
    return cleaned


def validate_draft(draft: EventDraft) -> EventDraft:
    """The draft as it will be stored, or PlannerError saying what is wrong with it."""
    title = text.single_line(draft.title, "event title")
    if not title:
        raise PlannerError("An event needs a title.")
    if draft.reminder_minutes is not None and draft.reminder_minutes < 0:
        raise PlannerError("A reminder is given in minutes before the event, not after.")
    start, end = _checked_times(draft)
    tzid = None if draft.all_day else _checked_tzid(draft.tzid)
    rule = None
    if draft.rrule and draft.rrule.strip():
        try:
            rule = recurrence.normalize(
                draft.rrule, dtstart=start, all_day=draft.all_day, tzid=tzid
            )
        except RecurrenceError as error:
            raise PlannerError(str(error)) from None
    return replace(
        draft,
        title=title,
        start=start,
        end=end,
        tzid=tzid,
        rrule=rule,
        location=text.single_line(draft.location, "location"),
        notes=text.multi_line(draft.notes, "notes"),
        outcome=text.multi_line(draft.outcome, "outcome"),
        refs=_checked_refs(text.single_line(ref, "reference") for ref in draft.refs),
        artifact_ids=tuple(dict.fromkeys(draft.artifact_ids)),
        uid=text.optional_single_line(draft.uid, "UID"),
    )
