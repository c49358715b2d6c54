from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.helpers.approvals import approved_by_both, tamper, with_people, with_policy
from workbench.services.approvals import signing
from workbench.services.register import artifacts
from workbench.services.store.changes import ChangeSet
from workbench.views.audit.model import AuditTrailModel
from workbench.views.audit.view import AuditTrailView
from workbench.views.common.badges import (
    INVALID_COLOUR,
    VALID_COLOUR,
    apply_badge,
    badge_data,
    badge_label,
    signature_badge,
)


@pytest.fixture
def populated(workspace):
    with_people(workspace)
    approved_by_both(workspace, with_policy(workspace))
    return workspace


@pytest.fixture
def view(qtbot, populated) -> AuditTrailView:
    pane = AuditTrailView()
    qtbot.addWidget(pane)
    pane.set_workspace(populated)
    pane.show()
    return pane


def test_model_passes_qt_model_checks(qtmodeltester, populated) -> None:
    model = AuditTrailModel()
    model.set_workspace(populated)
    qtmodeltester.check(model)
    assert model.rowCount() == 7
    assert model.index(0, 3).data() == "approval.approve"  # newest first
    assert model.index(6, 3).data() == "workspace.create"
    assert model.index(0, 4).data() == "artifact 1 Access Control Policy"
    assert "Entry hash" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_rows_are_fetched_lazily(populated, monkeypatch) -> None:
    import workbench.views.audit.model as module

    monkeypatch.setattr(module.AuditTrailModel, "page_size", 3)
    fetched: list[int] = []
    real = module.trail.fetch_rows
    monkeypatch.setattr(
        module.trail, "fetch_rows", lambda ws, ids: fetched.append(len(ids)) or real(ws, ids)
    )
    model = AuditTrailModel()
    model.set_workspace(populated)
    assert fetched == []
    model.index(0, 1).data()
    model.index(2, 1).data()
    assert fetched == [3]
    model.index(6, 1).data()
    assert fetched == [3, 1]


def test_filters(qtbot, view: AuditTrailView) -> None:
    assert view.objectName() == "auditTrailView"
    assert view.findChild(type(view.table), "auditTrailTable") is view.table
    assert view.count_label.text() == "7 entries"
    view.action_filter.setCurrentIndex(view.action_filter.findData("person.add"))
    assert view.model.rowCount() == 2 and view.count_label.text() == "2 of 7"
    view.action_filter.setCurrentIndex(0)
    view.actor_filter.setCurrentIndex(view.actor_filter.findData("Priya Shah"))
    assert view.model.rowCount() == 1
    view.actor_filter.setCurrentIndex(0)
    with qtbot.waitSignal(view._debounce.timeout):
        view.text_filter.setText("jonas@acme")
    assert view.model.rowCount() == 1
    view.text_filter.clear()
    view.apply_filter_widgets()
    tomorrow = date.today() + timedelta(days=1)
    view.since_edit.set_value(tomorrow)
    assert view.model.rowCount() == 0
    view.since_edit.set_value(None)
    assert view.current_filter().since is None and view.model.rowCount() == 7


def test_new_writes_show_up_through_the_change_set(view: AuditTrailView) -> None:
    assert view.workspace is not None
    changes = artifacts.update_properties(
        view.workspace, actor="Lena", artifact_id=1, owner="Priya Shah"
    )
    view.apply_changes(changes)
    assert view.model.index(0, 3).data() == "artifact.update"
    assert view.actor_filter.findData("Lena") > 0
    view.apply_changes(ChangeSet(audit_log=False))  # nothing to do


def test_verify_shows_the_chain_status(view: AuditTrailView) -> None:
    view.verify()
    assert view.chain_label.text().startswith("✔ Audit log intact: 7 entries chained")
    assert VALID_COLOUR in view.chain_label.styleSheet()
    assert view.workspace is not None
    tamper(view.workspace, "UPDATE audit_log SET actor = 'Mallory' WHERE id = 4")
    view.verify()
    assert view.chain_label.text().startswith(
        "✖ Audit log chain broken at audit log entry 4 (artifact.create by Mallory"
    )
    assert INVALID_COLOUR in view.chain_label.styleSheet()
    assert view.model.index(3, 2).data() == "Mallory"  # the table shows the file as it is now


def test_export_csv(view: AuditTrailView, tmp_path: Path, monkeypatch, qtbot) -> None:
    monkeypatch.setattr(view, "ask_export_path", lambda: str(tmp_path / "trail"))
    view.action_filter.setCurrentIndex(view.action_filter.findData("approval.approve"))
    with qtbot.waitSignal(view.status_posted) as said:
        view.export_csv()
    with (tmp_path / "trail.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert [row[2] for row in rows[1:]] == ["Jonas Weber", "Priya Shah"]
    assert said.args == [f"Exported 2 entries to {tmp_path / 'trail.csv'}."]
    assert view.count_label.text() == "2 of 7"  # the count stays a count


def test_double_click_opens_the_artifact(qtbot, view: AuditTrailView) -> None:
    with qtbot.waitSignal(view.artifact_open_requested) as blocker:
        view._on_double_clicked(view.model.index(0, 0))
    assert blocker.args == [1]


def test_signature_badges(qtbot, populated) -> None:
    status = signing.signature_status(populated, 1, 1)
    badge = signature_badge(status)
    assert badge.text == "✔ Signed v1" and badge.colour == VALID_COLOUR
    assert "Jonas Weber (CISO) approved" in badge.tooltip
    assert badge_data(badge, Qt.ItemDataRole.ForegroundRole).name() == VALID_COLOUR
    label = badge_label(badge)
    qtbot.addWidget(label)
    assert label.property("signatureState") == "valid"

    tamper(populated, "UPDATE approval SET signature = ? WHERE id = 2", bytes(64))
    invalid = signature_badge(signing.signature_status(populated, 1, 1))
    assert invalid.text == "✖ Signature invalid v1" and invalid.colour == INVALID_COLOUR
    assert invalid.tooltip.startswith(
        "Version 1: Priya Shah's approved signature: the signature was changed"
    )
    apply_badge(label, invalid)
    assert label.text() == invalid.text and label.property("signatureState") == "invalid"
    unsigned = signature_badge(signing.signature_status(populated, 1, 2))
    assert unsigned.text == "Not signed"
    apply_badge(label, None)
    assert label.isHidden()
