"""The audit programme generator: a three-year certification cycle proposed from a target date.

From the date the consultant aims to be certified (the stage 2 audit), propose stage 1, stage 2,
two surveillance audits (12 and 24 months after stage 2) and the recertification audit (36
months after), each preceded by an internal audit and a management review, as ISO/IEC 27001
clauses 9.2 and 9.3 expect before a certification body visits. The consultant adjusts the
proposal and accepts it; the accepted items are written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import col, select

from workbench.models import EventKind, PlannerEvent
from workbench.services.planner.drafts import (
    EventDraft,
    PlannerError,
    all_day_start,
    validate_draft,
)
from workbench.services.planner.events import add_event
from workbench.services.register import profile
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

STAGE_1_BEFORE_STAGE_2 = timedelta(weeks=6)
INTERNAL_AUDIT_BEFORE = timedelta(weeks=8)
MANAGEMENT_REVIEW_BEFORE = timedelta(weeks=4)
SURVEILLANCE_MONTHS = (12, 24)
RECERTIFICATION_MONTHS = 36
DEFAULT_LEAD_MONTHS = 6
# An item counts as planned already when an event of its kind lies this close to it.
ALREADY_PLANNED_WITHIN = timedelta(days=45)

DAYS: dict[EventKind, int] = {
    EventKind.STAGE_1: 1,
    EventKind.STAGE_2: 2,
    EventKind.SURVEILLANCE: 1,
    EventKind.RECERTIFICATION: 2,
    EventKind.INTERNAL_AUDIT: 2,
    EventKind.MANAGEMENT_REVIEW: 1,
}


@dataclass(frozen=True)
class ProgrammeItem:
    kind: EventKind
    title: str
    start: date
    days: int = 1
    include: bool = True
    note: str = ""

    def draft(self) -> EventDraft:
        end = all_day_start(self.start + timedelta(days=self.days)) if self.days > 1 else None
        return EventDraft(
            kind=self.kind,
            title=self.title,
            start=all_day_start(self.start),
            end=end,
            all_day=True,
            notes=self.note,
        )


def _weekday(day: date) -> date:
    """The day itself, or the Monday after when it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _item(kind: EventKind, title: str, day: date) -> ProgrammeItem:
    return ProgrammeItem(kind=kind, title=title, start=_weekday(day), days=DAYS[kind])


def _before(audit: date, label: str) -> list[ProgrammeItem]:
    internal = audit - INTERNAL_AUDIT_BEFORE
    review = audit - MANAGEMENT_REVIEW_BEFORE
    return [
        _item(EventKind.INTERNAL_AUDIT, f"Internal audit (before {label})", internal),
        _item(EventKind.MANAGEMENT_REVIEW, f"Management review (before {label})", review),
    ]


def propose(target: date) -> list[ProgrammeItem]:
    """The three-year cycle for a certification (stage 2) target date, in date order."""
    stage_2 = _weekday(target)
    stage_1 = _weekday(stage_2 - STAGE_1_BEFORE_STAGE_2)
    items = [
        *_before(stage_1, "stage 1"),
        _item(EventKind.STAGE_1, "Certification audit stage 1 (documentation review)", stage_1),
        _item(EventKind.STAGE_2, "Certification audit stage 2", stage_2),
    ]
    for number, months in enumerate(SURVEILLANCE_MONTHS, start=1):
        audit = _weekday(target + relativedelta(months=months))
        items += [
            *_before(audit, f"surveillance audit {number}"),
            _item(EventKind.SURVEILLANCE, f"Surveillance audit {number}", audit),
        ]
    recertification = _weekday(target + relativedelta(months=RECERTIFICATION_MONTHS))
    items += [
        *_before(recertification, "recertification"),
        _item(EventKind.RECERTIFICATION, "Recertification audit", recertification),
    ]
    return sorted(items, key=lambda item: item.start)


def default_target(workspace: Workspace, today: date) -> date:
    """The profile's certification target, else six months from today."""
    target = profile.get_profile(workspace).certification_target
    return target or today + relativedelta(months=DEFAULT_LEAD_MONTHS)


def propose_for(workspace: Workspace, target: date) -> list[ProgrammeItem]:
    """:func:`propose`, with items the workspace already plans unticked and noted."""
    items = propose(target)
    first = items[0].start - ALREADY_PLANNED_WITHIN
    last = items[-1].start + ALREADY_PLANNED_WITHIN
    statement = select(PlannerEvent.kind, PlannerEvent.start).where(
        col(PlannerEvent.kind).in_({item.kind for item in items}),
        col(PlannerEvent.start) >= all_day_start(first),
        col(PlannerEvent.start) <= all_day_start(last),
    )
    with workspace.read() as session:
        existing = list(session.exec(statement))
    marked = []
    for item in items:
        near = [
            start.date()
            for kind, start in existing
            if kind is item.kind and abs(start.date() - item.start) <= ALREADY_PLANNED_WITHIN
        ]
        if near:
            item = replace(item, include=False, note=f"already planned on {min(near).isoformat()}")
        marked.append(item)
    return marked


def accept(workspace: Workspace, items: list[ProgrammeItem], *, actor: str) -> ChangeSet:
    """Add the included items as events, all in one transaction with one audit entry."""
    chosen = [item for item in items if item.include]
    if not chosen:
        raise PlannerError("No programme items are ticked; nothing was added.")
    drafts = []
    for item in chosen:
        if item.days < 1:
            raise PlannerError(f"{item.title} must last at least one day.")
        drafts.append(validate_draft(item.draft()))
    ids: set[int] = set()
    with run_write(
        workspace, actor=actor, action="planner.programme.accept", entity="planner_event"
    ) as write:
        session = write.session
        for draft in drafts:
            event = add_event(session, draft)
            assert event.id is not None
            ids.add(event.id)
        write.entity_id = ",".join(str(i) for i in sorted(ids))
        write.summary = {
            "items": [
                {"kind": d.kind.value, "title": d.title, "start": d.start.date()} for d in drafts
            ]
        }
        write.changed(events=ids)
    return write.changes
