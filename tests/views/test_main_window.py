from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from workbench.services.cards.library import CardLibrary
from workbench.services.register import profile
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import open_workspace
from workbench.views.common.settings import AppSettings
from workbench.views.main_window import MainWindow
from workbench.views.panes import PANE_NAMES

PANE_OBJECTS = {
    "questions": ["questionBrowser", "questionSearch", "questionList", "cardView"],
    "register": ["registerView", "registerTable"],
    "documents": ["documentEditor", "docEditor", "docPreview", "historyList"],
    "planner": ["plannerView", "plannerCalendar", "agendaList"],
    "audit": ["auditTrailView", "auditTrailTable"],
    "risks": ["risksView", "riskTable", "riskHeatMap"],
    "people": ["peopleView", "peopleTable"],
    "controls": [
        "controlsView",
        "controlTable",
        "controlDetail",
        "controlGuidance",
        "evidenceList",
    ],
    "dashboard": ["dashboardView", "readinessChart", "dashboardAttention"],
}


@pytest.fixture
def window(qtbot, workspace, library: CardLibrary) -> MainWindow:
    main = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(main)
    main.show()
    return main


def test_every_pane_is_reachable_with_its_widgets(window: MainWindow, qtbot) -> None:
    for row, name in enumerate(PANE_NAMES):
        window.navigation.setCurrentRow(row)
        pane = window.stack.currentWidget()
        assert pane.objectName() == PANE_OBJECTS[name][0]
        for object_name in PANE_OBJECTS[name][1:]:
            assert pane.findChild(object, object_name) is not None, object_name
        assert pane.isVisible()


def test_status_bar_names_the_workspace(window: MainWindow, workspace) -> None:
    assert str(workspace.path) in window.workspace_label.text()
    assert window.windowTitle().startswith("client.grcw")


def test_geometry_and_last_pane_are_restored(qtbot, workspace, library) -> None:
    first = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(first)
    first.show()
    first.resize(780, 560)  # within the 800x600 offscreen screen
    first.show_pane("planner")
    first.close()

    second = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(second)
    second.show()
    assert second.current_pane_name() == "planner"
    assert (second.width(), second.height()) == (780, 560)


