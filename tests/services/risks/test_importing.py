"""Importing the client's risk spreadsheet as it really looks: a title row, merged group
headers, blank rows, labels and numbers mixed, columns nobody asked for, and files that are
not spreadsheets at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from tests.helpers.risks import JONAS, add, with_owners
from workbench.models import Asset, Person, Risk, RiskStatus
from workbench.models import TreatmentOption as T
from workbench.services.risks import importing, records
from workbench.services.risks.importing import Field, RowAction, SpreadsheetError


@pytest.fixture
def owned(workspace):
    with_owners(workspace)
    return workspace


def messy_workbook(path: Path) -> Path:
    """A register as clients keep them: title, group headers merged over two columns each,
    one header merged down two rows, blank rows, labels and numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Risks 2025"
    sheet["A1"] = "Acme Logistics: risk register 2025"
    sheet.merge_cells("A1:I1")
    sheet.append([])
    sheet.append(["ID", "Risk", "Owner", "Inherent", None, "Residual", None, "Treatment",
                  "Comments"])  # fmt: skip
    sheet.append([None, None, None, "Likelihood", "Impact", "Likelihood", "Impact", None, None])
    for column in ("A", "B", "C", "H", "I"):
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("D3:E3")
    sheet.merge_cells("F3:G3")
    rows = [
        ["R-101", "Ransomware on the WMS", JONAS, "Likely", "Severe", 2, 4, "Mitigate", "top"],
        ["R-102", "Phishing of warehouse staff", "Head of IT", 4, "3 - Moderate", None, None,
         "Accept", ""],
        [None, None, None, None, None, None, None, None, None],
        ["R-103", "Forklift telematics leak", JONAS, "Very likely", 2, None, None, "Modify", ""],
        ["R-104", None, JONAS, 2, 2, None, None, None, "no title here"],
        ["R-105", "Depot flooding", "", 2.0, 5, 1, 5, "transfer", ""],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_messy_workbook_imports_what_it_can_and_says_why_not_the_rest(owned, tmp_path) -> None:
    path = messy_workbook(tmp_path / "acme-risks.xlsx")
    table = importing.read_table(path)
    assert table.sheet == "Risks 2025" and table.header_row == 4
    assert table.headers == (
        "ID", "Risk", "Owner", "Inherent Likelihood", "Inherent Impact", "Residual Likelihood",
        "Residual Impact", "Treatment", "Comments",
    )  # fmt: skip
    assert table.blank_rows == 1
    mapping = importing.mapping_with(table.headers, None)
    assert [mapping.get(c) for c in range(9)] == [
        Field.ID, Field.TITLE, Field.OWNER, Field.LIKELIHOOD, Field.IMPACT,
        Field.RESIDUAL_LIKELIHOOD, Field.RESIDUAL_IMPACT, Field.TREATMENT, None,
    ]  # fmt: skip
    report = importing.run_import(owned, actor="Mara", table=table, mapping=mapping)
    assert [r.ref for r in report.of(RowAction.CREATE)] == ["R-101", "R-102", "R-105"]
    rejected = {row.number: row.reason for row in report.rejected}
    assert set(rejected) == {8, 9}  # the rows as the spreadsheet program numbers them
    assert "'Very likely' is not on the likelihood scale" in rejected[8]
    assert rejected[9] == "it has no title"
    assert report.ignored_columns == ["Comments"]
    assert report.added_people == ["Head of IT"]
    lines = "\n".join(report.lines())
    assert "row 8: likelihood: 'Very likely' is not on the likelihood scale" in lines
    assert "columns not imported: Comments" in lines

    ransomware = records.get_risk(owned, "R-101")
    assert (ransomware.draft.likelihood, ransomware.draft.impact) == (4, 5)  # from labels
    assert (ransomware.level_name, ransomware.residual_level_name) == ("Critical", "Medium")
    assert ransomware.draft.treatment is T.MODIFY
    phishing = records.get_risk(owned, "R-102")
    assert (phishing.draft.likelihood, phishing.draft.impact, phishing.draft.owner) == (
        4, 3, "Head of IT",
    )  # fmt: skip
    assert phishing.draft.treatment is T.RETAIN
    flooding = records.get_risk(owned, "R-105")
    assert flooding.draft.treatment is T.SHARE and flooding.draft.owner == ""
    # Numbering of new risks goes on after the imported ids.
    assert add(owned, "Added by hand") == "R-106"


def test_importing_the_same_sheet_again_updates_instead_of_duplicating(owned, tmp_path) -> None:
    path = messy_workbook(tmp_path / "acme-risks.xlsx")
    importing.import_file(owned, path, actor="Mara")
    again = importing.import_file(owned, path, actor="Mara")
    assert [r.ref for r in again.of(RowAction.UNCHANGED)] == ["R-101", "R-102", "R-105"]
    assert again.of(RowAction.CREATE) == [] and again.added_people == []
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet["F5"] = 1  # R-101's residual likelihood
    book.save(path)
    third = importing.import_file(owned, path, actor="Mara")
    assert [r.ref for r in third.of(RowAction.UPDATE)] == ["R-101"]
    with owned.read() as session:
        assert len(session.exec(select(Risk)).all()) == 3
    assert records.get_risk(owned, "R-101").draft.residual_likelihood == 1


def test_a_semicolon_csv_with_labels_controls_dates_and_an_ignored_score(owned, tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Risk title;Description;Probability;Severity;Score;Annex A controls;Next review;"
        "Status;Assets;Whatever\n"
        "Lost laptop;A laptop left on a train;Possible;Major;12;A.8.1, A.8.24 and 5.9;"
        "31.12.2026;In progress;Laptops; x\n"
        "\n"
        ";only a description;1;1;1;;;;;\n"
        "Cloud bucket public;Misconfigured storage;5;5;25;A.99.9;;open;;\n"
        "Old backups;Restore never tested;2;3;6;8.13;2027/02/30;open;;\n"
        "Supplier breach;;2;4;8;A.5.19;;archived;;\n",
        encoding="utf-8",
    )
    report = importing.import_file(owned, path, actor="Mara")
    created = report.of(RowAction.CREATE)
    assert [(r.number, r.title) for r in created] == [(2, "Lost laptop")]
    reasons = {row.number: row.reason for row in report.rejected}
    assert set(reasons) == {4, 5, 6, 7}
    assert reasons[4] == "it has no title"
    assert "not a control of the catalog: A.99.9" in reasons[5]
    assert "'2027/02/30' is not a date" in reasons[6]
    assert "'archived' is not a status" in reasons[7]
    assert report.blank_rows == 1
    assert report.mapping["Score"] == "level" and "Whatever" in report.ignored_columns
    laptop = records.get_risk(owned, created[0].ref)
    assert laptop.draft.controls == (
        "ISO27001:2022/A.5.9", "ISO27001:2022/A.8.1", "ISO27001:2022/A.8.24",
    )  # fmt: skip
    assert (laptop.draft.threat, laptop.draft.review_date) == (
        "A laptop left on a train", date(2026, 12, 31),
    )  # fmt: skip
    assert laptop.draft.status is RiskStatus.IN_TREATMENT
    assert laptop.level_name == "High"  # 3 x 4, computed; the sheet's score is not imported
    assert laptop.draft.assets == ("Laptops",)
    with owned.read() as session:
        assert session.exec(select(Asset.name)).all() == ["Laptops"]


def test_a_map_given_by_the_user_wins_over_the_guess(owned, tmp_path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Thing,Chance,Hurt,Risk\nFire in depot,2,5,ignore me\n", encoding="utf-8")
    report = importing.import_file(
        owned, path, actor="Mara", map_text="thing=title, Chance=likelihood,HURT=impact,Risk=ignore"
    )
    (row,) = report.of(RowAction.CREATE)
    risk = records.get_risk(owned, row.ref)
    assert (risk.title, risk.draft.likelihood, risk.draft.impact) == ("Fire in depot", 2, 5)
    with pytest.raises(SpreadsheetError, match="no column 'Colour'"):
        importing.import_file(owned, path, actor="Mara", map_text="Colour=title")
    with pytest.raises(SpreadsheetError, match="'flavour' is not a risk field"):
        importing.import_file(owned, path, actor="Mara", map_text="Thing=flavour")
    with pytest.raises(SpreadsheetError, match="not of the form Column=field"):
        importing.import_file(owned, path, actor="Mara", map_text="Thing title")


def test_a_dry_run_reports_and_writes_nothing(owned, tmp_path) -> None:
    path = messy_workbook(tmp_path / "acme-risks.xlsx")
    report = importing.import_file(owned, path, actor="Mara", dry_run=True)
    assert report.dry_run and len(report.of(RowAction.CREATE)) == 3
    assert report.summary().startswith("acme-risks.xlsx: would import 3 new")
    with owned.read() as session:
        assert session.exec(select(Risk)).all() == []
        assert [p.name for p in session.exec(select(Person))] == [JONAS, "Priya Shah"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("risks.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "cannot be read as an Excel"),
        ("risks.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "is not a spreadsheet"),
        ("risks.xls", b"\xd0\xcf\x11\xe0" + bytes(100), "old Excel file"),
        ("empty.csv", b"", "is empty"),
        ("notes.csv", b"just one line of notes\n", "no header row"),
        ("fake.xlsx", b"PK\x03\x04 not really a zip", "cannot be read as an Excel"),
    ],
)
def test_a_file_that_is_not_a_usable_spreadsheet_imports_nothing(
    owned, tmp_path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SpreadsheetError, match=message):
        importing.import_file(owned, path, actor="Mara")
    with owned.read() as session:
        assert session.exec(select(Risk)).all() == []


def test_a_sheet_without_a_title_column_is_refused(owned, tmp_path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("Colour,Shape\nred,round\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="map a column to the risk title"):
        importing.import_file(owned, path, actor="Mara")


def test_an_id_twice_in_one_sheet_is_reported(owned, tmp_path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("ID,Title\nR-7,First\nR-7,Second\n", encoding="utf-8")
    report = importing.import_file(owned, path, actor="Mara")
    assert [r.ref for r in report.of(RowAction.CREATE)] == ["R-007"]
    assert [(r.number, r.reason) for r in report.rejected] == [(3, "the id R-007 is also in row 2")]
