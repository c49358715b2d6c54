"""Occurrences in a date range: events expanded by their repeat rule, with changed and cancelled
occurrences applied, and artifact review dates derived from ``next_review``.

All-day events are stored at 00:00 UTC of their first day, with ``end`` (when longer than one
day) at 00:00 UTC of the day after their last, as iCalendar does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import and_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workbench.models import (
    Artifact,
    ArtifactStatus,
    EventException,
    EventKind,
    EventStatus,
    PlannerEvent,
)
from workbench.services.controls.dates import DateKind, dated_items
from workbench.services.planner import recurrence
from workbench.services.planner.drafts import (
    EARLIEST_DAY,
    LATEST_DAY,
    MAX_SPAN_DAYS,
    PlannerError,
    all_day_start,
)
from workbench.services.planner.recurrence import day_bounds
from workbench.services.risks import deadlines
from workbench.services.store.workspace import Workspace

# --- occurrences ----------------------------------------------------------------------------


class Source(StrEnum):
    EVENT = "event"
    REVIEW = "review"
    # From the risk register: a treatment action's due date, an acceptance's expiry.
    RISK_ACTION = "risk_action"
    ACCEPTANCE = "acceptance"
    # Dates kept by the control records: a control's target date, an evidence expiry.
    CONTROL = "control"
    EVIDENCE = "evidence"


RISK_SOURCES = frozenset({Source.RISK_ACTION, Source.ACCEPTANCE})
CONTROL_SOURCES = frozenset({Source.CONTROL, Source.EVIDENCE})
# Dates that belong to a record elsewhere: they move (if at all) on the record itself.
DERIVED_FROM_RECORDS = RISK_SOURCES | CONTROL_SOURCES


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
    # The record a date comes from: a risk action, an acceptance, a control or an evidence.
    item_id: int | None = None
    risk_ref: str | None = None  # the risk's id of a date from the risk register

    @property
    def key(self) -> str:
        """Identifies the occurrence across refreshes (for selections and drag and drop)."""
        if self.source is Source.REVIEW:
            return f"review:{self.artifact_id}"
        if self.source in DERIVED_FROM_RECORDS:
            return f"{self.source.value}:{self.item_id}"
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
    cache: recurrence.Expansions | None,
    problems: list[str] | None = None,
) -> list[Occurrence]:
    """The series' occurrences starting in ``[after, before)``, exceptions applied; why the
    series could not be expanded (in full) goes to ``problems``."""
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
            event.rrule, event.start, after, before, all_day=all_day, tzid=event.tzid,
            cache=cache, problems=problems,
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


def _record_dates(session: Session, first: date, last: date) -> list[Occurrence]:
    """Control target dates and evidence expiries, as all-day occurrences."""
    sources = {DateKind.CONTROL_TARGET: Source.CONTROL, DateKind.EVIDENCE_EXPIRY: Source.EVIDENCE}
    return [
        Occurrence(
            source=sources[item.kind],
            kind=EventKind.OTHER,
            title=item.title,
            start=all_day_start(item.day),
            end=None,
            all_day=True,
            item_id=item.record_id,
        )
        for item in dated_items(session, first, last)
    ]


def record_occurrences(
    session: Session, first: date, last: date, *, reviews: bool = True, records: bool = True
) -> list[Occurrence]:
    """The dates from ``first`` to ``last`` that come from records, not events, in date order:
    artifact review dates (``reviews``); control target dates, evidence expiries, risk action
    due dates and acceptance expiries (``records``). Nothing is expanded."""
    found: list[Occurrence] = []
    if reviews:
        found.extend(_review_occurrences(session, first, last))
    if records:
        found.extend(_record_dates(session, first, last))
        found.extend(risk_occurrence(d) for d in deadlines.between(session, first, last))
    found.sort(key=lambda o: (o.start, o.source.value, o.title, o.item_id or o.artifact_id or 0))
    return found


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


def check_range(first: date, last: date) -> None:
    """Refuse a range the planner cannot show (PlannerError says why, in one sentence)."""
    if last < first:
        raise PlannerError(f"The range ends ({last.isoformat()}) before it starts.")
    for day in (first, last):
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise PlannerError(
                f"The planner shows dates from {EARLIEST_DAY.isoformat()} to "
                f"{LATEST_DAY.isoformat()}; {day.isoformat()} is outside them."
            )


def _unusable(event_id: int | None, title: str, rule: str | None, reason: str) -> str:
    what = f"repeat rule {rule}" if rule else "dates"
    return (
        f"Event {event_id} '{title}' is not shown (in full): its {what} cannot be used: "
        f"{reason.rstrip('.')}. Edit or delete the event."
    )


def risk_occurrence(deadline: deadlines.Deadline) -> Occurrence:
    """A risk action's due date or an acceptance's expiry as an all-day calendar entry."""
    source = (
        Source.RISK_ACTION if deadline.kind is deadlines.DeadlineKind.ACTION else Source.ACCEPTANCE
    )
    return Occurrence(
        source=source,
        kind=EventKind.OTHER,
        title=deadline.title,
        start=all_day_start(deadline.day),
        end=None,
        all_day=True,
        location=deadline.detail,
        item_id=deadline.item_id,
        risk_ref=deadline.ref,
    )


def occurrences(
    workspace: Workspace,
    first: date,
    last: date,
    *,
    zone: tzinfo = UTC,
    kinds: Collection[EventKind] | None = None,
    include_reviews: bool = True,
    include_risks: bool = True,
    problems: list[str] | None = None,
) -> list[Occurrence]:
    """Everything on the calendar from ``first`` to ``last`` (inclusive) as seen in ``zone``.

    Repeating events are expanded, with moved, changed and cancelled occurrences applied;
    review due dates of register artifacts (not retired), control target dates and evidence
    expiries are included unless asked not to, and so are the risk register's action due dates
    and acceptance expiries (as "other"). An event that cannot be shown (a repeat rule or a date
    changed behind the workbench's back) is left out, and ``problems`` says which and why.

    Raises:
        PlannerError: the range is outside the dates the planner shows.
    """
    check_range(first, last)
    begin, end = day_bounds(first, last, zone)
    # All-day events sit at 00:00 UTC, up to 14 hours from local midnight: widen by a day.
    after, before = begin - timedelta(days=1), end + timedelta(days=1)
    found: list[Occurrence] = []
    skipped: list[str] = []
    with workspace.read() as session:
        events, exceptions = _load_events(session, after, before, kinds)
        cache = recurrence.expansions(session)
        for event in events:
            if event.rrule is None:
                found.append(_occurrence(event))
                continue
            series_problems: list[str] = []
            try:
                duration = (event.end - event.start) if event.end else timedelta()
                found.extend(
                    _expand(
                        event,
                        exceptions.get(event.id or 0, []),
                        after - duration,
                        before,
                        cache,
                        series_problems,
                    )  # fmt: skip
                )
            except (OverflowError, ValueError) as error:
                series_problems.append(str(error))
            skipped.extend(
                _unusable(event.id, event.title, event.rrule, problem)
                for problem in series_problems[:1]
            )
        if include_reviews and (kinds is None or EventKind.DOCUMENT_REVIEW in kinds):
            found.extend(_review_occurrences(session, first, last))
        if include_reviews and (kinds is None or EventKind.OTHER in kinds):
            found.extend(_record_dates(session, first, last))
        if include_risks and (kinds is None or EventKind.OTHER in kinds):
            found.extend(risk_occurrence(d) for d in deadlines.between(session, first, last))
    placed: list[tuple[tuple[date, date], Occurrence]] = []
    for occurrence in found:
        try:
            placed.append((occurrence.days(zone), occurrence))
        except OverflowError as error:  # a date at the very end of the calendar
            rule = "" if not occurrence.recurring else None
            skipped.append(_unusable(occurrence.event_id, occurrence.title, rule, str(error)))
    if problems is not None:
        problems.extend(dict.fromkeys(skipped))
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
        cache = recurrence.expansions(session)
    original = original_start.astimezone(UTC)
    tick = timedelta(microseconds=1)
    for exception in exceptions:
        if exception.original_start == original:
            if exception.cancelled:
                return None
            start = exception.start or original
            found = _expand(event, [exception], start, start + tick, cache)
            return next(o for o in found if o.modified)
    if not recurrence.is_occurrence(
        event.rrule,
        event.start,
        original,
        all_day=event.all_day,
        tzid=event.tzid,
        cache=cache,
    ):
        return None
    return _expand(event, [], original, original + tick, cache)[0]
