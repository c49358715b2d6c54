"""The dates the records keep (risk action due dates, acceptance expiries, control target dates,
evidence expiries) go out in the iCalendar export as all-day events with UIDs made from their
records, and importing the file back adds none of them as events."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from sqlmodel import func, select

from tests.helpers.cli import run
from tests.helpers.controls import add_file
from tests.helpers.planner import create_event
from tests.helpers.risks import JONAS, JONAS_PASS, add, retained_high, with_owners
from workbench.models import AcceptanceKind, EventKind, PlannerEvent, RiskStatus
from workbench.services.controls import records as controls
from workbench.services.planner import ics_export, ics_import
from workbench.services.risks import acceptance
from workbench.services.risks import records as risks
from workbench.services.store.workspace import Workspace

TODAY = date.today()
DOMAIN = "@grc-workbench"


def _day(days: int) -> date:
    return TODAY + timedelta(days=days)


@pytest.fixture
def recorded(workspace: Workspace, tmp_path: Path) -> Workspace:
    """One planner event, two open treatment actions, a residual risk acceptance and a plan
    approval that expire, a control with a target date and evidence that expires."""
    create_event(workspace, title="Internal audit 2027")
    with_owners(workspace)
    ref = add(workspace, "Ransomware", controls=("A.8.13",))
    risks.add_action(workspace, actor="Mara", ref=ref, text="Offline backups", owner="Lena",
                     due=_day(10))  # fmt: skip
    risks.add_action(workspace, actor="Mara", ref=ref, text="Restore test", due=_day(-3))
    accepted = retained_high(workspace)
    for kind, days in ((AcceptanceKind.ACCEPTANCE, 20), (AcceptanceKind.PLAN_APPROVAL, 40)):
        acceptance.sign(workspace, ref=accepted, signer=JONAS, passphrase=JONAS_PASS,
                        kind=kind, expires=_day(days))  # fmt: skip
    controls.update_control(workspace, "A.8.13", actor="Mara", target_date=_day(30),
                            owner="Jonas Weber", status="planned")  # fmt: skip
    add_file(workspace, tmp_path, "restore.pdf", title="Restore test report", expires=_day(60))
    return workspace


def _exported(workspace: Workspace, target: Path, **filters: object) -> dict[str, icalendar.Event]:
    ics_export.export_ics(workspace, target, **filters)
    parsed = icalendar.Calendar.from_ical(target.read_bytes())
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def _ids(workspace: Workspace) -> dict[str, int]:
    risk = risks.get_risk(workspace, "R-001")
    actions = {action.text: action.id for action in risk.actions}
    return {
        "offline": actions["Offline backups"],
        "restore": actions["Restore test"],
        "flood": risks.get_risk(workspace, "R-002").id,
        "control": controls.get_control(workspace, "A.8.13").id,
    }


def test_every_record_date_is_an_all_day_event(recorded, tmp_path: Path) -> None:
    found = _exported(recorded, tmp_path / "acme.ics")
    ids = _ids(recorded)
    expected = {
        f"risk-action-{ids['restore']}{DOMAIN}": (
            "Risk action due: Restore test (R-001)", _day(-3), "Risk treatment",
        ),
        f"risk-action-{ids['offline']}{DOMAIN}": (
            "Risk action due: Offline backups (R-001)", _day(10), "Risk treatment",
        ),
        f"risk-acceptance-{ids['flood']}{DOMAIN}": (
            "Residual risk acceptance expires: R-002 Flood in the server room", _day(20),
            "Risk acceptance",
        ),
        f"risk-plan-approval-{ids['flood']}{DOMAIN}": (
            "Treatment plan approval expires: R-002 Flood in the server room", _day(40),
            "Risk acceptance",
        ),
        f"control-target-{ids['control']}{DOMAIN}": (
            "Control due: A.8.13 Information backup", _day(30), "Control",
        ),
        f"evidence-expiry-1{DOMAIN}": (
            "Evidence expires: Restore test report", _day(60), "Evidence",
        ),
    }  # fmt: skip
    records = {uid: event for uid, event in found.items() if uid in expected}
    assert records.keys() == expected.keys()
    for uid, (summary, day, category) in expected.items():
        event = records[uid]
        assert str(event["SUMMARY"]) == summary
        assert event.decoded("DTSTART") == day  # a DATE: all day, in every zone
        assert event.decoded("DTEND") == day + timedelta(days=1)
        assert [str(c) for c in event["CATEGORIES"].cats] == [category]
        assert str(event["TRANSP"]) == "TRANSPARENT"
    offline = records[f"risk-action-{ids['offline']}{DOMAIN}"]
    assert str(offline["DESCRIPTION"]) == "treatment of R-001 Ransomware, owner Lena"
    control = records[f"control-target-{ids['control']}{DOMAIN}"]
    assert str(control["DESCRIPTION"]) == (
        "Target date to implement A.8.13 (now planned, owner Jonas Weber)."
    )
    # the planner event and the records, nothing else
    assert len(found) == len(expected) + 1


def test_the_uids_stay_when_the_dates_move(recorded, tmp_path: Path) -> None:
    before = _exported(recorded, tmp_path / "before.ics")
    ids = _ids(recorded)
    risks.update_action(recorded, actor="Mara", action_id=ids["offline"], due=_day(15))
    acceptance.sign(recorded, ref="R-002", signer=JONAS, passphrase=JONAS_PASS,
                    expires=_day(200))  # fmt: skip  # a new acceptance supersedes the old
    after = _exported(recorded, tmp_path / "after.ics")
    assert after.keys() == before.keys()
    assert after[f"risk-action-{ids['offline']}{DOMAIN}"].decoded("DTSTART") == _day(15)
    assert after[f"risk-acceptance-{ids['flood']}{DOMAIN}"].decoded("DTSTART") == _day(200)


def test_dates_done_with_leave_the_export(recorded, tmp_path: Path) -> None:
    ids = _ids(recorded)
    risks.complete_action(recorded, actor="Mara", action_id=ids["restore"])
    controls.update_control(recorded, "A.8.13", actor="Mara", status="implemented")
    risks.update_risk(recorded, actor="Mara", ref="R-002", changes={"status": RiskStatus.CLOSED})
    found = _exported(recorded, tmp_path / "acme.ics")
    records = [uid for uid, event in found.items() if event["SUMMARY"] != "Internal audit 2027"]
    assert sorted(records) == [
        f"evidence-expiry-1{DOMAIN}", f"risk-action-{ids['offline']}{DOMAIN}",
    ]  # fmt: skip


def test_filters_apply_to_record_dates(recorded, tmp_path: Path) -> None:
    audits = _exported(recorded, tmp_path / "a.ics", kinds={EventKind.INTERNAL_AUDIT})
    assert [str(e["SUMMARY"]) for e in audits.values()] == ["Internal audit 2027"]
    other = _exported(recorded, tmp_path / "b.ics", kinds={EventKind.OTHER})
    assert len(other) == 6
    ranged = _exported(recorded, tmp_path / "c.ics", first=_day(0), last=_day(25))
    assert sorted(str(e["SUMMARY"]) for e in ranged.values()) == [
        "Residual risk acceptance expires: R-002 Flood in the server room",
        "Risk action due: Offline backups (R-001)",
    ]
    without = _exported(recorded, tmp_path / "d.ics", include_records=False)
    assert [str(e["SUMMARY"]) for e in without.values()] == ["Internal audit 2027"]


def _event_count(workspace: Workspace) -> int:
    with workspace.read() as session:
        return int(session.exec(select(func.count()).select_from(PlannerEvent)).one())


def test_importing_the_export_adds_no_event(recorded, tmp_path: Path) -> None:
    target = tmp_path / "acme.ics"
    exported = _exported(recorded, target)
    result = ics_import.import_ics(recorded, target, actor="Mara")
    assert (result.created, result.updated) == (0, 1)  # the planner event, matched by UID
    assert _event_count(recorded) == 1
    skipped = [w for w in result.warnings if w.endswith("and were not imported")]
    assert len(skipped) == 6
    assert (
        "event 'Control due: A.8.13 Information backup' is a control's target date from a "
        "workbench; target dates come from the control records and were not imported"
    ) in skipped
    assert _exported(recorded, tmp_path / "again.ics").keys() == exported.keys()


def test_another_workspace_takes_none_of_them_either(recorded, tmp_path: Path) -> None:
    from workbench.services.store.workspace import open_workspace

    target = tmp_path / "acme.ics"
    _exported(recorded, target)
    other = open_workspace(tmp_path / "other.grcw")
    try:
        result = ics_import.import_ics(other, target, actor="Mara")
        assert (result.created, result.updated) == (1, 0)
        assert _event_count(other) == 1
    finally:
        other.close()


def test_a_foreign_event_that_only_looks_alike_is_imported(workspace, tmp_path: Path) -> None:
    """Only the workbench's own UIDs are left out: a record prefix on another domain, or
    without a record id, is an ordinary event."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Other//EN")
    calendar.add("version", "2.0")
    for uid in ("risk-action-3@example.com", "control-target-x@grc-workbench"):
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("summary", f"Meeting {uid}")
        event.add("dtstart", date(2027, 3, 1))
        calendar.add_component(event)
    target = tmp_path / "other.ics"
    target.write_bytes(calendar.to_ical())
    result = ics_import.import_ics(workspace, target, actor="Mara")
    assert (result.created, result.warnings) == (2, ())


def test_the_command_line_round_trip(recorded, tmp_path: Path, capsys) -> None:
    where = str(recorded.path or recorded.url)
    target = tmp_path / "acme.ics"
    code, out, _ = run(capsys, "-w", where, "planner", "export-ics", "-o", str(target))
    assert (code, out) == (0, f"Wrote 7 event(s) to {target}\n")
    code, out, _ = run(capsys, "-w", where, "planner", "import-ics", str(target), "--as", "Mara")
    assert code == 0
    assert out.splitlines()[-1] == "Imported acme.ics: 0 added, 1 updated"
    assert sum(line.startswith("warning: ") for line in out.splitlines()) == 6
