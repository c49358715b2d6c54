"""The span of an engagement's programme: from its earliest dated item to its latest, so a
table of it (the audit pack's planner) leaves nothing out, whatever day it is made."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import func
from sqlmodel import col, select

from workbench.models import Artifact, ArtifactStatus, EventException, PlannerEvent
from workbench.services.store.workspace import Workspace

# A series that repeats for ever is shown this far past the later of today and its start.
OPEN_ENDED_AHEAD = relativedelta(years=3)


def _day(moment: datetime, *, all_day: bool, zone: tzinfo) -> date:
    return moment.astimezone(UTC if all_day else zone).date()


def programme_span(workspace: Workspace, zone: tzinfo, *, today: date) -> tuple[date, date] | None:
    """The first and last day of every event, series end, changed occurrence and review due
    date in the workspace, as seen in ``zone``; None when nothing is dated at all."""
    days: list[date] = []
    open_ended: list[date] = []
    with workspace.read() as session:
        for event in session.exec(select(PlannerEvent)):
            first = _day(event.start, all_day=event.all_day, zone=zone)
            days.append(first)
            if event.rrule and event.recurrence_end is None:
                open_ended.append(first)
            last = event.recurrence_end if event.rrule else event.end
            if last is not None:
                days.append(_day(last, all_day=event.all_day, zone=zone))
        moved = session.exec(
            select(func.min(EventException.start), func.max(EventException.end))
        ).one()
        days += [_day(moment, all_day=False, zone=zone) for moment in moved if moment is not None]
        reviews = session.exec(
            select(func.min(Artifact.next_review), func.max(Artifact.next_review)).where(
                col(Artifact.status) != ArtifactStatus.RETIRED
            )
        ).one()
        days += [day for day in reviews if day is not None]
    if open_ended:
        days.append(max([today, *open_ended]) + OPEN_ENDED_AHEAD)
    if not days:
        return None
    return min(days), max(days)
