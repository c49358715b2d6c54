"""Crash recovery at start-up: one dialog listing every document with lost text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from workbench.models import ArtifactKind
from workbench.services.documents import drafts
from workbench.services.register import artifacts, profile
from workbench.services.store.workspace import open_workspace
from workbench.views.common.settings import AppSettings
from workbench.views.documents.recovery_dialog import ACTIONS, BASE, DOCUMENT, SIZE, WHEN
from workbench.views.main_window import MainWindow


@pytest.fixture
def lost(workspace) -> dict[str, int]:
    ids = {}
    for title in ("Access Control Policy", "Backup Policy"):
        _, ids[title] = artifacts.create_artifact(
            workspace, actor="Mara", kind=ArtifactKind.POLICY, title=title, content=f"# {title}\n"
        )
        drafts.save_draft(workspace, artifact_id=ids[title], base_version=1,
                          content=f"# {title}\n\nTyped before the crash.\n")  # fmt: skip
    profile.update_profile(workspace, actor="Mara", consultant="Mara Tester")
    return ids


@pytest.fixture
def window(qtbot, workspace, library, lost) -> MainWindow:
    main = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(main)
    main.show()
    return main


def cell(dialog, row: int, column: int) -> str:
    return dialog.table.item(row, column).text()


def test_start_up_lists_every_lost_text_with_recover_and_discard(
    qtbot, window: MainWindow, workspace, lost, monkeypatch
) -> None:
    window.start_up_checks()
    dialog = window.findChild(object, "recoveryDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 2
    assert {cell(dialog, row, DOCUMENT) for row in range(2)} == set(lost)
    assert cell(dialog, 0, SIZE).endswith(" characters") and cell(dialog, 0, BASE) == "version 1"
    assert len(cell(dialog, 0, WHEN)) == len("2026-12-01 10:00")
    assert dialog.table.cellWidget(0, ACTIONS) is not None

    policy, backup = lost["Access Control Policy"], lost["Backup Policy"]
    qtbot.mouseClick(dialog.discard_buttons[backup], Qt.MouseButton.LeftButton)
    assert drafts.recoverable_draft(workspace, backup) is None
    assert not dialog.recover_buttons[backup].isEnabled()

    qtbot.mouseClick(dialog.recover_buttons[policy], Qt.MouseButton.LeftButton)
    assert window.current_pane_name() == "documents"
    assert window.documents.artifact_id == policy
    assert window.documents.editor.toPlainText().endswith("Typed before the crash.\n")
    assert window.documents.is_dirty()
    assert dialog.pending() == []
    assert "(recovered: in the editor)" in {cell(dialog, r, DOCUMENT)[-26:] for r in range(2)}
    # Closing the window would ask about the recovered, unsaved text.
    monkeypatch.setattr(window.documents, "ask_unsaved", lambda: QMessageBox.StandardButton.Discard)


def test_nothing_lost_means_no_dialog(qtbot, window: MainWindow, workspace, lost) -> None:
    for artifact_id in lost.values():
        drafts.discard_draft(workspace, artifact_id)
    assert window.offer_recovery() is None


def test_a_backup_opened_in_the_window_offers_nothing(
    qtbot, window: MainWindow, tmp_path, monkeypatch
) -> None:
    destination = tmp_path / "backup.grcw"
    monkeypatch.setattr(window, "ask_backup_path", lambda _suggestion: str(destination))
    window.back_up_workspace()
    copy = open_workspace(destination, create=False)
    try:
        assert drafts.recoverable_drafts(copy) == []
    finally:
        copy.close()
    # Opening it in the window: the consultant is recorded in the copy too, nothing to recover.
    assert window.switch_workspace(destination)
    assert window.findChild(object, "recoveryDialog") is None


def test_recovery_follows_the_consultant_question(qtbot, window: MainWindow, workspace) -> None:
    profile.update_profile(workspace, actor="Mara", consultant="")
    window.start_up_checks()
    assert window.findChild(object, "recoveryDialog") is None  # one question at a time
    question = window.findChild(object, "consultantDialog")
    question.name_edit.setText("Mara Tester")
    question.accept()
    assert window.findChild(object, "recoveryDialog").isVisible()
