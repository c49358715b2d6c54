"""``workbench risk`` and ``workbench asset`` as a consultant types them."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from tests.helpers.cli import run
from tests.helpers.risks import JONAS_PASS, tamper


@pytest.fixture
def ws(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> str:
    path = str(tmp_path / "acme.grcw")
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", JONAS_PASS)
    assert run(capsys, "-w", path, "person", "add", "Jonas Weber", "--role", "CISO")[0] == 0
    return path


def risk(capsys, ws: str, *argv: str) -> tuple[int, str, str]:
    return run(capsys, "-w", ws, "risk", *argv)


def test_add_assess_list_and_show_with_computed_levels(capsys, ws) -> None:
    code, out, err = run(capsys, "-w", ws, "asset", "add", "WMS", "--type", "system", "-c", "high")
    assert (code, out, err) == (0, "added asset WMS (system)\n", "")
    code, out, _ = risk(
        capsys, ws, "add", "--title", "Ransomware on the WMS", "--owner", "Jonas Weber",
        "--likelihood", "Likely", "--impact", "5", "--treatment", "modify",
        "--control", "A.8.13", "--control", "8.7", "--asset", "WMS",
    )  # fmt: skip
    assert (code, out) == (0, "added R-001  Ransomware on the WMS  (inherent Critical)\n")
    code, out, _ = risk(capsys, ws, "assess", "R-001", "--residual-likelihood", "2",
                        "--residual-impact", "Moderate")  # fmt: skip
    assert out == "R-001  Ransomware on the WMS  (inherent Critical, residual Medium)\n"
    code, out, _ = risk(capsys, ws, "list", "--json")
    (row,) = json.loads(out)
    assert (row["id"], row["inherent_level"], row["residual_level"]) == (
        "R-001", "Critical", "Medium",
    )  # fmt: skip
    code, out, _ = risk(capsys, ws, "show", "R-001", "--json")
    shown = json.loads(out)
    assert shown["inherent_level"] == "Critical" and shown["residual_level"] == "Medium"
    assert shown["likelihood"] == {"value": 4, "label": "Likely"}
    assert shown["controls"] == ["A.8.7", "A.8.13"] and shown["assets"] == ["WMS"]
    code, out, _ = risk(capsys, ws, "list", "--level", "high")
    assert out.strip().endswith("0 risk(s)")
    code, out, _ = risk(capsys, ws, "list", "--level", "Critical", "--owner", "jonas weber")
    assert "R-001  Critical  Medium" in out
    code, out, _ = risk(capsys, ws, "show", "1")
    assert "inherent:         likelihood 4 Likely, impact 5 Severe: Critical" in out
    code, out, _ = run(capsys, "-w", ws, "asset", "list", "--json")
    assert json.loads(out)[0]["risks"] == 1


def test_a_risk_from_the_starter_library(capsys, ws) -> None:
    code, out, _ = risk(capsys, ws, "library", "lost", "laptop")
    assert code == 0 and "LIB-022" in out
    code, out, _ = risk(capsys, ws, "add", "--from", "lib-022", "--owner", "Jonas Weber",
                        "--control", "A.6.7", "--json")  # fmt: skip
    added = json.loads(out)
    assert added["source"] == "LIB-022" and "laptop" in added["title"].lower()
    assert "A.6.7" in added["controls"] and len(added["controls"]) > 1
    assert added["threat"] and added["likelihood"] is None  # a starting point, not a rating
    assert risk(capsys, ws, "add", "--from", "LIB-999")[2].startswith(
        "workbench: there is no scenario LIB-999"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("add",), "give the risk a --title"),
        (("add", "--title", "X", "--likelihood", "9", "--impact", "1"), "'9' is not on the"),
        (("add", "--title", "X", "--owner", "Nobody"), "no person named 'Nobody'"),
        (("add", "--title", "X", "--control", "A.42.1"), "not a control of the catalog"),
        (("show", "R-404"), "there is no risk R-404"),
        (("assess", "R-404", "--likelihood", "1", "--impact", "1"), "there is no risk R-404"),
        (("list", "--level", "Apocalyptic"), "there is no level 'Apocalyptic'"),
        (("accept", "R-001", "--as", "Jonas Weber", "--expires", "soon"), "not a date"),
        (("method", "set", "--size", "9x9"), "3 to 6 levels, not 9"),
        (("method", "set"), "say what to change"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, ws, argv, message) -> None:
    code, out, err = risk(capsys, ws, *argv)
    assert code == 2 and out == ""
    assert err.startswith("workbench: ") and message in err and err.count("\n") == 1


def test_check_exits_1_listing_problems_and_accept_clears_one(capsys, ws) -> None:
    risk(capsys, ws, "add", "--title", "Flood", "--owner", "Jonas Weber", "--likelihood", "3",
         "--impact", "4", "--treatment", "retain", "--control", "A.7.5")  # fmt: skip
    code, out, _ = risk(capsys, ws, "check")
    assert code == 1
    assert out.splitlines() == [
        "R-001: retained at High, above the acceptance threshold (Medium), without the risk "
        "owner's valid signed acceptance",
        "1 problem(s)",
    ]
    expires = (date.today() + timedelta(days=365)).isoformat()
    code, out, _ = risk(capsys, ws, "accept", "R-001", "--as", "Jonas Weber", "--expires",
                        expires, "--comment", "UPS upgrade next year")  # fmt: skip
    assert code == 0 and f"valid, until {expires}" in out
    code, out, _ = risk(capsys, ws, "accept", "R-001", "--as", "Jonas Weber", "--plan")
    assert "treatment plan approval by Jonas Weber" in out
    code, out, _ = risk(capsys, ws, "check", "--json")
    assert (code, json.loads(out)) == (0, {"ok": True, "problems": []})
    code, out, _ = run(capsys, "-w", ws, "verify")
    assert code == 0 and "2 risk acceptance signature(s)" in out
    # A tampered acceptance: verify exits 1 and names it.
    tamper_workspace(ws, "UPDATE risk_acceptance SET expires = '2099-01-01' WHERE id = 1")
    code, out, _ = run(capsys, "-w", ws, "verify", "--json")
    report = json.loads(out)
    assert code == 1 and report["problems"][0]["area"] == "risk acceptance"
    assert "expiry differs from what was signed" in report["problems"][0]["message"]


def tamper_workspace(path: str, statement: str) -> None:
    from workbench.services.store.workspace import open_workspace

    workspace = open_workspace(path)
    try:
        tamper(workspace, statement)
    finally:
        workspace.close()


def test_a_wrong_passphrase_signs_nothing(capsys, ws, monkeypatch) -> None:
    risk(capsys, ws, "add", "--title", "Flood", "--owner", "Jonas Weber", "--likelihood", "2",
         "--impact", "2")  # fmt: skip
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", "wrong passphrase")
    code, _, err = risk(capsys, ws, "accept", "R-001", "--as", "Jonas Weber")
    assert code == 2 and "passphrase" in err and "nothing was recorded" in err
    code, out, _ = risk(capsys, ws, "show", "R-001", "--json")
    assert json.loads(out)["acceptances"] == []


def test_actions_on_the_planner_and_done(capsys, ws) -> None:
    risk(capsys, ws, "add", "--title", "Ransomware", "--owner", "Jonas Weber")
    due = (date.today() - timedelta(days=2)).isoformat()
    code, out, _ = risk(capsys, ws, "action", "add", "R-001", "--text", "Offline backups",
                        "--owner", "Lena", "--due", due)  # fmt: skip
    assert out == f"added action 1 to R-001, due {due}\n"
    code, out, _ = run(capsys, "-w", ws, "planner", "upcoming")
    assert f"{due}   OVERDUE Risk action due: Offline backups (R-001)" in out
    code, out, _ = risk(capsys, ws, "check")
    assert code == 1 and "'Offline backups' (Lena) was due on" in out
    assert risk(capsys, ws, "action", "done", "1")[0] == 0
    assert risk(capsys, ws, "check")[0] == 0


def test_import_with_a_map_a_dry_run_and_a_report(capsys, ws, tmp_path) -> None:
    sheet = tmp_path / "old-register.csv"
    sheet.write_text(
        "Nr;Risiko;Eintritt;Schaden;Verantwortlich\n"
        "1;Ransomware;4;5;Jonas Weber\n"
        "2;Phishing;sometimes;3;Jonas Weber\n"
        "3;;2;2;\n",
        encoding="utf-8",
    )
    mapping = "Nr=id,Risiko=title,Eintritt=likelihood,Schaden=impact,Verantwortlich=owner"
    code, out, _ = risk(capsys, ws, "import", str(sheet), "--map", mapping, "--dry-run")
    assert code == 0 and out.startswith("old-register.csv: would import 1 new")
    assert "row 3: likelihood: 'sometimes' is not on the likelihood scale" in out
    assert "row 4: it has no title" in out
    assert json.loads(risk(capsys, ws, "list", "--json")[1]) == []
    code, out, _ = risk(capsys, ws, "import", str(sheet), "--map", mapping, "--json")
    report = json.loads(out)
    assert report["created"] == ["R-001"]
    assert [r["row"] for r in report["rejected"]] == [3, 4]
    code, out, _ = risk(capsys, ws, "import", str(sheet), "--map", mapping)
    assert "0 new, 0 updated, 1 unchanged" in out
    not_a_sheet = tmp_path / "photo.xlsx"
    not_a_sheet.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    code, _, err = risk(capsys, ws, "import", str(not_a_sheet))
    assert code == 2 and "cannot be read as an Excel workbook" in err


def test_export_and_update_documents(capsys, ws, tmp_path) -> None:
    risk(capsys, ws, "add", "--title", "Ransomware", "--owner", "Jonas Weber",
         "--likelihood", "4", "--impact", "5")  # fmt: skip
    target = tmp_path / "risks.xlsx"
    code, out, _ = risk(capsys, ws, "export", "--format", "xlsx", "-o", str(target))
    assert out == f"wrote 1 risk(s) to {target}\n"
    assert openpyxl.load_workbook(target)["Risks"]["M2"].value == "Critical"
    code, out, _ = risk(capsys, ws, "update-document", "register")
    assert "created it as version 1" in out
    code, _, err = risk(capsys, ws, "update-document", "register")
    assert code == 2 and "no new version was saved" in err
    code, out, _ = run(capsys, "-w", ws, "register", "list", "--json")
    assert json.loads(out)[0]["kind"] == "risk_register"


def test_method_show_and_set_ask_before_relevelling(capsys, ws, tmp_path) -> None:
    risk(capsys, ws, "add", "--title", "Ransomware", "--owner", "Jonas Weber",
         "--likelihood", "4", "--impact", "5", "--residual-likelihood", "2",
         "--residual-impact", "3")  # fmt: skip
    code, out, _ = risk(capsys, ws, "method", "show")
    assert out.startswith("risk method version 1: 5x5 matrix, acceptance threshold Medium")
    code, out, err = risk(capsys, ws, "method", "set", "--size", "4x4")
    assert code == 2 and "residual Medium → High" in out and "--yes" in err
    code, out, _ = risk(capsys, ws, "method", "set", "--size", "4x4", "--yes",
                        "--comment", "Acme uses 4x4")  # fmt: skip
    assert code == 0 and "risk method version 2 in force; 1 risk(s) re-levelled" in out
    code, out, _ = risk(capsys, ws, "method", "show", "--json")
    data = json.loads(out)
    assert data["version"] == 2 and len(data["likelihood"]) == 4
    data["levels"][0]["name"] = "Negligible"
    data["threshold"] = 0
    method_file = tmp_path / "method.json"
    method_file.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = risk(capsys, ws, "method", "set", "--file", str(method_file), "--yes")
    assert "risk method version 3 in force" in out
    code, out, _ = risk(capsys, ws, "method", "set", "--threshold", "high")
    assert "risk method version 4 in force; 0 risk(s) re-levelled" in out
    code, out, _ = run(capsys, "-w", ws, "verify")
    assert code == 0
