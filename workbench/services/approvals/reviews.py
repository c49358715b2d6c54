"""Review rounds: Draft -> In review -> Approved -> Published; Retired ends it.

Requesting a review asks named approvers to approve the artifact's current version; the
requests form a numbered review round. The version is approved when every approver of its
round approved it (:mod:`workbench.services.approvals.decisions`); one rejection returns the
artifact to draft, with the reason, and cancels the round's other requests. Saving a new
version while a review is pending cancels the round too, because an approval binds to one exact
text. A version approved earlier stays approved (and published) whatever drafts follow it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from workbench.models import (
    Artifact,
    ArtifactStatus,
    Person,
    ReviewRequest,
    ReviewStatus,
    Version,
    utc_now,
)
from workbench.services.approvals import keys, people
from workbench.services.common import text
from workbench.services.common.errors import ServiceError
from workbench.services.register import placeholders, versioning
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write


class ApprovalError(ServiceError):
    """A workflow step that cannot be taken; the message is for the user."""


# --- reading the state of a review ----------------------------------------------------------


@dataclass(frozen=True)
class RequestInfo:
    id: int
    approver: str
    role: str
    status: ReviewStatus
    requested_by: str
    requested_at: datetime
    closed_at: datetime | None
    reason: str
    approval_id: int | None


@dataclass(frozen=True)
class ReviewRound:
    """One round of review requests for one version."""

    artifact_id: int
    number: int
    version: int
    requests: tuple[RequestInfo, ...]

    @property
    def approved(self) -> bool:
        return all(request.status is ReviewStatus.APPROVED for request in self.requests)

    @property
    def pending(self) -> tuple[str, ...]:
        return tuple(r.approver for r in self.requests if r.status is ReviewStatus.PENDING)

    @property
    def rejection(self) -> RequestInfo | None:
        return next((r for r in self.requests if r.status is ReviewStatus.REJECTED), None)


def _rounds(session: Session, artifact_id: int) -> list[ReviewRound]:
    statement = (
        select(ReviewRequest, Person)
        .join(Person, col(Person.id) == col(ReviewRequest.approver_id))
        # A status changed to a value this release does not know is verify's to report;
        # rounds are read without it rather than not at all.
        .where(
            ReviewRequest.artifact_id == artifact_id,
            col(ReviewRequest.status).in_(list(ReviewStatus)),
        )
        .order_by(col(ReviewRequest.review_round), col(ReviewRequest.id))
    )
    grouped: dict[int, tuple[int, list[RequestInfo]]] = {}
    for request, person in session.exec(statement):
        assert request.id is not None
        _, infos = grouped.setdefault(request.review_round, (request.version_number, []))
        infos.append(
            RequestInfo(
                id=request.id,
                approver=person.name,
                role=person.role,
                status=request.status,
                requested_by=request.requested_by,
                requested_at=request.requested_at,
                closed_at=request.closed_at,
                reason=request.reason,
                approval_id=request.approval_id,
            )
        )
    return [
        ReviewRound(artifact_id, number, version, tuple(infos))
        for number, (version, infos) in grouped.items()
    ]


def review_rounds(workspace: Workspace, artifact_id: int) -> list[ReviewRound]:
    """Every review round of an artifact, oldest first."""
    with workspace.read() as session:
        return _rounds(session, artifact_id)


def current_round(workspace: Workspace, artifact_id: int) -> ReviewRound | None:
    """The latest review round (pending, decided or cancelled), or None."""
    rounds = review_rounds(workspace, artifact_id)
    return rounds[-1] if rounds else None


def approved_versions_in(session: Session, artifact_id: int) -> list[int]:
    return sorted({r.version for r in _rounds(session, artifact_id) if r.approved})


def approved_versions(workspace: Workspace, artifact_id: int) -> list[int]:
    """Versions every requested approver approved, oldest first."""
    with workspace.read() as session:
        return approved_versions_in(session, artifact_id)


def approved_version(workspace: Workspace, artifact_id: int) -> int | None:
    """The newest approved version: the one in force, whatever drafts follow it."""
    found = approved_versions(workspace, artifact_id)
    return found[-1] if found else None


@dataclass(frozen=True)
class AwaitingApproval:
    artifact_id: int
    title: str
    version: int
    requested_by: str
    requested_at: datetime


def awaiting(workspace: Workspace, approver: str) -> list[AwaitingApproval]:
    """What a person is asked to approve, oldest request first."""
    with workspace.read() as session:
        person = people.find(session, approver)
        if person is None:
            return []
        statement = (
            select(ReviewRequest, Artifact)
            .join(Artifact, col(Artifact.id) == col(ReviewRequest.artifact_id))
            .where(
                ReviewRequest.approver_id == person.id,
                ReviewRequest.status == ReviewStatus.PENDING,
                Artifact.status == ArtifactStatus.IN_REVIEW,
            )
            .order_by(col(ReviewRequest.requested_at))
        )
        return [
            AwaitingApproval(
                artifact_id=request.artifact_id,
                title=artifact.title,
                version=request.version_number,
                requested_by=request.requested_by,
                requested_at=request.requested_at,
            )
            for request, artifact in session.exec(statement)
        ]


# --- requesting and withdrawing a review ----------------------------------------------------


def _artifact(session: Session, artifact_id: int) -> Artifact:
    artifact = session.get(Artifact, artifact_id)
    if artifact is None:
        raise ApprovalError(f"there is no artifact {artifact_id}")
    return artifact


def _latest_version(session: Session, artifact_id: int) -> Version:
    version = session.exec(
        select(Version)
        .where(Version.artifact_id == artifact_id)
        .order_by(col(Version.number).desc())
        .limit(1)
    ).first()
    if version is None:
        raise ApprovalError(f"artifact {artifact_id} has no version to review")
    return version


def _pending(session: Session, artifact_id: int) -> list[ReviewRequest]:
    return list(
        session.exec(
            select(ReviewRequest)
            .where(
                ReviewRequest.artifact_id == artifact_id,
                ReviewRequest.status == ReviewStatus.PENDING,
            )
            .order_by(col(ReviewRequest.id))
        )
    )


def _names(session: Session, requests: Sequence[ReviewRequest]) -> list[str]:
    found = people.people_by_id(session, {request.approver_id for request in requests})
    return [found[r.approver_id].name for r in requests if r.approver_id in found]


def _approvers(session: Session, names: Sequence[str]) -> list[Person]:
    chosen: dict[int, Person] = {}
    for name in names:
        person = people.find(session, name)
        if person is None:
            raise ApprovalError(f"there is no person named '{name.strip()}' in this workspace")
        assert person.id is not None
        if keys.current_key(session, person.id) is None:
            raise ApprovalError(
                f"{person.name} has no signing identity yet; create one or import their "
                "public key first"
            )
        if person.retired_at is not None:
            raise ApprovalError(f"{person.name} is retired and approves nothing new")
        chosen.setdefault(person.id, person)
    if not chosen:
        raise ApprovalError("name at least one approver")
    return list(chosen.values())


def request_review(
    workspace: Workspace,
    *,
    actor: str,
    artifact_id: int,
    approvers: Sequence[str],
    note: str = "",
) -> tuple[ChangeSet, ReviewRound]:
    """Ask each named approver to approve the current version; all of them must approve."""
    note = text.multi_line(note, "note")
    with run_write(
        workspace, actor=actor, action="review.request", entity="artifact", entity_id=artifact_id
    ) as write:
        session = write.session
        artifact = _artifact(session, artifact_id)
        if artifact.status is ArtifactStatus.RETIRED:
            raise ApprovalError(f"'{artifact.title}' is retired; it cannot be reviewed")
        if artifact.status is ArtifactStatus.IN_REVIEW:
            waiting = ", ".join(_names(session, _pending(session, artifact_id)))
            raise ApprovalError(f"'{artifact.title}' is already in review (waiting for {waiting})")
        chosen = _approvers(session, approvers)
        version = _latest_version(session, artifact_id)
        if version.number in approved_versions_in(session, artifact_id):
            raise ApprovalError(
                f"version {version.number} of '{artifact.title}' is already approved"
            )
        last_round = session.exec(
            select(func.max(ReviewRequest.review_round)).where(
                ReviewRequest.artifact_id == artifact_id
            )
        ).one()
        number = (last_round or 0) + 1
        now = utc_now()
        for person in chosen:
            assert person.id is not None and version.id is not None
            session.add(
                ReviewRequest(
                    artifact_id=artifact_id,
                    review_round=number,
                    version_id=version.id,
                    version_number=version.number,
                    approver_id=person.id,
                    requested_by=actor,
                    requested_at=now,
                    reason=note.strip(),
                )
            )
        before = artifact.status
        artifact.status = ArtifactStatus.IN_REVIEW
        artifact.updated_at = now
        session.add(artifact)
        session.flush()
        write.summary.update(
            version=version.number,
            content_sha256=version.content_sha256,
            round=number,
            approvers=[person.name for person in chosen],
            note=note.strip(),
            status={"before": before.value, "after": ArtifactStatus.IN_REVIEW.value},
        )
        write.changed(artifacts=[artifact_id])
        review = next(r for r in _rounds(session, artifact_id) if r.number == number)
        title = artifact.title
    return write.changes | placeholder_warning(
        workspace, artifact_id, title, review.version
    ), review


def placeholder_warning(
    workspace: Workspace, artifact_id: int, title: str, version: int
) -> ChangeSet:
    """A notice when the version still carries placeholders (nothing when it has none)."""
    try:
        found = placeholders.of_version(workspace, artifact_id, version)
    except versioning.VersionError:  # verify reports an unreadable version
        return ChangeSet(audit_log=False)
    if not found:
        return ChangeSet(audit_log=False)
    sentence = placeholders.remaining_sentence(title, version, found)
    return ChangeSet.of(
        audit_log=False,
        notices=[f"Warning: {sentence}; approving and publishing it needs an explicit override."],
    )


def _close_pending(
    requests: Sequence[ReviewRequest], *, session: Session, reason: str, at: datetime
) -> None:
    for request in requests:
        request.status = ReviewStatus.CANCELLED
        request.closed_at = at
        request.reason = reason
        session.add(request)


def withdraw_review(
    workspace: Workspace, *, actor: str, artifact_id: int, reason: str = ""
) -> ChangeSet:
    """Cancel a pending review; the artifact returns to draft. Signed decisions stay."""
    reason = text.multi_line(reason, "reason")
    with run_write(
        workspace, actor=actor, action="review.withdraw", entity="artifact", entity_id=artifact_id
    ) as write:
        session = write.session
        artifact = _artifact(session, artifact_id)
        if artifact.status is not ArtifactStatus.IN_REVIEW:
            raise ApprovalError(f"'{artifact.title}' is not in review")
        pending = _pending(session, artifact_id)
        names = _names(session, pending)
        now = utc_now()
        _close_pending(
            pending, session=session, reason=reason.strip() or f"withdrawn by {actor}", at=now
        )
        artifact.status = ArtifactStatus.DRAFT
        artifact.updated_at = now
        session.add(artifact)
        write.summary.update(cancelled=names, reason=reason.strip())
        write.changed(artifacts=[artifact_id])
    return write.changes


@dataclass(frozen=True)
class CancelledReview:
    """What saving a new version did to the review that was pending."""

    version: int
    new_version: int
    approvers: tuple[str, ...]

    @property
    def message(self) -> str:
        waiting = f" (waiting for {', '.join(self.approvers)})" if self.approvers else ""
        return (
            f"The review of version {self.version}{waiting} was cancelled because version "
            f"{self.new_version} was saved; the artifact is a draft again. Request a new review "
            f"to have version {self.new_version} approved."
        )

    def summary(self) -> dict[str, object]:
        return {"version": self.version, "approvers": list(self.approvers)}


def cancel_for_new_version(
    session: Session, *, artifact: Artifact, version: Version
) -> CancelledReview | None:
    """Called by :func:`versioning.save_version` inside its transaction: an approval binds to
    one exact text, so a pending review of an older version cannot go on."""
    if artifact.status is not ArtifactStatus.IN_REVIEW or artifact.id is None:
        return None
    pending = _pending(session, artifact.id)
    reviewed = pending[0].version_number if pending else version.number - 1
    cancelled = CancelledReview(reviewed, version.number, tuple(_names(session, pending)))
    _close_pending(
        pending,
        session=session,
        reason=f"version {version.number} was saved during the review",
        at=version.created_at,
    )
    artifact.status = ArtifactStatus.DRAFT
    session.add(artifact)
    return cancelled
