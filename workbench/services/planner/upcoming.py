"""What needs attention: upcoming and overdue events, artifact reviews and open findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta, tzinfo
from enum import StrEnum

from sqlmodel import Session, col, select

from workbench.models import (
    Artifact,
    ArtifactStatus,
    EventKind,
    EventStatus,
    Finding,
    FindingStatus,
    PlannerEvent,
)
from workbench.services.planner.drafts import KIND_LABELS
from workbench.services.planner.schedule import (
    RISK_SOURCES,
    Occurrence,
    Source,
    _review,
    occurrences,
    risk_occurrence,
)
from workbench.services.risks import deadlines
from workbench.services.store.workspace import Workspace

# --- upcoming and overdue -------------------------------------------------------------------


class ItemKind(StrEnum):
    EVENT = "event"
    REVIEW = "review"
    FINDING = "finding"
    RISK_ACTION = "risk_action"
    ACCEPTANCE = "acceptance"


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
    risk_ref: str | None = None


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


MAX_HORIZON_DAYS = 3660


def _risk_item(occurrence: Occurrence, today: date) -> UpcomingItem:
    day = occurrence.start.astimezone(UTC).date()
    action = occurrence.source is Source.RISK_ACTION
    return UpcomingItem(
        item=ItemKind.RISK_ACTION if action else ItemKind.ACCEPTANCE,
        day=day,
        title=occurrence.title,
        overdue=day < today,
        kind=occurrence.kind,
        detail=occurrence.location,
        occurrence=occurrence,
        risk_ref=occurrence.risk_ref,
    )


def _overdue_risk_items(session: Session, today: date) -> list[UpcomingItem]:
    return [_risk_item(risk_occurrence(d), today) for d in deadlines.overdue(session, today)]


def upcoming_and_overdue(
    workspace: Workspace,
    *,
    today: date,
    zone: tzinfo = UTC,
    horizon_days: int = 30,
    lookback_days: int = 365,
    problems: list[str] | None = None,
) -> list[UpcomingItem]:
    """Overdue items first (oldest first), then what is due in the next ``horizon_days``.

    Overdue: planned one-off events (and individually changed occurrences) that ended before
    today, reviews past their due date, open findings past their due date, open risk treatment
    actions past theirs and risk acceptances past their expiry. Open findings are always
    listed; a past occurrence of a repeating event is not chased.
    """
    horizon = today + timedelta(days=horizon_days)
    items: list[UpcomingItem] = []
    for occurrence in occurrences(
        workspace, today - timedelta(days=lookback_days), horizon, zone=zone, problems=problems
    ):
        if occurrence.status is not EventStatus.PLANNED:
            continue
        first, last = occurrence.days(zone)
        if occurrence.source in RISK_SOURCES:
            if last >= today:
                items.append(_risk_item(occurrence, today))
            continue  # overdue ones: listed below, however old
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
        items.extend(_overdue_risk_items(session, today))
    items.sort(key=lambda item: (not item.overdue, item.day or date.max, item.title.lower()))
    return items
