"""The planner: audits, reviews and other dated ISMS activities, one-off or repeating.

Events are stored in UTC; a repeating event keeps its rule (RFC 5545 RRULE) and, per changed or
cancelled occurrence, an :class:`~workbench.models.EventException`. Review due dates of register
artifacts are not stored as events: :func:`occurrences` derives them from ``next_review``.

All-day events are stored at 00:00 UTC of their first day, with ``end`` (when longer than one
day) at 00:00 UTC of the day after their last, as iCalendar does.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any, Protocol

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from workbench.models import (
    Artifact,
    ArtifactStatus,
    EventException,
    EventKind,
    EventLink,
    EventStatus,
    Finding,
    FindingStatus,
    PlannerEvent,
    utc_now,
)
from workbench.services import audit_log, recurrence
from workbench.services.catalog import default_catalog
from workbench.services.changes import ChangeSet
from workbench.services.recurrence import RecurrenceError, day_bounds
from workbench.services.store import Workspace

UID_DOMAIN = "grc-workbench"
MAX_SPAN_DAYS = 366

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


class PlannerError(ValueError):
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
    title = draft.title.strip()
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
        location=draft.location.strip(),
        refs=_checked_refs(draft.refs),
        artifact_ids=tuple(dict.fromkeys(draft.artifact_ids)),
    )


# --- occurrences ----------------------------------------------------------------------------


class Source(StrEnum):
    EVENT = "event"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One dated appearance of an event (or of an artifact's review due date) on the calendar."""

    source: Source
    kind: EventKind
    title: str
    start: datetime
    end: datetime | None
    all_day: bool
    status: EventStatus = EventStatus.PLANNED
    event_id: int | None = None
    original_start: datetime | None = None
    recurring: bool = False
    modified: bool = False
    artifact_id: int | None = None
    location: str = ""
    uid: str = ""

    @property
    def key(self) -> str:
        """Identifies the occurrence across refreshes (for selections and drag and drop)."""
        if self.source is Source.REVIEW:
            return f"review:{self.artifact_id}"
        original = self.original_start.isoformat() if self.original_start else ""
        return f"event:{self.event_id}:{original}"

    def days(self, zone: tzinfo) -> tuple[date, date]:
        """The first and last day (inclusive) the occurrence covers, as seen in ``zone``."""
        if self.all_day:
            first = self.start.astimezone(UTC).date()
            if self.end is None or self.end <= self.start:
                return first, first
            return first, self.end.astimezone(UTC).date() - timedelta(days=1)
        first = self.start.astimezone(zone).date()
        if self.end is None or self.end <= self.start:
            return first, first
        # An event ending at midnight does not spill into the next day.
        last = (self.end - timedelta(microseconds=1)).astimezone(zone).date()
        return first, max(first, last)


def parse_key(key: str) -> tuple[str, int, datetime | None]:
    """(source, id, original start) from :attr:`Occurrence.key`."""
    source, _, rest = key.partition(":")
    identifier, _, original = rest.partition(":")
    try:
        return source, int(identifier), datetime.fromisoformat(original) if original else None
    except ValueError:
        raise PlannerError(f"Not an occurrence: {key}.") from None


