"""The Statement of Applicability for auditors: Excel in the layout they ask for, Word and PDF.

Every export renders one generated version of the SoA (the newest by default), never the live
records, so the file says exactly what the approvers signed.

- Excel: sheet "Clauses 4-10" lists each clause with the documents that meet it; sheet
  "Annex A" has one row per control (id, title, theme, applicable, reasons, justification,
  status, owner, target date, linked risks, documents, evidence); additional and privacy
  controls get a sheet of their own; "About" names the version, its status and content hash.
  Written through the workbench's one XLSX writer: header rows frozen and filtered, dates are
  dates and counts are numbers, text is always text (a justification starting with "=" never
  becomes a formula), landscape printing one page wide.
- Word and PDF: the version as any document is exported; its control tables print on
  landscape pages, one table per theme.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from pathlib import Path

from workbench.models import ControlSource
from workbench.services.common import sheets
from workbench.services.common.sheets import BookProperties, Table, Value
from workbench.services.controls import soa
from workbench.services.controls.soa import SnapshotControl, SoaSnapshot
from workbench.services.controls.themes import theme_label
from workbench.services.exports import document_export
from workbench.services.exports.document_export import ExportDocument, ExportError
from workbench.services.register import profile
from workbench.services.store.workspace import Workspace

SOA_FORMATS = ("xlsx", "docx", "pdf")
CLAUSE_HEADER = ("Clause", "Title", "Documents", "Documents (count)", "Approved (count)")
CONTROL_HEADER = (
    "Control", "Title", "Theme", "Applicable", "Reasons", "Justification", "Status", "Owner",
    "Target date", "Linked risks", "Documents", "Evidence", "Evidence (count)",
)  # fmt: skip


def _control_values(control: SnapshotControl) -> list[Value]:
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


def _about(document: ExportDocument, snapshot: SoaSnapshot) -> Table:
    rows: list[list[Value]] = [
        ["Document", document.title],
        ["Organisation", snapshot.organisation],
        ["ISMS scope", snapshot.scope],
        ["Register id", document.artifact_id],
        ["Version", document.version],
        ["Status", document.status],
        ["Saved", document.saved_at],
        ["Content SHA-256", document.content_sha256],
        ["Signatures", document.block.signature_text if document.block else "not approved"],
    ]
    return Table("About", ("Item", "Detail"), rows)


def soa_tables(snapshot: SoaSnapshot, document: ExportDocument) -> list[Table]:
    """The SoA's sheets: clauses, Annex A, additional controls (when there are any), About."""
    clause_rows: list[list[Value]] = [
        [clause.id, clause.title, "; ".join(d.text for d in clause.documents),
         len(clause.documents), sum(d.status in document_export.IN_FORCE for d in clause.documents)]
        for clause in snapshot.clauses
    ]  # fmt: skip
    tables = [Table("Clauses 4-10", CLAUSE_HEADER, clause_rows)]
    annex_a = snapshot.of_source(ControlSource.ANNEX_A)
    tables.append(Table("Annex A", CONTROL_HEADER, [_control_values(c) for c in annex_a]))
    others = [c for c in snapshot.controls if c.source != ControlSource.ANNEX_A.value]
    if others:
        rows = [_control_values(c) for c in others]
        tables.append(Table("Additional controls", CONTROL_HEADER, rows))
    tables.append(_about(document, snapshot))
    return tables


def write_xlsx(
    snapshot: SoaSnapshot, document: ExportDocument, target: Path, *, zone: tzinfo = UTC
) -> None:
    """The SoA workbook, written whole or not at all."""
    properties = BookProperties(
        title=f"{document.title}, version {document.version}",
        author=document.author,
        subject=snapshot.organisation,
        description=f"Content SHA-256 {document.content_sha256}",
        company=snapshot.organisation,
    )
    sheets.write_xlsx(target, soa_tables(snapshot, document), properties=properties, zone=zone)


def export_soa(
    workspace: Workspace,
    *,
    fmt: str,
    target: Path,
    version: int | None = None,
    page_size: str = "A4",
    published_first: bool = False,
) -> ExportDocument:
    """Write a generated version of the SoA (the newest by default; with ``published_first``
    the published one when it was generated) as XLSX, DOCX or PDF.

    Raises:
        soa.SoaError: there is no generated version yet (run "Update SoA").
        ExportError: a bad format, or the file cannot be written.
    """
    if fmt not in SOA_FORMATS:
        raise ExportError(f"unknown format '{fmt}' (choose {', '.join(SOA_FORMATS)})")
    generated = soa.generated_version(workspace, version, published_first=published_first)
    document = document_export.prepare(
        workspace, generated.artifact_id, generated.version, page_size=page_size
    )
    if target.parent.exists() and not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: {target.parent} is not a folder")
    try:
        if fmt == "xlsx":
            zone, _name = profile.workspace_zone(workspace)
            write_xlsx(generated.snapshot, document, target, zone=zone)
        else:
            document_export.WRITERS[fmt](document, target)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
    return document
