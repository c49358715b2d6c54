from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from workbench.models import ArtifactKind, ArtifactStatus
from workbench.services.register import artifacts, profile
from workbench.services.register.listing import RegisterFilter, RegisterScope
from workbench.views.common.artifact_dialog import ArtifactDialog
from workbench.views.register.model import RegisterTableModel
from workbench.views.register.view import RegisterView


@pytest.fixture
def populated(workspace):
    for number in range(30):
        kind = ArtifactKind.POLICY if number % 2 else ArtifactKind.RECORD
        artifacts.create_artifact(
            workspace, actor="Mara", kind=kind, title=f"Document {number:02d}", owner="Jonas",
            refs=["ISO27001:2022/5.2"] if number % 3 == 0 else ["ISO27001:2022/A.8.13"],
        )  # fmt: skip
    return workspace


@pytest.fixture
def view(qtbot, populated) -> RegisterView:
    pane = RegisterView()
    qtbot.addWidget(pane)
    pane.set_workspace(populated)
    pane.changes_made.connect(pane.apply_changes)
    pane.show()
    return pane


def test_model_passes_qt_model_checks(qtmodeltester, populated) -> None:
    model = RegisterTableModel()
    model.set_workspace(populated)
    qtmodeltester.check(model)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "Document 29"


def test_rows_are_fetched_lazily_in_pages(populated, monkeypatch) -> None:
    import workbench.views.register.model as register_model

    monkeypatch.setattr(register_model.RegisterTableModel, "page_size", 10)
    fetched: list[int] = []
    real = register_model.listing.fetch_rows

    def counting(workspace, ids):
        fetched.append(len(ids))
        return real(workspace, ids)

    monkeypatch.setattr(register_model.listing, "fetch_rows", counting)
    model = RegisterTableModel()
    model.set_workspace(populated)
    assert fetched == []  # nothing fetched until a row is shown
    model.index(0, 1).data()
    model.index(5, 1).data()
    assert fetched == [10]
    model.index(25, 1).data()
    assert fetched == [10, 10]


def test_filter_widgets_narrow_the_table(qtbot, view: RegisterView) -> None:
    assert view.model.rowCount() == 30
    view.kind_filter.setCurrentIndex(view.kind_filter.findData("policy"))
    assert view.model.rowCount() == 15
    with qtbot.waitSignal(view._debounce.timeout):
        view.ref_filter.setText("5.2")
    assert view.model.rowCount() == 5  # odd numbers divisible by 3
    assert view.count_label.text() == "5 of 30"
    assert "kind policy" in view.filter_label.text()


def test_set_filter_from_a_card_action(view: RegisterView) -> None:
    view.set_filter(RegisterFilter(scope=RegisterScope.ISMS_ARTIFACTS, refs=("ISO27001:2022/5.2",)))
    assert view.ref_filter.text() == "5.2"
    assert view.model.rowCount() == 10
    assert view.filter_label.text() == "Showing: ISMS artifacts; linked to ISO27001:2022/5.2"


def test_retire_asks_and_hides_from_the_live_register(view: RegisterView, monkeypatch) -> None:
    view.set_filter(RegisterFilter(scope=RegisterScope.ISMS_ARTIFACTS))
    view.table.selectRow(0)
    monkeypatch.setattr(view, "ask_retire_reason", lambda title: None)  # the user cancels
    view.retire_selected()
    assert view.model.rowCount() == 30
    monkeypatch.setattr(view, "ask_retire_reason", lambda title: "superseded")
    view.retire_selected()
    assert view.model.rowCount() == 29
    assert artifacts.get_details(view.workspace, 1).status is ArtifactStatus.RETIRED


def test_duplicate_selects_the_copy(view: RegisterView) -> None:
    view.table.selectRow(0)
    view.duplicate_selected()
    assert view.model.rowCount() == 31
    assert artifacts.get_details(view.workspace, view.selected_id()).title == "Copy of Document 00"


def test_new_artifact_dialog_shows_the_reason_and_stays_open(qtbot, view: RegisterView) -> None:
    view.new_artifact()
    dialog = view.findChild(ArtifactDialog, "artifactDialog")
    dialog.title_edit.setText("Cryptography policy")
    dialog.refs_edit.setText("A.8.24, 99.9")
    dialog.accept()
    assert dialog.isVisible()
    assert (
        "Unknown clause or control reference(s): ISO27001:2022/99.9." in dialog.error_label.text()
    )
    dialog.refs_edit.setText("A.8.24")
    dialog.accept()
    assert not dialog.isVisible()
    assert view.model.rowCount() == 31
    created = artifacts.get_details(view.workspace, view.selected_id())
    assert (created.title, created.refs) == ("Cryptography policy", ("ISO27001:2022/A.8.24",))


def test_new_from_template_needs_the_profile(view: RegisterView) -> None:
    view.new_artifact()
    dialog = view.findChild(ArtifactDialog, "artifactDialog")
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("backup-policy"))
    assert dialog.title_edit.text() == "Backup and Recovery Policy"
    dialog.accept()
    assert "set it in the workspace profile" in dialog.error_label.text()
    profile.update_profile(view.workspace, actor="M", organisation_name="Acme", isms_scope="All",
                           isms_owner="Jonas")  # fmt: skip
    dialog.accept()
    assert not dialog.isVisible()
    assert view.model.rowCount() == 31


def test_export_writes_the_filtered_register(
    view: RegisterView, tmp_path: Path, monkeypatch
) -> None:
    view.kind_filter.setCurrentIndex(view.kind_filter.findData("record"))
    target = tmp_path / "register.xlsx"
    monkeypatch.setattr(view, "ask_export_path", lambda: (str(target), "Excel workbook (*.xlsx)"))
    view.export_register()
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("ID", "Title")
    assert len(rows) == 16 and {row[2] for row in rows[1:]} == {"record"}


