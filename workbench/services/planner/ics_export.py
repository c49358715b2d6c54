"""iCalendar (.ics, RFC 5545) export of planner events.

Writes one VEVENT per event with a stable UID; a series carries its RRULE, cancelled occurrences
as EXDATE and changed ones as extra VEVENTs with RECURRENCE-ID. All-day events are DATE values;
timed events are local time with TZID (and its VTIMEZONE): the zone a series repeats in, else
the workspace's time zone (the profile's, or this computer's), so a Berlin 09:00 audit reads
09:00 Europe/Berlin wherever the file was made; UTC when that zone is UTC. Every event carries
its status. The dates the records keep are exported as all-day events too: artifact review
dates, risk treatment action due dates, acceptance expiries, control target dates and evidence
expiries, each with a UID made from its record (``risk-action-12@grc-workbench``), so a calendar
that reads the file again moves the event instead of adding another, and importing the file
back leaves them to their records.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import icalendar
from sqlmodel import Session, col, select

from workbench.models import (
    AcceptanceKind,
    Control,
    EventException,
    EventKind,
    EventLink,
    EventStatus,
    PlannerEvent,
    RiskAcceptance,
)
from workbench.services.common import zones
from workbench.services.common.errors import ServiceError
from workbench.services.controls.lookup import control_title
from workbench.services.planner import recurrence
from workbench.services.planner.drafts import (
    EARLIEST_DAY,
    KIND_LABELS,
    LATEST_DAY,
    UID_DOMAIN,
)
from workbench.services.planner.ics_format import (
    ACCEPTANCE_UID_PREFIX,
    CONTROL_UID_PREFIX,
    EVIDENCE_UID_PREFIX,
    PLAN_APPROVAL_UID_PREFIX,
    PRODID,
    REVIEW_UID_PREFIX,
    RISK_ACTION_UID_PREFIX,
    X_KIND,
    X_OUTCOME,
    X_REFS,
    X_STATUS,
    IcsError,
)
from workbench.services.planner.schedule import (
    Occurrence,
    Source,
    occurrences,
    record_occurrences,
)
from workbench.services.register import profile
from workbench.services.store.workspace import Workspace

# --- export ---------------------------------------------------------------------------------


def _zone(event: PlannerEvent, default: str) -> tzinfo | None:
    if event.all_day:
        return None
    zone = recurrence.series_zone(event.tzid or default or None, all_day=False)
    return None if zone is UTC or getattr(zone, "key", "") in ("UTC", "Etc/UTC") else zone


def _when(moment: datetime, event: PlannerEvent, default: str = "") -> date | datetime:
    """A time as the event's DTSTART shows it: a date, a zoned local time, or UTC."""
    if event.all_day:
        return moment.astimezone(UTC).date()
    zone = _zone(event, default)
    return moment.astimezone(zone) if zone else moment.astimezone(UTC)


def _base_component(event: PlannerEvent, stamp: datetime) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", stamp)
    component.add("created", event.created_at.astimezone(UTC))
    component.add("last-modified", event.updated_at.astimezone(UTC))
    return component


def _add_times(
    component: icalendar.Component,
    event: PlannerEvent,
    start: datetime,
    end: datetime | None,
    default: str,
) -> None:
    component.add("dtstart", _when(start, event, default))
    if event.all_day:
        last = end if end is not None and end > start else start + timedelta(days=1)
        component.add("dtend", _when(last, event, default))
    elif end is not None and end > start:
        component.add("dtend", _when(end, event, default))


def _add_status(component: icalendar.Component, status: EventStatus) -> None:
    component.add("status", "CANCELLED" if status is EventStatus.CANCELLED else "CONFIRMED")
    component.add(X_STATUS, status.value)


def _master(event: PlannerEvent, refs: list[str], stamp: datetime, default: str) -> icalendar.Event:
    component = _base_component(event, stamp)
    component.add("summary", event.title)
    _add_times(component, event, event.start, event.end, default)
    if event.rrule:
        component.add("rrule", _rule(event))
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


def _rule(event: PlannerEvent) -> icalendar.vRecur:
    """The series' rule for the file; one that reached the workspace some other way and
    cannot be used is refused by name rather than handed to another calendar."""
    assert event.rrule is not None
    try:
        recurrence.check_stored(event.rrule, event.start, all_day=event.all_day, tzid=event.tzid)
        rule: icalendar.vRecur = icalendar.vRecur.from_ical(event.rrule)
    except (ServiceError, ValueError, TypeError, OverflowError) as error:
        raise IcsError(
            f"Event {event.id} '{event.title}' has a repeat rule that cannot be exported "
            f"({event.rrule}: {str(error).rstrip('.')}); edit or delete the event."
        ) from None
    return rule


