"""The approval block: who approved which exact text, when, and whether the signatures verify.

Every rendering of an approved version carries it (publishing, document export, the audit
pack): the approvers with their roles, the signing times, the version, the fingerprint of the
content's SHA-256, and whether every signature verifies now. One builder; the renderings lay it
out from :func:`workbench.services.exports.document_export.control_blocks`, so the block reads
the same in HTML, PDF and Word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from workbench.services.approvals import reviews, signing
from workbench.services.approvals.signing import ApprovalCheck, SignatureStatus
from workbench.services.store.workspace import Workspace

APPROVER_HEADER = ("Approver", "Role", "Decision", "Signed", "Key", "Signature")


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class ApprovalBlock:
    """Who approved which exact text, when, and whether the signatures verify."""

    artifact_id: int
    title: str
    organisation: str
    owner: str
    version: int
    saved_by: str
    saved_at: datetime
    content_sha256: str
    approvers: tuple[ApprovalCheck, ...]
    status: SignatureStatus
    next_review: date | None

    @property
    def content_fingerprint(self) -> str:
        return signing.format_fingerprint(self.content_sha256.upper())

    @property
    def short_content_fingerprint(self) -> str:
        return signing.short_fingerprint(self.content_sha256.upper())

    @property
    def signature_text(self) -> str:
        return self.status.describe()

    def facts(self) -> list[tuple[str, str]]:
        """Label and value pairs, in the order every rendering shows them."""
        rows = [
            ("Document", f"{self.title} (register id {self.artifact_id})"),
            ("Version", f"{self.version}, saved {when(self.saved_at)} by {self.saved_by}"),
            ("Content SHA-256", self.content_fingerprint),
            ("Signatures", self.signature_text),
        ]
        if self.organisation:
            rows.insert(0, ("Organisation", self.organisation))
        if self.owner:
            rows.append(("Owner", self.owner))
        if self.next_review:
            rows.append(("Next review", self.next_review.isoformat()))
        return rows

    def approver_rows(self) -> list[tuple[str, str, str, str, str, str]]:
        return [
            (
                check.signer,
                check.role,
                check.decision.value.capitalize(),
                when(check.signed_at),
                signing.short_fingerprint(check.key_fingerprint),
                "valid" if check.valid else f"INVALID: {check.reason}",
            )
            for check in self.approvers
        ]


@dataclass(frozen=True)
class Subject:
    """What the block says about the document, apart from the signatures."""

    artifact_id: int
    title: str
    organisation: str
    owner: str
    next_review: date | None


def build(
    workspace: Workspace,
    subject: Subject,
    *,
    version: int,
    saved_by: str,
    saved_at: datetime,
    content_sha256: str,
) -> ApprovalBlock | None:
    """The block of ``version`` when a review round approved it, else None.

    The signatures are checked against the rows as they are now; a block whose signatures do
    not verify says so (publishing refuses such a version, an export shows it).
    """
    rounds = [
        r
        for r in reviews.review_rounds(workspace, subject.artifact_id)
        if r.approved and r.version == version
    ]
    if not rounds:
        return None
    status = signing.signature_status(workspace, subject.artifact_id, version)
    approval_ids = {request.approval_id for request in rounds[-1].requests}
    return ApprovalBlock(
        artifact_id=subject.artifact_id,
        title=subject.title,
        organisation=subject.organisation,
        owner=subject.owner,
        version=version,
        saved_by=saved_by,
        saved_at=saved_at,
        content_sha256=content_sha256,
        approvers=tuple(c for c in status.checks if c.approval_id in approval_ids),
        status=status,
        next_review=subject.next_review,
    )
