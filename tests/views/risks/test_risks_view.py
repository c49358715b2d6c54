"""The Risks pane as a consultant uses it: table and filters, heat map clicks, the editor, the
starter library, signing, the method editor and the spreadsheet import."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from tests.helpers.risks import JONAS, JONAS_PASS, PRIYA, add, with_owners
from tests.services.risks.test_importing import messy_workbook
from workbench.models import AcceptanceKind
from workbench.models import TreatmentOption as T
from workbench.services.risks import acceptance, records
from workbench.services.risks.listing import Column
from workbench.services.risks.method import MethodError
from workbench.views.risks.dialogs import AcceptDialog, LibraryDialog
from workbench.views.risks.import_dialog import ImportDialog
from workbench.views.risks.method_dialog import MethodDialog
from workbench.views.risks.model import RiskTableModel
from workbench.views.risks.view import RisksView


@pytest.fixture
def register(workspace):
    with_owners(workspace)
    add(
        workspace,
        "Ransomware",
        likelihood=4,
        impact=5,
        treatment=T.MODIFY,
        controls=("A.8.13",),
        residual_likelihood=2,
        residual_impact=3,
    )
    add(workspace, "Phishing", likelihood=4, impact=3, owner=PRIYA)
    add(workspace, "Flood", likelihood=3, impact=4, treatment=T.RETAIN, controls=("A.7.5",))
    add(workspace, "Not rated yet")
    return workspace  # fmt: skip


@pytest.fixture
def view(qtbot, register) -> RisksView:
    pane = RisksView()
    qtbot.addWidget(pane)
    pane.user_name = "Mara"
    pane.set_workspace(register)
    pane.changes_made.connect(pane.apply_changes)
    pane.resize(1110, 720)
    pane.show()
    return pane


def _refs(view: RisksView) -> list[str | None]:
    return [view.model.ref(row) for row in range(view.model.rowCount())]


def test_the_model_passes_qt_model_checks_and_colours_levels(qtmodeltester, register) -> None:
    model = RiskTableModel()
    model.set_workspace(register)
    qtmodeltester.check(model)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    assert model.ref(0) == "R-001"  # Ransomware, last title first
    model.sort(0, Qt.SortOrder.AscendingOrder)
    level = model.index(0, 5)
    assert level.data() == "Critical 4×5"
    assert level.data(Qt.ItemDataRole.BackgroundRole).color() == QColor("#c62828")
    assert level.data(Qt.ItemDataRole.ForegroundRole).color() == QColor("#ffffff")
    assert model.index(0, 9).data() == "Medium 2×3"
    assert model.index(3, 5).data(Qt.ItemDataRole.BackgroundRole) is None


def test_rows_are_fetched_lazily_in_pages(register, monkeypatch) -> None:
    import workbench.views.risks.model as risk_model

    monkeypatch.setattr(risk_model.RiskTableModel, "page_size", 2)
    fetched: list[int] = []
    real = risk_model.listing.fetch_rows
    monkeypatch.setattr(
        risk_model.listing, "fetch_rows", lambda w, ids: fetched.append(len(ids)) or real(w, ids)
    )
    model = RiskTableModel()
    model.set_workspace(register)
    assert fetched == []
    model.index(0, 1).data()
    model.index(1, 1).data()
    model.index(3, 1).data()
    assert fetched == [2, 2]


def test_the_filters_narrow_the_table(qtbot, view: RisksView) -> None:
    assert _refs(view) == ["R-001", "R-002", "R-003", "R-004"]
    view.level_filter.setCurrentIndex(view.level_filter.findText("Inherent High"))
    assert _refs(view) == ["R-002", "R-003"]
    view.treatment_filter.setCurrentIndex(view.treatment_filter.findData("retain"))
    assert _refs(view) == ["R-003"]
    assert view.count_label.text() == "1 of 4"
    assert "inherent High; treatment retain" in view.filter_label.text()
    view.clear_filter()
    view.owner_filter.setCurrentIndex(view.owner_filter.findText(PRIYA))
    assert _refs(view) == ["R-002"]
    view.clear_filter()
    with qtbot.waitSignal(view._debounce.timeout):
        view.control_filter.setText("A.8")
    assert _refs(view) == ["R-001"]
    view.clear_filter()
    with qtbot.waitSignal(view._debounce.timeout):
        view.filter_edit.setText("flood")
    assert _refs(view) == ["R-003"]


def test_a_closed_risk_is_left_out_from_the_first_paint_as_the_filter_says(qtbot, register) -> None:
    from workbench.models import RiskStatus

    records.update_risk(register, actor="Mara", ref="R-002", changes={"status": RiskStatus.CLOSED})
    pane = RisksView()
    qtbot.addWidget(pane)
    pane.set_workspace(register)
    assert _refs(pane) == ["R-001", "R-003", "R-004"]
    assert pane.count_label.text() == "3 of 4"


def test_a_click_on_a_heat_map_cell_filters_and_a_second_click_clears(qtbot, view) -> None:
    heat = view.heat_map
    assert heat.objectName() == "riskHeatMap" and heat.heat is not None
    assert heat.heat.counts == {(4, 5): 1, (4, 3): 1, (3, 4): 1}
    centre = heat.cell_rect(4, 3).center()
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=centre)
    assert _refs(view) == ["R-002"] and heat.selected == (4, 3)
    assert "inherent likelihood 4, impact 3" in view.filter_label.text()
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=centre)
    assert heat.selected is None and len(_refs(view)) == 4
    # Residual: the heat map moves as residual risks are set.
    view.view_combo.setCurrentIndex(view.view_combo.findData("residual"))
    assert view.heat_map.heat.counts == {(2, 3): 1, (4, 3): 1, (3, 4): 1}
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_rect(2, 3).center())
    assert _refs(view) == ["R-001"]
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))  # outside: cleared
    assert len(_refs(view)) == 4


def test_the_editor_shows_levels_as_computed_and_saves_every_change(view: RisksView) -> None:
    assert view.select_risk("R-002")
    editor = view.editor
    assert editor.title_edit.text() == "Phishing"
    assert editor.level_badge.text() == "High"
    assert not editor.save_button.isEnabled()
    editor.residual_likelihood_combo.setCurrentIndex(editor.residual_likelihood_combo.findData(1))
    editor.residual_impact_combo.setCurrentIndex(editor.residual_impact_combo.findData(3))
    assert editor.residual_badge.text() == "Low"  # shown at once, computed
    editor.treatment_combo.setCurrentIndex(editor.treatment_combo.findData("modify"))
    editor.controls_edit.setText("A.6.3, 8.5")
    assert "A.6.3 Information security awareness" in editor.controls_label.text()
    assert editor.save_button.isEnabled() and editor.is_dirty()
    assert not editor.accept_button.isEnabled()  # the signature covers the risk as saved
    assert editor.save()
    saved = records.get_risk(view.workspace, "R-002")
    assert saved.residual_level_name == "Low" and saved.draft.treatment is T.MODIFY
    assert saved.draft.controls == ("ISO27001:2022/A.6.3", "ISO27001:2022/A.8.5")
    assert not editor.is_dirty()
    assert view.model.index(view.model.row_of(saved.id), 9).data() == "Low 1×3"


def test_a_refused_save_keeps_the_edit_and_says_why(view: RisksView) -> None:
    view.select_risk("R-001")
    view.editor.controls_edit.setText("A.99.1")
    assert view.editor.save() is False
    assert view.editor.error_label.isVisibleTo(view.editor)
    assert "Not a control of the catalog: A.99.1" in view.editor.error_label.text()
    assert view.editor.is_dirty()


def test_actions_are_added_and_done_from_the_editor(view: RisksView, monkeypatch) -> None:
    view.select_risk("R-001")
    editor = view.editor
    due = date.today() - timedelta(days=1)
    monkeypatch.setattr(editor, "ask_action", lambda: ("Offline backups", "Lena", due))
    editor.add_action()
    assert editor.actions_list.item(0).text().startswith("Overdue · Offline backups · Lena")
    editor.actions_list.setCurrentRow(0)
    assert editor.done_button.isEnabled()
    editor.mark_action_done()
    assert editor.actions_list.item(0).text().startswith("✔ Offline backups")
    assert records.get_risk(view.workspace, "R-001").actions[0].done_on == date.today()


def test_new_risks_from_the_dialog_and_from_the_library(qtbot, view: RisksView) -> None:
    from workbench.views.risks.dialogs import NewRiskDialog

    view.new_risk()
    dialog = view.findChild(NewRiskDialog)
    assert dialog is not None
    dialog.title_edit.setText("Insider misuse of customer data")
    dialog.owner_combo.setCurrentIndex(dialog.owner_combo.findData(JONAS))
    dialog.accept()
    assert view.selected_ref() == "R-005"
    assert view.editor.title_edit.text() == "Insider misuse of customer data"

    library = LibraryDialog(view.workspace, view)
    qtbot.addWidget(library)
    library.search_edit.setText("ransomware")
    assert library.list.count() == 1
    library.search_edit.clear()
    library.select("LIB-002", "LIB-022", "LIB-024")
    library.owner_combo.setCurrentIndex(library.owner_combo.findData(JONAS))
    assert view.add_scenarios(library) == ["R-006", "R-007", "R-008"]
    added = records.get_risk(view.workspace, "R-007")
    assert added.draft.source == "LIB-022" and added.draft.owner == JONAS
    assert added.draft.controls and added.level is None  # controls suggested, not rated
    assert view.selected_ref() == "R-006"


def test_the_risk_owner_signs_in_the_dialog_and_an_edit_shows_it_stale(qtbot, view) -> None:
    view.select_risk("R-003")
    assert view.editor.accept_button.isEnabled()
    dialog = AcceptDialog(view.workspace, ref="R-003", parent=view)
    qtbot.addWidget(dialog)
    dialog.changes_made.connect(view.apply_changes)
    assert "Flood" in dialog.summary.text() and "risk method version 1" in dialog.summary.text()
    assert f"Risk owner, who signs: <b>{JONAS}</b>" in dialog.summary.text()
    dialog.passphrase_edit.setText("not the passphrase")
    dialog.accept()
    assert "passphrase" in dialog.error_label.text() and dialog.passphrase_edit.text() == ""
    dialog.passphrase_edit.setText(JONAS_PASS)
    dialog.accept()
    assert dialog.result() == AcceptDialog.DialogCode.Accepted
    item = view.editor.signatures_list.item(0)
    assert "residual risk acceptance by Jonas Weber" in item.text() and ": valid" in item.text()
    assert item.foreground().color() == QColor("#1b7f3b")
    column = list(Column).index(Column.ACCEPTANCE)

    def accepted_cell() -> object:
        row = view.model.row_of(records.get_risk(view.workspace, "R-003").id)
        return view.model.index(row, column).data()

    assert accepted_cell() == "valid"
    view.editor.title_edit.setText("Flood in server room B")
    assert view.editor.save()
    item = view.editor.signatures_list.item(0)
    assert "stale (R-003 was edited after it was signed)" in item.text()
    assert accepted_cell() == "stale"  # visible in the table too
    assert [c.kind for c in acceptance.acceptances_of(view.workspace, "R-003")] == [
        AcceptanceKind.ACCEPTANCE
    ]


def test_the_matrix_editor_changes_cells_and_asks_before_relevelling(qtbot, view) -> None:
    dialog = MethodDialog(view.workspace, "Mara", view)
    qtbot.addWidget(dialog)
    dialog.changes_made.connect(view.apply_changes)
    cell = dialog.cells[(4, 3)]
    assert cell.text() == "High"
    qtbot.mouseClick(cell, Qt.MouseButton.LeftButton)
    assert cell.text() == "Critical"
    dialog.step(4, 3, +1)  # already the highest
    assert dialog.cells[(4, 3)].text() == "Critical"
    dialog.step(1, 1, -1)
    assert dialog.cells[(1, 1)].text() == "Low"
    dialog.set_level_colour(3, "#6a1b9a")
    assert "#6a1b9a" in dialog.cells[(4, 3)].styleSheet()
    asked: list[list[str]] = []

    def refuse(moves):
        asked.append([m.ref for m in moves])
        return False

    dialog.confirm_moves = refuse  # type: ignore[method-assign]
    dialog.accept()
    assert asked == [["R-002"]]
    assert records.get_risk(view.workspace, "R-002").level_name == "High"  # nothing changed
    dialog.confirm_moves = lambda moves: True  # type: ignore[method-assign]
    dialog.comment_edit.setText("Likely moderate impacts are critical for Acme")
    dialog.accept()
    assert records.get_risk(view.workspace, "R-002").level_name == "Critical"
    view.select_risk("R-002")
    assert view.model.index(view.model.row_of(records.get_risk(view.workspace, "R-002").id),
                            5).data() == "Critical 4×3"  # fmt: skip


def test_the_matrix_editor_resizes_scales_and_levels(qtbot, view) -> None:
    dialog = MethodDialog(view.workspace, "Mara", view)
    qtbot.addWidget(dialog)
    dialog.likelihood_spin.setValue(4)
    dialog.impact_spin.setValue(3)
    assert len(dialog.cells) == 12 and dialog.likelihood_table.rowCount() == 4
    dialog.add_level()
    assert dialog.levels_table.rowCount() == 5 and dialog.threshold_combo.count() == 5
    dialog.add_level()
    assert not dialog.add_level_button.isEnabled()
    for _ in range(4):
        dialog.remove_level()
    assert dialog.levels_table.rowCount() == 2 and not dialog.remove_level_button.isEnabled()
    assert {cell.text() for cell in dialog.cells.values()} <= {"Low", "Medium"}
    dialog.likelihood_table.item(0, 0).setText("Unlikely")
    dialog.likelihood_table.item(1, 0).setText("Unlikely")
    assert "same label" in dialog.warnings_label.text()
    with pytest.raises(MethodError):
        dialog.current()


def test_the_import_dialog_maps_previews_checks_and_imports(qtbot, view, tmp_path: Path) -> None:
    dialog = ImportDialog(view.workspace, "Mara", view)
    qtbot.addWidget(dialog)
    dialog.changes_made.connect(view.apply_changes)
    bad = tmp_path / "photo.xlsx"
    bad.write_bytes(b"\x89PNG\r\n" + bytes(100))
    assert dialog.load(bad) is False
    assert "Nothing was imported" in dialog.error_label.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.load(messy_workbook(tmp_path / "acme.xlsx"))
    assert "header in row 4" in dialog.sheet_label.text()
    assert dialog.preview.item(1, 1).text() == "Ransomware on the WMS"
    dialog.set_field(2, None)  # do not import the owners
    report = dialog.run(dry_run=True)
    assert report is not None and report.dry_run
    assert "row 8: likelihood: 'Very likely'" in dialog.report_view.toPlainText()
    assert len(_refs(view)) == 4
    dialog.run(dry_run=False)
    assert len(_refs(view)) == 7
    assert records.get_risk(view.workspace, "R-101").draft.owner == ""
    assert not dialog.import_button.isEnabled()


def test_update_from_risks_writes_the_register_document(view, monkeypatch) -> None:
    from workbench.services.register.listing import RegisterFilter, export_rows
    from workbench.services.risks.documents import GeneratedDocument

    told: list[str] = []
    monkeypatch.setattr(view, "inform", lambda title, text: told.append(text))
    emitted = []
    view.changes_made.connect(emitted.append)
    view.update_document(GeneratedDocument.REGISTER)
    assert told[-1].startswith("Updated 'Information Security Risk Register'")
    assert emitted and emitted[-1].versions
    assert [row.title for row in export_rows(view.workspace, RegisterFilter())] == [
        "Information Security Risk Register"
    ]
    view.update_document(GeneratedDocument.REGISTER)
    assert "no new version was saved" in told[-1]


def test_problems_are_listed_and_select_their_risk(qtbot, view: RisksView) -> None:
    view.refresh_problems()
    texts = [view.problems.item(row).text() for row in range(view.problems.count())]
    assert any(text.startswith("⚠ R-003: retained at High") for text in texts)
    item = next(view.problems.item(r) for r in range(view.problems.count())
                if "R-003" in view.problems.item(r).text())  # fmt: skip
    view._on_problem_activated(item)
    assert view.selected_ref() == "R-003"


def test_unsaved_edits_are_not_lost_when_another_risk_is_selected(view, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    view.select_risk("R-001")
    view.editor.title_edit.setText("Ransomware on the file server")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    view.table.selectRow(1)
    assert view.editor.details is not None and view.editor.details.ref == "R-001"
    assert view.editor.title_edit.text() == "Ransomware on the file server"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    view.table.selectRow(1)
    assert view.editor.details.ref == "R-002"
    assert records.get_risk(view.workspace, "R-001").title == "Ransomware on the file server"
