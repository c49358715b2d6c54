"""Signed risk acceptance: only the risk owner signs, over a snapshot of the risk and the method
version; an edit makes it stale without deleting it; verify catches any change behind the
workbench's back."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.helpers.risks import JONAS, JONAS_PASS, PRIYA, add, tamper, with_owners
from workbench.models import AcceptanceKind, RiskAcceptance
from workbench.models import TreatmentOption as T
from workbench.services.approvals import keys, keystore, signing
from workbench.services.audit.verify import verify_workspace
from workbench.services.risks import acceptance, records, relevel
from workbench.services.risks.acceptance import AcceptanceError, AcceptancePayload
from workbench.services.risks.acceptance import AcceptanceState as S
from workbench.services.risks.method import preset

TODAY = date.today()
NEXT_YEAR = TODAY + timedelta(days=365)


@pytest.fixture
def risk(workspace) -> str:
    with_owners(workspace)
    return add(
        workspace, "Flood in the server room", likelihood=3, impact=4, treatment=T.RETAIN,
        residual_likelihood=3, residual_impact=4, controls=("A.7.5",),
    )  # fmt: skip


def _sign(workspace, ref: str, **options: object) -> int:
    _, acceptance_id = acceptance.sign(
        workspace, ref=ref, signer=JONAS, passphrase=JONAS_PASS, expires=NEXT_YEAR,
        comment="Accepted for a year", **options,  # type: ignore[arg-type]
    )  # fmt: skip
    return acceptance_id


def _state(workspace, ref: str, kind: AcceptanceKind = AcceptanceKind.ACCEPTANCE) -> S:
    checks = [c for c in acceptance.acceptances_of(workspace, ref) if c.kind is kind]
    return checks[-1].state(TODAY)


def test_the_owner_signs_a_payload_over_the_snapshot_and_the_method(workspace, risk) -> None:
    acceptance_id = _sign(workspace, risk)
    with workspace.read() as session:
        row = session.get(RiskAcceptance, acceptance_id)
        assert row is not None
        signer = records.people.find(session, JONAS)
        assert signer is not None and signer.id is not None
        key = keys.current_key(session, signer.id)
    assert key is not None
    payload = AcceptancePayload.parse(row.payload)
    assert (payload.kind, payload.risk, payload.signer, payload.expires) == (
        "acceptance", risk, JONAS, NEXT_YEAR.isoformat(),
    )  # fmt: skip
    assert payload.method_version == 1 and payload.method_sha256 == preset().sha256
    assert json.loads(row.payload)["format"] == 1
    snapshot = json.loads(row.snapshot)
    assert snapshot["ref"] == risk and snapshot["residual_level"] == "High"
    assert snapshot["controls"] == ["ISO27001:2022/A.7.5"]
    assert payload.snapshot_sha256 == acceptance.sha256(row.snapshot)
    assert signing.signature_matches(key.public_key, row.payload, row.signature)
    assert _state(workspace, risk) is S.VALID
    assert verify_workspace(workspace).ok


def test_only_the_risk_owner_may_sign_and_a_wrong_passphrase_records_nothing(
    workspace, risk
) -> None:
    with pytest.raises(AcceptanceError, match=r"only the risk owner \(Jonas Weber\)"):
        acceptance.sign(workspace, ref=risk, signer=PRIYA, passphrase="staple lamp orbit")
    with pytest.raises(keystore.WrongPassphrase):
        acceptance.sign(workspace, ref=risk, signer=JONAS, passphrase="not his passphrase")
    with pytest.raises(AcceptanceError, match="expiry date must be after today"):
        _sign(workspace, risk, today=NEXT_YEAR)
    unowned = add(workspace, "Nobody's", owner="", likelihood=1, impact=1)
    with pytest.raises(AcceptanceError, match="has no risk owner"):
        _sign(workspace, unowned)
    unrated = add(workspace, "Not rated")
    with pytest.raises(AcceptanceError, match="not assessed yet"):
        _sign(workspace, unrated)
    with workspace.read() as session:
        assert session.exec(select(RiskAcceptance)).all() == []


def test_editing_the_risk_makes_the_acceptance_stale_and_keeps_it(workspace, risk) -> None:
    _sign(workspace, risk)
    records.update_risk(workspace, actor="Mara", ref=risk, changes={"residual_impact": 3})
    (check,) = acceptance.acceptances_of(workspace, risk)
    assert check.state(TODAY) is S.STALE
    assert "was edited after it was signed" in check.stale_reason
    assert verify_workspace(workspace).ok  # stale is not tampered
    # Signing again makes a new, valid acceptance; the stale one stays as history.
    _sign(workspace, risk)
    first, second = acceptance.acceptances_of(workspace, risk)
    assert first.superseded and not second.superseded
    assert (first.state(TODAY), second.state(TODAY)) == (S.STALE, S.VALID)


def test_ticking_an_action_off_does_not_make_it_stale_but_cancelling_one_does(
    workspace, risk
) -> None:
    _, action = records.add_action(workspace, actor="Mara", ref=risk, text="Move the rack up",
                                   due=NEXT_YEAR)  # fmt: skip
    _sign(workspace, risk)
    records.complete_action(workspace, actor="Mara", action_id=action)
    records.update_risk(workspace, actor="Mara", ref=risk, changes={"review_date": NEXT_YEAR})
    assert _state(workspace, risk) is S.VALID
    records.update_action(workspace, actor="Mara", action_id=action, status="cancelled")
    assert _state(workspace, risk) is S.STALE


def test_a_method_change_makes_it_stale(workspace, risk) -> None:
    _sign(workspace, risk)
    method = preset()
    relevel.set_method(
        workspace, actor="Mara", method=method.__class__(
            method.likelihood, method.impact, method.levels, method.matrix, 2
        ),
    )  # fmt: skip
    (check,) = acceptance.acceptances_of(workspace, risk)
    assert check.state(TODAY) is S.STALE and "method changed to version 2" in check.stale_reason


def test_an_acceptance_expires(workspace, risk) -> None:
    _sign(workspace, risk)
    (check,) = acceptance.acceptances_of(workspace, risk)
    assert check.state(NEXT_YEAR) is S.VALID
    assert check.state(NEXT_YEAR + timedelta(days=1)) is S.EXPIRED
    assert "expired on" in check.describe(NEXT_YEAR + timedelta(days=1))


def test_the_plan_approval_is_signed_separately(workspace, risk) -> None:
    _sign(workspace, risk, kind=AcceptanceKind.PLAN_APPROVAL)
    assert _state(workspace, risk, AcceptanceKind.PLAN_APPROVAL) is S.VALID
    assert [c.kind for c in acceptance.acceptances_of(workspace, risk)] == [
        AcceptanceKind.PLAN_APPROVAL
    ]
    bare = add(workspace, "No plan yet", likelihood=2, impact=2)
    with pytest.raises(AcceptanceError, match="no planned controls or actions"):
        _sign(workspace, bare, kind=AcceptanceKind.PLAN_APPROVAL)


TAMPERING = [
    ("UPDATE risk_acceptance SET snapshot = replace(snapshot, '\"High\"', '\"Low\"')",
     "the snapshot of the risk was changed after it was signed"),
    ("UPDATE risk_acceptance SET expires = '2099-12-31'", "expiry differs from what was signed"),
    ("UPDATE risk_acceptance SET comment = 'Accepted forever'", "comment differs"),
    ("UPDATE risk_acceptance SET snapshot_sha256 = '00'", "snapshot hash differs"),
    ("UPDATE risk_acceptance SET signature = ?", "the signature was changed"),
    ("UPDATE risk_acceptance SET payload = replace(payload, '\"comment\":\"Accepted for a year\"',"
     " '\"comment\":\"Accepted forever\"')", "does not match what was signed"),
    ("UPDATE risk_acceptance SET payload = 'not json'", "cannot be read"),
    ("UPDATE risk_acceptance SET signer_id = (SELECT id FROM person WHERE name = 'Priya Shah')",
     "unknown key"),
    ("UPDATE risk_method SET data = replace(data, '\"threshold\":1', '\"threshold\":3')",
     "risk method version 1 was changed"),
]  # fmt: skip


@pytest.mark.parametrize(("statement", "message"), TAMPERING)
def test_verify_catches_a_change_made_behind_the_workbench(
    workspace, risk, statement: str, message: str
) -> None:
    _sign(workspace, risk)
    # A forged signature of the right length: 64 zero bytes.
    tamper(workspace, statement, *([bytes(64)] if "?" in statement else []))
    report = verify_workspace(workspace)
    assert not report.ok
    acceptance_problems = [p for p in report.problems if p.area == "risk acceptance"]
    assert acceptance_problems, report.problems
    assert any(message in p.message for p in acceptance_problems), report.problems
    assert f"of {risk} by" in acceptance_problems[0].subject
    assert _state(workspace, risk) is S.INVALID


def test_verify_names_a_changed_method_version_and_a_typed_level(workspace, risk) -> None:
    tamper(workspace, "UPDATE risk_method SET data = replace(data, 'Rare', 'Seldom')")
    tamper(workspace, "UPDATE risk SET level = 0 WHERE ref = ?", risk)
    problems = {(p.area, p.subject, p.message) for p in verify_workspace(workspace).problems}
    assert ("risk method", "risk method version 1", "its content was changed") in problems
    assert (
        "risk", f"risk {risk} 'Flood in the server room'",
        "its stored level does not follow from its ratings under the risk method",
    ) in problems  # fmt: skip


def test_acceptances_are_append_only_in_the_database(workspace, risk) -> None:
    from tests.helpers.tamper import execute_directly

    _sign(workspace, risk)
    for statement in ("UPDATE risk_acceptance SET comment = 'x'", "DELETE FROM risk_acceptance",
                      "UPDATE risk_method SET comment = 'x'"):  # fmt: skip
        with pytest.raises(Exception, match="append-only"):
            execute_directly(workspace, statement)
