"""Recompute every hash, chain and signature in a workspace and name what does not match.

``workbench verify`` and the audit trail's Verify button run :func:`verify_workspace`. Each
problem names what it is about (artifact id and title, version, approval id, log entry), so a
consultant can tell an auditor exactly which record was changed behind the app's back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from workbench.models import (
    Approval,
    Artifact,
    AuditLogEntry,
    Decision,
    Person,
    ReviewRequest,
    ReviewStatus,
    Version,
)
from workbench.services.approvals import reviews, signing
from workbench.services.controls import integrity
from workbench.services.register import versioning
from workbench.services.store import audit_log
from workbench.services.store.workspace import Workspace

CONTENT_CHANGED = "its content was changed"


@dataclass(frozen=True)
class Problem:
    area: str  # "version", "approval", "review", "artifact", "evidence" or "audit log"
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


@dataclass(frozen=True)
class VerifyReport:
    versions: int
    approvals: int
    log_entries: int
    problems: tuple[Problem, ...]
    stored_files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def chain_problems(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.area == "audit log")

    def summary(self) -> str:
        files = f", {self.stored_files} stored file(s)" if self.stored_files else ""
        checked = (
            f"{self.versions} version(s), {self.approvals} signature(s){files} and "
            f"{self.log_entries} audit log entr{'y' if self.log_entries == 1 else 'ies'}"
        )
        if self.ok:
            return f"verified {checked}: no problems"
        return f"{len(self.problems)} problem(s) in {checked}"

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checked": {
                "versions": self.versions,
                "approvals": self.approvals,
                "audit_log_entries": self.log_entries,
                "stored_files": self.stored_files,
            },
            "problems": [
                {"area": p.area, "subject": p.subject, "message": p.message} for p in self.problems
            ],
        }


def _count(session: Session, table: type[Version] | type[Approval] | type[AuditLogEntry]) -> int:
    return int(session.exec(select(func.count()).select_from(table)).one())


def _artifact_name(titles: Mapping[int, str], artifact_id: int) -> str:
    title = titles.get(artifact_id)
    return f"artifact {artifact_id} '{title}'" if title is not None else f"artifact {artifact_id}"


def verify_workspace(workspace: Workspace) -> VerifyReport:
    with workspace.read() as session:
        titles = {
            artifact_id: title
            for artifact_id, title in session.exec(select(Artifact.id, Artifact.title))
            if artifact_id is not None
        }
        problems = _version_problems(session, titles)
        content_changed = {(p.subject, p.message) for p in problems if p.message == CONTENT_CHANGED}
        problems += _approval_problems(session, titles, content_changed)
        problems += _review_problems(session, titles)
        evidence, stored_files = _evidence_problems(session)
        problems += evidence
        problems += _chain_problems(session)
        return VerifyReport(
            versions=_count(session, Version),
            approvals=_count(session, Approval),
            log_entries=_count(session, AuditLogEntry),
            problems=tuple(problems),
            stored_files=stored_files,
        )


def _version_subject(titles: Mapping[int, str], artifact_id: int, number: int) -> str:
    return f"{_artifact_name(titles, artifact_id)} version {number}"


def _version_problems(session: Session, titles: Mapping[int, str]) -> list[Problem]:
    return [
        Problem("version", _version_subject(titles, p.artifact_id, p.number), p.message)
        for p in versioning.verify_versions(session)
    ]


def _approval_problems(
    session: Session, titles: Mapping[int, str], content_changed: set[tuple[str, str]]
) -> list[Problem]:
    rows = list(session.exec(select(Approval).order_by(col(Approval.id))))
    versions = {
        version.id: version
        for version in session.exec(
            select(Version).where(col(Version.id).in_({a.version_id for a in rows}))
        )
    }
    hashes: dict[int, str | None] = {}
    for version_id, version in versions.items():
        assert version_id is not None
        subject = _version_subject(titles, version.artifact_id, version.number)
        # verify_versions recomputed the text's hash; reuse what it found.
        changed = (subject, CONTENT_CHANGED) in content_changed
        hashes[version_id] = None if changed else version.content_sha256
    problems: list[Problem] = []
    for check in signing.check_approvals(session, rows, hashes):
        if check.valid:
            continue
        subject = (
            f"approval {check.approval_id} ({check.decision.value} by {check.signer}) of "
            f"{_version_subject(titles, check.artifact_id, check.version)}"
        )
        problems.append(Problem("approval", subject, f"signature invalid: {check.reason}"))
    return problems


def _review_problems(session: Session, titles: Mapping[int, str]) -> list[Problem]:
    """Decided review requests must rest on a signed approval by that approver of that version.

    The register's approved version comes from the requests, so this is what keeps a request
    marked approved by hand from passing as an approval."""
    problems: list[Problem] = []
    names = {person.id: person.name for person in session.exec(select(Person))}
    decided = session.exec(
        select(ReviewRequest)
        .where(col(ReviewRequest.status).in_((ReviewStatus.APPROVED, ReviewStatus.REJECTED)))
        .order_by(col(ReviewRequest.id))
    )
    for request in decided:
        approval = session.get(Approval, request.approval_id) if request.approval_id else None
        expected = (
            Decision.APPROVED if request.status is ReviewStatus.APPROVED else Decision.REJECTED
        )
        if approval is None or (
            approval.artifact_id,
            approval.version_number,
            approval.signer_id,
            approval.decision,
        ) != (request.artifact_id, request.version_number, request.approver_id, expected):
            approver = names.get(request.approver_id, f"person {request.approver_id}")
            subject = (
                f"review request {request.id} ({approver}) of "
                f"{_version_subject(titles, request.artifact_id, request.version_number)}"
            )
            problems.append(
                Problem(
                    "review",
                    subject,
                    f"marked {request.status.value} without a matching signed decision by "
                    f"{approver}",
                )
            )
    published = session.exec(
        select(Artifact.id, Artifact.published_version).where(
            col(Artifact.published_version).is_not(None)
        )
    )
    for artifact_id, version in published:
        assert artifact_id is not None
        if version not in reviews.approved_versions_in(session, artifact_id):
            problems.append(
                Problem(
                    "artifact",
                    _artifact_name(titles, artifact_id),
                    f"published version {version} was never approved by all its approvers",
                )
            )
    return problems


def _evidence_problems(session: Session) -> tuple[list[Problem], int]:
    """Every stored evidence file against its SHA-256; returns the problems and the count."""
    vault = integrity.evidence_problems(session)
    return [Problem("evidence", p.subject, p.message) for p in vault.problems], vault.files


def _chain_problems(session: Session) -> list[Problem]:
    problems: list[Problem] = []
    for problem in audit_log.verify_chain(session):
        entry = session.get(AuditLogEntry, problem.entry_id)
        detail = (
            f" ({entry.action} by {entry.actor}, {entry.at:%Y-%m-%d %H:%M} UTC)" if entry else ""
        )
        problems.append(
            Problem("audit log", f"audit log entry {problem.entry_id}{detail}", problem.message)
        )
    return problems
