"""Reading and writing planner events: create, update, change or cancel one occurrence, delete."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlmodel import Session, col, delete, select

from workbench.models import (
    Artifact,
    EventException,
    EventLink,
    Finding,
    FindingStatus,
    PlannerEvent,
    utc_now,
)
from workbench.services.common import text
from workbench.services.planner import recurrence
from workbench.services.planner.drafts import (
    EventDraft,
    OccurrenceChange,
    PlannerError,
    _checked_times,
    new_uid,
    validate_draft,
)
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

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
    last = recurrence.series_end(
        event.rrule, event.start, all_day=event.all_day, tzid=event.tzid,
        cache=recurrence.expansions(session),
    )  # fmt: skip
    if last is not None and event.id is not None:
        moved = session.exec(
            select(EventException.start).where(
                col(EventException.event_id) == event.id, col(EventException.start).is_not(None)
            )
        ).all()
        last = max([last, *(start for start in moved if start is not None)])
    event.recurrence_end = last


def add_event(session: Session, draft: EventDraft) -> PlannerEvent:
    """Insert a validated draft as part of the caller's write (which logs it)."""
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
    return event


def create_event(workspace: Workspace, draft: EventDraft, *, actor: str) -> ChangeSet:
    """Add an event (or series). The change set's ``events`` holds its id."""
    checked = validate_draft(draft)
    with run_write(
        workspace, actor=actor, action="planner.event.create", entity="planner_event"
    ) as write:
        session = write.session
        if (
            checked.uid
            and session.exec(
                select(PlannerEvent.id).where(col(PlannerEvent.uid) == checked.uid)
            ).first()
        ):
            raise PlannerError(f"An event with UID {checked.uid} exists already.")
        event = add_event(session, checked)
        assert event.id is not None
        write.entity_id = event.id
        write.summary = _summary(checked)
        write.changed(events=[event.id])
    return write.changes


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
            event.rrule,
            event.start,
            original,
            all_day=event.all_day,
            tzid=event.tzid,
            cache=recurrence.expansions(session),
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
    with run_write(
        workspace,
        actor=actor,
        action="planner.event.update",
        entity="planner_event",
        entity_id=event_id,
    ) as write:
        session = write.session
        event = _get(session, event_id)
        before = _summary(get_draft(event))
        write_event(session, event, checked)
        write.summary = {"before": before, "after": _summary(checked)}
        write.changed(events=[event_id])
    return write.changes


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
        event.rrule,
        event.start,
        original,
        all_day=event.all_day,
        tzid=event.tzid,
        cache=recurrence.expansions(session),
    ):
        raise PlannerError(
            f"{event.title} has no occurrence at {original.isoformat(timespec='minutes')}."
        )
    return EventException(event_id=event.id, original_start=original)


def _checked_change(event: PlannerEvent, change: OccurrenceChange) -> OccurrenceChange:
    change = replace(
        change,
        title=text.optional_single_line(change.title, "event title"),
        location=text.optional_single_line(change.location, "location"),
        notes=text.optional_multi_line(change.notes, "notes"),
        outcome=text.optional_multi_line(change.outcome, "outcome"),
    )
    if change.title is not None and not change.title:
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
    with run_write(
        workspace,
        actor=actor,
        action="planner.occurrence.update",
        entity="planner_event",
        entity_id=event_id,
    ) as write:
        session = write.session
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
        write.summary = {
            "original_start": original_start.isoformat() if original_start else None,
            "change": {key: value for key, value in vars(change).items() if value is not None},
        }
        write.changed(events=[event_id])
    return write.changes


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
    with run_write(
        workspace,
        actor=actor,
        action="planner.occurrence.cancel",
        entity="planner_event",
        entity_id=event_id,
    ) as write:
        session = write.session
        event = _get(session, event_id)
        if event.rrule is None:
            raise PlannerError(f"{event.title} does not repeat; delete the event instead.")
        exception = _exception_for(session, event, original_start)
        exception.cancelled = True
        exception.start = exception.end = None
        session.add(exception)
        write.summary = {"original_start": original_start.astimezone(UTC).isoformat()}
        write.changed(events=[event_id])
    return write.changes


def delete_event(workspace: Workspace, event_id: int, *, actor: str) -> ChangeSet:
    """Delete an event or a whole series, with its findings and links."""
    with run_write(
        workspace,
        actor=actor,
        action="planner.event.delete",
        entity="planner_event",
        entity_id=event_id,
    ) as write:
        session = write.session
        event = _get(session, event_id)
        summary = _summary(get_draft(event))
        session.exec(delete(EventException).where(col(EventException.event_id) == event_id))
        session.exec(delete(Finding).where(col(Finding.event_id) == event_id))
        session.exec(delete(EventLink).where(col(EventLink.event_id) == event_id))
        session.delete(event)
        write.summary = dict(summary)
        write.changed(events=[event_id])
    return write.changes
