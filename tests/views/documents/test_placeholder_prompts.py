"""Placeholders in the window: the editor and the review and approve dialogs show the count,
approving needs the box ticked, publishing needs a confirmation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from sqlmodel import select

from tests.helpers.approvals import JONAS_PASS, with_people
from tests.services.approvals.test_placeholders import DRAFT
from workbench.models import ArtifactKind, ArtifactStatus, AuditLogEntry
from workbench.services.approvals import decisions, reviews
from workbench.services.register import artifacts
from workbench.views.documents.actions import DocumentActions
from workbench.views.documents.approve_dialog import ApproveDialog
from workbench.views.documents.review_dialog import ReviewDialog
from workbench.views.documents.view import DocumentEditor
from workbench.views.register.model import PLACEHOLDER_COLUMN, RegisterTableModel


@pytest.fixture
def draft(workspace) -> int:
    with_people(workspace)
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Backup Policy", content=DRAFT
    )
    return artifact_id


def test_editor_shows_what_is_left_to_complete(qtbot, workspace, draft: int) -> None:
    pane = DocumentEditor()
    qtbot.addWidget(pane)
    pane.set_workspace(workspace)
    pane.show()
    assert pane.open_artifact(draft)
    assert pane.placeholders.isVisible() and pane.placeholders.text() == "3 to complete"
    assert "[TO COMPLETE] markers: 2, guidance notes: 1" in pane.placeholders.toolTip()
    pane.editor.selectAll()
    pane.editor.insertPlainText("# Backup Policy\n\nBackups run daily.\n")
    with qtbot.waitSignal(pane._preview_timer.timeout):
        pass
    assert not pane.placeholders.isVisible()


def test_register_column_counts_them(qtbot, workspace, draft: int) -> None:
    model = RegisterTableModel()
    model.set_workspace(workspace)
    assert model.headerData(PLACEHOLDER_COLUMN, Qt.Orientation.Horizontal) == "Placeholders"
    cell = model.index(model.row_of(draft), PLACEHOLDER_COLUMN)
    assert cell.data() == 3
    assert "guidance notes: 1" in cell.data(Qt.ItemDataRole.ToolTipRole)


def test_review_dialog_warns(qtbot, workspace, draft: int) -> None:
    dialog = ReviewDialog(workspace, artifact_id=draft, actor="Mara")
    qtbot.addWidget(dialog)
    assert dialog.placeholders_label.text().startswith("3 placeholders")
    assert "explicit override" in dialog.placeholders_label.text()


def test_approving_needs_the_box_ticked(qtbot, workspace, draft: int) -> None:
    reviews.request_review(workspace, actor="Mara", artifact_id=draft, approvers=["Jonas Weber"])
    dialog = ApproveDialog(workspace, artifact_id=draft, signer="Jonas Weber")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.placeholders_label.text().startswith("3 placeholders")
    assert dialog.allow_check.isVisible() and not dialog.allow_check.isChecked()
    dialog.passphrase_edit.setText(JONAS_PASS)
    dialog.accept()
    assert dialog.isVisible()
    assert "still has 3 placeholders" in dialog.error_label.text()
    assert artifacts.get_details(workspace, draft).status is ArtifactStatus.IN_REVIEW
    dialog.allow_check.setChecked(True)
    dialog.passphrase_edit.setText(JONAS_PASS)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert artifacts.get_details(workspace, draft).status is ArtifactStatus.APPROVED


def test_publishing_asks_first(qtbot, workspace, draft: int, tmp_path: Path, monkeypatch) -> None:
    reviews.request_review(workspace, actor="Mara", artifact_id=draft, approvers=["Jonas Weber"])
    decisions.approve(workspace, artifact_id=draft, version=1, signer="Jonas Weber",
                      passphrase=JONAS_PASS, allow_placeholders=True)  # fmt: skip
    parent = QWidget()
    qtbot.addWidget(parent)
    actions = DocumentActions(parent, lambda: draft)
    actions.workspace, actions.user_name = workspace, "Mara"
    asked: list[str] = []
    out = tmp_path / "published"
    out.mkdir()
    monkeypatch.setattr(actions, "ask_publish_folder", lambda: str(out))
    monkeypatch.setattr("workbench.views.documents.actions.QMessageBox.information", lambda *a: 0)
    monkeypatch.setattr(actions, "confirm_placeholders", lambda text: asked.append(text) or False)
    assert actions.publish() is None
    assert asked[0].startswith("Version 1 of 'Backup Policy' still has 3 placeholders")
    assert list(out.iterdir()) == []
    monkeypatch.setattr(actions, "confirm_placeholders", lambda text: True)
    result = actions.publish()
    assert result is not None and result.status is ArtifactStatus.PUBLISHED
    with workspace.read() as session:
        entry = session.exec(
            select(AuditLogEntry).where(AuditLogEntry.action == "artifact.publish")
        ).one()
    assert json.loads(entry.summary)["placeholders_allowed"] is True
