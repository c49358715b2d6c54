"""Signed decisions: an approver approves or rejects one exact version with their own key
(see :mod:`workbench.services.approvals.signing`), and the review round moves on.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from workbench.models import (
    Approval,
    ArtifactStatus,
    Decision,
    ReviewRequest,
    ReviewStatus,
    Version,
    utc_now,
)
from workbench.services.approvals import keys, keystore, people, signing
from workbench.services.approvals.reviews import (
    ApprovalError,
    _artifact,
    _close_pending,
    _latest_version,
    _names,
    _pending,
)
from workbench.services.common import text
from workbench.services.register import artifacts, placeholders, versioning
from workbench.services.store import audit_log
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

# --- deciding -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalOutcome:
    approval_id: int
    decision: Decision
    signer: str
    version: int
    key_fingerprint: str
    status: ArtifactStatus
    waiting_for: tuple[str, ...]
    next_review: date | None

    @property
    def message(self) -> str:
        key = signing.short_fingerprint(self.key_fingerprint)
        if self.decision is Decision.REJECTED:
            return (
                f"{self.signer} rejected version {self.version} (signed with key {key}); "
                "the artifact is a draft again"
            )
        text = f"{self.signer} approved version {self.version} (signed with key {key})"
        if self.waiting_for:
            return f"{text}; still waiting for {', '.join(self.waiting_for)}"
        due = f"; next review {self.next_review.isoformat()}" if self.next_review else ""
        return f"{text}; version {self.version} is approved{due}"


@dataclass(frozen=True)
class _Ready:
    """What was checked before the passphrase is used."""

    request_id: int
    signer_id: int
    signer: str
    fingerprint: str
    version_id: int
    content_sha256: str


def _prepare(
    session: Session, *, artifact_id: int, version: int, signer: str, decision: Decision,
    comment: str,
) -> _Ready:  # fmt: skip
    artifact = _artifact(session, artifact_id)
    person = people.find(session, signer)
    if person is None:
        raise ApprovalError(f"there is no person named '{signer.strip()}' in this workspace")
    if artifact.status is not ArtifactStatus.IN_REVIEW:
        raise ApprovalError(
            f"'{artifact.title}' is not in review (it is {artifact.status.value.replace('_', ' ')})"
        )
    pending = _pending(session, artifact_id)
    mine = next((r for r in pending if r.approver_id == person.id), None)
    if mine is None:
        waiting = ", ".join(_names(session, pending)) or "nobody"
        raise ApprovalError(
            f"{person.name} is not asked to approve '{artifact.title}' (waiting for {waiting})"
        )
    if mine.version_number != version:
        raise ApprovalError(
            f"the review of '{artifact.title}' is for version {mine.version_number}, "
            f"not version {version}"
        )
    latest = _latest_version(session, artifact_id)
    if latest.id != mine.version_id:
        raise ApprovalError(f"version {version} is no longer the current version")
    assert mine.id is not None and person.id is not None and latest.id is not None
    key = keys.current_key(session, person.id)
    if key is None:
        raise ApprovalError(f"{person.name} has no signing identity")
    # The key record must be the one the audit log recorded: a key swapped into the file
    # behind the workbench's back would otherwise sign in this person's name.
    problem = keys.check_key(key, keys.key_claims(session, person.id))
    if problem is not None:
        raise ApprovalError(
            f"{person.name}'s signing key in this workspace cannot be trusted ({problem}); "
            "nothing was signed: run workbench verify"
        )
    if decision is Decision.REJECTED and not comment.strip():
        raise ApprovalError("a rejection needs a reason in the comment")
    return _Ready(mine.id, person.id, person.name, key.fingerprint, latest.id,
                  latest.content_sha256)  # fmt: skip


def approve(
    workspace: Workspace,
    *,
    artifact_id: int,
    version: int,
    signer: str,
    passphrase: str,
    decision: Decision = Decision.APPROVED,
    comment: str = "",
    today: date | None = None,
    allow_placeholders: bool = False,
) -> tuple[ChangeSet, ApprovalOutcome]:
    """Sign a decision on one exact version with the signer's private key.

    Approving a version that still carries placeholders needs ``allow_placeholders``; the
    override is recorded in the audit entry.

    Raises:
        keystore.WrongPassphrase: the passphrase does not open the key; nothing was recorded.
        ApprovalError: the signer is not asked to decide on this version, the key is not on
            this computer, placeholders are left, ...; nothing was recorded.
    """
    comment = text.multi_line(comment, "comment")
    with workspace.read() as session:
        ready = _prepare(session, artifact_id=artifact_id, version=version, signer=signer,
                         decision=decision, comment=comment)  # fmt: skip
    left = 0
    if decision is Decision.APPROVED:
        left = check_placeholders(workspace, artifact_id, version, allow=allow_placeholders)
    with workspace.read() as session:
        log_head = audit_log.head(session)
        stored = session.get(Version, ready.version_id)
        assert stored is not None
        try:
            intact = versioning.content_sha256(versioning.stored_text(session, stored))
        except (ValueError, zlib.error, UnicodeDecodeError):
            intact = ""
    if intact != ready.content_sha256:
        raise ApprovalError(
            f"version {version}'s text does not match its recorded hash; run workbench verify"
        )
    key = _open_key(ready, passphrase)
    signed_at = utc_now()
    payload = signing.SignedPayload(
        artifact_id=artifact_id,
        version=version,
        content_sha256=ready.content_sha256,
        decision=decision.value,
        signer=ready.signer,
        signer_fingerprint=ready.fingerprint,
        signed_at=signed_at.isoformat(),
        comment=comment,
        log_entries=log_head.entries,
        log_head=log_head.hash,
    ).to_json()
    signature = signing.sign(key, payload)
    action = f"approval.{'approve' if decision is Decision.APPROVED else 'reject'}"
    with run_write(
        workspace, actor=ready.signer, action=action, entity="artifact", entity_id=artifact_id,
        durable=True,
    ) as write:  # fmt: skip
        session = write.session
        # Re-checked inside the write: the review may have moved on while the key was opened.
        again = _prepare(session, artifact_id=artifact_id, version=version, signer=signer,
                         decision=decision, comment=comment)  # fmt: skip
        if again != ready:
            raise ApprovalError("the review changed while signing; nothing was recorded")
        approval = Approval(
            artifact_id=artifact_id,
            version_id=ready.version_id,
            version_number=version,
            content_sha256=ready.content_sha256,
            decision=decision,
            signer_id=ready.signer_id,
            key_fingerprint=ready.fingerprint,
            comment=comment,
            payload=payload,
            signature=signature,
            signed_at=signed_at,
        )
        session.add(approval)
        session.flush()
        assert approval.id is not None
        outcome, write.summary = _record_decision(
            session, approval, ready, today or date.today(), left
        )
        write.changed(artifacts=[artifact_id], approvals=[approval.id])
    return write.changes, outcome


def _open_key(ready: _Ready, passphrase: str) -> Ed25519PrivateKey:
    return keystore.load_private_key(ready.fingerprint, passphrase, owner=ready.signer)


def check_placeholders(workspace: Workspace, artifact_id: int, version: int, *, allow: bool) -> int:
    """How many placeholders the version carries.

    Raises:
        ApprovalError: there are some and ``allow`` is False.
    """
    found = placeholders.of_version(workspace, artifact_id, version)
    if found and not allow:
        title = artifacts.get_details(workspace, artifact_id).title
        sentence = placeholders.remaining_sentence(title, version, found)
        raise ApprovalError(
            f"{sentence}; complete them, or approve anyway with --allow-placeholders"
        )
    return found.total


def _record_decision(
    session: Session, approval: Approval, ready: _Ready, today: date, placeholders_left: int = 0
) -> tuple[ApprovalOutcome, dict[str, object]]:
    """Move the review round on; returns the outcome and what the audit entry records."""
    artifact = _artifact(session, approval.artifact_id)
    request = session.get(ReviewRequest, ready.request_id)
    assert request is not None and approval.id is not None
    at = approval.signed_at
    request.status = (
        ReviewStatus.APPROVED if approval.decision is Decision.APPROVED else ReviewStatus.REJECTED
    )
    request.closed_at, request.approval_id = at, approval.id
    if approval.decision is Decision.REJECTED:
        request.reason = approval.comment
    session.add(request)
    others = [r for r in _pending(session, approval.artifact_id) if r.id != request.id]
    before = artifact.status
    next_review: date | None = None
    if approval.decision is Decision.REJECTED:
        reason = f"{ready.signer} rejected version {approval.version_number}"
        _close_pending(others, session=session, reason=reason, at=at)
        artifact.status = ArtifactStatus.DRAFT
        waiting: list[str] = []
    else:
        waiting = _names(session, others)
        if not waiting:
            artifact.status = ArtifactStatus.APPROVED
            next_review = artifacts.next_review_from(today, artifact.review_interval_months)
            artifact.next_review = next_review
    artifact.updated_at = at
    session.add(artifact)
    summary: dict[str, object] = {
        "approval_id": approval.id,
        "version": approval.version_number,
        "content_sha256": approval.content_sha256,
        "decision": approval.decision.value,
        "key_fingerprint": approval.key_fingerprint,
        "comment": approval.comment,
        "waiting_for": waiting,
        "status": {"before": before.value, "after": artifact.status.value},
        "next_review": next_review,
    }
    if placeholders_left:
        summary.update(placeholders=placeholders_left, placeholders_allowed=True)
    outcome = ApprovalOutcome(
        approval_id=approval.id,
        decision=approval.decision,
        signer=ready.signer,
        version=approval.version_number,
        key_fingerprint=approval.key_fingerprint,
        status=artifact.status,
        waiting_for=tuple(waiting),
        next_review=next_review,
    )
    return outcome, summary