def test_new_workspace_switches_and_is_remembered(
    window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "acme-isms"
    monkeypatch.setattr(window, "ask_new_workspace_path", lambda: str(target))
    window.new_workspace()
    assert window.workspace.path == tmp_path / "acme-isms.grcw"
    assert (tmp_path / "acme-isms.grcw").exists()
    assert window.settings.recent_workspaces[0] == str(tmp_path / "acme-isms.grcw")
    assert "acme-isms.grcw" in window.workspace_label.text()


def test_opening_a_foreign_file_says_why_and_keeps_the_current(
    window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    foreign = tmp_path / "budget.grcw"
    foreign.write_text("a spreadsheet export")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    before = window.workspace
    monkeypatch.setattr(window, "ask_open_workspace_path", lambda: str(foreign))
    window.choose_workspace()
    assert shown == ["budget.grcw is not a GRC Workbench workspace (not a SQLite file)."]
    assert window.workspace is before


def test_back_up_workspace_writes_an_openable_copy(
    window: MainWindow, tmp_path: Path, monkeypatch, answer_files: list[str]
) -> None:
    profile.update_profile(window.workspace, actor="Mara", organisation_name="Acme Logistics")
    destination = tmp_path / "backup" / "copy.grcw"
    monkeypatch.setattr(window, "ask_backup_path", lambda _suggestion: str(destination))
    window.back_up_workspace()
    assert answer_files == [f"The folder {destination.parent} does not exist. Create it?"]
    assert window.statusBar().currentMessage().startswith(f"backed up to {destination} (")
    assert "the copy verified 0 version(s)" in window.statusBar().currentMessage()
    with closing(sqlite3.connect(destination)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy = open_workspace(destination, create=False)
    try:
        assert profile.get_profile(copy).organisation_name == "Acme Logistics"
    finally:
        copy.close()


def test_back_up_a_workspace_with_problems_says_so(
    window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    from tests.helpers.tamper import tamper

    profile.update_profile(window.workspace, actor="Mara", organisation_name="Acme Logistics")
    tamper(window.workspace, "UPDATE audit_log SET actor = 'Mallory' WHERE id = 1")
    destination = tmp_path / "copy.grcw"
    monkeypatch.setattr(window, "ask_backup_path", lambda _suggestion: str(destination))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    window.back_up_workspace()
    assert destination.is_file()  # a damaged workspace is still worth a copy...
    (shown,) = warnings  # ...and the consultant is told what the copy holds
    assert "but the copy has 1 problem(s)" in shown
    assert "audit log entry 1 (workspace.create by Mallory" in shown


def test_q012_actions_open_the_register_and_the_build_wizard(window: MainWindow, qtbot) -> None:
    from PySide6.QtWidgets import QPushButton

    from workbench.views.register.isms_wizard import IsmsBuildWizard

    window.show_pane("questions")
    assert window.questions.open_card("Q012")
    view_button = window.questions.actions_bar.findChild(
        QPushButton, "cardAction_open_register_isms_artifacts"
    )
    view_button.click()
    assert window.current_pane_name() == "register"
    assert window.register_view.isVisible()
    assert window.register_view.filter_label.text() == "Showing: ISMS artifacts"

    window.show_pane("questions")
    build_button = window.questions.actions_bar.findChild(
        QPushButton, "cardAction_start_workflow_isms_build"
    )
    assert build_button.isEnabled()
    build_button.click()
    wizard = window.findChild(IsmsBuildWizard, "ismsBuildWizard")
    assert wizard is not None and wizard.isVisible()
    wizard.fields.organisation.setText("Acme Logistics")
    wizard.fields.scope.setPlainText("Warehouse management platform and Hamburg depot")
    wizard.fields.owner.setText("Jonas Weber")
    wizard.next()
    wizard.next()
    with qtbot.waitSignal(wizard.built):
        wizard.accept()
    assert window.current_pane_name() == "register"
    assert window.register_view.model.rowCount() == len(wizard.created)
    # Q012's "Related" now lists the new artifacts covering clauses 4.1 and 6.1
    window.questions.open_card("Q012")
    assert "Context of the Organization" in window.questions.card_view.toPlainText()


def test_preferences_add_a_card_pack_and_reload(
    window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    pack = tmp_path / "my-cards"
    pack.mkdir()
    (pack / "Q900.md").write_text(
        (Path(__file__).parents[2] / "seeds" / "Q012.md")
        .read_text(encoding="utf-8")
        .replace("id: Q012", "id: Q900"),
        encoding="utf-8",
    )
    dialog = window.show_preferences()
    monkeypatch.setattr(dialog, "ask_folder", lambda: str(pack))
    dialog._add_folder()
    dialog.name_edit.setText("Mara Consultant")
    dialog.accept()
    assert window.settings.card_packs == [pack]
    assert window.questions.open_card("Q900")
    assert window.register_view.user_name == "Mara Consultant"

    # an edit on disk shows after Reload; a clash with a shipped id is a problem, not a crash
    (pack / "Q901.md").write_text(
        (pack / "Q900.md").read_text(encoding="utf-8").replace("id: Q900", "id: Q012"),
        encoding="utf-8",
    )
    window.reload_cards()
    problems = [
        window.questions.problems.item(i).text() for i in range(window.questions.problems.count())
    ]
    assert any("Q901.md" in p and "duplicate card id Q012" in p for p in problems)
    assert window.questions.problems.isVisible()


def test_preferences_refuse_an_empty_name(window: MainWindow) -> None:
    dialog = window.show_preferences()
    dialog.name_edit.setText("  ")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error_label.text() == (
        "Your name is needed: it is written on every version you save."
    )


def test_plan_audit_programme_action_opens_the_generator(window: MainWindow) -> None:
    from workbench.views.planner.programme_dialog import ProgrammeDialog

    assert window.router.run("open_planner", "audit_programme", "Q057")
    assert window.current_pane_name() == "planner"
    dialog = window.planner.findChild(ProgrammeDialog)
    assert dialog is not None and dialog.isVisible()


def test_approval_from_the_editor_shows_a_valid_badge_everywhere(
    window: MainWindow, qtbot, monkeypatch, tmp_path: Path
) -> None:
    from tests.helpers.approvals import JONAS_PASS, with_people, with_policy
    from workbench.services.approvals import reviews
    from workbench.views.documents.approve_dialog import ApproveDialog
    from workbench.views.register.model import SIGNATURE_COLUMN

    with_people(window.workspace)
    artifact_id = with_policy(window.workspace)
    window.register_view.clear_filter()
    window.open_artifact(artifact_id)
    assert window.current_artifact_id() == artifact_id
    assert window.approval.request_action.isEnabled()
    assert not window.approval.approve_action.isEnabled()

    reviews.request_review(
        window.workspace, actor="Mara", artifact_id=artifact_id, approvers=["Jonas Weber"]
    )
    window.apply_changes(ChangeSet(artifacts=frozenset({artifact_id})))
    assert window.approval.approve_action.isEnabled()
    dialog = window.approval.approve()
    assert isinstance(dialog, ApproveDialog)
    dialog.passphrase_edit.setText("wrong passphrase")
    dialog.accept()
    assert dialog.isVisible()  # a wrong passphrase records nothing and keeps the dialog open
    dialog.passphrase_edit.setText(JONAS_PASS)
    with qtbot.waitSignal(window.approval.changes_made):
        dialog.accept()

    assert window.documents.badge.text() == "✔ Signed v1"
    assert window.documents.badge.isVisible()
    assert "✔ Signed v1" in window.documents.history_model.index(0).data()
    window.show_pane("register")
    row = window.register_view.model.row_of(artifact_id)
    cell = window.register_view.model.index(row, SIGNATURE_COLUMN)
    assert cell.data() == "✔ Signed v1"
    window.register_view.table.selectRow(row)
    assert window.approval.publish_action.isEnabled()
    monkeypatch.setattr(window.approval, "ask_publish_folder", lambda: str(tmp_path))
    result = window.approval.publish()
    assert result is not None and {p.suffix for p in result.files} == {".docx", ".pdf"}
    assert window.register_view.model.index(row, 5).data() == "published"


def test_export_document_and_audit_pack_from_the_file_menu(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    import json
    import zipfile

    from tests.helpers.approvals import with_people, with_policy

    with_people(window.workspace)
    artifact_id = with_policy(window.workspace)
    window.register_view.clear_filter()
    window.show_pane("register")
    assert not window.approval.export_action.isEnabled()  # nothing selected
    window.register_view.table.selectRow(window.register_view.model.row_of(artifact_id))
    assert window.approval.export_action.isEnabled()
    dialog = window.approval.export()
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("md"))
    dialog.path_edit.setText(str(tmp_path / "policy.md"))
    with qtbot.waitSignal(dialog.exported):
        dialog.accept()
    assert (
        (tmp_path / "policy.md").read_text(encoding="utf-8").startswith("# Access Control Policy")
    )

    pack = window.write_audit_pack()
    pack.path_edit.setText(str(tmp_path / "pack.zip"))
    pack.drafts_check.setChecked(True)
    with qtbot.waitSignal(pack.pack_written, timeout=60_000):
        pack.start()
    with zipfile.ZipFile(tmp_path / "pack.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["verify"]["ok"] is True
    assert window.audit_trail.model.rowCount() > 0


def test_the_pane_registry_builds_navigation_view_menu_and_shortcuts(window: MainWindow) -> None:
    from workbench.views.panes import PANES

    assert [window.navigation.item(row).text() for row in range(window.navigation.count())] == [
        spec.title for spec in PANES
    ]
    for spec in PANES:
        action = window.findChild(QAction, f"view_{spec.name}")
        assert action is not None, spec.name
        assert action.shortcut().toString() == spec.shortcut
        action.trigger()  # as a click does: triggered(checked) must not become the pane name
        assert window.current_pane_name() == spec.name
        assert window.stack.currentWidget().objectName() == PANE_OBJECTS[spec.name][0]


def test_view_shortcuts_switch_panes(window: MainWindow, qtbot) -> None:
    from PySide6.QtCore import Qt

    from workbench.views.panes import PANES

    for number, spec in enumerate(reversed(PANES), start=0):
        index = len(PANES) - number
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + index), Qt.KeyboardModifier.ControlModifier)
        assert window.current_pane_name() == spec.name


def test_cli_offers_every_registered_pane() -> None:
    from workbench.cli import build_parser
    from workbench.views.panes import PANE_NAMES

    view = next(a for a in build_parser()._actions if a.dest == "view")
    assert tuple(view.choices) == PANE_NAMES


def test_an_unexpected_error_in_the_window_is_logged_not_shown_as_a_traceback(
    qapp, monkeypatch, caplog
) -> None:
    import sys

    from workbench.app import report_unexpected
    from workbench.services.common.errors import ServiceError

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    report_unexpected(qapp)
    try:
        raise KeyError("column")
    except KeyError as error:
        sys.excepthook(KeyError, error, error.__traceback__)
    sys.excepthook(ServiceError, ServiceError("The file is locked."), None)
    assert shown == [
        "Unexpected error: 'column' (details in the log file)",
        "The file is locked.",
    ]
    assert "KeyError: 'column'" in caplog.text


def test_confirmations_fade_from_the_status_bar(
    window: MainWindow, qtbot, monkeypatch, workspace
) -> None:
    """ "Version 2 restored as version 4." once stayed on screen through review and publish."""
    import workbench.views.main_window as main_window
    from tests.helpers.approvals import with_policy
    from workbench.services.documents import editing

    monkeypatch.setattr(main_window, "STATUS_MS", 50)
    artifact_id = with_policy(workspace)
    editing.save_version(workspace, artifact_id=artifact_id, content="# Changed\n",
                         author="Mara", comment="shorter")  # fmt: skip
    window.open_artifact(artifact_id)
    monkeypatch.setattr(window.documents, "confirm_restore", lambda *_: True)
    assert window.documents.restore(1)
    status = window.statusBar()
    assert status.currentMessage() == "Version 1 restored as version 3."
    with qtbot.waitSignal(status.messageChanged, timeout=5000) as cleared:
        pass
    assert cleared.args == [""]
