"""Publishing an approved version: Word and PDF renderings with an approval block.

The approval block says who approved which exact text and when: the approvers with their roles,
the signing times, the version, the fingerprint of the content's SHA-256, and whether every
signature verifies now. A version whose signatures do not verify is not published.

Word files are written here with python-docx. PDF needs Qt's text layout, so it is rendered in
``workbench.views.pdf_export`` and handed to :func:`publish` as a renderer: the service layer
never imports Qt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt

from workbench.models import Artifact, ArtifactStatus, utc_now
from workbench.services import approvals, artifacts, audit_log, profile, signing, versioning
from workbench.services.changes import ChangeSet
from workbench.services.docx_render import add_field, add_markdown
from workbench.services.rendering import escape, render_markdown
from workbench.services.signing import ApprovalCheck, SignatureStatus
from workbench.services.store import Workspace

Renderer = Callable[["PublishDocument", Path], None]


class PublishError(Exception):
    """A version that cannot be published; the message is for the user."""


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
            ("Version", f"{self.version}, saved {_when(self.saved_at)} by {self.saved_by}"),
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
                _when(check.signed_at),
                signing.short_fingerprint(check.key_fingerprint),
                "valid" if check.valid else f"INVALID: {check.reason}",
            )
            for check in self.approvers
        ]


APPROVER_HEADER = ("Approver", "Role", "Decision", "Signed", "Key", "Signature")
NO_WRAP = " style='white-space: nowrap'"  # times and key fingerprints read badly when broken


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class PublishDocument:
    """One approved version, ready to render."""

    block: ApprovalBlock
    content: str

    @property
    def file_stem(self) -> str:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", self.block.title).strip("-") or "document"
        return f"{slug}-v{self.block.version}"

    @property
    def header_text(self) -> str:
        return f"{self.block.title} · version {self.block.version} · approved"

    @property
    def footer_text(self) -> str:
        return f"Content SHA-256 {self.block.short_content_fingerprint}"

    def body_html(self) -> str:
        """The sanitised HTML of the version's text."""
        return render_markdown(self.content)


def approval_block_html(block: ApprovalBlock) -> str:
    """The approval block as HTML (every value escaped), for the PDF and previews."""
    facts = "".join(
        f"<tr><th align='left'>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in block.facts()
    )
    header = "".join(f"<th align='left'>{escape(title)}</th>" for title in APPROVER_HEADER)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td{NO_WRAP if index in (3, 4) else ''}>{escape(cell)}</td>"
            for index, cell in enumerate(row)
        )
        + "</tr>"
        for row in block.approver_rows()
    )
    return (
        "<h2>Document approval</h2>"
        f"<table border='1' cellspacing='0' cellpadding='4' width='100%'>{facts}</table>"
        "<p></p>"
        f"<table border='1' cellspacing='0' cellpadding='4' width='100%'><tr>{header}</tr>"
        f"{rows}</table><hr/>"
    )


def prepare(workspace: Workspace, artifact_id: int, version: int | None = None) -> PublishDocument:
    """The approved version (the newest when ``version`` is None) with its approval block.

    Raises:
        PublishError: there is no such approved version, or its signatures do not verify.
    """
    details = artifacts.get_details(workspace, artifact_id)
    if details.status is ArtifactStatus.RETIRED:
        raise PublishError(f"'{details.title}' is retired; it is no longer published")
    rounds = [r for r in approvals.review_rounds(workspace, artifact_id) if r.approved]
    approved = sorted({r.version for r in rounds})
    if not approved:
        raise PublishError(f"'{details.title}' has no approved version to publish")
    chosen = approved[-1] if version is None else version
    if chosen not in approved:
        raise PublishError(f"version {chosen} of '{details.title}' is not approved")
    status = signing.signature_status(workspace, artifact_id, chosen)
    if not status.valid:
        raise PublishError(
            f"version {chosen} of '{details.title}' cannot be published: its signatures do not "
            f"verify ({status.reason or status.describe()})"
        )
    text = versioning.get_version(workspace, artifact_id, chosen)
    approving = next(r for r in reversed(rounds) if r.version == chosen)
    approval_ids = {request.approval_id for request in approving.requests}
    block = ApprovalBlock(
        artifact_id=artifact_id,
        title=details.title,
        organisation=profile.get_profile(workspace).organisation_name,
        owner=details.owner,
        version=chosen,
        saved_by=text.info.author,
        saved_at=text.info.created_at,
        content_sha256=text.info.content_sha256,
        approvers=tuple(c for c in status.checks if c.approval_id in approval_ids),
        status=status,
        next_review=details.next_review,
    )
    return PublishDocument(block=block, content=text.content)


