from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import icalendar
import pytest

from workbench.cli import main
from workbench.models import Artifact, ArtifactKind
from workbench.services.store.workspace import open_workspace

DATA = Path(__file__).resolve().parents[1] / "data"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ws(tmp_path: Path) -> str:
    return str(tmp_path / "acme.grcw")


def planner(capsys, ws: str, *argv: str) -> tuple[int, str, str]:
    return run(capsys, "-w", ws, "planner", *argv)


def test_add_and_list_expands_series_in_the_given_zone(capsys, ws) -> None:
    code, out, err = planner(
        capsys, ws, "add", "--kind", "management_review", "--title", "ISMS steering",
        "--start", "2027-01-15T10:00", "--end", "2027-01-15T11:30", "--rrule", "quarterly",
        "--tz", "Europe/Berlin", "--location", "Room 2.14", "--ref", "ISO27001:2022/9.3",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == "Added event 1: ISMS steering\n"
    code, out, _ = planner(
        capsys, ws, "add", "--kind", "Stage 2", "--title", "Stage 2 audit",
        "--start", "2027-06-14", "--end", "2027-06-15", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["rrule"] is None

    code, out, _ = planner(
        capsys, ws, "list", "--from", "2027-01-01", "--to", "2027-12-31", "--tz", "Europe/Berlin"
    )
    lines = out.splitlines()
    assert code == 0 and len(lines) == 5
    assert lines[0].startswith("2027-01-15 10:00-11:30")
    assert lines[0].endswith("Management review      ISMS steering  [repeats]")
    assert lines[1].startswith("2027-04-15 10:00-11:30")  # wall clock kept across DST
    assert lines[2].startswith("2027-06-14 all day to 2027-06-15")

    code, out, _ = planner(
        capsys, ws, "list", "--from", "2027-01-01", "--to", "2027-12-31", "--json",
        "--kind", "management_review", "--tz", "Europe/Berlin",
    )  # fmt: skip
    rows = json.loads(out)
    assert [row["start"] for row in rows] == [
        "2027-01-15T09:00:00+00:00",
        "2027-04-15T08:00:00+00:00",
        "2027-07-15T08:00:00+00:00",
        "2027-10-15T08:00:00+00:00",
    ]
    assert rows[0]["recurring"] and rows[0]["location"] == "Room 2.14"


def test_list_includes_review_due_dates(capsys, ws) -> None:
    workspace = open_workspace(ws)
    with workspace.write() as session:
        session.add(
            Artifact(kind=ArtifactKind.POLICY, title="ISMS policy", next_review=date(2027, 3, 1))
        )
    workspace.close()
    code, out, _ = planner(capsys, ws, "list", "--from", "2027-01-01", "--to", "2027-12-31")
    assert code == 0
    assert out.splitlines() == [
        f"{'2027-03-01 all day':<32} {'Document review':<22} Review due: ISMS policy"
    ]
    code, out, _ = planner(capsys, ws, "review-done", "1", "--on", "2027-02-25")
    assert (code, out) == (0, "Review of ISMS policy recorded; next review 2028-03-01\n")
    code, out, _ = planner(
        capsys, ws, "list", "--from", "2027-01-01", "--to", "2028-12-31", "--json"
    )
    assert [(r["source"], r["first_day"], r["status"]) for r in json.loads(out)] == [
        ("event", "2027-02-25", "done"),
        ("review", "2028-03-01", "planned"),
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("add", "--kind", "party", "--title", "x", "--start", "2027-01-01"),
         "workbench: Unknown event kind 'party' (known: internal_audit, "),
        (("add", "--kind", "other", "--title", "x", "--start", "2027-13-01"),
         "workbench: start '2027-13-01' is not a date (YYYY-MM-DD)"),
        (("add", "--kind", "other", "--title", "x", "--start", "soon-ish"),
         "workbench: start 'soon-ish' is not a date or time"),
        (("add", "--kind", "other", "--title", "x", "--start", "2027-01-01",
          "--rrule", "FREQ=MONTHLY;BYDAY=XX"),
         "workbench: BYDAY=XX: 'XX' is not a day like MO, 2TU or -1FR"),
        (("add", "--kind", "other", "--title", "x", "--start", "2027-01-01T10:00",
          "--end", "2027-01-01T09:00"),
         "workbench: The event ends before it starts"),
        (("add", "--kind", "other", "--title", "x", "--start", "2027-01-01", "--tz", "Mars/Base"),
         "workbench: unknown time zone 'Mars/Base'"),
        (("list", "--from", "2027-02-01", "--to", "2027-01-01"),
         "workbench: --to is before --from"),
        (("list", "--from", "yesterday"), "workbench: --from 'yesterday' is not a date"),
        (("import-ics", "missing.ics"), "workbench: missing.ics: no such file"),
        (("review-done", "99"), "workbench: There is no artifact 99"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(capsys, ws, argv, message) -> None:
    code, out, err = planner(capsys, ws, *argv)
    assert code == 2
    assert err.startswith(message)
    assert err.count("\n") == 1 and "Traceback" not in err


def test_malformed_ics_is_exit_2_and_imports_nothing(capsys, ws, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ics"
    source = (DATA / "google_calendar.ics").read_bytes()
    bad.write_bytes(source.replace(b"DTSTART;VALUE=DATE:20270414\r\n", b""))
    code, out, err = planner(capsys, ws, "import-ics", str(bad))
    assert code == 2
    assert err == "workbench: event 'Internal audit 2027' has no start (DTSTART)\n"
    code, out, _ = planner(capsys, ws, "list", "--from", "2027-01-01", "--json")
    assert json.loads(out) == []


def test_export_and_import_round_trip(capsys, ws, tmp_path: Path) -> None:
    code, out, _ = planner(capsys, ws, "import-ics", str(DATA / "outlook_calendar.ics"))
    assert (code, out) == (0, "Imported outlook_calendar.ics: 2 added, 0 updated\n")
    out_file = tmp_path / "out.ics"
    code, out, _ = planner(capsys, ws, "export-ics", "-o", str(out_file))
    assert (code, out) == (0, f"Wrote 2 event(s) to {out_file}\n")
    calendar = icalendar.Calendar.from_ical(out_file.read_bytes())
    assert len(calendar.walk("VEVENT")) == 2
    code, out, _ = planner(capsys, ws, "import-ics", str(out_file))
    assert out == "Imported out.ics: 0 added, 2 updated\n"
    code, out, _ = planner(capsys, ws, "export-ics", "-o", str(out_file), "--kind", "stage_2")
    assert out == f"Wrote 1 event(s) to {out_file}\n"


def test_programme_proposes_and_accepts(capsys, ws) -> None:
    code, out, _ = planner(capsys, ws, "programme", "--target", "2027-06-15", "--json")
    items = json.loads(out)
    assert code == 0 and len(items) == 13
    assert {"kind": "stage_2", "start": "2027-06-15"}.items() <= items[3].items()
    code, out, _ = planner(capsys, ws, "programme", "--target", "2027-06-15", "--accept")
    assert out.splitlines()[-1] == "Added 13 event(s) to the planner"
    code, out, err = planner(capsys, ws, "programme", "--target", "2027-06-15", "--accept")
    assert code == 2 and "No programme items are ticked" in err
