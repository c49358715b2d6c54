"""The risk register on the planner: treatment actions on their due dates, acceptances on their
expiry dates, both in the upcoming list and flagged when overdue or expired."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.helpers.risks import JONAS, JONAS_PASS, add, retained_high, with_owners
from workbench.models import RiskStatus
from workbench.services.planner import ics_export, rescheduling, schedule, upcoming
from workbench.services.planner.drafts import PlannerError
from workbench.services.planner.schedule import Source
from workbench.services.planner.upcoming import ItemKind
from workbench.services.risks import acceptance, records

TODAY = date.today()


@pytest.fixture
def planned(workspace):
    with_owners(workspace)
    ref = add(workspace, "Ransomware", controls=("A.8.13",))
    records.add_action(workspace, actor="Mara", ref=ref, text="Offline backups", owner="Lena",
                       due=TODAY + timedelta(days=10))  # fmt: skip
    records.add_action(workspace, actor="Mara", ref=ref, text="Restore test",
                       due=TODAY - timedelta(days=3))  # fmt: skip
    accepted = retained_high(workspace)
    acceptance.sign(workspace, ref=accepted, signer=JONAS, passphrase=JONAS_PASS,
                    expires=TODAY + timedelta(days=20))  # fmt: skip
    return workspace


def _risk_items(found: list[schedule.Occurrence]) -> list[tuple[Source, str, date]]:
    return [(o.source, o.title, o.start.date()) for o in found if o.source in schedule.RISK_SOURCES]


def test_actions_and_expiries_are_on_the_calendar(planned) -> None:
    found = schedule.occurrences(planned, TODAY - timedelta(days=7), TODAY + timedelta(days=30))
    assert _risk_items(found) == [
        (Source.RISK_ACTION, "Risk action due: Restore test (R-001)", TODAY - timedelta(days=3)),
        (Source.RISK_ACTION, "Risk action due: Offline backups (R-001)", TODAY + timedelta(10)),
        (Source.ACCEPTANCE, "Residual risk acceptance expires: R-002 Flood in the server room",
         TODAY + timedelta(days=20)),
    ]  # fmt: skip
    action = next(o for o in found if o.source is Source.RISK_ACTION)
    assert action.key == f"risk_action:{action.item_id}" and action.risk_ref == "R-001"
    only_audits = schedule.occurrences(planned, TODAY, TODAY + timedelta(days=30),
                                       kinds={schedule.EventKind.INTERNAL_AUDIT})  # fmt: skip
    assert _risk_items(only_audits) == []


def test_the_upcoming_list_flags_overdue_actions_and_expired_acceptances(planned) -> None:
    items = upcoming.upcoming_and_overdue(planned, today=TODAY, horizon_days=30)
    risk = [(i.item, i.overdue, i.risk_ref) for i in items if i.risk_ref]
    assert risk == [
        (ItemKind.RISK_ACTION, True, "R-001"),
        (ItemKind.RISK_ACTION, False, "R-001"),
        (ItemKind.ACCEPTANCE, False, "R-002"),
    ]
    later = TODAY + timedelta(days=25)
    expired = [i for i in upcoming.upcoming_and_overdue(planned, today=later) if i.risk_ref]
    assert [(i.item, i.overdue) for i in expired] == [
        (ItemKind.RISK_ACTION, True), (ItemKind.RISK_ACTION, True), (ItemKind.ACCEPTANCE, True),
    ]  # fmt: skip


def test_done_actions_closed_risks_and_superseded_acceptances_leave_the_planner(planned) -> None:
    restore = next(
        a for a in records.get_risk(planned, "R-001").actions if a.text == "Restore test"
    )
    records.complete_action(planned, actor="Mara", action_id=restore.id)
    acceptance.sign(planned, ref="R-002", signer=JONAS, passphrase=JONAS_PASS,
                    expires=TODAY + timedelta(days=200))  # fmt: skip
    found = schedule.occurrences(planned, TODAY - timedelta(days=7), TODAY + timedelta(days=300))
    assert [(s, d - TODAY) for s, _, d in _risk_items(found)] == [
        (Source.RISK_ACTION, timedelta(days=10)), (Source.ACCEPTANCE, timedelta(days=200)),
    ]  # fmt: skip
    records.update_risk(planned, actor="Mara", ref="R-001", changes={"status": RiskStatus.CLOSED})
    found = schedule.occurrences(planned, TODAY - timedelta(days=7), TODAY + timedelta(days=300))
    assert [s for s, _, _ in _risk_items(found)] == [Source.ACCEPTANCE]


def test_dragging_an_action_moves_its_due_date_but_an_expiry_stays(planned) -> None:
    found = schedule.occurrences(planned, TODAY, TODAY + timedelta(days=30))
    action = next(o for o in found if o.source is Source.RISK_ACTION)
    expiry = next(o for o in found if o.source is Source.ACCEPTANCE)
    target = TODAY + timedelta(days=12)
    changes = rescheduling.reschedule(planned, action, target, actor="Mara")
    assert changes.risks
    assert [
        a.due for a in records.get_risk(planned, "R-001").actions if a.id == action.item_id
    ] == [target]
    with pytest.raises(PlannerError, match="cannot be moved"):
        rescheduling.reschedule(planned, expiry, target, actor="Mara")


def test_the_calendar_export_carries_risk_dates_under_their_own_uids(planned) -> None:
    """What each exported date holds: tests/services/planner/test_ics_records.py."""
    calendar, count = ics_export.build_calendar(planned)
    uids = sorted(str(event["UID"]).split("@")[0] for event in calendar.walk("VEVENT"))
    kinds = [uid.rsplit("-", 1)[0] for uid in uids]
    assert count == 3 and kinds == ["risk-acceptance", "risk-action", "risk-action"]