def write_docx(document: PublishDocument, target: Path) -> None:
    """Render to a Word file, written whole or not at all."""
    from workbench.services.exports import atomic_path

    word = Document()
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.header.paragraphs[0].text = document.header_text
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{document.footer_text} · page ")
    add_field(footer, "PAGE")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES")
    for paragraph in (section.header.paragraphs[0], footer):
        for run in paragraph.runs:
            run.font.size = Pt(8)
    _add_block(word, document.block)
    add_markdown(word, document.content)
    word.core_properties.title = document.block.title
    word.core_properties.revision = document.block.version
    word.core_properties.comments = f"Content SHA-256 {document.block.content_sha256}"
    with atomic_path(target) as temporary:
        word.save(str(temporary))


def _add_block(word: DocxDocument, block: ApprovalBlock) -> None:
    word.add_paragraph("Document approval", style="Heading 2")
    facts = word.add_table(rows=0, cols=2)
    facts.style = word.styles["Table Grid"]
    for label, value in block.facts():
        cells = facts.add_row().cells
        cells[0].paragraphs[0].add_run(label).font.bold = True
        cells[1].paragraphs[0].add_run(value)
    word.add_paragraph()
    people = word.add_table(rows=1, cols=len(APPROVER_HEADER))
    people.style = word.styles["Table Grid"]
    for cell, title in zip(people.rows[0].cells, APPROVER_HEADER, strict=True):
        cell.paragraphs[0].add_run(title).font.bold = True
    for row in block.approver_rows():
        for cell, value in zip(people.add_row().cells, row, strict=True):
            cell.paragraphs[0].add_run(value).font.size = Pt(9)
    word.add_paragraph()


@dataclass(frozen=True)
class PublishResult:
    version: int
    files: tuple[Path, ...]
    status: ArtifactStatus


def publish(
    workspace: Workspace,
    *,
    actor: str,
    artifact_id: int,
    out_dir: Path,
    version: int | None = None,
    renderers: Mapping[str, Renderer] | None = None,
) -> tuple[ChangeSet, PublishResult]:
    """Render the approved version (DOCX, and e.g. ``{"pdf": write_pdf}``) into ``out_dir``,
    then record it as the published version.

    Raises:
        PublishError: nothing approved to publish, invalid signatures, or a file cannot be
            written. Nothing is recorded then.
    """
    document = prepare(workspace, artifact_id, version)
    files: list[Path] = []
    for suffix, render in {"docx": write_docx, **(renderers or {})}.items():
        target = out_dir / f"{document.file_stem}.{suffix}"
        try:
            render(document, target)
        except OSError as error:
            raise PublishError(f"cannot write {target}: {error.strerror or error}") from error
        files.append(target)
    with workspace.write(durable=True) as session:
        artifact = session.get(Artifact, artifact_id)
        assert artifact is not None
        if artifact.status is ArtifactStatus.RETIRED:  # retired while the files were written
            raise PublishError(f"'{artifact.title}' is retired; it is no longer published")
        before = (artifact.status, artifact.published_version)
        artifact.published_version = document.block.version
        if artifact.status is ArtifactStatus.APPROVED:
            # A newer draft or review keeps its own status; the published version is still set.
            artifact.status = ArtifactStatus.PUBLISHED
        artifact.updated_at = utc_now()
        session.add(artifact)
        audit_log.append(
            session,
            actor=actor,
            action="artifact.publish",
            entity="artifact",
            entity_id=artifact_id,
            summary={
                "version": document.block.version,
                "content_sha256": document.block.content_sha256,
                "files": [path.name for path in files],
                "status": {"before": before[0].value, "after": artifact.status.value},
                "published_version": {"before": before[1], "after": document.block.version},
            },
        )
        status = artifact.status
    result = PublishResult(document.block.version, tuple(files), status)
    return ChangeSet(artifacts=frozenset({artifact_id})), result
