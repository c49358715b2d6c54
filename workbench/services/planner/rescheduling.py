"""Moving an occurrence to another day: one occurrence, the whole series, a review date, a
control's target date or an evidence expiry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum

from workbench.services.controls import evidence
from workbench.services.controls import records as control_records
from workbench.services.planner import recurrence
from workbench.services.planner.drafts import OccurrenceChange, PlannerError, all_day_start
from workbench.services.planner.due_reviews import set_next_review
from workbench.services.planner.events import get_event, update_event, update_occurrence
from workbench.services.planner.schedule import Occurrence, Source
from workbench.services.risks import records as risk_records
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace


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

    A review due date moves the artifact's next review, a risk action's its due date, a
    control's its target date and an evidence's its expiry; an occurrence of a series moves
    alone or, with ``scope=SERIES``, the whole series moves by the same number of days. A
    signed acceptance's expiry does not move.
    """
    if occurrence.source is Source.REVIEW:
        assert occurrence.artifact_id is not None
        return set_next_review(workspace, occurrence.artifact_id, day, actor=actor)
    if occurrence.source is Source.RISK_ACTION:
        assert occurrence.item_id is not None
        return risk_records.update_action(
            workspace, actor=actor, action_id=occurrence.item_id, due=day
        )
    if occurrence.source is Source.ACCEPTANCE:
        raise PlannerError(
            "a signed acceptance's expiry cannot be moved; the risk owner signs a new one"
        )
    if occurrence.source is Source.CONTROL:
        assert occurrence.item_id is not None
        return control_records.move_target_date(workspace, occurrence.item_id, day, actor=actor)
    if occurrence.source is Source.EVIDENCE:
        assert occurrence.item_id is not None
        return evidence.update_evidence(workspace, occurrence.item_id, expires=day, actor=actor)
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
