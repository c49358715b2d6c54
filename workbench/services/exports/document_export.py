"""Any version of an artifact as Markdown, standalone HTML, Word or PDF.

Every rendering says what it is: the title, register id, version and status in a header, the
content's SHA-256 in the footer, and, for an approved version, the approval block. A version
that is not approved says so in words ("DRAFT: this version has not been approved").

- Markdown is the version's text exactly as stored, so its SHA-256 is the version's content
  hash and anyone can check it.
- HTML is one self-contained file: the sanitised text, an embedded print style sheet and a
  content security policy that allows no script, font or image from anywhere.
- Word comes from python-docx (:mod:`workbench.services.exports.docx_render`), with the core
  document properties set (title, author, version, status, content hash).
- PDF needs Qt's text layout, so it is rendered in ``workbench.views.common.pdf_export`` and
  handed in as a renderer: the service layer never imports Qt.

Exports change nothing in the workspace and are not logged. Files are written whole or not at
all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import func, select

from workbench import __version__
from workbench.models import Artifact, ArtifactKind, ArtifactStatus, Version
from workbench.services.approvals import reviews, signing
from workbench.services.common.errors import ServiceError
from workbench.services.common.fileio import atomic_path
from workbench.services.common.markup import escape, render_markdown
from workbench.services.exports import approval_block
from workbench.services.exports.approval_block import ApprovalBlock
from workbench.services.register import artifacts, profile, versioning
from workbench.services.store.workspace import Workspace

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

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
    # Wide tables (the Statement of Applicability) print across the page.
    landscape: bool = False

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

    def body_html(self) -> str:
        """The sanitised HTML of the version's text (rendered once per document)."""
        return self._body_html

    @cached_property
    def _body_html(self) -> str:
        return render_markdown(self.content)


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
    if document.block is not None:
        parts.append(
            f"<section class='approval'>{approval_block.to_html(document.block)}</section>"
        )
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


# --- Word -----------------------------------------------------------------------------------


def build_docx(document: ExportDocument) -> DocxDocument:
    """The version as a Word document: header, footer with page numbers, properties, text."""
    # python-docx is imported on first use, not when the app starts.
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from workbench.services.exports.docx_render import add_field, add_html

    word = Document()
    section = word.sections[0]
    width, height = PAGE_MM[document.page_size]
    if document.landscape:
        from docx.enum.section import WD_ORIENT

        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.left_margin = section.right_margin = Mm(20)
    header = section.header.paragraphs[0]
    header.text = document.header_text
    register_id = section.header.add_paragraph(document.id_text)
    register_id.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{document.footer_text} · page ")
    add_field(footer, "PAGE")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES")
    for paragraph in (header, register_id, footer):
        for run in paragraph.runs:
            run.font.size = Pt(8)
    if document.notice:
        word.add_paragraph().add_run(document.notice).font.bold = True
    if document.block is not None:
        approval_block.add_to_docx(word, document.block)
    add_html(word, document.body_html())
    _set_properties(word, document)
    return word


def _set_properties(word: DocxDocument, document: ExportDocument) -> None:
    properties = word.core_properties
    properties.title = document.title
    properties.author = document.author
    properties.last_modified_by = document.author
    properties.version = str(document.version)
    properties.revision = document.version
    properties.content_status = document.status
    properties.subject = document.organisation
    properties.category = document.kind.value.replace("_", " ")
    properties.keywords = ", ".join(ref.split("/", 1)[-1] for ref in document.refs)
    properties.identifier = f"register id {document.artifact_id}, version {document.version}"
    properties.comments = f"Content SHA-256 {document.content_sha256}"
    properties.created = properties.modified = document.saved_at.replace(tzinfo=None)


def write_docx(document: ExportDocument, target: Path) -> None:
    """Render to a Word file, written whole or not at all."""
    word = build_docx(document)
    with atomic_path(target) as temporary:
        word.save(str(temporary))


# --- one call for the command line and the dialog -------------------------------------------


def export_document(
    workspace: Workspace,
    artifact_id: int,
    *,
    fmt: str,
    target: Path,
    version: int | None = None,
    page_size: str = "A4",
    pdf_renderer: Renderer | None = None,
) -> ExportDocument:
    """Write version ``version`` (default: the latest) of an artifact to ``target``.

    Raises:
        ExportError: a bad format or page size, no such artifact or version, no PDF renderer,
            or the file cannot be written (nothing is left behind then).
    """
    check_options(fmt, page_size)
    writers: dict[str, Renderer | None] = {
        "md": write_markdown, "html": write_html, "docx": write_docx, "pdf": pdf_renderer,
    }  # fmt: skip
    write = writers[fmt]
    if write is None:
        raise ExportError("PDF export needs the Qt renderer (workbench.views.common.pdf_export)")
    document = prepare(workspace, artifact_id, version, page_size=page_size)
    if target.parent.exists() and not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: {target.parent} is not a folder")
    try:
        write(document, target)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
    return document
