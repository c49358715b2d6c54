"""Signed risk acceptance: only the risk owner signs, over a snapshot of the risk and the method
version; an edit makes it stale without deleting it; verify catches any change behind the
workbench's back."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from tests.helpers.risks import JONAS, JONAS_PASS, PRIYA, add, tamper, with_owners
from workbench.models import AcceptanceKind, RiskAcceptance
from workbench.models import TreatmentOption as T
from workbench.services.approvals import keys, keystore, signing
from workbench.services.audit.records import MISSING_ENTRY
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
    assert json.loads(row.payload)["format"] == 2
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


# --- the audit log head each acceptance signs ----------------------------------------------


def _row(workspace, acceptance_id: int) -> RiskAcceptance:
    with workspace.read() as session:
        row = session.get(RiskAcceptance, acceptance_id)
    assert row is not None
    return row


def _resign(workspace, acceptance_id: int, payload: AcceptancePayload) -> str:
    """Put ``payload`` in the row, signed with Jonas's own private key: what someone holding
    his key and passphrase could do, or what an earlier release wrote."""
    text = payload.to_json()
    key = keystore.load_private_key(payload.signer_fingerprint, JONAS_PASS, owner=JONAS)
    tamper(workspace, "UPDATE risk_acceptance SET payload = ?, signature = ? WHERE id = ?",
           text, signing.sign(key, text), acceptance_id)  # fmt: skip
    return text


def _acceptance_problems(workspace) -> list[str]:
    return [p.message for p in verify_workspace(workspace).problems if p.area == "risk acceptance"]


def test_a_new_acceptance_signs_the_audit_log_head(workspace, risk) -> None:
    from tests.helpers.tamper import rows

    (before,) = rows(workspace, "SELECT count(*) FROM audit_log")
    acceptance_id = _sign(workspace, risk)
    payload = AcceptancePayload.parse(_row(workspace, acceptance_id).payload)
    entries = int(str(before[0]))
    assert payload.format == 2 and payload.log_entries == entries
    ((head,),) = rows(workspace, "SELECT entry_hash FROM audit_log ORDER BY id LIMIT 1 OFFSET ?",
                      entries - 1)  # fmt: skip
    assert payload.log_head == head
    assert verify_workspace(workspace).ok
    assert _state(workspace, risk) is S.VALID


def test_a_changed_head_claim_is_named(workspace, risk) -> None:
    acceptance_id = _sign(workspace, risk)
    payload = AcceptancePayload.parse(_row(workspace, acceptance_id).payload)
    forged = replace(payload, log_head="f" * 64)
    rewritten = (
        f"the audit log was rewritten: its entry {payload.log_entries} is not the one this "
        "signature covers"
    )
    # Edited in place, the signature no longer matches, nor does the head...
    tamper(workspace, "UPDATE risk_acceptance SET payload = ? WHERE id = ?", forged.to_json(),
           acceptance_id)  # fmt: skip
    assert _acceptance_problems(workspace) == [
        "signature invalid: the signature was changed: it does not match what was signed; "
        f"{rewritten}"
    ]
    # ...and signed again with the owner's own key, the head it names is still not the log's.
    _resign(workspace, acceptance_id, forged)
    assert _acceptance_problems(workspace) == [f"signature invalid: {rewritten}"]
    assert _state(workspace, risk) is S.INVALID


def test_a_log_cut_below_the_signed_head_is_named(workspace, risk) -> None:
    from tests.helpers.tamper import cut_log

    acceptance_id = _sign(workspace, risk)
    signed = AcceptancePayload.parse(_row(workspace, acceptance_id).payload).log_entries
    assert signed is not None
    cut_log(workspace, signed - 1)
    subject = f"risk acceptance {acceptance_id} (residual risk acceptance of {risk} by {JONAS})"
    found = [str(p) for p in verify_workspace(workspace).problems]
    assert (
        f"{subject}: signature invalid: the audit log was cut short: it held {signed} entries "
        "when this was signed"
    ) in found
    # the acceptance's own entry went too, and is named as well
    assert f"{subject}: {MISSING_ENTRY}" in found


def test_a_rewritten_log_is_named_by_the_head_it_signed(workspace, risk) -> None:
    """A forger who edits an entry before the signature and recomputes every hash after it
    keeps the chain whole, but not the head the acceptance signed."""
    from tests.helpers.tamper import rows
    from workbench.services.store import audit_log

    _sign(workspace, risk)
    tamper(workspace, "UPDATE audit_log SET actor = 'Mallory' WHERE id = 2")
    previous = audit_log.GENESIS_HASH
    entries = rows(workspace, "SELECT id, at, actor, action, entity, entity_id, summary FROM "
                   "audit_log ORDER BY id")  # fmt: skip
    for entry_id, at, actor, action, entity, entity_id, summary in entries:
        moment = datetime.fromisoformat(str(at)).replace(tzinfo=UTC)
        digest = audit_log.entry_digest(
            prev_hash=previous, at=moment.isoformat(), actor=str(actor), action=str(action),
            entity=str(entity), entity_id=str(entity_id), summary=str(summary),
        )  # fmt: skip
        tamper(workspace, "UPDATE audit_log SET prev_hash = ?, entry_hash = ? WHERE id = ?",
               previous, digest, entry_id)  # fmt: skip
        previous = digest
    report = verify_workspace(workspace)
    assert not [p for p in report.problems if p.area == "audit log"]  # the chain holds
    assert [p.message for p in report.problems] == [
        "signature invalid: the audit log was rewritten: its entry "
        f"{len(entries) - 1} is not the one this signature covers"
    ]


def test_an_acceptance_signed_in_format_1_still_verifies(workspace, risk) -> None:
    """As the first release of risk acceptance signed it: no audit log head."""
    acceptance_id = _sign(workspace, risk)
    payload = AcceptancePayload.parse(_row(workspace, acceptance_id).payload)
    text = _resign(workspace, acceptance_id, replace(payload, log_entries=None, log_head=None))
    assert json.loads(text)["format"] == 1 and "audit_log" not in json.loads(text)
    assert AcceptancePayload.parse(text).log_entries is None
    assert verify_workspace(workspace).ok
    assert _state(workspace, risk) is S.VALID
    # and it is still checked: a changed comment is named as before
    tamper(workspace, "UPDATE risk_acceptance SET comment = 'Accepted forever'")
    assert _acceptance_problems(workspace) == [
        "signature invalid: the acceptance row was changed (comment differs from what was signed)"
    ]


def test_a_payload_of_an_unknown_format_is_named(workspace, risk) -> None:
    acceptance_id = _sign(workspace, risk)
    text = _row(workspace, acceptance_id).payload.replace('"format":2', '"format":3')
    tamper(workspace, "UPDATE risk_acceptance SET payload = ?", text)
    assert _acceptance_problems(workspace) == [
        "signature invalid: the signed payload was changed and cannot be read"
    ]
