"""Control target dates and evidence expiries on the planner: shown, and moved by dragging."""

from __future__ import annotations

from datetime import date

from tests.helpers.controls import add_file
from workbench.models import EventKind
from workbench.services.controls import evidence, records
from workbench.services.planner import rescheduling, schedule, upcoming
from workbench.services.planner.schedule import Source


def test_target_dates_and_expiries_are_on_the_calendar(workspace, tmp_path) -> None:
    records.update_control(workspace, "A.8.13", actor="Mara", target_date=date(2027, 1, 20))
    records.update_control(workspace, "A.5.1", actor="Mara", target_date=date(2027, 1, 21),
                           status="implemented")  # fmt: skip
    add_file(workspace, tmp_path, "restore.pdf", title="Restore test", expires=date(2027, 1, 22))
    found = schedule.occurrences(workspace, date(2027, 1, 1), date(2027, 1, 31))
    assert [(o.source, o.title, o.start.date(), o.kind) for o in found] == [
        (Source.CONTROL, "Control due: A.8.13", date(2027, 1, 20), EventKind.OTHER),
        (Source.EVIDENCE, "Evidence expires: Restore test", date(2027, 1, 22), EventKind.OTHER),
    ]  # an implemented control's date is done with
    control = records.get_control(workspace, "A.8.13")
    assert found[0].key == f"control:{control.id}" and found[1].key == "evidence:1"


def test_dragging_moves_the_record_date(workspace, tmp_path) -> None:
    records.update_control(workspace, "A.8.13", actor="Mara", target_date=date(2027, 1, 20))
    add_file(workspace, tmp_path, "restore.pdf", expires=date(2027, 1, 22))
    control, expiry = schedule.occurrences(workspace, date(2027, 1, 1), date(2027, 1, 31))
    changes = rescheduling.reschedule(workspace, control, date(2027, 2, 3), actor="Mara")
    assert records.get_control(workspace, "A.8.13").target_date == date(2027, 2, 3)
    assert changes.controls
    rescheduling.reschedule(workspace, expiry, date(2027, 3, 1), actor="Mara")
    assert evidence.get_evidence(workspace, 1).expires == date(2027, 3, 1)


def test_a_missed_target_and_expired_evidence_are_overdue(workspace, tmp_path) -> None:
    records.update_control(workspace, "A.8.13", actor="Mara", target_date=date(2026, 11, 20))
    add_file(workspace, tmp_path, "restore.pdf", title="Restore test", expires=date(2026, 11, 25))
    items = upcoming.upcoming_and_overdue(workspace, today=date(2026, 12, 1))
    assert [(i.title, i.overdue) for i in items] == [
        ("Control due: A.8.13", True), ("Evidence expires: Restore test", True),
    ]  # fmt: skip