class EventLike(Protocol):
    """What expansion reads of an event: a stored :class:`PlannerEvent` or a row of one."""

    @property
    def id(self) -> int | None: ...
    @property
    def uid(self) -> str: ...
    @property
    def kind(self) -> EventKind: ...
    @property
    def title(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime | None: ...
    @property
    def all_day(self) -> bool: ...
    @property
    def rrule(self) -> str | None: ...
    @property
    def tzid(self) -> str | None: ...
    @property
    def location(self) -> str: ...
    @property
    def status(self) -> EventStatus: ...


# The columns a calendar needs; read as plain rows, which is several times quicker than
# loading ORM objects when a year holds thousands of events.
_EVENT_COLUMNS = [
    col(column)
    for column in (
        PlannerEvent.id, PlannerEvent.uid, PlannerEvent.kind, PlannerEvent.title,
        PlannerEvent.start, PlannerEvent.end, PlannerEvent.all_day, PlannerEvent.rrule,
        PlannerEvent.tzid, PlannerEvent.location, PlannerEvent.status,
    )
]  # fmt: skip


def _occurrence(
    event: EventLike,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    original_start: datetime | None = None,
    exception: EventException | None = None,
) -> Occurrence:
    title, location, status = event.title, event.location, event.status
    if exception is not None:
        title = exception.title if exception.title is not None else title
        location = exception.location if exception.location is not None else location
        status = exception.status or status
    return Occurrence(
        Source.EVENT,
        event.kind,
        title,
        event.start if start is None else start,
        event.end if start is None else end,
        event.all_day,
        status,
        event.id,
        original_start,
        event.rrule is not None,
        exception is not None,
        None,
        location,
        event.uid,
    )


def _expand(
    event: EventLike,
    exceptions: Sequence[EventException],
    after: datetime,
    before: datetime,
) -> list[Occurrence]:
    """The series' occurrences starting in ``[after, before)``, exceptions applied."""
    assert event.rrule is not None
    duration = (event.end - event.start) if event.end else None
    changed = {exception.original_start for exception in exceptions}
    # The hot loop of a busy calendar: the event's fields are read once, not per occurrence.
    kind, title, all_day, status = event.kind, event.title, event.all_day, event.status
    event_id, location, uid = event.id, event.location, event.uid
    found = [
        Occurrence(
            Source.EVENT, kind, title, start, start + duration if duration is not None else None,
            all_day, status, event_id, start, True, False, None, location, uid,
        )
        for start in recurrence.starts_between(
            event.rrule, event.start, after, before, all_day=all_day, tzid=event.tzid
        )
        if start not in changed
    ]  # fmt: skip
    for exception in exceptions:
        if exception.cancelled:
            continue
        start = exception.start or exception.original_start
        if not after <= start < before:
            continue
        end = exception.end if exception.start else None
        if end is None and duration is not None:
            end = start + duration
        found.append(
            _occurrence(
                event,
                start=start,
                end=end,
                original_start=exception.original_start,
                exception=exception,
            )
        )
    return found


def _event_conditions(kinds: Collection[EventKind] | None) -> list[Any]:
    return [col(PlannerEvent.kind).in_(list(kinds))] if kinds is not None else []


def _load_events(
    session: Session, after: datetime, before: datetime, kinds: Collection[EventKind] | None
) -> tuple[list[EventLike], dict[int, list[EventException]]]:
    single = and_(
        col(PlannerEvent.rrule).is_(None),
        col(PlannerEvent.start) < before,
        or_(col(PlannerEvent.end) >= after, col(PlannerEvent.start) >= after),
    )
    series = and_(
        col(PlannerEvent.rrule).is_not(None),
        col(PlannerEvent.start) < before,
        or_(
            col(PlannerEvent.recurrence_end).is_(None),
            col(PlannerEvent.recurrence_end) >= after - timedelta(days=MAX_SPAN_DAYS),
        ),
    )
    conditions = _event_conditions(kinds)
    connection = session.connection()
    rows = sa_select(*_EVENT_COLUMNS).where(or_(single, series), *conditions)
    events: list[EventLike] = list(connection.execute(rows))
    series_ids = {event.id for event in events if event.rrule is not None}
    # An occurrence moved into the range from a series that starts after it.
    moved_in = select(EventException.event_id).where(
        col(EventException.start) >= after, col(EventException.start) < before
    )
    missing = set(session.exec(moved_in)) - series_ids
    if missing:
        extra = sa_select(*_EVENT_COLUMNS).where(col(PlannerEvent.id).in_(missing), *conditions)
        events.extend(connection.execute(extra))
        series_ids |= missing
    exceptions: dict[int, list[EventException]] = {}
    if series_ids:
        statement = select(EventException).where(col(EventException.event_id).in_(series_ids))
        for exception in session.exec(statement):
            exceptions.setdefault(exception.event_id, []).append(exception)
    return events, exceptions


def _review_occurrences(session: Session, first: date, last: date) -> list[Occurrence]:
    statement = sa_select(col(Artifact.id), col(Artifact.title), col(Artifact.next_review)).where(
        col(Artifact.next_review) >= first,
        col(Artifact.next_review) <= last,
        col(Artifact.status) != ArtifactStatus.RETIRED,
    )
    return [
        _review(artifact_id, title, next_review)
        for artifact_id, title, next_review in session.connection().execute(statement)
        if next_review is not None
    ]


def _review(artifact_id: int | None, title: str, next_review: date) -> Occurrence:
    return Occurrence(
        source=Source.REVIEW,
        kind=EventKind.DOCUMENT_REVIEW,
        title=f"Review due: {title}",
        start=all_day_start(next_review),
        end=None,
        all_day=True,
        artifact_id=artifact_id,
    )


@contextmanager
def _collection_deferred() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a year's occurrences are built.

    Thousands of small, acyclic objects would otherwise trigger several collections, now and
    then a full one over every object of the process (the GUI's included), which makes a
    refresh take twice as long at random. Reference counting still frees everything at once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def occurrences(
    workspace: Workspace,
    first: date,
    last: date,
    *,
    zone: tzinfo = UTC,
    kinds: Collection[EventKind] | None = None,
    include_reviews: bool = True,
) -> list[Occurrence]:
    """Everything on the calendar from ``first`` to ``last`` (inclusive) as seen in ``zone``.

    Repeating events are expanded, with moved, changed and cancelled occurrences applied;
    review due dates of register artifacts (not retired) are included unless asked not to.
    """
    begin, end = day_bounds(first, last, zone)
    # All-day events sit at 00:00 UTC, up to 14 hours from local midnight: widen by a day.
    after, before = begin - timedelta(days=1), end + timedelta(days=1)
    found: list[Occurrence] = []
    with workspace.read() as session, _collection_deferred():
        events, exceptions = _load_events(session, after, before, kinds)
        for event in events:
            if event.rrule is None:
                found.append(_occurrence(event))
                continue
            duration = (event.end - event.start) if event.end else timedelta()
            found.extend(
                _expand(event, exceptions.get(event.id or 0, []), after - duration, before)
            )
        if include_reviews and (kinds is None or EventKind.DOCUMENT_REVIEW in kinds):
            found.extend(_review_occurrences(session, first, last))
        placed = [(occurrence.days(zone), occurrence) for occurrence in found]
        kept = [(days, o) for days, o in placed if days[0] <= last and days[1] >= first]
        kept.sort(key=lambda pair: (pair[0][0], not pair[1].all_day, pair[1].start, pair[1].title))
        return [occurrence for _, occurrence in kept]


def by_day(
    found: Iterable[Occurrence], zone: tzinfo, first: date, last: date
) -> dict[date, list[Occurrence]]:
    """The occurrences on each day from ``first`` to ``last`` (a long one on each of its days)."""
    days: dict[date, list[Occurrence]] = {}
    for occurrence in found:
        begin, end = occurrence.days(zone)
        day = max(begin, first)
        while day <= min(end, last):
            days.setdefault(day, []).append(occurrence)
            day += timedelta(days=1)
    return days


def markers_by_day(
    found: Iterable[Occurrence], zone: tzinfo, first: date, last: date
) -> dict[date, list[EventKind]]:
    """The kinds on each day from ``first`` to ``last``, for the calendar's day markers."""
    return {
        day: [occurrence.kind for occurrence in occurrences]
        for day, occurrences in by_day(found, zone, first, last).items()
    }


def find_occurrence(
    workspace: Workspace, event_id: int, original_start: datetime | None
) -> Occurrence | None:
    """One occurrence by its event and original start (None for a one-off event)."""
    with workspace.read() as session:
        event = session.get(PlannerEvent, event_id)
        if event is None:
            return None
        if event.rrule is None or original_start is None:
            return _occurrence(event)
        statement = select(EventException).where(col(EventException.event_id) == event_id)
        exceptions = list(session.exec(statement))
    original = original_start.astimezone(UTC)
    tick = timedelta(microseconds=1)
    for exception in exceptions:
        if exception.original_start == original:
            if exception.cancelled:
                return None
            start = exception.start or original
            found = _expand(event, [exception], start, start + tick)
            return next(o for o in found if o.modified)
    if not recurrence.is_occurrence(
        event.rrule, event.start, original, all_day=event.all_day, tzid=event.tzid
    ):
        return None
    return _expand(event, [], original, original + tick)[0]


# --- reading one event ----------------------------------------------------------------------


@dataclass(frozen=True)
class EventDetails:
    id: int
    draft: EventDraft
    exceptions: int
    open_findings: int
    created_at: datetime
    updated_at: datetime
    artifact_titles: dict[int, str] = field(default_factory=dict)


def get_event(workspace: Workspace, event_id: int) -> EventDetails:
    with workspace.read() as session:
        event = session.get(PlannerEvent, event_id)
        if event is None:
            raise PlannerError(f"There is no event {event_id}.")
        links = list(session.exec(select(EventLink).where(col(EventLink.event_id) == event_id)))
        artifact_ids = tuple(link.artifact_id for link in links if link.artifact_id is not None)
        titles = {
            artifact.id: artifact.title
            for artifact in session.exec(select(Artifact).where(col(Artifact.id).in_(artifact_ids)))
            if artifact.id is not None
        }
        exceptions = session.exec(
            select(EventException).where(col(EventException.event_id) == event_id)
        ).all()
        open_findings = session.exec(
            select(Finding).where(
                col(Finding.event_id) == event_id, col(Finding.status) == FindingStatus.OPEN
            )
        ).all()
    draft = EventDraft(
        kind=event.kind,
        title=event.title,
        start=event.start,
        end=event.end,
        all_day=event.all_day,
        rrule=event.rrule,
        tzid=event.tzid,
        location=event.location,
        notes=event.notes,
        status=event.status,
        outcome=event.outcome,
        reminder_minutes=event.reminder_minutes,
        artifact_ids=artifact_ids,
        refs=tuple(link.ref for link in links if link.ref),
        uid=event.uid,
    )
    return EventDetails(
        id=event_id,
        draft=draft,
        exceptions=len(exceptions),
        open_findings=len(open_findings),
        created_at=event.created_at,
        updated_at=event.updated_at,
        artifact_titles=titles,
    )


# --- writes ---------------------------------------------------------------------------------


def _summary(draft: EventDraft) -> dict[str, object]:
    return {
        "kind": draft.kind.value,
        "title": draft.title,
        "start": draft.start.isoformat(),
        "end": draft.end.isoformat() if draft.end else None,
        "all_day": draft.all_day,
        "rrule": draft.rrule,
    }


def _apply_draft(event: PlannerEvent, draft: EventDraft) -> None:
    event.kind = draft.kind
    event.title = draft.title
    event.start = draft.start
    event.end = draft.end
    event.all_day = draft.all_day
    event.rrule = draft.rrule
    event.tzid = draft.tzid
    event.location = draft.location
    event.notes = draft.notes
    event.status = draft.status
    event.outcome = draft.outcome
    event.reminder_minutes = draft.reminder_minutes
    event.updated_at = utc_now()


def _replace_links(session: Session, event_id: int, draft: EventDraft) -> None:
    missing = [
        artifact_id
        for artifact_id in draft.artifact_ids
        if session.get(Artifact, artifact_id) is None
    ]
    if missing:
        raise PlannerError(f"There is no artifact {', '.join(map(str, missing))} to link.")
    session.exec(delete(EventLink).where(col(EventLink.event_id) == event_id))
    for artifact_id in draft.artifact_ids:
        session.add(EventLink(event_id=event_id, artifact_id=artifact_id))
    for ref in draft.refs:
        session.add(EventLink(event_id=event_id, ref=ref))


def _refresh_recurrence_end(session: Session, event: PlannerEvent) -> None:
    if event.rrule is None:
        event.recurrence_end = None
        return
    last = recurrence.series_end(event.rrule, event.start, all_day=event.all_day, tzid=event.tzid)
    if last is not None and event.id is not None:
        moved = session.exec(
            select(EventException.start).where(
                col(EventException.event_id) == event.id, col(EventException.start).is_not(None)
            )
        ).all()
        last = max([last, *(start for start in moved if start is not None)])
    event.recurrence_end = last


def add_event(
    session: Session, draft: EventDraft, *, actor: str, action: str = "planner.event.create"
) -> PlannerEvent:
    """Insert a validated draft inside the caller's transaction (for batch writes)."""
    event = PlannerEvent(
        uid=draft.uid or new_uid(),
        kind=draft.kind,
        title=draft.title,
        start=draft.start,
    )
    _apply_draft(event, draft)
    session.add(event)
    session.flush()
    assert event.id is not None
    _replace_links(session, event.id, draft)
    _refresh_recurrence_end(session, event)
    session.add(event)
    if action:
        audit_log.append(
            session,
            actor=actor,
            action=action,
            entity="planner_event",
            entity_id=event.id,
            summary=_summary(draft),
        )
    return event


def create_event(workspace: Workspace, draft: EventDraft, *, actor: str) -> ChangeSet:
    """Add an event (or series). The change set's ``events`` holds its id."""
    checked = validate_draft(draft)
    with workspace.write() as session:
        if (
            checked.uid
            and session.exec(
                select(PlannerEvent.id).where(col(PlannerEvent.uid) == checked.uid)
            ).first()
        ):
            raise PlannerError(f"An event with UID {checked.uid} exists already.")
        event = add_event(session, checked, actor=actor)
        assert event.id is not None
        return ChangeSet(events=frozenset({event.id}))


def _shift_exceptions(session: Session, event: PlannerEvent, old: PlannerEvent) -> None:
    """Keep changed occurrences attached when a series moves; drop those the rule lost."""
    exceptions = session.exec(
        select(EventException).where(col(EventException.event_id) == event.id)
    ).all()
    if not exceptions:
        return
    if event.rrule is None:
        for exception in exceptions:
            session.delete(exception)
        return
    old_zone = recurrence.series_zone(old.tzid, all_day=old.all_day)
    new_zone = recurrence.series_zone(event.tzid, all_day=event.all_day)
    wall_shift = event.start.astimezone(new_zone).replace(tzinfo=None) - old.start.astimezone(
        old_zone
    ).replace(tzinfo=None)
    for exception in exceptions:
        wall = exception.original_start.astimezone(old_zone).replace(tzinfo=None) + wall_shift
        original = wall.replace(tzinfo=new_zone).astimezone(UTC)
        if event.all_day != old.all_day or not recurrence.is_occurrence(
            event.rrule, event.start, original, all_day=event.all_day, tzid=event.tzid
        ):
            session.delete(exception)
            continue
        exception.original_start = original
        session.add(exception)
    session.flush()


def _snapshot(event: PlannerEvent) -> PlannerEvent:
    return PlannerEvent(
        uid=event.uid,
        kind=event.kind,
        title=event.title,
        start=event.start,
        end=event.end,
        all_day=event.all_day,
        rrule=event.rrule,
        tzid=event.tzid,
    )


def _get(session: Session, event_id: int) -> PlannerEvent:
    event = session.get(PlannerEvent, event_id)
    if event is None:
        raise PlannerError(f"There is no event {event_id}.")
    return event


def write_event(session: Session, event: PlannerEvent, draft: EventDraft) -> None:
    """Replace a stored event's fields and links by a validated draft (caller's transaction)."""
    old = _snapshot(event)
    _apply_draft(event, draft)
    session.add(event)
    session.flush()
    assert event.id is not None
    _shift_exceptions(session, event, old)
    _replace_links(session, event.id, draft)
    _refresh_recurrence_end(session, event)
    session.add(event)


def update_event(
    workspace: Workspace, event_id: int, draft: EventDraft, *, actor: str
) -> ChangeSet:
    """Change an event, or a whole series (every occurrence not changed on its own)."""
    checked = validate_draft(draft)
    with workspace.write() as session:
        event = _get(session, event_id)
        before = _summary(get_draft(event))
        write_event(session, event, checked)
        audit_log.append(
            session,
            actor=actor,
            action="planner.event.update",
            entity="planner_event",
            entity_id=event_id,
            summary={"before": before, "after": _summary(checked)},
        )
    return ChangeSet(events=frozenset({event_id}))


def get_draft(event: PlannerEvent) -> EventDraft:
    return EventDraft(
        kind=event.kind,
        title=event.title,
        start=event.start,
        end=event.end,
        all_day=event.all_day,
        rrule=event.rrule,
        tzid=event.tzid,
        uid=event.uid,
    )


def _exception_for(
    session: Session, event: PlannerEvent, original_start: datetime
) -> EventException:
    assert event.id is not None and event.rrule is not None
    original = original_start.astimezone(UTC)
    statement = select(EventException).where(
        col(EventException.event_id) == event.id, col(EventException.original_start) == original
    )
    exception = session.exec(statement).first()
    if exception is not None:
        return exception
    if not recurrence.is_occurrence(
        event.rrule, event.start, original, all_day=event.all_day, tzid=event.tzid
    ):
        raise PlannerError(
            f"{event.title} has no occurrence at {original.isoformat(timespec='minutes')}."
        )
    return EventException(event_id=event.id, original_start=original)


def _checked_change(event: PlannerEvent, change: OccurrenceChange) -> OccurrenceChange:
    if change.title is not None and not change.title.strip():
        raise PlannerError("An event needs a title.")
    if change.start is None:
        if change.end is not None:
            raise PlannerError("Give the new start together with the new end.")
        return change
    probe = EventDraft(
        kind=event.kind, title="-", start=change.start, end=change.end, all_day=event.all_day
    )
    start, end = _checked_times(probe)
    return replace(change, start=start, end=end)


def update_occurrence(
    workspace: Workspace,
    event_id: int,
    original_start: datetime | None,
    change: OccurrenceChange,
    *,
    actor: str,
) -> ChangeSet:
    """Change one occurrence of a series (for a one-off event: the event itself).

    ``original_start`` is the occurrence's start as the series rule produces it
    (:attr:`Occurrence.original_start`).
    """
    with workspace.write() as session:
        event = _get(session, event_id)
        change = _checked_change(event, change)
        if event.rrule is None or original_start is None:
            _change_single(event, change)
            session.add(event)
        else:
            exception = _exception_for(session, event, original_start)
            _change_exception(exception, change)
            session.add(exception)
            session.flush()
            _refresh_recurrence_end(session, event)
            session.add(event)
        audit_log.append(
            session,
            actor=actor,
            action="planner.occurrence.update",
            entity="planner_event",
            entity_id=event_id,
            summary={
                "original_start": original_start.isoformat() if original_start else None,
                "change": {key: value for key, value in vars(change).items() if value is not None},
            },
        )
    return ChangeSet(events=frozenset({event_id}))


def _change_single(event: PlannerEvent, change: OccurrenceChange) -> None:
    if change.start is not None:
        event.start, event.end = change.start, change.end
    for name in ("title", "location", "notes", "status", "outcome"):
        value = getattr(change, name)
        if value is not None:
            setattr(event, name, value.strip() if isinstance(value, str) else value)
    event.updated_at = utc_now()


def _change_exception(exception: EventException, change: OccurrenceChange) -> None:
    if change.start is not None:
        exception.start, exception.end = change.start, change.end
    for name in ("title", "location", "notes", "status", "outcome"):
        value = getattr(change, name)
        if value is not None:
            setattr(exception, name, value.strip() if isinstance(value, str) else value)
    exception.cancelled = False


def cancel_occurrence(
    workspace: Workspace, event_id: int, original_start: datetime, *, actor: str
) -> ChangeSet:
    """Remove one occurrence from a series (iCalendar's EXDATE)."""
    with workspace.write() as session:
        event = _get(session, event_id)
        if event.rrule is None:
            raise PlannerError(f"{event.title} does not repeat; delete the event instead.")
        exception = _exception_for(session, event, original_start)
        exception.cancelled = True
        exception.start = exception.end = None
        session.add(exception)
        audit_log.append(
            session,
            actor=actor,
            action="planner.occurrence.cancel",
            entity="planner_event",
            entity_id=event_id,
            summary={"original_start": original_start.astimezone(UTC).isoformat()},
        )
    return ChangeSet(events=frozenset({event_id}))


def delete_event(workspace: Workspace, event_id: int, *, actor: str) -> ChangeSet:
    """Delete an event or a whole series, with its findings and links."""
    with workspace.write() as session:
        event = _get(session, event_id)
        summary = _summary(get_draft(event))
        session.exec(delete(EventException).where(col(EventException.event_id) == event_id))
        session.exec(delete(Finding).where(col(Finding.event_id) == event_id))
        session.exec(delete(EventLink).where(col(EventLink.event_id) == event_id))
        session.delete(event)
        audit_log.append(
            session,
            actor=actor,
            action="planner.event.delete",
            entity="planner_event",
            entity_id=event_id,
            summary=summary,
        )
    return ChangeSet(events=frozenset({event_id}))


class Scope(StrEnum):
    """What a change to an occurrence of a series applies to."""

    OCCURRENCE = "occurrence"
    SERIES = "series"


def _moved_start(start: datetime, day: date, *, all_day: bool, zone: tzinfo) -> datetime:
    if all_day:
        return all_day_start(day)
    local = start.astimezone(zone)
    return datetime.combine(day, local.time(), tzinfo=zone).astimezone(UTC)


def reschedule(
    workspace: Workspace,
    occurrence: Occurrence,
    day: date,
    *,
    scope: Scope = Scope.OCCURRENCE,
    zone: tzinfo = UTC,
    actor: str,
) -> ChangeSet:
    """Move an occurrence to another day, keeping its time of day and length.

    A review due date moves the artifact's next review; an occurrence of a series moves alone
    or, with ``scope=SERIES``, the whole series moves by the same number of days.
    """
    if occurrence.source is Source.REVIEW:
        assert occurrence.artifact_id is not None
        return set_next_review(workspace, occurrence.artifact_id, day, actor=actor)
    assert occurrence.event_id is not None
    start = _moved_start(occurrence.start, day, all_day=occurrence.all_day, zone=zone)
    end = start + (occurrence.end - occurrence.start) if occurrence.end else None
    if not occurrence.recurring or scope is Scope.OCCURRENCE:
        return update_occurrence(
            workspace,
            occurrence.event_id,
            occurrence.original_start,
            OccurrenceChange(start=start, end=end),
            actor=actor,
        )
    series = get_event(workspace, occurrence.event_id).draft
    days = timedelta(days=(day - occurrence.days(zone)[0]).days)
    if series.all_day:
        new_start = all_day_start(series.start.astimezone(UTC).date() + days)
    else:
        series_zone = recurrence.series_zone(series.tzid, all_day=False)
        local = series.start.astimezone(series_zone)
        new_start = _moved_start(local, local.date() + days, all_day=False, zone=series_zone)
    new_end = new_start + (series.end - series.start) if series.end else None
    return update_event(
        workspace, occurrence.event_id, replace(series, start=new_start, end=new_end), actor=actor
    )


# --- reviews --------------------------------------------------------------------------------


def _artifact(session: Session, artifact_id: int) -> Artifact:
    artifact = session.get(Artifact, artifact_id)
    if artifact is None:
        raise PlannerError(f"There is no artifact {artifact_id}.")
    return artifact


def set_next_review(workspace: Workspace, artifact_id: int, day: date, *, actor: str) -> ChangeSet:
    """Move an artifact's review due date (dragging it on the calendar)."""
    with workspace.write() as session:
        artifact = _artifact(session, artifact_id)
        before = artifact.next_review
        artifact.next_review = day
        artifact.updated_at = utc_now()
        session.add(artifact)
        audit_log.append(
            session,
            actor=actor,
            action="planner.review.move",
            entity="artifact",
            entity_id=artifact_id,
            summary={"before": before, "after": day},
        )
    return ChangeSet(artifacts=frozenset({artifact_id}))


ON_TIME_WINDOW = timedelta(days=31)


def next_review_after(current: date | None, interval_months: int, done_on: date) -> date:
    """Where a review done on ``done_on`` puts the next one.

    Done around its due date (within a month either way), the schedule keeps its rhythm: the
    due date moves on by the interval. Done much earlier or later, or with no due date, the
    next review is one interval after the day it was done.
    """
    step = relativedelta(months=max(1, interval_months))
    if current is not None and abs(done_on - current) <= ON_TIME_WINDOW:
        return current + step
    return done_on + step


def mark_review_done(
    workspace: Workspace,
    artifact_id: int,
    *,
    actor: str,
    done_on: date,
    outcome: str = "",
) -> ChangeSet:
    """Record that an artifact's review was done and move its next review by its interval.

    The review is kept on the calendar as a done document-review event linked to the artifact.
    """
    with workspace.write() as session:
        artifact = _artifact(session, artifact_id)
        due = artifact.next_review
        following = next_review_after(due, artifact.review_interval_months, done_on)
        artifact.next_review = following
        artifact.updated_at = utc_now()
        session.add(artifact)
        record = EventDraft(
            kind=EventKind.DOCUMENT_REVIEW,
            title=f"Review: {artifact.title}",
            start=all_day_start(done_on),
            all_day=True,
            status=EventStatus.DONE,
            outcome=outcome or f"Reviewed; next review {following.isoformat()}.",
            artifact_ids=(artifact_id,),
        )
        event = add_event(session, record, actor=actor, action="")
        assert event.id is not None
        audit_log.append(
            session,
            actor=actor,
            action="planner.review.done",
            entity="artifact",
            entity_id=artifact_id,
            summary={"due": due, "done_on": done_on, "next_review": following, "event": event.id},
        )
        return ChangeSet(artifacts=frozenset({artifact_id}), events=frozenset({event.id}))


# --- upcoming and overdue -------------------------------------------------------------------


class ItemKind(StrEnum):
    EVENT = "event"
    REVIEW = "review"
    FINDING = "finding"


@dataclass(frozen=True, slots=True)
class UpcomingItem:
    """One line of the "Upcoming and overdue" list."""

    item: ItemKind
    day: date | None
    title: str
    overdue: bool
    kind: EventKind
    detail: str = ""
    occurrence: Occurrence | None = None
    finding_id: int | None = None
    event_id: int | None = None


def _finding_items(session: Session, today: date) -> list[UpcomingItem]:
    statement = (
        select(Finding, PlannerEvent)
        .join(PlannerEvent, col(PlannerEvent.id) == col(Finding.event_id))
        .where(col(Finding.status) == FindingStatus.OPEN)
    )
    items = []
    for finding, event in session.exec(statement):
        detail = ", ".join(
            part
            for part in (
                finding.severity.value,
                finding.ref.split("/", 1)[-1] if finding.ref else "",
                f"owner {finding.owner}" if finding.owner else "",
                f"from {event.title}",
            )
            if part
        )
        items.append(
            UpcomingItem(
                item=ItemKind.FINDING,
                day=finding.due,
                title=f"Finding: {finding.text}",
                overdue=finding.due is not None and finding.due < today,
                kind=event.kind,
                detail=detail,
                finding_id=finding.id,
                event_id=event.id,
            )
        )
    return items


def _overdue_reviews(session: Session, before: date) -> list[UpcomingItem]:
    statement = select(Artifact).where(
        col(Artifact.next_review) < before, col(Artifact.status) != ArtifactStatus.RETIRED
    )
    items = []
    for artifact in session.exec(statement):
        assert artifact.next_review is not None
        occurrence = _review(artifact.id, artifact.title, artifact.next_review)
        items.append(
            UpcomingItem(
                item=ItemKind.REVIEW,
                day=artifact.next_review,
                title=occurrence.title,
                overdue=True,
                kind=EventKind.DOCUMENT_REVIEW,
                detail=f"owner {artifact.owner}" if artifact.owner else "",
                occurrence=occurrence,
            )
        )
    return items


def upcoming_and_overdue(
    workspace: Workspace,
    *,
    today: date,
    zone: tzinfo = UTC,
    horizon_days: int = 30,
    lookback_days: int = 365,
) -> list[UpcomingItem]:
    """Overdue items first (oldest first), then what is due in the next ``horizon_days``.

    Overdue: planned one-off events (and individually changed occurrences) that ended before
    today, reviews past their due date, and open findings past their due date. Open findings
    are always listed; a past occurrence of a repeating event is not chased.
    """
    horizon = today + timedelta(days=horizon_days)
    items: list[UpcomingItem] = []
    for occurrence in occurrences(
        workspace, today - timedelta(days=lookback_days), horizon, zone=zone
    ):
        if occurrence.status is not EventStatus.PLANNED:
            continue
        first, last = occurrence.days(zone)
        review = occurrence.source is Source.REVIEW
        if last < today:
            if review or (occurrence.recurring and not occurrence.modified):
                continue  # reviews: listed below, however old
        items.append(
            UpcomingItem(
                item=ItemKind.REVIEW if review else ItemKind.EVENT,
                day=first,
                title=occurrence.title,
                overdue=last < today,
                kind=occurrence.kind,
                detail=KIND_LABELS[occurrence.kind],
                occurrence=occurrence,
                event_id=occurrence.event_id,
            )
        )
    with workspace.read() as session:
        items.extend(_overdue_reviews(session, today))
        items.extend(_finding_items(session, today))
    items.sort(key=lambda item: (not item.overdue, item.day or date.max, item.title.lower()))
    return items
