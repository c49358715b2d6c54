from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.cli import main
from workbench.services.register.templates import load_templates


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def built(capsys, tmp_path: Path) -> Path:
    workspace = tmp_path / "acme.grcw"
    code, out, err = run(
        capsys, "-w", str(workspace), "isms", "build", "--org", "Acme Logistics",
        "--scope", "Warehouse management platform and Hamburg depot", "--owner", "Jonas Weber",
    )  # fmt: skip
    assert code == 0, err
    return workspace


def test_build_then_rebuild_never_duplicates(capsys, built: Path) -> None:
    core = [t for t in load_templates().values() if t.core]
    code, out, _ = run(capsys, "-w", str(built), "register", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == len(core)
    assert {row["status"] for row in rows} == {"draft"} and {row["version"] for row in rows} == {1}
    code, out, _ = run(
        capsys,
        "-w",
        str(built),
        "isms",
        "build",
        "--org",
        "Acme Logistics",
        "--scope",
        "s",
        "--all",
    )
    assert code == 0
    assert out.strip().endswith(f"{len(load_templates()) - len(core)} artifact(s) created")


def test_list_filters(capsys, built: Path) -> None:
    code, out, _ = run(capsys, "-w", str(built), "register", "list", "--clause", "6.1", "--json")
    titles = {row["title"] for row in json.loads(out)}
    assert "Risk Assessment and Treatment Methodology" in titles
    assert "ISMS Scope Statement" not in titles
    code, out, _ = run(capsys, "-w", str(built), "register", "list", "--kind", "soa")
    assert "Statement of Applicability" in out and out.strip().endswith("1 artifact(s)")


def test_bad_filters_are_bad_input(capsys, built: Path) -> None:
    code, _, err = run(capsys, "-w", str(built), "register", "list", "--kind", "poem")
    assert code == 2 and err.startswith("workbench: unknown kind 'poem' (known: scope,")
    code, _, err = run(capsys, "-w", str(built), "register", "list", "--clause", "12.4")
    assert (code, err) == (2, "workbench: unknown clause or control '12.4'\n")


def test_export_csv_and_xlsx(capsys, built: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "-w", str(built), "register", "export", "--format", "csv",
                       "-o", str(tmp_path / "r.csv"))  # fmt: skip
    assert code == 0
    with (tmp_path / "r.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    code, _, _ = run(capsys, "-w", str(built), "register", "export", "--format", "xlsx",
                     "-o", str(tmp_path / "r.xlsx"))  # fmt: skip
    book = load_workbook(tmp_path / "r.xlsx")
    xlsx_rows = list(book.active.iter_rows(values_only=True))
    assert [list(row) for row in xlsx_rows][0] == rows[0]
    # the same artifacts, typed in the workbook: ids are numbers, review dates are dates
    assert [str(row[0]) for row in xlsx_rows[1:]] == [row[0] for row in rows[1:]]
    assert [row[8].date().isoformat() for row in xlsx_rows[1:]] == [row[8] for row in rows[1:]]
    assert book.properties.creator == "Mara Tester"  # the consultant running the command
    assert out.strip() == f"wrote {len(rows) - 1} artifact(s) to {tmp_path / 'r.csv'}"


def test_coverage(capsys, built: Path) -> None:
    code, out, _ = run(capsys, "-w", str(built), "coverage", "--json")
    rows = {row["ref"]: row for row in json.loads(out)}
    assert rows["ISO27001:2022/4.3"]["covered"]
    assert rows["ISO27001:2022/4.3"]["artifacts"][0]["title"] == "ISMS Scope Statement"
    code, out, _ = run(capsys, "-w", str(built), "coverage", "--uncovered")
    assert "4.3 " not in out
    covered = sum(row["covered"] for row in rows.values() if row["kind"] == "clause")
    clauses = sum(row["kind"] == "clause" for row in rows.values())
    assert out.strip().splitlines()[-1].startswith(f"clauses covered {covered}/{clauses};")


def test_build_needs_an_organisation(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "-w", str(tmp_path / "w.grcw"), "isms", "build", "--org", " ",
                       "--scope", "x")  # fmt: skip
    assert (code, err) == (2, "workbench: --org and --scope must not be empty\n")
