"""Every quality check of the risk register, each shown failing and passing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.helpers.risks import JONAS, JONAS_PASS, add, retained_high, tamper, with_owners
from workbench.models import RiskStatus
from workbench.models import TreatmentOption as T
from workbench.services.risks import acceptance, records
from workbench.services.risks.checks import Check, check_risks

TODAY = date.today()


@pytest.fixture
def owned(workspace):
    with_owners(workspace)
    return workspace


def _found(workspace, today: date = TODAY) -> set[tuple[str, Check]]:
    return {(p.ref, p.check) for p in check_risks(workspace, today=today)}


def test_a_well_kept_register_has_no_problems(owned) -> None:
    add(owned, likelihood=4, impact=4, treatment=T.MODIFY, controls=("A.8.13",),
        residual_likelihood=2, residual_impact=3)  # fmt: skip
    add(owned, "Minor nuisance", likelihood=1, impact=2, treatment=T.RETAIN)
    assert check_risks(owned, today=TODAY) == []


def test_residual_above_inherent(owned) -> None:
    ref = add(owned, likelihood=2, impact=2, residual_likelihood=2, residual_impact=4,
              controls=("A.8.13",))  # fmt: skip
    (problem,) = check_risks(owned, today=TODAY)
    assert (problem.ref, problem.check) == (ref, Check.RESIDUAL_ABOVE_INHERENT)
    assert str(problem).startswith(f"{ref}: the residual rating is above")


def test_residual_lowered_without_a_planned_control_or_action(owned) -> None:
    ref = add(owned, likelihood=4, impact=4, residual_likelihood=2, residual_impact=2)
    assert _found(owned) == {(ref, Check.RESIDUAL_WITHOUT_TREATMENT)}
    records.add_action(owned, actor="Mara", ref=ref, text="Harden the VPN")
    assert _found(owned) == set()


def test_retained_above_the_threshold_needs_a_valid_acceptance(owned) -> None:
    ref = retained_high(owned)
    assert _found(owned) == {(ref, Check.RETAINED_WITHOUT_ACCEPTANCE)}
    acceptance.sign(owned, ref=ref, signer=JONAS, passphrase=JONAS_PASS,
                    expires=TODAY + timedelta(days=30))  # fmt: skip
    assert _found(owned) == set()
    # Expired: the retained risk is unaccepted again, and the expiry is named.
    later = TODAY + timedelta(days=31)
    assert _found(owned, later) == {
        (ref, Check.RETAINED_WITHOUT_ACCEPTANCE), (ref, Check.ACCEPTANCE_EXPIRED),
    }  # fmt: skip
    # Retained at or below the threshold needs no signature.
    low = add(owned, "Low one", likelihood=1, impact=1, treatment=T.RETAIN)
    assert (low, Check.RETAINED_WITHOUT_ACCEPTANCE) not in _found(owned)


def test_a_stale_acceptance_is_named(owned) -> None:
    ref = retained_high(owned)
    acceptance.sign(owned, ref=ref, signer=JONAS, passphrase=JONAS_PASS)
    records.update_risk(owned, actor="Mara", ref=ref, changes={"title": "Flood in room B"})
    problems = {p.check: p.message for p in check_risks(owned, today=TODAY)}
    assert set(problems) == {Check.ACCEPTANCE_STALE, Check.RETAINED_WITHOUT_ACCEPTANCE}
    assert "was edited after it was signed" in problems[Check.ACCEPTANCE_STALE]


def test_an_acceptance_that_does_not_verify_is_named(owned) -> None:
    ref = retained_high(owned)
    acceptance.sign(owned, ref=ref, signer=JONAS, passphrase=JONAS_PASS)
    tamper(owned, "UPDATE risk_acceptance SET comment = 'changed'")
    assert (ref, Check.ACCEPTANCE_INVALID) in _found(owned)


def test_a_risk_with_no_owner(owned) -> None:
    ref = add(owned, owner="")
    assert _found(owned) == {(ref, Check.NO_OWNER)}


def test_an_overdue_action_and_closed_risks_are_left_alone(owned) -> None:
    ref = add(owned, controls=("A.8.13",))
    records.add_action(owned, actor="Mara", ref=ref, text="Restore test", owner="Lena",
                       due=TODAY - timedelta(days=1))  # fmt: skip
    (problem,) = check_risks(owned, today=TODAY)
    assert problem.check is Check.ACTION_OVERDUE
    assert "'Restore test' (Lena) was due on" in problem.message
    records.update_risk(owned, actor="Mara", ref=ref, changes={"status": RiskStatus.CLOSED})
    assert check_risks(owned, today=TODAY) == []


def test_every_check_has_a_test_here() -> None:
    tested = {
        Check.RESIDUAL_ABOVE_INHERENT, Check.RESIDUAL_WITHOUT_TREATMENT,
        Check.RETAINED_WITHOUT_ACCEPTANCE, Check.ACCEPTANCE_EXPIRED, Check.ACCEPTANCE_STALE,
        Check.ACCEPTANCE_INVALID, Check.NO_OWNER, Check.ACTION_OVERDUE,
    }  # fmt: skip
    assert tested == set(Check)
