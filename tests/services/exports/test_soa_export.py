"""The SoA for auditors, read back as they would: Excel, Word and PDF."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pypdf
import pytest
from docx.enum.section import WD_ORIENT

from tests.helpers.controls import add_file, walkthrough_decisions
from tests.helpers.readers import pdf_text
from workbench.models import ArtifactKind
from workbench.services.controls import records, soa
from workbench.services.controls.soa import SoaError
from workbench.services.exports import soa_export
from workbench.services.exports.document_export import ExportError
from workbench.services.register import artifacts

HEADER = ["Control", "Title", "Theme", "Applicable", "Reasons", "Justification", "Status",
          "Owner", "Target date", "Linked risks", "Documents", "Evidence",
          "Evidence (count)"]  # fmt: skip


@pytest.fixture
def generated(workspace, tmp_path) -> int:
    walkthrough_decisions(workspace)
    records.update_control(workspace, "A.5.1", actor="Mara", status="planned",
                           target_date=date(2027, 2, 28),
                           justification="=HYPERLINK(\"http://evil.example\")")  # fmt: skip
    _, policy = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.SCOPE, title="ISMS Scope Statement",
        refs=["ISO27001:2022/4.3"],
    )  # fmt: skip
    add_file(workspace, tmp_path, "restore-test.pdf", title="Restore test report",
             expires=date(2027, 11, 30))  # fmt: skip
    _, update = soa.update_soa(workspace, actor="Mara")
    return update.version


def test_xlsx_has_the_auditors_layout_with_typed_cells(workspace, generated, tmp_path) -> None:
    target = tmp_path / "soa.xlsx"
    soa_export.export_soa(workspace, fmt="xlsx", target=target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Clauses 4-10", "Annex A", "About"]

    annex = book["Annex A"]
    assert [cell.value for cell in annex[1]] == HEADER
    rows = list(annex.iter_rows(min_row=2))
    assert len(rows) == 93
    assert annex.freeze_panes == "A2" and annex.auto_filter.ref == "A1:M94"
    by_id = {row[0].value: row for row in rows}
    excluded = [cell.value for cell in by_id["A.7.4"]]
    assert excluded[:7] == [
        "A.7.4", "Physical security monitoring", "Physical controls", "No", None,
        "Offices are leased; the landlord monitors the building", "N/A",
    ]  # fmt: skip
    backup = by_id["A.8.13"]
    assert [backup[3].value, backup[4].value, backup[6].value, backup[7].value] == [
        "Yes", "LR, BP", "Implemented", "Jonas Weber",
    ]  # fmt: skip
    assert backup[11].value == "E-1 Restore test report (r1)"
    assert (backup[12].value, backup[12].data_type) == (1, "n")
    policy = by_id["A.5.1"]
    assert policy[8].value == datetime(2027, 2, 28) and policy[8].is_date
    assert policy[8].number_format == "yyyy-mm-dd"
    # text that looks like a formula stays text
    assert (policy[5].value, policy[5].data_type) == ('=HYPERLINK("http://evil.example")', "s")
    assert {cell.data_type for row in rows for cell in row[:2]} == {"s"}

    clauses = book["Clauses 4-10"]
    assert [cell.value for cell in clauses[1]] == [
        "Clause", "Title", "Documents", "Documents (count)", "Approved (count)",
    ]  # fmt: skip
    scope = next(row for row in clauses.iter_rows(min_row=2) if row[0].value == "4.3")
    assert [cell.value for cell in scope] == [
        "4.3", "Determining the scope of the information security management system",
        "ISMS Scope Statement (draft)", 1, 0,
    ]  # fmt: skip
    about = {row[0].value: row[1].value for row in book["About"].iter_rows(min_row=2)}
    assert about["Version"] == generated and about["Status"] == "draft"
    assert about["Signatures"] == "not approved" and len(about["Content SHA-256"]) == 64


def test_additional_controls_get_their_own_sheet(workspace, tmp_path) -> None:
    records.add_custom_control(workspace, actor="Mara", local_id="ACME-01", title="Tachographs")
    soa.update_soa(workspace, actor="Mara")
    target = tmp_path / "soa.xlsx"
    soa_export.export_soa(workspace, fmt="xlsx", target=target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Clauses 4-10", "Annex A", "Additional controls", "About"]
    assert book["Annex A"].max_row == 94
    assert [c.value for c in book["Additional controls"][2]][:3] == [
        "ACME-01", "Tachographs", "Additional controls",
    ]  # fmt: skip


def test_word_puts_the_theme_tables_on_landscape_pages(workspace, generated, tmp_path) -> None:
    target = tmp_path / "soa.docx"
    soa_export.export_soa(workspace, fmt="docx", target=target)
    word = docx.Document(str(target))
    orientations = [section.orientation for section in word.sections]
    assert orientations[0] == WD_ORIENT.PORTRAIT  # the title and the document control block
    assert WD_ORIENT.LANDSCAPE in orientations
    wide = next(s for s in word.sections if s.orientation == WD_ORIENT.LANDSCAPE)
    assert wide.page_width > wide.page_height
    # summary, clauses, then one table per Annex A theme (and the approval notice is text)
    assert [len(table.rows) for table in word.tables][-4:] == [38, 9, 15, 35]
    assert "soa-control" not in "".join(p.text for p in word.paragraphs)


def test_pdf_puts_the_theme_tables_on_landscape_pages(workspace, generated, tmp_path) -> None:
    target = tmp_path / "soa.pdf"
    soa_export.export_soa(workspace, fmt="pdf", target=target)
    reader = pypdf.PdfReader(target)
    pages = [(page.mediabox, page.extract_text()) for page in reader.pages]
    first_box, _ = pages[0]
    assert float(first_box.width) < float(first_box.height)
    physical = [box for box, text in pages if "A.7 Physical controls (14)" in text]
    assert physical and all(float(box.width) > float(box.height) for box in physical)
    _, text = pdf_text(target)
    assert "Physical security monitoring" in text
    assert "soa-control" not in text


def test_an_soa_never_generated_is_refused_with_the_way_out(workspace, tmp_path: Path) -> None:
    with pytest.raises(SoaError, match="run soa update first"):
        soa_export.export_soa(workspace, fmt="xlsx", target=tmp_path / "soa.xlsx")
    with pytest.raises(ExportError, match="unknown format 'csv'"):
        soa_export.export_soa(workspace, fmt="csv", target=tmp_path / "soa.csv")
    assert not list(tmp_path.glob("soa*"))
