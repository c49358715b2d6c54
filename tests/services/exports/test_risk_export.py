"""The risk register as XLSX and CSV, read back with openpyxl and csv, and in the audit pack
with its heat map on the index page."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from tests.helpers.packs import PACK_TIME, check_manifest, links
from tests.helpers.risks import JONAS, JONAS_PASS, add, retained_high, with_owners
from workbench.models import TreatmentOption as T
from workbench.services.exports import audit_pack, risk_export
from workbench.services.exports.document_export import ExportError
from workbench.services.risks import acceptance, records


@pytest.fixture
def register(workspace):
    with_owners(workspace)
    add(workspace, "=HYPERLINK(\"http://evil.example\",\"click\")", likelihood=4, impact=5,
        treatment=T.MODIFY, controls=("A.8.13", "A.8.7"), residual_likelihood=2,
        residual_impact=3, review_date=date(2027, 6, 30))  # fmt: skip
    records.add_action(workspace, actor="Mara", ref="R-001", text="Offline backups",
                       owner="Lena", due=date(2027, 3, 1))  # fmt: skip
    ref = retained_high(workspace)
    acceptance.sign(workspace, ref=ref, signer=JONAS, passphrase=JONAS_PASS,
                    expires=date.today() + timedelta(days=365))  # fmt: skip
    return workspace


def test_the_xlsx_has_typed_cells_level_colours_and_the_method_tables(register, tmp_path) -> None:
    target = tmp_path / "risks.xlsx"
    assert risk_export.export_risks(register, target, fmt="xlsx") == 2
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Risks", "Actions", "Likelihood", "Impact", "Levels", "Matrix"]
    risks = book["Risks"]
    header = [cell.value for cell in risks[1]]
    assert header[:2] == ["ID", "Title"] and risks.freeze_panes == "A2"
    assert risks.auto_filter.ref
    first = {name: risks.cell(row=2, column=n + 1) for n, name in enumerate(header)}
    # A title that looks like a formula stays text.
    assert first["Title"].value.startswith("=HYPERLINK") and first["Title"].data_type == "s"
    assert first["Likelihood"].value == 4 and first["Likelihood"].data_type == "n"
    assert first["Likelihood label"].value == "Likely"
    assert first["Inherent level"].value == "Critical"
    assert first["Inherent level"].fill.start_color.rgb.endswith("C62828")
    assert first["Residual level"].value == "Medium"
    assert first["Residual level"].fill.start_color.rgb.endswith("F9A825")
    assert first["Review date"].value.date() == date(2027, 6, 30)
    assert first["Review date"].is_date
    assert first["Planned controls"].value == "A.8.7, A.8.13"
    assert first["Open actions"].value == 1
    second = {name: risks.cell(row=3, column=n + 1).value for n, name in enumerate(header)}
    assert second["Acceptance signed by"] == JONAS and second["Acceptance state"] == "valid"
    actions = book["Actions"]
    assert [c.value for c in actions[2]][:3] == ["R-001", "Offline backups", "Lena"]
    assert actions.cell(row=2, column=4).is_date
    matrix = book["Matrix"]
    assert matrix.cell(row=2, column=1).value == "5 Almost certain"
    assert matrix.cell(row=2, column=6).value == "Critical"
    assert matrix.cell(row=2, column=6).fill.start_color.rgb.endswith("C62828")
    levels = book["Levels"]
    assert [levels.cell(row=r, column=3).value for r in range(2, 6)] == ["yes", "yes", "no", "no"]
    assert book["Likelihood"].cell(row=6, column=1).value == 5


def test_the_csv_is_the_risks_sheet_as_text(register, tmp_path) -> None:
    target = tmp_path / "risks.csv"
    risk_export.export_risks(register, target, fmt="csv")
    rows = list(csv.reader(target.read_text(encoding="utf-8").splitlines()))
    assert rows[0][:3] == ["ID", "Title", "Threat"]
    assert rows[1][0] == "R-001" and rows[2][0] == "R-002"
    assert rows[1][rows[0].index("Review date")] == "2027-06-30"
    # A spreadsheet opening the CSV shows the title as text instead of evaluating it.
    assert rows[1][1].startswith("'=HYPERLINK")


def test_an_unknown_format_or_a_file_in_the_way_is_one_clear_message(register, tmp_path) -> None:
    with pytest.raises(ExportError, match="unknown format 'ods'"):
        risk_export.export_risks(register, tmp_path / "risks.ods", fmt="ods")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="is not a folder"):
        risk_export.export_risks(register, blocker / "risks.xlsx", fmt="xlsx")
    assert blocker.read_text() == "x"


def test_the_audit_pack_holds_the_risk_register_and_shows_the_heat_map(
    register, tmp_path: Path
) -> None:
    target = tmp_path / "pack.zip"
    audit_pack.build_pack(register, target, actor="Mara", now=PACK_TIME)
    with zipfile.ZipFile(target) as pack:
        check_manifest(pack)
        names = set(pack.namelist())
        assert {"risks/risk-register.xlsx", "risks/heat-map.svg"} <= names
        index = pack.read("index.html").decode("utf-8")
        book = openpyxl.load_workbook(io.BytesIO(pack.read("risks/risk-register.xlsx")))
        svg = ElementTree.fromstring(pack.read("risks/heat-map.svg"))
    assert "risks/risk-register.xlsx" in links(index)
    assert "<img src='risks/heat-map.svg'" in index
    assert book["Risks"].max_row == 3
    texts = [element.text for element in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "Inherent risk (2)" in texts and "Residual risk (2)" in texts
    titles = [element.text for element in svg.iter("{http://www.w3.org/2000/svg}title")]
    assert "likelihood 4, impact 5: Critical, 1 risk(s)" in titles
    assert not list(svg.iter("{http://www.w3.org/2000/svg}script"))
