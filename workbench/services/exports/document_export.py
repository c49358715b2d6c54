"""Any version of an artifact as Markdown, standalone HTML, Word or PDF.

Every rendering says what it is: the title, register id, version and status in a header, the
content's SHA-256 in the footer, and, for an approved version, the approval block. A version
that is not approved says so in words ("DRAFT: this version has not been approved").

- Markdown is the version's text exactly as stored, so its SHA-256 is the version's content
  hash and anyone can check it.
- HTML is one self-contained file: the sanitised text, an embedded print style sheet and a
  content security policy that allows no script, font or image from anywhere.
- Word (:mod:`workbench.services.exports.docx_render`) and PDF
  (:mod:`workbench.services.exports.pdf_render`) are laid out from the same blocks
  (:mod:`workbench.services.exports.blocks`): the text's own title first, then the notice and
  the document control block (version, status, approvers and dates from the record), then the
  rest of the text. Both are reproducible: their timestamps are the record's (saved, approved),
  so one version always renders to the same bytes.

Exports change nothing in the workspace and are not logged. Files are written whole or not at
all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from sqlmodel import func, select

from workbench import __version__
from workbench.models import Artifact, ArtifactKind, ArtifactStatus, Version
from workbench.services.approvals import reviews, signing
from workbench.services.common.errors import ServiceError
from workbench.services.common.fileio import atomic_path
from workbench.services.common.markup import escape, render_markdown
from workbench.services.exports import approval_block, blocks
from workbench.services.exports.approval_block import APPROVER_HEADER, ApprovalBlock, when
from workbench.services.exports.blocks import Block, Cell, Piece, Printable
from workbench.services.register import artifacts, profile, versioning
from workbench.services.store.workspace import Workspace

EXPORT_FORMATS = ("md", "html", "pdf", "docx")
FORMAT_TITLES = {"md": "Markdown", "html": "HTML", "pdf": "PDF", "docx": "Word (DOCX)"}
PAGE_SIZES = ("A4", "Letter")
PAGE_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
IN_FORCE = ("approved", "published")

Renderer = Callable[["ExportDocument", Path], None]


class ExportError(ServiceError):
    """An export that cannot be made; the message is for the user."""


def slug(title: str) -> str:
    """A title as a file name: letters, digits and dashes."""
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-") or "document"


def file_stem(title: str, version: int) -> str:
    return f"{slug(title)}-v{version}"


@dataclass(frozen=True)
class ExportDocument:
    """One version of an artifact, with what its renderings show about it."""

    artifact_id: int
    title: str
    kind: ArtifactKind
    owner: str
    organisation: str
    refs: tuple[str, ...]
    version: int
    status: str  # "published", "approved", "draft", "in review", "superseded", "retired"...
    author: str
    saved_at: datetime
    content_sha256: str
    content: str
    block: ApprovalBlock | None
    page_size: str = "A4"
    next_review: date | None = None
    # For a version not approved: who was asked to review it, and where each stands.
    review: str = ""

    @property
    def slug(self) -> str:
        return slug(self.title)

    @property
    def file_stem(self) -> str:
        return file_stem(self.title, self.version)

    @property
    def content_fingerprint(self) -> str:
        return signing.format_fingerprint(self.content_sha256.upper())

    @property
    def header_text(self) -> str:
        return f"{self.title} · version {self.version} · {self.status}"

    @property
    def id_text(self) -> str:
        return f"Register id {self.artifact_id}"

    @property
    def footer_text(self) -> str:
        return f"Content SHA-256 {signing.short_fingerprint(self.content_sha256.upper())}"

    @property
    def notice(self) -> str | None:
        """A sentence for a version that is not the approved text in force, else None."""
        if self.status == "retired":
            return "RETIRED: this document is no longer in force."
        if self.status == "superseded":
            return "SUPERSEDED: a later version replaces this one."
        if self.status in IN_FORCE:
            return None
        return f"{self.status.upper()}: this version has not been approved."

    @property
    def approved_at(self) -> datetime | None:
        """When the last approver signed, for an approved version."""
        if self.block is None or not self.block.approvers:
            return None
        return max(check.signed_at for check in self.block.approvers)

    @property
    def control_heading(self) -> str:
        return "Document approval" if self.block is not None else "Document status"

    def control_facts(self) -> list[tuple[str, str]]:
        """The document control block: what the record says about this version, in the order
        every rendering shows it."""
        rows = [
            ("Document", f"{self.title} (register id {self.artifact_id})"),
            ("Version", f"{self.version}, saved {when(self.saved_at)} by {self.author}"),
            ("Status", self.status),
            ("Approved by", self._approvers_text()),
            ("Content SHA-256", self.content_fingerprint),
        ]
        if self.organisation:
            rows.insert(0, ("Organisation", self.organisation))
        if self.block is not None:
            rows.append(("Signatures", self.block.signature_text))
        if self.owner:
            rows.append(("Owner", self.owner))
        if self.next_review:
            rows.append(("Next review", self.next_review.isoformat()))
        return rows

    def _approvers_text(self) -> str:
        if self.block is None:
            return f"not approved; {self.review}" if self.review else "not approved"
        return "; ".join(
            f"{check.signer}{f' ({check.role})' if check.role else ''}, {when(check.signed_at)}"
            for check in self.block.approvers
        )

    def body_html(self) -> str:
        """The sanitised HTML of the version's text (rendered once per document)."""
        return self._body_html

    @cached_property
    def _body_html(self) -> str:
        return render_markdown(self.content)

    def printable(self) -> Printable:
        """What the Word and PDF renderings show, in order: the text's own title, the notice,
        the document control block, then the rest of the text."""
        title, rest = blocks.split_title(blocks.from_html(self.body_html()))
        lead: list[Block] = [title or blocks.Paragraph([Piece(self.title)], "heading", 1)]
        if self.notice:
            lead.append(blocks.Paragraph([Piece(self.notice)], "notice"))
        lead += control_blocks(self)
        return Printable(
            header=self.header_text,
            header_right=self.id_text,
            footer=self.footer_text,
            page_mm=PAGE_MM[self.page_size],
            blocks=[*lead, *rest],
            properties=self.properties(),
            soa=self.kind is ArtifactKind.SOA,
        )

    def properties(self) -> blocks.Properties:
        return blocks.Properties(
            title=self.title,
            author=self.author,
            subject=self.organisation,
            keywords=", ".join(ref.split("/", 1)[-1] for ref in self.refs),
            category=self.kind.value.replace("_", " "),
            comments=f"Content SHA-256 {self.content_sha256}",
            identifier=f"register id {self.artifact_id}, version {self.version}",
            version=str(self.version),
            revision=self.version,
            status=self.status,
            company=self.organisation,
            created=self.saved_at,
            modified=self.approved_at or self.saved_at,
        )


