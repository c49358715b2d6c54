"""``workbench control``, ``evidence``, ``soa`` and ``dashboard`` as the issue lists them."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pypdf
import pytest

from tests.helpers.cli import run


@pytest.fixture
def acme(capsys, tmp_path: Path) -> str:
    path = tmp_path / "acme.grcw"
    code, _, err = run(
        capsys, "-w", str(path), "isms", "build", "--org", "Acme Logistics",
        "--scope", "Warehouse management platform and Hamburg depot", "--owner", "Jonas Weber",
    )  # fmt: skip
    assert code == 0, err
    return str(path)


def test_excluding_without_a_justification_is_refused(capsys, acme) -> None:
    code, out, err = run(capsys, "-w", acme, "control", "set", "A.7.4", "--applicable", "no")
    assert (code, out) == (2, "")
    assert err == (
        "workbench: A.7.4 cannot be excluded without a justification: say why the control is "
        "not needed (--justification TEXT)\n"
    )
    code, out, _ = run(capsys, "-w", acme, "control", "set", "A.7.4", "--applicable", "no",
                       "--justification", "The landlord monitors the building")  # fmt: skip
    assert (code, out) == (0, "A.7.4 Physical security monitoring: excluded, not started\n")


def test_set_list_and_show(capsys, acme) -> None:
    code, _, err = run(
        capsys, "-w", acme, "control", "set", "A.8.13", "--status", "implemented", "--reason",
        "legal", "business", "--owner", "Jonas Weber", "--due", "2027-03-31",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "-w", acme, "control", "list", "--theme", "8", "--status",
                         "implemented", "--json")  # fmt: skip
    (row,) = json.loads(out)
    assert (row["id"], row["reasons"], row["owner"], row["target_date"]) == (
        "A.8.13", ["legal", "business"], "Jonas Weber", "2027-03-31",
    )  # fmt: skip
    code, out, err = run(capsys, "-w", acme, "control", "list", "--applicable", "yes")
    assert code == 0 and len(out.splitlines()) == 93 and err == "93 control(s)\n"
    code, out, _ = run(capsys, "-w", acme, "control", "show", "A.8.13")
    assert out.splitlines()[0] == "A.8.13 Information backup"
    assert "  status:        Implemented" in out and "What the control asks:" in out
    code, out, _ = run(capsys, "-w", acme, "control", "show", "8.13", "--json")
    data = json.loads(out)
    assert data["id"] == "A.8.13" and data["guidance"]["evidence"]
    code, _, _ = run(capsys, "-w", acme, "control", "set", "A.8.13", "--due", "none")
    code, out, _ = run(capsys, "-w", acme, "control", "show", "A.8.13", "--json")
    assert json.loads(out)["target_date"] is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["control", "set", "A.8.13"], "say what to change"),
        (["control", "set", "A.8.13", "--due", "next week"], "--due must be a date as YYYY-MM-DD"),
        (["control", "show", "A.99"], "there is no control A.99"),
        (["control", "list", "--theme", "9"], "unknown theme '9'"),
        (["evidence", "export", "E-9", "-o", "x"], "evidence E-9 has no file"),
        (["soa", "export", "--format", "xlsx", "-o", "soa.xlsx"], "run soa update first"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, acme, argv, message) -> None:
    code, _, err = run(capsys, "-w", acme, *argv)
    assert code == 2 and message in err and len(err.splitlines()) == 1


def test_evidence_add_list_export(capsys, acme, tmp_path) -> None:
    report = tmp_path / "restore-test.pdf"
    report.write_bytes(b"%PDF-1.4 restore test of 2026-10-14")
    code, out, err = run(
        capsys, "-w", acme, "evidence", "add", str(report), "--to", "A.8.13", "--title",
        "Restore test report", "--effective", "2026-10-01..2026-10-31", "--expires", "2027-11-30",
    )  # fmt: skip
    assert code == 0, err
    added = "E-1 “Restore test report” revision 1: restore-test.pdf, 35 bytes, SHA-256 "
    assert out.startswith(added)
    code, out, err = run(capsys, "-w", acme, "evidence", "add", str(report), "--to", "R-003")
    assert (code, err) == (2, "workbench: there is no risk R-003 in this workspace\n")
    code, out, _ = run(capsys, "-w", acme, "evidence", "list", "--control", "A.8.13", "--json")
    (item,) = json.loads(out)
    assert (item["id"], item["expires"], item["attached_to"]) == (
        "E-1", "2027-11-30", ["A.8.13 Information backup"],
    )  # fmt: skip
    assert item["revisions"][0]["effective_to"] == "2026-10-31"
    code, out, _ = run(capsys, "-w", acme, "evidence", "list", "--expired")
    assert out == ""
    code, out, _ = run(capsys, "-w", acme, "evidence", "export", "E-1", "-o", str(tmp_path))
    assert out == f"wrote {tmp_path / 'restore-test.pdf'}\n"
    target = tmp_path / "copy.pdf"
    run(capsys, "-w", acme, "evidence", "export", "1", "-o", str(target))
    assert target.read_bytes() == report.read_bytes()


def test_soa_update_and_export(capsys, acme, tmp_path) -> None:
    run(capsys, "-w", acme, "control", "set", "A.7.4", "--applicable", "no", "--justification",
        "Leased office")  # fmt: skip
    code, out, err = run(capsys, "-w", acme, "soa", "update")
    assert code == 0, err
    assert out.splitlines()[0] == (
        "Statement of Applicability (register id 8): version 2, the first generated from the "
        "control records"
    )
    code, out, _ = run(capsys, "-w", acme, "soa", "update")
    assert code == 0 and "already matches the control records (version 2)" in out
    for fmt in ("xlsx", "docx", "pdf"):
        target = tmp_path / f"soa.{fmt}"
        code, out, err = run(
            capsys, "-w", acme, "soa", "export", "--format", fmt, "-o", str(target)
        )
        assert code == 0, err
        assert out == f"wrote {target}: Statement of Applicability, version 2 (draft)\n"
    book = openpyxl.load_workbook(tmp_path / "soa.xlsx")
    assert book["Annex A"].max_row == 94
    assert len(pypdf.PdfReader(tmp_path / "soa.pdf").pages) > 1


def test_dashboard_text_json_and_pdf(capsys, acme, tmp_path) -> None:
    run(capsys, "-w", acme, "control", "set", "A.8.13", "--status", "implemented")
    code, out, _ = run(capsys, "-w", acme, "dashboard")
    assert code == 0
    assert out.splitlines()[0].startswith("Readiness of Acme Logistics on ")
    assert "  All Annex A controls                  1%  (1 of 93)" in out
    code, out, _ = run(capsys, "-w", acme, "dashboard", "--json")
    data = json.loads(out)
    assert data["controls"]["overall"]["implemented"] == 1
    assert data["attention"]["documents_with_placeholders"]["count"] > 0
    target = tmp_path / "readiness.pdf"
    code, out, err = run(capsys, "-w", acme, "dashboard", "export", "-o", str(target))
    assert (code, out, err) == (0, f"wrote {target}\n", "")
    assert len(pypdf.PdfReader(target).pages) == 1
    code, _, err = run(capsys, "-w", acme, "dashboard", "export", "-o", str(tmp_path / "r.png"))
    assert code == 2 and "name a .pdf file" in err


def test_custom_and_privacy_controls(capsys, acme) -> None:
    code, out, _ = run(capsys, "-w", acme, "control", "add", "ACME-01", "--title", "Tachographs")
    assert (code, out) == (0, "added the custom control ACME-01 Tachographs\n")
    code, out, _ = run(capsys, "-w", acme, "control", "add", "--privacy")
    assert (code, out) == (0, "added 49 ISO/IEC 27701:2019 privacy controls\n")
    code, out, err = run(capsys, "-w", acme, "control", "list")
    assert err == f"{93 + 1 + 49} control(s)\n"
