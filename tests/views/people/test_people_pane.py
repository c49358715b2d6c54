"""The People pane: who is there, their roles, fingerprints and what this computer can do with
their keys; adding, retiring, and moving public keys between workspaces."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from tests.helpers.approvals import with_people
from tests.helpers.files import announcements, click, opened_urls
from workbench.services.approvals import keystore, people, signing
from workbench.services.store.workspace import open_workspace
from workbench.views.panes import find_pane
from workbench.views.people import view as people_view
from workbench.views.people.model import FINGERPRINT, HEADERS, KEY_STATUS, STATUS
from workbench.views.people.view import PeopleView


@pytest.fixture
def pane(qtbot, workspace) -> PeopleView:
    view = PeopleView()
    qtbot.addWidget(view)
    view.changes_made.connect(view.apply_changes)  # as the window hands back every change set
    view.set_workspace(workspace)
    view.show()
    return view


def cells(view: PeopleView, column: int) -> list[str]:
    model = view.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_an_empty_workspace_says_what_to_do(pane: PeopleView) -> None:
    assert pane.empty_label.isVisible() and not pane.table.isVisible()
    assert pane.empty_label.text().startswith("No people yet.")


def test_people_roles_fingerprints_and_key_status(pane: PeopleView, workspace) -> None:
    with_people(workspace)
    people.add_person(workspace, actor="Mara", name="Lena Ott", role="Internal auditor")
    priya = people.get_person(workspace, "Priya Shah")
    keystore.remove_private_key(priya.key_fingerprint or "")  # she signs on her own laptop
    pane.refresh()
    assert pane.table.isVisible() and pane.table.objectName() == "peopleTable"
    assert HEADERS == ("Name", "Role", "E-mail", "Key fingerprint", "Key", "Status")
    assert cells(pane, 0) == ["Jonas Weber", "Lena Ott", "Priya Shah"]
    assert cells(pane, 1) == ["CISO", "Internal auditor", "CEO"]
    assert cells(pane, KEY_STATUS) == [
        "Can sign on this computer", "No key", "Public key only",
    ]  # fmt: skip
    # The column shows the start, as people read it out; the tooltip has all of it.
    assert priya.fingerprint_text.startswith(cells(pane, FINGERPRINT)[2].rstrip(" …"))
    tip = pane.model.data(pane.model.index(2, FINGERPRINT), Qt.ItemDataRole.ToolTipRole)
    assert tip == priya.fingerprint_text
    assert cells(pane, FINGERPRINT)[1] == "—"
    assert pane.count_label.text() == "3 active"


def test_add_person_from_the_pane(qtbot, pane: PeopleView, workspace) -> None:
    dialog = pane.add_person()
    assert dialog is not None
    dialog.name_edit.setText("Tomas Ruiz")
    dialog.role_edit.setText("IT lead")
    dialog.key_check.setChecked(False)
    with qtbot.waitSignal(pane.changes_made):
        dialog.accept()
    assert cells(pane, 0) == ["Tomas Ruiz"]
    assert pane.selected_person() is not None and pane.selected_person().name == "Tomas Ruiz"
    assert dialog.confirmation is not None
    assert dialog.confirmation.text() == (
        "Added Tomas Ruiz (IT lead). They have no signing identity yet."
    )
    assert pane.identity_action.isEnabled()


def test_retire_keeps_the_person_listed(qtbot, pane: PeopleView, workspace, monkeypatch) -> None:
    with_people(workspace)
    pane.refresh()
    pane.select("Priya Shah")
    monkeypatch.setattr(pane, "ask_retire_reason", lambda person: "left the company")
    with qtbot.waitSignal(pane.changes_made):
        assert pane.retire_selected()
    assert cells(pane, STATUS)[1].startswith("Retired ")
    assert pane.count_label.text() == "1 active, 1 retired"
    assert not pane.retire_action.isEnabled() and pane.export_action.isEnabled()


def test_export_then_import_a_public_key(
    qtbot, pane: PeopleView, workspace, tmp_path: Path, monkeypatch
) -> None:
    with_people(workspace)
    pane.refresh()
    pane.select("Priya Shah")
    target = tmp_path / "keys" / "priya"
    target.parent.mkdir()
    written = announcements(monkeypatch, people_view)
    opened = opened_urls(monkeypatch)
    monkeypatch.setattr(pane, "ask_key_path", lambda suggestion: str(target))
    assert pane.export_key() == target.with_suffix(".pem")
    exported = target.with_suffix(".pem").read_bytes()
    priya = people.get_person(workspace, "Priya Shah")
    assert signing.fingerprint(signing.parse_public_key(exported)) == priya.key_fingerprint
    assert priya.fingerprint_text in written[0].text()
    click(written[0], "fileOpen")
    assert opened == [str(target.with_suffix(".pem"))]

    other_workspace = open_workspace(tmp_path / "other.grcw")
    other = PeopleView()
    qtbot.addWidget(other)
    other.changes_made.connect(other.apply_changes)
    other.set_workspace(other_workspace)
    dialog = other.import_key()
    assert dialog is not None and dialog.focusWidget() is dialog.name_edit
    dialog.name_edit.setText("Priya Shah")
    dialog.role_edit.setText("CEO")
    dialog.file_edit.setText(str(target.with_suffix(".pem")))
    dialog.fingerprint_edit.setText("0000 0000 0000 0000")
    dialog.accept()
    assert dialog.isVisible() and "not the one given" in dialog.error_label.text()
    dialog.fingerprint_edit.setText(priya.fingerprint_text[:19])
    with qtbot.waitSignal(other.changes_made):
        dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert cells(other, 0) == ["Priya Shah"]
    # Same computer: the private key made for the first workspace signs here too.
    assert cells(other, KEY_STATUS) == ["Can sign on this computer"]
    assert dialog.confirmation is not None
    assert "It matches the fingerprint you typed." in dialog.confirmation.text()
    other_workspace.close()


def test_the_window_lists_the_pane_with_its_shortcut(qtbot, workspace, library) -> None:
    from workbench.views.common.settings import AppSettings
    from workbench.views.main_window import MainWindow

    window = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(window)
    window.show()
    action = window.findChild(object, "view_people")
    assert action.shortcut().toString() == find_pane("people").shortcut
    action.trigger()
    assert window.current_pane_name() == "people"
    assert window.stack.currentWidget().objectName() == "peopleView"