def test_coverage_panel_counts(view: RegisterView) -> None:
    assert view.coverage.summary.text() == ("Clauses covered: 2 of 41. Controls covered: 1 of 93.")


def test_profile_dialog_sets_the_time_zone(qtbot, workspace) -> None:
    from workbench.views.register.profile_dialog import ProfileDialog

    dialog = ProfileDialog(profile.get_profile(workspace))
    qtbot.addWidget(dialog)
    dialog.on_submit(
        lambda: profile.update_profile(workspace, actor="M", **dialog.fields.values()),
        ValueError,
    )
    assert dialog.fields.time_zone.value() == ""  # this computer's zone until one is set
    dialog.fields.time_zone.setCurrentText("Europe/Atlantis")
    dialog.accept()
    assert "'Europe/Atlantis' is not a time zone name" in dialog.error_label.text()
    assert profile.get_profile(workspace).time_zone == ""
    dialog.fields.time_zone.setCurrentText("Europe/Berlin")
    dialog.accept()
    assert profile.get_profile(workspace).time_zone == "Europe/Berlin"


def test_the_key_columns_come_first_and_the_chooser_hides_and_shows(view: RegisterView) -> None:
    from workbench.services.register.listing import Column
    from workbench.views.register.columns import SIGNATURE

    assert view.columns.visible_order()[:5] == [
        Column.ID, Column.TITLE, Column.STATUS, SIGNATURE, Column.NEXT_REVIEW,
    ]  # fmt: skip
    menu = view.show_columns_menu()
    kind = next(a for a in menu.actions() if a.text() == "Kind")
    title = next(a for a in menu.actions() if a.text() == "Title")
    assert not title.isEnabled()  # the title always stays
    kind.toggle()
    assert Column.KIND not in view.columns.visible_order()
    menu.close()
    view.columns.reset()
    assert Column.KIND in view.columns.visible_order()


def test_the_column_layout_and_the_coverage_panel_are_remembered(qtbot, populated) -> None:
    from workbench.services.register.listing import Column
    from workbench.views.common.settings import AppSettings
    from workbench.views.register.columns import logical_index

    first = RegisterView()
    qtbot.addWidget(first)
    first.set_workspace(populated)
    first.columns.set_shown(Column.OWNER, False)
    first.table.setColumnWidth(logical_index(Column.TITLE), 333)
    first.coverage_action.trigger()  # hide the panel
    settings = AppSettings()
    settings.set_pane_state("register", first.save_state())
    settings.sync()

    second = RegisterView()
    qtbot.addWidget(second)
    second.restore_state(AppSettings().pane_state("register"))
    second.show()
    assert Column.OWNER not in second.columns.visible_order()
    assert second.table.columnWidth(logical_index(Column.TITLE)) == 333
    assert not second.coverage.isVisible() and not second.coverage_action.isChecked()
    second.coverage_action.trigger()
    assert second.coverage.isVisible() and second.splitter.sizes()[1] > 0


def test_fit_to_width_fits_every_shown_column_without_scrolling(qtbot, view) -> None:
    from workbench.services.register.listing import Column

    view.resize(1400, 600)
    view.set_coverage_shown(False)
    for column in (Column.REFS, Column.OWNER, Column.KIND, Column.UPDATED):
        view.columns.set_shown(column, False)
    qtbot.waitUntil(lambda: view.table.viewport().width() > 1000)
    view.columns.fit_to_width()
    header = view.table.horizontalHeader()
    assert header.length() <= view.table.viewport().width()
    assert not view.table.horizontalScrollBar().isVisible()


def test_tab_leaves_the_read_only_table(qtbot, view) -> None:
    view.activateWindow()
    qtbot.waitActive(view)
    view.table.setFocus()
    view.table.selectRow(0)
    assert view.table.hasFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Tab)
    assert not view.table.hasFocus()
    assert view.table.currentIndex().row() == 0


def test_creating_an_artifact_is_confirmed(qtbot, view: RegisterView) -> None:
    view.new_artifact()
    dialog = view.findChild(ArtifactDialog)
    dialog.title_edit.setText("Supplier Security Policy")
    with qtbot.waitSignal(view.status_posted) as said:
        dialog.accept()
    assert said.args == ["Created “Supplier Security Policy” as a draft."]


def test_edit_properties_moves_the_next_review_by_typing(qtbot, view: RegisterView) -> None:
    from datetime import date

    view.table.selectRow(0)
    artifact_id = view.selected_id()
    view.edit_selected()
    dialog = view.findChild(ArtifactDialog)
    line = dialog.next_review_edit.line
    line.selectAll()
    qtbot.keyClicks(line, "2027-06-15")
    with qtbot.waitSignal(view.changes_made):
        dialog.accept()
    assert artifacts.get_details(view.workspace, artifact_id).next_review == date(2027, 6, 15)


def test_profile_dialog_reads_no_date_into_bad_text_and_names_the_consultant(
    view: RegisterView,
) -> None:
    from datetime import date

    dialog = view.edit_profile()
    assert dialog is not None and dialog.focusWidget() is dialog.fields.organisation
    dialog.fields.organisation.setText("Acme Logistics")
    dialog.fields.target.edit.setText("15.06.2027")
    dialog.consultant.setText("Mara Tester")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error_label.text() == "'15.06.2027' is not a date: type it as YYYY-MM-DD."
    assert profile.get_profile(view.workspace).organisation_name == ""
    dialog.fields.target.edit.setText("2027-06-15")
    dialog.accept()
    saved = profile.get_profile(view.workspace)
    assert (saved.certification_target, saved.consultant) == (date(2027, 6, 15), "Mara Tester")