def control_blocks(document: ExportDocument) -> list[Block]:
    """The document control block as blocks: a heading, the facts, and the approvers."""
    facts = blocks.Table(
        [
            [Cell(True, pieces=[Piece(label)]), Cell(False, pieces=[Piece(value)])]
            for label, value in document.control_facts()
        ],
        may_turn=False,
    )
    out: list[Block] = [blocks.Paragraph([Piece(document.control_heading)], "heading", 2), facts]
    if document.block is not None and document.block.approvers:
        rows = [[Cell(True, pieces=[Piece(title)]) for title in APPROVER_HEADER]]
        rows += [
            [Cell(False, pieces=[Piece(value)]) for value in row]
            for row in document.block.approver_rows()
        ]
        out.append(blocks.Table(rows, may_turn=False))
    out.append(blocks.Rule())
    return out


def control_html(document: ExportDocument) -> str:
    """The document control block as HTML (every value escaped)."""
    facts = "".join(
        f"<tr><th align='left'>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in document.control_facts()
    )
    parts = [
        f"<h2>{escape(document.control_heading)}</h2>",
        f"<table class='control'>{facts}</table>",
    ]
    if document.block is not None and document.block.approvers:
        header = "".join(f"<th align='left'>{escape(title)}</th>" for title in APPROVER_HEADER)
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
            for row in document.block.approver_rows()
        )
        parts.append(f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>")
    return "".join(parts)


def check_options(fmt: str, page_size: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown format '{fmt}' (choose {', '.join(EXPORT_FORMATS)})")
    if page_size not in PAGE_SIZES:
        raise ExportError(f"unknown page size '{page_size}' (choose {' or '.join(PAGE_SIZES)})")


def format_for(path: Path) -> str | None:
    """The export format a file name asks for by its suffix, if any."""
    suffix = path.suffix.lower().lstrip(".")
    return {"htm": "html", "markdown": "md"}.get(
        suffix, suffix if suffix in EXPORT_FORMATS else None
    )


def _status(
    artifact: Artifact, version: int, latest: int, block: ApprovalBlock | None, newest: int | None
) -> str:
    if artifact.status is ArtifactStatus.RETIRED:
        return "retired"
    if version == artifact.published_version:
        return "published"
    if block is not None:
        return "approved" if version == newest else "superseded"
    if version == latest and artifact.status in (ArtifactStatus.IN_REVIEW, ArtifactStatus.REJECTED):
        return artifact.status.value.replace("_", " ")
    return "draft" if version == latest else "superseded"


def prepare(
    workspace: Workspace,
    artifact_id: int,
    version: int | None = None,
    *,
    page_size: str = "A4",
    stored: bool = False,
) -> ExportDocument:
    """Version ``version`` (the latest when None) ready to render.

    ``stored`` reads the text from the rows as they are now, bypassing the in-memory cache, so
    the rendering shows what the workspace holds even when it was changed behind the app's back.

    Raises:
        ExportError: no such artifact or version, or the version cannot be read.
    """
    if page_size not in PAGE_SIZES:
        raise ExportError(f"unknown page size '{page_size}' (choose {' or '.join(PAGE_SIZES)})")
    try:
        details = artifacts.get_details(workspace, artifact_id)
        text = versioning.get_version(workspace, artifact_id, version, use_cache=not stored)
    except (artifacts.ArtifactError, versioning.VersionError) as error:
        raise ExportError(str(error)) from error
    with workspace.read() as session:
        artifact = session.get(Artifact, artifact_id)
        latest = session.exec(
            select(func.max(Version.number)).where(Version.artifact_id == artifact_id)
        ).one()
    assert artifact is not None and latest is not None
    organisation = profile.get_profile(workspace).organisation_name
    subject = approval_block.Subject(
        artifact_id, details.title, organisation, details.owner, details.next_review
    )
    block = approval_block.build(
        workspace,
        subject,
        version=text.info.number,
        saved_by=text.info.author,
        saved_at=text.info.created_at,
        content_sha256=text.info.content_sha256,
    )
    newest = reviews.approved_version(workspace, artifact_id) if block is not None else None
    review = ""
    current = reviews.current_round(workspace, artifact_id)
    if block is None and current is not None and current.version == text.info.number:
        asked = ", ".join(f"{r.approver} ({r.status.value})" for r in current.requests)
        review = f"review requested from {asked}"
    return ExportDocument(
        artifact_id=artifact_id,
        title=details.title,
        kind=details.kind,
        owner=details.owner,
        organisation=organisation,
        refs=details.refs,
        version=text.info.number,
        status=_status(artifact, text.info.number, int(latest), block, newest),
        author=text.info.author,
        saved_at=text.info.created_at,
        content_sha256=text.info.content_sha256,
        content=text.content,
        block=block,
        page_size=page_size,
        next_review=details.next_review,
        review=review,
    )


# --- Markdown and HTML ----------------------------------------------------------------------


def write_markdown(document: ExportDocument, target: Path) -> None:
    """The version's text exactly as stored (its SHA-256 is the version's content hash)."""
    with atomic_path(target) as temporary:
        temporary.write_bytes(document.content.encode("utf-8"))


STYLE_SHEET = """
@page { size: PAGE_SIZE; margin: 18mm 20mm; }
body { font-family: "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif;
  font-size: 11pt; line-height: 1.45; color: #1d1d1f; max-width: 48em; margin: 2em auto;
  padding: 0 1.5em; }
header.document { border-bottom: 2px solid #1a5fb4; margin-bottom: 1.2em; padding-bottom: .5em; }
header.document .title { font-size: 1.5em; font-weight: 600; margin: 0; }
header.document .meta { color: #555; font-size: .9em; margin: .2em 0 0; }
.status { display: inline-block; padding: 0 .45em; border-radius: .3em; font-weight: 600;
  font-size: .85em; text-transform: uppercase; letter-spacing: .04em;
  background: #fff1d6; color: #7a4f00; }
.status.approved, .status.published { background: #e3f4e8; color: #1e6b35; }
.notice { border: 1px solid #e0b252; background: #fff8e8; padding: .5em .8em; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .8em 0; }
th, td { border: 1px solid #c8ccd2; padding: .3em .6em; vertical-align: top; text-align: left; }
th { background: #eef1f5; }
pre, code { font-family: Consolas, ui-monospace, "DejaVu Sans Mono", monospace; font-size: .92em; }
pre { background: #f6f8fa; padding: .8em; white-space: pre-wrap; }
blockquote { color: #444; border-left: 3px solid #c8ccd2; margin-left: 0; padding-left: 1em; }
a { color: #1a5fb4; }
hr { border: 0; border-top: 1px solid #c8ccd2; }
footer.document { margin-top: 2em; border-top: 1px solid #c8ccd2; color: #666; font-size: .85em;
  padding-top: .5em; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  a { color: inherit; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em; color: #555; }
  h1, h2, h3, h4 { break-after: avoid; }
  tr, pre, blockquote, .notice { break-inside: avoid; }
  thead { display: table-header-group; }
}
"""
# Nothing in an exported page may load or run anything; styles are inline.
CONTENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def page(title: str, body: str, *, page_size: str = "A4", style: str = "") -> str:
    """A complete, self-contained HTML page around an already safe ``body``; ``style`` adds
    rules to the print-friendly style sheet."""
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CONTENT_POLICY}\">\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<meta name='generator' content='GRC Workbench {__version__}'>\n"
        f"<title>{escape(title)}</title>\n"
        f"<style>{STYLE_SHEET.replace('PAGE_SIZE', page_size)}{style}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def status_badge(status: str) -> str:
    return f"<span class='status {escape(status.replace(' ', '-'))}'>{escape(status)}</span>"


def standalone_html(document: ExportDocument) -> str:
    """The version as one printable HTML page: header, notice or approval block, text, footer."""
    saved = approval_block.when(document.saved_at)
    meta = [
        f"{escape(document.id_text)} · version {document.version} · "
        f"{status_badge(document.status)}",
        f"Saved {escape(saved)} by {escape(document.author)}"
        + (f" · owner {escape(document.owner)}" if document.owner else ""),
    ]
    if document.organisation:
        meta.insert(0, escape(document.organisation))
    parts = [
        "<header class='document'>",
        f"<p class='title'>{escape(document.title)}</p>",
        *(f"<p class='meta'>{line}</p>" for line in meta),
        "</header>",
    ]
    if document.notice:
        parts.append(f"<p class='notice'>{escape(document.notice)}</p>")
    parts.append(f"<section class='approval'>{control_html(document)}</section>")
    parts.append(f"<main>\n{document.body_html()}\n</main>")
    parts.append(
        "<footer class='document'>"
        f"Content SHA-256 {escape(document.content_fingerprint)}<br>"
        f"Exported by GRC Workbench {escape(__version__)}"
        "</footer>"
    )
    return page(f"{document.title}, version {document.version}", "\n".join(parts),
                page_size=document.page_size)  # fmt: skip


def write_html(document: ExportDocument, target: Path) -> None:
    with atomic_path(target) as temporary:
        temporary.write_text(standalone_html(document), encoding="utf-8")


# --- Word and PDF --------------------------------------------------------------------------


def write_docx(document: ExportDocument, target: Path) -> None:
    """Render to a Word file, written whole or not at all."""
    from workbench.services.exports import docx_render  # python-docx loads on first use

    data = docx_render.render(document.printable())
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)


def write_pdf(document: ExportDocument, target: Path) -> None:
    """Render to a PDF on ``document.page_size`` paper, written whole or not at all."""
    from workbench.services.exports import pdf_render  # ReportLab loads on first use

    data = pdf_render.render(document.printable())
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)


WRITERS: dict[str, Renderer] = {
    "md": write_markdown, "html": write_html, "docx": write_docx, "pdf": write_pdf,
}  # fmt: skip


# --- one call for the command line and the dialog -------------------------------------------


def export_document(
    workspace: Workspace,
    artifact_id: int,
    *,
    fmt: str,
    target: Path,
    version: int | None = None,
    page_size: str = "A4",
) -> ExportDocument:
    """Write version ``version`` (default: the latest) of an artifact to ``target``.

    Raises:
        ExportError: a bad format or page size, no such artifact or version, or the file
            cannot be written (nothing is left behind then).
    """
    check_options(fmt, page_size)
    write = WRITERS[fmt]
    document = prepare(workspace, artifact_id, version, page_size=page_size)
    if target.parent.exists() and not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: {target.parent} is not a folder")
    try:
        write(document, target)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
    return document
