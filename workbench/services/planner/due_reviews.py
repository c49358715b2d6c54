"""Artifact review dates on the planner: moving a review date and marking a review done."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from workbench.models import (
    Artifact,
    EventKind,
    EventStatus,
    utc_now,
)
from workbench.services.planner.drafts import EventDraft, PlannerError, all_day_start
from workbench.services.planner.events import add_event
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

# --- reviews --------------------------------------------------------------------------------


def _artifact(session: Session, artifact_id: int) -> Artifact:
    artifact = session.get(Artifact, artifact_id)
    if artifact is None:
        raise PlannerError(f"There is no artifact {artifact_id}.")
    return artifact


def set_next_review(workspace: Workspace, artifact_id: int, day: date, *, actor: str) -> ChangeSet:
    """Move an artifact's review due date (dragging it on the calendar)."""
    with run_write(
        workspace,
        actor=actor,
        action="planner.review.move",
        entity="artifact",
        entity_id=artifact_id,
    ) as write:
        session = write.session
        artifact = _artifact(session, artifact_id)
        before = artifact.next_review
        artifact.next_review = day
        artifact.updated_at = utc_now()
        session.add(artifact)
        write.summary = {"before": before, "after": day}
        write.changed(artifacts=[artifact_id])
    return write.changes


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
    with run_write(
        workspace,
        actor=actor,
        action="planner.review.done",
        entity="artifact",
        entity_id=artifact_id,
    ) as write:
        session = write.session
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
        event = add_event(session, record)
        assert event.id is not None
        write.summary = {
            "due": due,
            "done_on": done_on,
            "next_review": following,
            "event": event.id,
        }
        write.changed(artifacts=[artifact_id], events=[event.id])
    return write.changes