def _override(
    event: PlannerEvent, exception: EventException, stamp: datetime, default: str
) -> icalendar.Event:
    component = _base_component(event, stamp)
    component.add("recurrence-id", _when(exception.original_start, event, default))
    component.add("summary", exception.title if exception.title is not None else event.title)
    duration = (event.end - event.start) if event.end else None
    start = exception.start or exception.original_start
    end = exception.end if exception.start else None
    if end is None and duration is not None:
        end = start + duration
    _add_times(component, event, start, end, default)
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
        first or EARLIEST_DAY,
        last or LATEST_DAY,
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
    include_records: bool = True,
    time_zone: str | None = None,
) -> tuple[icalendar.Calendar, int]:
    """The workspace's events as a calendar, and how many events it holds.

    Filters combine: ``first``/``last`` keep events (whole series) with an occurrence in that
    range, ``kinds`` keeps those kinds, ``event_ids`` keeps those events. Review due dates of
    register artifacts come along as one-day events unless ``include_reviews`` is False, and
    the dates other records keep (risk action due dates, acceptance expiries, control target
    dates, evidence expiries: kind "other" on the planner) unless ``include_records`` is False;
    neither when ``event_ids`` picks particular events. Times are in ``time_zone`` (an IANA
    name; default: the workspace's) unless a series repeats in a zone of its own.
    """
    if time_zone is None:
        time_zone = profile.get_profile(workspace).time_zone or zones.local_zone_name() or ""
    include_reviews = (
        include_reviews
        and event_ids is None
        and (kinds is None or EventKind.DOCUMENT_REVIEW in kinds)
    )
    include_records = (
        include_records and event_ids is None and (kinds is None or EventKind.OTHER in kinds)
    )
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
            master = _master(event, refs.get(event.id, []), stamp, time_zone)
            own = sorted(exceptions.get(event.id, []), key=lambda e: e.original_start)
            cancelled = [_when(e.original_start, event, time_zone) for e in own if e.cancelled]
            if cancelled:
                master.add("exdate", cancelled)
            calendar.add_component(master)
            for exception in own:
                if not exception.cancelled:
                    calendar.add_component(_override(event, exception, stamp, time_zone))
            count += 1
        if include_reviews or include_records:
            for component in _dated_records(
                session,
                first or EARLIEST_DAY,
                last or LATEST_DAY,
                stamp,
                reviews=include_reviews,
                records=include_records,
            ):
                calendar.add_component(component)
                count += 1
    calendar.add_missing_timezones()
    return calendar, count


def review_uid(artifact_id: int) -> str:
    return f"{REVIEW_UID_PREFIX}{artifact_id}@{UID_DOMAIN}"


def record_uid(prefix: str, record_id: int) -> str:
    """The UID of a date a record keeps: ``risk-action-12@grc-workbench``."""
    return f"{prefix}{record_id}@{UID_DOMAIN}"


CATEGORIES = {
    Source.RISK_ACTION: "Risk treatment",
    Source.ACCEPTANCE: "Risk acceptance",
    Source.CONTROL: "Control",
    Source.EVIDENCE: "Evidence",
}


def _dated_records(
    session: Session, first: date, last: date, stamp: datetime, *, reviews: bool, records: bool
) -> list[icalendar.Event]:
    """One all-day event per date a record keeps, named after the record it comes from."""
    found = record_occurrences(session, first, last, reviews=reviews, records=records)
    wanted: dict[Source, list[int]] = {}
    for occurrence in found:
        if occurrence.item_id is not None:
            wanted.setdefault(occurrence.source, []).append(occurrence.item_id)
    acceptances = {
        row.id: (row.risk_id, row.kind)
        for row in session.exec(
            select(RiskAcceptance).where(
                col(RiskAcceptance.id).in_(wanted.get(Source.ACCEPTANCE, []))
            )
        )
    }
    controls = {
        row.id: row
        for row in session.exec(
            select(Control).where(col(Control.id).in_(wanted.get(Source.CONTROL, [])))
        )
    }
    components: list[icalendar.Event] = []
    for occurrence in found:
        if occurrence.source is Source.REVIEW:
            if occurrence.artifact_id is not None:
                components.append(_review_component(occurrence, stamp))
            continue
        assert occurrence.item_id is not None
        summary, description = occurrence.title, occurrence.location
        match occurrence.source:
            case Source.RISK_ACTION:
                uid = record_uid(RISK_ACTION_UID_PREFIX, occurrence.item_id)
            case Source.ACCEPTANCE:
                risk_id, kind = acceptances[occurrence.item_id]
                prefix = (
                    ACCEPTANCE_UID_PREFIX
                    if kind is AcceptanceKind.ACCEPTANCE
                    else PLAN_APPROVAL_UID_PREFIX
                )
                uid = record_uid(prefix, risk_id)
            case Source.CONTROL:
                uid = record_uid(CONTROL_UID_PREFIX, occurrence.item_id)
                summary, description = _control_text(controls[occurrence.item_id])
            case _:
                uid = record_uid(EVIDENCE_UID_PREFIX, occurrence.item_id)
                description = (
                    f"Evidence E-{occurrence.item_id} goes out of date: collect a new revision "
                    "before this day."
                )
        components.append(
            _all_day(uid, summary, occurrence, stamp, CATEGORIES[occurrence.source], description)
        )
    return components


def _control_text(control: Control) -> tuple[str, str]:
    title = control_title(control)
    name = f"{control.local_id} {title}".strip()
    owner = f", owner {control.owner}" if control.owner else ""
    status = control.status.value.replace("_", " ")
    return (
        f"Control due: {name}",
        f"Target date to implement {control.local_id} (now {status}{owner}).",
    )


def _all_day(
    uid: str,
    summary: str,
    occurrence: Occurrence,
    stamp: datetime,
    category: str,
    description: str = "",
) -> icalendar.Event:
    """A date as a one-day event other calendars can show, without blocking the day."""
    component = icalendar.Event()
    component.add("uid", uid)
    component.add("dtstamp", stamp)
    component.add("summary", summary)
    day = occurrence.start.astimezone(UTC).date()
    component.add("dtstart", day)
    component.add("dtend", day + timedelta(days=1))
    if description:
        component.add("description", description)
    component.add("categories", [category])
    component.add("transp", "TRANSPARENT")
    _add_status(component, occurrence.status)
    return component


def _review_component(review: Occurrence, stamp: datetime) -> icalendar.Event:
    """An artifact's review due date."""
    assert review.artifact_id is not None
    return _all_day(
        review_uid(review.artifact_id), review.title, review, stamp,
        KIND_LABELS[EventKind.DOCUMENT_REVIEW],
    )  # fmt: skip


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
