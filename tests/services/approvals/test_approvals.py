from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.helpers.approvals import (
    JONAS_PASS,
    PRIYA_PASS,
    approved_by_both,
    with_people,
    with_policy,
)
from workbench.models import (
    Approval,
    ArtifactStatus,
    AuditLogEntry,
    Decision,
    ReviewRequest,
    ReviewStatus,
)
from workbench.services.approvals import decisions, keys, people, reviews, signing
from workbench.services.approvals.keystore import WrongPassphrase
from workbench.services.approvals.reviews import ApprovalError
from workbench.services.approvals.signing import SignatureState
from workbench.services.documents import editing
from workbench.services.register import artifacts, listing, versioning
from workbench.services.register.listing import RegisterFilter
from workbench.services.store import audit_log


@pytest.fixture
def policy(workspace) -> int:
    with_people(workspace)
    return with_policy(workspace)


def _hash_at(workspace, position: int) -> str | None:
    with workspace.read() as session:
        return audit_log.hash_at(session, position)


def _row(workspace, artifact_id: int) -> listing.RegisterRow:
    return listing.fetch_rows(workspace, [artifact_id])[artifact_id]


def test_sign_and_verify_round_trip(workspace, policy: int) -> None:
    reviews.request_review(workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber"])
    changes, outcome = decisions.approve(
        workspace, artifact_id=policy, version=1, signer="jonas weber", passphrase=JONAS_PASS,
        comment="Reviewed with the IT team", today=date(2026, 11, 28),
    )  # fmt: skip
    assert changes.approvals == {outcome.approval_id} and changes.artifacts == {policy}
    assert outcome.status is ArtifactStatus.APPROVED and outcome.waiting_for == ()
    assert "Jonas Weber approved version 1" in outcome.message

    with workspace.read() as session:
        approval = session.exec(select(Approval)).one()
    payload = signing.SignedPayload.parse(approval.payload)
    version = versioning.get_version(workspace, policy, 1)
    assert payload.content_sha256 == version.info.content_sha256
    assert (payload.artifact_id, payload.version, payload.decision) == (policy, 1, "approved")
    assert payload.signer == "Jonas Weber" and payload.comment == "Reviewed with the IT team"
    jonas = people.get_person(workspace, "Jonas Weber")
    assert payload.signer_fingerprint == jonas.key_fingerprint
    with workspace.read() as session:
        (key,) = keys.keys_of(session, [jonas.id])
        assert signing.signature_matches(key.public_key, approval.payload, approval.signature)
        assert not signing.signature_matches(
            key.public_key, approval.payload.replace("IT team", "HR team"), approval.signature
        )
        head = audit_log.head(session)
    # The signature covers the audit log as it stood when signing: every entry but its own.
    assert payload.format == 2 and payload.log_entries == head.entries - 1
    assert payload.log_head == _hash_at(workspace, head.entries - 1)

    status = signing.signature_status(workspace, policy, 1)
    assert status.state is SignatureState.VALID and status.describe() == (
        "valid (1 signature verified)"
    )
    assert signing.signature_status(workspace, policy, 2).state is SignatureState.UNSIGNED
    details = artifacts.get_details(workspace, policy)
    assert details.status is ArtifactStatus.APPROVED
    assert details.next_review == date(2027, 11, 28)  # 12 months from the approval


def test_wrong_passphrase_records_nothing(workspace, policy: int) -> None:
    reviews.request_review(workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber"])
    with workspace.read() as session:
        log_before = len(list(session.exec(select(AuditLogEntry))))
    with pytest.raises(WrongPassphrase, match="passphrase for Jonas Weber's signing key is wrong"):
        decisions.approve(workspace, artifact_id=policy, version=1, signer="Jonas Weber",
                          passphrase=PRIYA_PASS)  # fmt: skip
    with workspace.read() as session:
        assert list(session.exec(select(Approval))) == []
        assert len(list(session.exec(select(AuditLogEntry)))) == log_before
        request = session.exec(select(ReviewRequest)).one()
        assert request.status is ReviewStatus.PENDING
    assert artifacts.get_details(workspace, policy).status is ArtifactStatus.IN_REVIEW


def test_two_approvers_are_both_required(workspace, policy: int) -> None:
    _, review = reviews.request_review(
        workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber", "Priya Shah"]
    )
    assert review.pending == ("Jonas Weber", "Priya Shah") and review.version == 1
    assert listing.query_ids(workspace, RegisterFilter(awaiting_approval=True)) == [policy]
    _, first = decisions.approve(workspace, artifact_id=policy, version=1, signer="Jonas Weber",
                                 passphrase=JONAS_PASS)  # fmt: skip
    assert first.status is ArtifactStatus.IN_REVIEW and first.waiting_for == ("Priya Shah",)
    assert "still waiting for Priya Shah" in first.message
    assert _row(workspace, policy).approved_version is None  # one approval is not enough
    assert reviews.approved_version(workspace, policy) is None
    with pytest.raises(ApprovalError, match="Jonas Weber is not asked to approve"):
        decisions.approve(workspace, artifact_id=policy, version=1, signer="Jonas Weber",
                          passphrase=JONAS_PASS)  # fmt: skip

    _, second = decisions.approve(workspace, artifact_id=policy, version=1, signer="Priya Shah",
                                  passphrase=PRIYA_PASS)  # fmt: skip
    assert second.status is ArtifactStatus.APPROVED
    assert _row(workspace, policy).approved_version == 1
    assert signing.signature_status(workspace, policy, 1).describe() == (
        "valid (2 signatures verified)"
    )


def test_rejection_returns_to_draft_with_the_reason(workspace, policy: int) -> None:
    reviews.request_review(
        workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber", "Priya Shah"]
    )
    with pytest.raises(ApprovalError, match="rejection needs a reason"):
        decisions.approve(workspace, artifact_id=policy, version=1, signer="Priya Shah",
                          passphrase=PRIYA_PASS, decision=Decision.REJECTED)  # fmt: skip
    _, outcome = decisions.approve(
        workspace, artifact_id=policy, version=1, signer="Priya Shah", passphrase=PRIYA_PASS,
        decision=Decision.REJECTED, comment="Quarterly reviews are too rare for admins",
    )  # fmt: skip
    assert outcome.status is ArtifactStatus.DRAFT
    review = reviews.current_round(workspace, policy)
    assert review is not None and review.rejection is not None
    assert review.rejection.reason == "Quarterly reviews are too rare for admins"
    statuses = {r.approver: r.status for r in review.requests}
    assert statuses == {"Jonas Weber": ReviewStatus.CANCELLED, "Priya Shah": ReviewStatus.REJECTED}
    assert signing.signature_status(workspace, policy, 1).state is SignatureState.VALID
    assert _row(workspace, policy).approved_version is None
    # the same text may go round again, to other approvers
    _, again = reviews.request_review(
        workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber"]
    )
    assert again.number == 2 and again.version == 1


def test_new_version_during_review_cancels_it_with_a_message(workspace, policy: int) -> None:
    reviews.request_review(
        workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber", "Priya Shah"]
    )
    decisions.approve(workspace, artifact_id=policy, version=1, signer="Jonas Weber",
                      passphrase=JONAS_PASS)  # fmt: skip
    changes, info = editing.save_version(
        workspace, artifact_id=policy, content="# Access Control Policy\n\nRevised.\n",
        author="Mara", comment="Tightened",
    )  # fmt: skip
    assert info.number == 2
    assert changes.notices == (
        "The review of version 1 (waiting for Priya Shah) was cancelled because version 2 was "
        "saved; the artifact is a draft again. Request a new review to have version 2 approved.",
    )
    assert artifacts.get_details(workspace, policy).status is ArtifactStatus.DRAFT
    with pytest.raises(ApprovalError, match="is not in review"):
        decisions.approve(workspace, artifact_id=policy, version=1, signer="Priya Shah",
                          passphrase=PRIYA_PASS)  # fmt: skip
    with workspace.read() as session:
        entry = session.exec(
            select(AuditLogEntry).where(AuditLogEntry.action == "version.save")
        ).one()
    assert '"review_cancelled":{"approvers":["Priya Shah"],"version":1}' in entry.summary
    # an ordinary save says nothing
    changes, _ = editing.save_version(
        workspace, artifact_id=policy, content="# v3\n", author="Mara", comment=""
    )
    assert changes.notices == ()


def test_edit_after_approval_keeps_the_approved_version(workspace, policy: int) -> None:
    approved_by_both(workspace, policy)
    editing.save_version(workspace, artifact_id=policy, content="# Draft 2\n", author="Mara",
                            comment="Next revision")  # fmt: skip
    row = _row(workspace, policy)
    assert (row.version, row.approved_version) == (2, 1)
    assert row.status is ArtifactStatus.APPROVED
    reviews.request_review(workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber"])
    row = _row(workspace, policy)
    assert (row.status, row.version, row.approved_version) == (ArtifactStatus.IN_REVIEW, 2, 1)
    decisions.approve(workspace, artifact_id=policy, version=2, signer="Jonas Weber",
                      passphrase=JONAS_PASS)  # fmt: skip
    assert reviews.approved_versions(workspace, policy) == [1, 2]
    assert _row(workspace, policy).approved_version == 2


def test_request_review_refusals(workspace, policy: int) -> None:
    people.add_person(workspace, actor="Mara", name="Lena Ott", role="Auditor")
    with pytest.raises(ApprovalError, match="Lena Ott has no signing identity yet"):
        reviews.request_review(workspace, actor="Mara", artifact_id=policy, approvers=["Lena Ott"])
    with pytest.raises(ApprovalError, match="no person named 'Ghost'"):
        reviews.request_review(workspace, actor="Mara", artifact_id=policy, approvers=["Ghost"])
    with pytest.raises(ApprovalError, match="at least one approver"):
        reviews.request_review(workspace, actor="Mara", artifact_id=policy, approvers=[])
    reviews.request_review(workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber"])
    with pytest.raises(ApprovalError, match=r"already in review \(waiting for Jonas Weber\)"):
        reviews.request_review(
            workspace, actor="Mara", artifact_id=policy, approvers=["Priya Shah"]
        )
    with pytest.raises(ApprovalError, match="is for version 1, not version 2"):
        decisions.approve(workspace, artifact_id=policy, version=2, signer="Jonas Weber",
                          passphrase=JONAS_PASS)  # fmt: skip
    decisions.approve(workspace, artifact_id=policy, version=1, signer="Jonas Weber",
                      passphrase=JONAS_PASS)  # fmt: skip
    with pytest.raises(ApprovalError, match="version 1 of 'Access Control Policy' is already"):
        reviews.request_review(
            workspace, actor="Mara", artifact_id=policy, approvers=["Priya Shah"]
        )


def test_withdraw_and_awaiting(workspace, policy: int) -> None:
    reviews.request_review(workspace, actor="Mara", artifact_id=policy, approvers=["Priya Shah"])
    assert [a.title for a in reviews.awaiting(workspace, "priya shah")] == ["Access Control Policy"]
    assert reviews.awaiting(workspace, "Jonas Weber") == []
    reviews.withdraw_review(workspace, actor="Mara", artifact_id=policy, reason="Wrong approver")
    assert reviews.awaiting(workspace, "Priya Shah") == []
    assert artifacts.get_details(workspace, policy).status is ArtifactStatus.DRAFT
    with pytest.raises(ApprovalError, match="is not in review"):
        reviews.withdraw_review(workspace, actor="Mara", artifact_id=policy)


def test_key_missing_on_this_computer(workspace, policy: int, tmp_path) -> None:
    from workbench.services.approvals import keystore

    reviews.request_review(workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber"])
    jonas = people.get_person(workspace, "Jonas Weber")
    keystore.key_path(jonas.key_fingerprint or "").rename(tmp_path / "elsewhere.pem")
    missing = "private signing key is not on this computer"
    with pytest.raises(keystore.MissingPrivateKey, match=missing):
        decisions.approve(workspace, artifact_id=policy, version=1, signer="Jonas Weber",
                          passphrase=JONAS_PASS)  # fmt: skip
