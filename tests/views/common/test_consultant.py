"""The window asks who is working before it records anything, and records it everywhere."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from workbench.services.common import identity
from workbench.services.register import profile
from workbench.services.store.changes import ChangeSet
from workbench.views.common.consultant_dialog import NEEDED, ConsultantDialog
from workbench.views.common.preferences_dialog import PreferencesDialog
from workbench.views.common.settings import AppSettings
from workbench.views.main_window import MainWindow


@pytest.fixture
def first_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_USER")
    monkeypatch.setattr(identity, "account_name", lambda: "root")


def test_the_question_is_not_skipped_and_the_name_is_kept(qtbot, first_start) -> None:
    settings = AppSettings()
    assert settings.consultant is None and settings.user_name == "root"
    dialog = ConsultantDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.name_edit.text() == ""  # the login name is not offered as an answer
    assert dialog.focusWidget() is dialog.name_edit
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.error_label.text() == NEEDED
    dialog.close()
    assert dialog.isVisible()
    dialog.accept()
    assert dialog.isVisible() and "A name is needed" in dialog.error_label.text()

    qtbot.keyClicks(dialog.name_edit, "Mara van Tester")
    assert dialog.initials_edit.text() == "MVT"
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    # The command line reads the same name, without Qt.
    assert identity.resolve() == identity.Consultant("Mara van Tester", "MVT")
    assert AppSettings().user_name == "Mara van Tester"


def test_preferences_change_name_and_initials(qtbot, first_start) -> None:
    identity.save_consultant("Mara Tester")
    dialog = PreferencesDialog(AppSettings())
    qtbot.addWidget(dialog)
    assert (dialog.name_edit.text(), dialog.initials_edit.text()) == ("Mara Tester", "MT")
    dialog.name_edit.setText("Mara Tester-Ruiz")
    dialog.initials_edit.setText("mtr")
    dialog.accept()
    assert identity.saved_consultant() == identity.Consultant("Mara Tester-Ruiz", "MTR")


def test_a_name_from_an_earlier_release_is_adopted(first_start) -> None:
    settings = AppSettings()
    settings._store.setValue("user/name", "Priya Shah")
    assert settings.consultant == identity.Consultant("Priya Shah", "PS")
    assert identity.resolve().name == "Priya Shah"


def test_the_window_records_the_consultant_and_uses_the_name(
    qtbot, first_start, workspace, library
) -> None:
    window = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(window)
    window.show()
    assert window.consultant_label.text() == "root (login name)"
    dialog = window.ensure_consultant()
    assert dialog is not None and dialog.isVisible()
    assert "names no consultant yet" in dialog.findChild(object, "consultantWorkspace").text()
    dialog.name_edit.setText("Mara Tester")
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept()
    assert profile.get_profile(workspace).consultant == "Mara Tester"
    assert window.consultant_label.text() == "Mara Tester (MT)"
    assert window.documents.user_name == window.approval.user_name == "Mara Tester"
    assert window.ensure_consultant() is None  # asked once per workspace


def test_after_the_first_start_question_the_workspace_is_not_asked_again(
    qtbot, first_start, workspace, library
) -> None:
    identity.save_consultant("Mara Tester")
    window = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(window)
    applied: list[ChangeSet] = []
    for pane in window.panes.values():
        pane.apply_changes = applied.append  # type: ignore[method-assign]
    assert window.ensure_consultant(ask=False) is None
    assert profile.get_profile(workspace).consultant == "Mara Tester"
    assert applied and applied[0].profile


def test_the_first_start_asks_before_anything_is_recorded(qtbot, first_start, monkeypatch) -> None:
    from workbench import app

    asked: list[ConsultantDialog] = []

    def answer(dialog: ConsultantDialog) -> int:
        asked.append(dialog)
        dialog.name_edit.setText("Mara Tester")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ConsultantDialog, "exec", answer)
    settings = AppSettings()
    assert app._ask_consultant_at_first_start(settings, screenshot=False) is True
    assert len(asked) == 1 and settings.user_name == "Mara Tester"
    assert app._ask_consultant_at_first_start(settings, screenshot=False) is False
    assert len(asked) == 1  # asked once, at the first start
