"""The Statement of Applicability for auditors: Excel in the layout they ask for, Word and PDF.

Every export renders one generated version of the SoA (the newest by default), never the live
records, so the file says exactly what the approvers signed.

- Excel: sheet "Clauses 4-10" lists each clause with the documents that meet it; sheet
  "Annex A" has one row per control (id, title, theme, applicable, reasons, justification,
  status, owner, target date, linked risks, documents, evidence); additional and privacy
  controls get a sheet of their own; "About" names the version, its status and content hash.
  Header rows are frozen and filtered; dates are dates and counts are numbers; text is always
  text (a justification starting with "=" never becomes a formula).
- Word and PDF: the version as any document is exported, on landscape pages, one table per
  theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from workbench.models import ControlSource
from workbench.services.common.fileio import atomic_path
from workbench.services.controls import soa
from workbench.services.controls.soa import SnapshotControl, SoaSnapshot
from workbench.services.controls.themes import theme_label
from workbench.services.exports import document_export
from workbench.services.exports.document_export import ExportDocument, ExportError, Renderer
from workbench.services.store.workspace import Workspace

SOA_FORMATS = ("xlsx", "docx", "pdf")
CLAUSE_COLUMNS = (("Clause", 10), ("Title", 48), ("Documents", 70), ("Documents (count)", 12),
                  ("Approved (count)", 12))  # fmt: skip
CONTROL_COLUMNS = (
    ("Control", 10), ("Title", 40), ("Theme", 16), ("Applicable", 11), ("Reasons", 22),
    ("Justification", 48), ("Status", 20), ("Owner", 18), ("Target date", 12),
    ("Linked risks", 16), ("Documents", 40), ("Evidence", 44), ("Evidence (count)", 10),
)  # fmt: skip
DATE_FORMAT = "yyyy-mm-dd"


def _control_values(control: SnapshotControl) -> list[Any]:
    return [
        control.id,
        control.title,
        theme_label(control.theme),
        "Yes" if control.applicable else "No",
        control.reasons_text,
        control.justification,
        control.status_label if control.applicable else "N/A",
        control.owner,
        control.target,
        ", ".join(control.risks),
        "; ".join(document.text for document in control.documents),
        "; ".join(item.text for item in control.evidence),
        len(control.evidence),
    ]


def _sheet(
    book: Any, title: str, columns: Sequence[tuple[str, int]], rows: list[list[Any]]
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    for index, (name, width) in enumerate(columns, start=1):
        header = sheet.cell(row=1, column=index, value=name)
        header.data_type = "s"
        header.font = Font(bold=True)
        header.fill = PatternFill("solid", fgColor="EEF1F5")
        sheet.column_dimensions[get_column_letter(index)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number, values in enumerate(rows, start=2):
        for index, value in enumerate(values, start=1):
            target = sheet.cell(row=row_number, column=index, value=value)
            if isinstance(value, str):
                target.data_type = "s"  # never a formula, whatever the text starts with
                target.alignment = wrap
            elif isinstance(value, date):
                target.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(rows)) + 1}"


def _about(book: Any, document: ExportDocument, snapshot: SoaSnapshot) -> None:
    rows: list[list[Any]] = [
        ["Document", document.title],
        ["Organisation", snapshot.organisation],
        ["ISMS scope", snapshot.scope],
        ["Register id", document.artifact_id],
        ["Version", document.version],
        ["Status", document.status],
        ["Saved", document.saved_at.strftime("%Y-%m-%d %H:%M UTC")],
        ["Content SHA-256", document.content_sha256],
        ["Signatures", document.block.signature_text if document.block else "not approved"],
    ]
    _sheet(book, "About", (("Item", 18), ("Detail", 90)), rows)


def write_xlsx(snapshot: SoaSnapshot, document: ExportDocument, target: Path) -> None:
    """The SoA workbook, written whole or not at all."""
    # Imported here: openpyxl would add a tenth of a second to every start of the app.
    from openpyxl import Workbook

    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    clause_rows = [
        [clause.id, clause.title, "; ".join(d.text for d in clause.documents),
         len(clause.documents), sum(d.status in document_export.IN_FORCE for d in clause.documents)]
        for clause in snapshot.clauses
    ]  # fmt: skip
    _sheet(book, "Clauses 4-10", CLAUSE_COLUMNS, clause_rows)
    annex_a = snapshot.of_source(ControlSource.ANNEX_A)
    _sheet(book, "Annex A", CONTROL_COLUMNS, [_control_values(c) for c in annex_a])
    others = [c for c in snapshot.controls if c.source != ControlSource.ANNEX_A.value]
    if others:
        _sheet(book, "Additional controls", CONTROL_COLUMNS, [_control_values(c) for c in others])
    _about(book, document, snapshot)
    properties = book.properties
    properties.title = f"{document.title}, version {document.version}"
    properties.subject = snapshot.organisation
    properties.creator = document.author
    properties.version = str(document.version)
    with atomic_path(target) as temporary:
        book.save(temporary)


def export_soa(
    workspace: Workspace,
    *,
    fmt: str,
    target: Path,
    version: int | None = None,
    page_size: str = "A4",
    pdf_renderer: Renderer | None = None,
    published_first: bool = False,
) -> ExportDocument:
    """Write a generated version of the SoA (the newest by default; with ``published_first``
    the published one when it was generated) as XLSX, DOCX or PDF.

    Raises:
        soa.SoaError: there is no generated version yet (run "Update SoA").
        ExportError: a bad format, no PDF renderer, or the file cannot be written.
    """
    if fmt not in SOA_FORMATS:
        raise ExportError(f"unknown format '{fmt}' (choose {', '.join(SOA_FORMATS)})")
    if fmt == "pdf" and pdf_renderer is None:
        raise ExportError("PDF export needs the Qt renderer (workbench.views.common.pdf_export)")
    generated = soa.generated_version(workspace, version, published_first=published_first)
    document = document_export.prepare(
        workspace, generated.artifact_id, generated.version, page_size=page_size
    )
    document = replace(document, landscape=True)
    if target.parent.exists() and not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: {target.parent} is not a folder")
    try:
        if fmt == "xlsx":
            write_xlsx(generated.snapshot, document, target)
        elif fmt == "docx":
            document_export.write_docx(document, target)
        else:
            assert pdf_renderer is not None
            pdf_renderer(document, target)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
    return document
