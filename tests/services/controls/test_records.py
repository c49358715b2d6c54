"""Control records: the 93 Annex A controls, editing them, custom and privacy controls."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.helpers.risks import add as add_risk
from tests.helpers.risks import with_owners
from workbench.models import (
    ArtifactKind,
    AuditLogEntry,
    ControlReason,
    ControlSource,
    ControlStatus,
)
from workbench.services.common.errors import NotFoundError
from workbench.services.controls import records
from workbench.services.controls.records import ControlError, ControlFilter
from workbench.services.register import artifacts
from workbench.services.risks import records as risk_records

TODAY = date(2026, 12, 1)


def test_a_new_workspace_has_the_93_annex_a_controls_in_order(workspace) -> None:
    found = records.list_controls(workspace, today=TODAY)
    assert len(found) == 93
    assert [r.local_id for r in found[:3]] == ["A.5.1", "A.5.2", "A.5.3"]
    assert found[-1].local_id == "A.8.34"
    assert [r.local_id for r in found].index("A.5.10") == 9  # numeric, not text, order
    assert {r.source for r in found} == {ControlSource.ANNEX_A}
    assert sum(r.theme == "people" for r in found) == 8
    first = found[0]
    assert (first.title, first.applicable, first.status) == (
        "Policies for information security", True, ControlStatus.NOT_STARTED,
    )  # fmt: skip


def test_excluding_without_a_justification_is_refused(workspace) -> None:
    with pytest.raises(ControlError, match="A.7.4 cannot be excluded without a justification"):
        records.update_control(workspace, "A.7.4", actor="Mara", applicable=False)
    assert records.get_control(workspace, "A.7.4").applicable is True
    records.update_control(
        workspace, "A.7.4", actor="Mara", applicable=False, justification="The landlord monitors"
    )
    # clearing the justification of an excluded control is refused the same way
    with pytest.raises(ControlError, match="without a justification"):
        records.update_control(workspace, "A.7.4", actor="Mara", justification="  ")
    assert records.get_control(workspace, "A.7.4").justification == "The landlord monitors"


def test_an_update_changes_the_record_and_logs_before_and_after(workspace) -> None:
    changes = records.update_control(
        workspace, "8.13", actor="Mara", status="implemented", owner="Jonas Weber",
        reasons=["business", "legal"], target_date=date(2027, 3, 31),
    )  # fmt: skip
    record = records.get_control(workspace, "A.8.13")
    assert changes.controls == {record.id}
    assert record.status is ControlStatus.IMPLEMENTED
    assert record.reasons == (ControlReason.LEGAL, ControlReason.BUSINESS)
    assert (record.owner, record.target_date) == ("Jonas Weber", date(2027, 3, 31))
    with workspace.read() as session:
        entry = session.exec(
            select(AuditLogEntry).where(AuditLogEntry.action == "control.update")
        ).one()
    assert '"before":{"owner":"","reasons":"","status":"not_started","target_date":null}' in (
        entry.summary
    )
    records.update_control(workspace, "A.8.13", actor="Mara", target_date=None)
    assert records.get_control(workspace, "A.8.13").target_date is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "done"}, "unknown status 'done'"),
        ({"reasons": ["risk", "whim"]}, "unknown reason"),
        ({"title": "x"}, "cannot change title"),
    ],
)
def test_bad_values_are_refused(workspace, changes, message) -> None:
    with pytest.raises(ControlError, match=message):
        records.update_control(workspace, "A.5.1", actor="Mara", **changes)


def test_an_unknown_control_is_named(workspace) -> None:
    with pytest.raises(NotFoundError, match="there is no control A.9.99"):
        records.get_control(workspace, "A.9.99")


def test_filters(workspace) -> None:
    records.update_control(workspace, "A.6.3", actor="Mara", status="planned", owner="Priya")
    records.update_control(workspace, "A.7.4", actor="Mara", applicable=False, justification="x")
    records.update_control(
        workspace, "A.8.1", actor="Mara", status="planned", target_date=date(2026, 11, 1)
    )

    def ids(**kinds: object) -> list[str]:
        found = records.list_controls(workspace, ControlFilter(**kinds), today=TODAY)  # type: ignore[arg-type]
        return [r.local_id for r in found]

    assert ids(status=ControlStatus.PLANNED) == ["A.6.3", "A.8.1"]
    assert ids(theme="people", status=ControlStatus.PLANNED) == ["A.6.3"]
    assert ids(applicable=False) == ["A.7.4"]
    assert ids(owner="priya") == ["A.6.3"]
    assert ids(past_target=True) == ["A.8.1"]
    assert len(ids(no_evidence=True)) == 93
    assert ids(text="backup") == ["A.8.13"]
    assert records.owners(workspace) == ["Priya"]


def test_documents_linked_here_and_in_the_register(workspace) -> None:
    _, policy = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Backup Policy",
        refs=["ISO27001:2022/A.8.13"],
    )  # fmt: skip
    _, procedure = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.PROCEDURE, title="Restore Procedure"
    )
    records.set_document(workspace, "A.8.13", procedure, actor="Mara")
    documents = records.get_control(workspace, "A.8.13").documents
    assert [(d.id, d.title, d.linked_here) for d in documents] == [
        (policy, "Backup Policy", False), (procedure, "Restore Procedure", True),
    ]  # fmt: skip
    with pytest.raises(ControlError, match="is unlinked in the register"):
        records.set_document(workspace, "A.8.13", policy, actor="Mara", linked=False)
    records.set_document(workspace, "A.8.13", procedure, actor="Mara", linked=False)
    assert [d.id for d in records.get_control(workspace, "A.8.13").documents] == [policy]


def test_custom_controls_get_their_own_ids(workspace) -> None:
    _, control_id = records.add_custom_control(
        workspace, actor="Mara", local_id="ACME-01", title="Tachograph data retention"
    )
    record = records.get_control(workspace, "acme-01")
    assert (record.id, record.ref, record.source) == (
        control_id, "custom/ACME-01", ControlSource.CUSTOM,
    )  # fmt: skip
    assert records.list_controls(workspace, today=TODAY)[-1].local_id == "ACME-01"
    for bad in ("A.5.99", "8.1", "R-3", "has space"):
        with pytest.raises(ControlError, match="cannot be a custom control id"):
            records.add_custom_control(workspace, actor="Mara", local_id=bad, title="x")
    with pytest.raises(ControlError, match="there is already a control ACME-01"):
        records.add_custom_control(workspace, actor="Mara", local_id="Acme-01", title="x")


def test_privacy_controls_come_from_the_27701_catalog(workspace) -> None:
    changes = records.add_privacy_controls(workspace, actor="Mara")
    assert len(changes.controls) == 49
    privacy = records.list_controls(workspace, ControlFilter(source=ControlSource.PRIVACY))
    assert [r.local_id for r in privacy][:2] == ["A.7.2.1", "A.7.2.2"]
    assert {r.theme for r in privacy} == {"controller", "processor"}
    assert records.get_control(workspace, "B.8.2.1").title
    with pytest.raises(ControlError, match="already in this workspace"):
        records.add_privacy_controls(workspace, actor="Mara")


def test_a_control_a_risk_plans_is_included_because_of_it(workspace) -> None:
    with_owners(workspace)
    first = add_risk(workspace, "Ransomware", controls=("A.8.13", "A.8.7"))
    second = add_risk(workspace, "Backup tapes lost", controls=("A.8.13",))
    add_risk(workspace, "Phishing")
    backup = records.get_control(workspace, "A.8.13")
    assert [(link.code, link.title) for link in backup.risks] == [
        (first, "Ransomware"), (second, "Backup tapes lost"),
    ]  # fmt: skip
    assert backup.included_because == f"included because of {first}, {second}"
    assert ControlReason.RISK in backup.all_reasons
    assert records.get_control(workspace, "A.8.7").included_because.endswith(first)
    assert records.get_control(workspace, "A.5.1").risks == ()
    risk_records.delete_risk(workspace, actor="Mara", ref=second)
    assert [link.code for link in records.get_control(workspace, "A.8.13").risks] == [first]
