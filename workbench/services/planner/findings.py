"""Audit findings: what an audit found, against which clause or control, and who fixes it by when.

Open findings show in the planner's "Upcoming and overdue" list until they are closed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import col, select

from workbench.models import Finding, FindingSeverity, FindingStatus, PlannerEvent, utc_now
from workbench.services.catalog.standards import default_catalog
from workbench.services.common import text
from workbench.services.planner.drafts import AUDIT_KINDS, PlannerError
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

SEVERITY_LABELS: dict[FindingSeverity, str] = {
    FindingSeverity.MAJOR: "Major nonconformity",
    FindingSeverity.MINOR: "Minor nonconformity",
    FindingSeverity.OBSERVATION: "Observation",
    FindingSeverity.OPPORTUNITY: "Opportunity for improvement",
}


@dataclass(frozen=True)
class FindingDraft:
    text: str
    ref: str = ""
    severity: FindingSeverity = FindingSeverity.MINOR
    owner: str = ""
    due: date | None = None
    status: FindingStatus = FindingStatus.OPEN


@dataclass(frozen=True)
class FindingRow:
    id: int
    event_id: int
    draft: FindingDraft


def _checked(draft: FindingDraft) -> FindingDraft:
    description = text.single_line(draft.text, "finding")
    if not description:
        raise PlannerError("A finding needs a description.")
    ref = text.single_line(draft.ref, "reference")
    if ref and ref not in default_catalog():
        raise PlannerError(f"Unknown clause or control reference: {ref}.")
    return replace(draft, text=description, ref=ref, owner=text.single_line(draft.owner, "owner"))


def _summary(draft: FindingDraft) -> dict[str, object]:
    return {
        "text": draft.text,
        "ref": draft.ref,
        "severity": draft.severity.value,
        "owner": draft.owner,
        "due": draft.due,
        "status": draft.status.value,
    }


def add_finding(
    workspace: Workspace, event_id: int, draft: FindingDraft, *, actor: str
) -> ChangeSet:
    """Record a finding of an audit event."""
    checked = _checked(draft)
    with run_write(workspace, actor=actor, action="planner.finding.add", entity="finding") as write:
        session = write.session
        event = session.get(PlannerEvent, event_id)
        if event is None:
            raise PlannerError(f"There is no event {event_id}.")
        if event.kind not in AUDIT_KINDS:
            raise PlannerError(f"{event.title} is not an audit; findings belong to audits.")
        finding = Finding(
            event_id=event_id,
            text=checked.text,
            ref=checked.ref,
            severity=checked.severity,
            owner=checked.owner,
            due=checked.due,
            status=checked.status,
        )
        session.add(finding)
        session.flush()
        assert finding.id is not None
        write.entity_id = finding.id
        write.summary = {"event": event_id, **_summary(checked)}
        write.changed(events=[event_id])
    return write.changes


def update_finding(
    workspace: Workspace, finding_id: int, draft: FindingDraft, *, actor: str
) -> ChangeSet:
    """Change a finding (closing it is ``status=CLOSED``)."""
    checked = _checked(draft)
    with run_write(
        workspace,
        actor=actor,
        action="planner.finding.update",
        entity="finding",
        entity_id=finding_id,
    ) as write:
        session = write.session
        finding = session.get(Finding, finding_id)
        if finding is None:
            raise PlannerError(f"There is no finding {finding_id}.")
        before = _summary(_draft(finding))
        finding.text, finding.ref, finding.owner = checked.text, checked.ref, checked.owner
        finding.severity, finding.due, finding.status = (
            checked.severity,
            checked.due,
            checked.status,
        )
        finding.updated_at = utc_now()
        session.add(finding)
        write.summary = {"before": before, "after": _summary(checked)}
        event_id = finding.event_id
        write.changed(events=[event_id])
    return write.changes


def close_finding(workspace: Workspace, finding_id: int, *, actor: str) -> ChangeSet:
    draft = get_finding(workspace, finding_id).draft
    return update_finding(
        workspace, finding_id, replace(draft, status=FindingStatus.CLOSED), actor=actor
    )


def _draft(finding: Finding) -> FindingDraft:
    return FindingDraft(
        text=finding.text,
        ref=finding.ref,
        severity=finding.severity,
        owner=finding.owner,
        due=finding.due,
        status=finding.status,
    )


def get_finding(workspace: Workspace, finding_id: int) -> FindingRow:
    with workspace.read() as session:
        finding = session.get(Finding, finding_id)
    if finding is None or finding.id is None:
        raise PlannerError(f"There is no finding {finding_id}.")
    return FindingRow(id=finding.id, event_id=finding.event_id, draft=_draft(finding))


def list_findings(workspace: Workspace, event_id: int | None = None) -> list[FindingRow]:
    """An event's findings (or every finding), open ones first, then by due date."""
    statement = select(Finding)
    if event_id is not None:
        statement = statement.where(col(Finding.event_id) == event_id)
    with workspace.read() as session:
        rows = [
            FindingRow(id=finding.id, event_id=finding.event_id, draft=_draft(finding))
            for finding in session.exec(statement)
            if finding.id is not None
        ]
    rows.sort(
        key=lambda row: (
            row.draft.status is not FindingStatus.OPEN,
            row.draft.due or date.max,
            row.id,
        )
    )
    return rows
