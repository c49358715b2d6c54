"""Recompute every hash, chain and signature in a workspace and name what does not match.

``workbench verify`` and the audit trail's Verify button run :func:`verify_workspace`. Each
problem names what it is about (artifact id and title, version, approval id, key, log entry),
so a consultant can tell an auditor exactly which record was changed behind the app's back.

What is checked:

- every version's content hash and the chain of versions of each artifact;
- every signature (approvals and risk acceptances), with the key record the signer held when
  signing, and the audit log head the signature covers;
- every key record against the fingerprint the audit log recorded when the key was added;
- every append-only record (version, approval, review request, key, key retirement, audit
  pack, risk method version, risk acceptance, evidence revision, stored file) against the audit
  entry that created it, and every such entry against its record;
- every stored evidence file against its SHA-256, and every evidence revision against its file;
- the audit log's own hash chain;
- every stored value the workbench must be able to read (statuses, dates, numbers).

The report carries the log's head (entry count and last hash); written down outside the
workspace, it lets a later verify tell a log that was cut short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from workbench.models import (
    Approval,
    Artifact,
    AuditLogEntry,
    Decision,
    PackExport,
    Person,
    PersonKey,
    ReviewRequest,
    ReviewStatus,
    Risk,
    RiskAcceptance,
    RiskMethodVersion,
    Version,
)
from workbench.services.approvals import reviews, signing
from workbench.services.audit import records
from workbench.services.audit.records import Names
from workbench.services.controls import integrity as vault
from workbench.services.register import versioning
from workbench.services.risks import acceptance
from workbench.services.risks import method as methods
from workbench.services.store import audit_log, integrity
from workbench.services.store.audit_log import GENESIS_HASH, LogHead
from workbench.services.store.workspace import Workspace

CONTENT_CHANGED = "its content was changed"


@dataclass(frozen=True)
class Problem:
    # "version", "approval", "review", "artifact", "person key", "audit pack", "record" (an
    # entry whose record is gone), "risk method", "risk acceptance", "risk", "evidence",
    # "audit log" (the chain itself) or "stored value"
    area: str
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
    log_head: str = GENESIS_HASH
    keys: int = 0
    acceptances: int = 0
    stored_files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def head(self) -> LogHead:
        return LogHead(self.log_entries, self.log_head)

    @property
    def chain_problems(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.area == "audit log")

    def summary(self) -> str:
        accepted = f", {self.acceptances} risk acceptance signature(s)" if self.acceptances else ""
        files = f", {self.stored_files} stored file(s)" if self.stored_files else ""
        checked = (
            f"{self.versions} version(s), {self.approvals} signature(s){accepted}{files} and "
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
                "risk_acceptances": self.acceptances,
                "audit_log_entries": self.log_entries,
                "person_keys": self.keys,
                "stored_files": self.stored_files,
            },
            "audit_log_head": self.head.to_json(),
            "problems": [
                {"area": p.area, "subject": p.subject, "message": p.message} for p in self.problems
            ],
        }


def _count(
    session: Session,
    table: type[Version] | type[Approval] | type[PersonKey] | type[RiskAcceptance],
) -> int:
    return int(session.exec(select(func.count()).select_from(table)).one())


def verify_workspace(workspace: Workspace) -> VerifyReport:
    with workspace.read() as session:
        return verify_session(session)


def _guarded(what: str, check: Callable[[], list[Problem]]) -> list[Problem]:
    """Run one check; a value it cannot read (already named as a stored value) stops only it."""
    try:
        return check()
    except (LookupError, ValueError) as error:
        damaged = integrity.damaged_value_error(error, "the workspace")
        if damaged is None:
            raise
        return [Problem("stored value", what, f"not checked: {damaged}")]


def verify_session(session: Session) -> VerifyReport:
    """:func:`verify_workspace` on an open session (a read-only copy being checked, ...)."""
    problems = [
        Problem("stored value", f"{p.table} {p.row}", p.message)
        for p in integrity.stored_value_problems(session)
    ]
    names = Names(
        artifacts={
            artifact_id: title
            for artifact_id, title in session.exec(select(Artifact.id, Artifact.title))
            if artifact_id is not None
        },
        people={
            person_id: name
            for person_id, name in session.exec(select(Person.id, Person.name))
            if person_id is not None
        },
    )
    entries: list[AuditLogEntry] = []
    problems += _guarded("the audit log", lambda: _read_log(session, entries))
    hashes = [entry.entry_hash for entry in entries]
    version_problems = _guarded("the versions", lambda: _version_problems(session, names))
    problems += version_problems
    content_changed = {p.subject for p in version_problems if p.message == CONTENT_CHANGED}
    problems += _guarded(
        "the signatures",
        lambda: _approval_problems(session, names, content_changed, hashes),
    )
    problems += _guarded("the reviews", lambda: _review_problems(session, names))
    problems += _guarded(
        "the records",
        lambda: [
            Problem(found.area, found.subject, found.message)
            for found in records.unmatched(session, entries, names)
        ],
    )
    problems += _guarded("the audit packs", lambda: _pack_head_problems(session, hashes))
    problems += _guarded("the risks", lambda: _risk_problems(session, hashes))
    evidence = vault.evidence_problems(session)
    problems += [Problem("evidence", p.subject, p.message) for p in evidence.problems]
    problems += _chain_problems(entries)
    return VerifyReport(
        versions=_count(session, Version),
        approvals=_count(session, Approval),
        log_entries=len(entries),
        problems=tuple(problems),
        log_head=hashes[-1] if hashes else GENESIS_HASH,
        keys=_count(session, PersonKey),
        acceptances=_count(session, RiskAcceptance),
        stored_files=evidence.files,
    )


def _read_log(session: Session, into: list[AuditLogEntry]) -> list[Problem]:
    into.extend(session.exec(select(AuditLogEntry).order_by(col(AuditLogEntry.id))))
    return []


def _version_problems(session: Session, names: Names) -> list[Problem]:
    return [
        Problem("version", names.version(p.artifact_id, p.number), p.message)
        for p in versioning.verify_versions(session)
    ]


def _approval_problems(
    session: Session, names: Names, content_changed: set[str], hashes: list[str]
) -> list[Problem]:
    # A decision this release does not know is reported as a stored value.
    rows = list(
        session.exec(
            select(Approval)
            .where(col(Approval.decision).in_(list(Decision)))
            .order_by(col(Approval.id))
        )
    )
    versions = {
        version.id: version
        for version in session.exec(
            select(Version).where(col(Version.id).in_({a.version_id for a in rows}))
        )
    }
    content_hashes: dict[int, str | None] = {}
    for version_id, version in versions.items():
        assert version_id is not None
        # verify_versions recomputed the text's hash; reuse what it found.
        changed = names.version(version.artifact_id, version.number) in content_changed
        content_hashes[version_id] = None if changed else version.content_sha256

    problems: list[Problem] = []
    checks = signing.check_approvals(session, rows, content_hashes, log_hash_at=_hash_at(hashes))
    for check in checks:
        if check.valid:
            continue
        subject = (
            f"approval {check.approval_id} ({check.decision.value} by {check.signer}) of "
            f"{names.version(check.artifact_id, check.version)}"
        )
        problems.append(Problem("approval", subject, f"signature invalid: {check.reason}"))
    return problems


def _review_problems(session: Session, names: Names) -> list[Problem]:
    """Decided review requests must rest on a signed approval by that approver of that version.

    The register's approved version comes from the requests, so this is what keeps a request
    marked approved by hand from passing as an approval."""
    problems: list[Problem] = []
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
            approver = names.person(request.approver_id)
            subject = (
                f"review request {request.id} ({approver}) of "
                f"{names.version(request.artifact_id, request.version_number)}"
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
                    names.artifact(artifact_id),
                    f"published version {version} was never approved by all its approvers",
                )
            )
    return problems


def _hash_at(hashes: list[str]) -> signing.LogHashAt:
    def hash_at(position: int) -> str | None:
        return hashes[position - 1] if 0 < position <= len(hashes) else None

    return hash_at


def _risk_problems(session: Session, hashes: list[str]) -> list[Problem]:
    """Every stored risk method version still says what it said, every risk acceptance's
    signature, snapshot and signed audit log head verify, and every risk's stored levels
    follow from its ratings."""
    problems: list[Problem] = []
    for row in session.exec(select(RiskMethodVersion).order_by(col(RiskMethodVersion.id))):
        subject = f"risk method version {row.id}"
        if acceptance.sha256(row.data) != row.sha256:
            problems.append(Problem("risk method", subject, CONTENT_CHANGED))
            continue
        try:
            methods.from_json(row.data)
        except methods.MethodError as error:
            problems.append(Problem("risk method", subject, f"cannot be read: {error}"))
    for check in acceptance.check_acceptances(session, log_hash_at=_hash_at(hashes)):
        if check.problems:
            subject = (
                f"risk acceptance {check.id} ({acceptance.KIND_TITLES[check.kind]} of "
                f"{check.ref} by {check.signer})"
            )
            problems.append(
                Problem(
                    "risk acceptance", subject, f"signature invalid: {'; '.join(check.problems)}"
                )
            )
    method = methods.current_method(session)
    for risk in session.exec(select(Risk).order_by(col(Risk.id))):
        expected = (
            method.level_of(risk.likelihood, risk.impact),
            method.level_of(risk.residual_likelihood, risk.residual_impact),
        )
        if (risk.level, risk.residual_level) != expected:
            problems.append(
                Problem(
                    "risk",
                    f"risk {risk.ref} '{risk.title}'",
                    "its stored level does not follow from its ratings under the risk method",
                )
            )
    return problems


def _pack_head_problems(session: Session, hashes: list[str]) -> list[Problem]:
    """Each audit pack anchored the log's head in its manifest; the log must still hold it."""
    problems: list[Problem] = []
    for pack in session.exec(select(PackExport).order_by(col(PackExport.id))):
        subject = f"audit pack {pack.file_name} ({pack.created_at:%Y-%m-%d %H:%M} UTC)"
        position = pack.log_entries
        if position > len(hashes):
            message = (
                f"its manifest records an audit log of {position} entries; the log now holds "
                f"{len(hashes)}: it was cut short"
            )
            problems.append(Problem("audit pack", subject, message))
        elif position > 0 and hashes[position - 1] != pack.log_head:
            message = (
                f"its manifest records entry {position} of the audit log with another hash: the "
                "log was rewritten"
            )
            problems.append(Problem("audit pack", subject, message))
    return problems


def _chain_problems(entries: list[AuditLogEntry]) -> list[Problem]:
    by_id = {entry.id: entry for entry in entries}
    problems: list[Problem] = []
    for problem in audit_log.check_chain(entries):
        entry = by_id.get(problem.entry_id)
        detail = (
            f" ({entry.action} by {entry.actor}, {entry.at:%Y-%m-%d %H:%M} UTC)" if entry else ""
        )
        problems.append(
            Problem("audit log", f"audit log entry {problem.entry_id}{detail}", problem.message)
        )
    return problems
