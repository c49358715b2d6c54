"""The Risks pane: the risk register, its heat map and the risk editor.

The table lists risks with their computed levels, narrowed by the filters above it or by a cell
of the heat map (inherent or residual). Selecting a risk shows it in the editor beside the heat
map. Quality problems are listed under the table; clicking one selects its risk.

Signals:
    artifact_open_requested(int): open a linked register document (from the Pane).
    navigation_requested(str, str): a planned control (a catalog reference, such as
        ISO27001:2022/A.8.13) shown in the Controls pane (from the Pane).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedLayout,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.models import AcceptanceKind, RiskStatus, TreatmentOption
from workbench.services.common.errors import ServiceError
from workbench.services.register.versioning import UnchangedContent
from workbench.services.risks import checks, listing, records
from workbench.services.risks.documents import GeneratedDocument, update_document
from workbench.services.risks.listing import Cell, RiskFilter, View
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.views.common.empty_state import empty_state_label
from workbench.views.common.pane import Pane
from workbench.views.common.record_table import configure_record_table
from workbench.views.risks.editor import RiskEditor, status_title
from workbench.views.risks.heat_map import HeatMapWidget
from workbench.views.risks.model import RiskTableModel

ANY = None
FILTER_DEBOUNCE_MS = 200
SHOWN_PROBLEMS = 500
COLUMN_WIDTHS = (54, 200, 100, 28, 28, 96, 80, 28, 28, 96, 90, 70, 84)
# The ratings show inside the level cells ("High 3×4"); their own columns stay for sorting
# and the export, hidden here to leave the title room.
HIDDEN_COLUMNS = (
    listing.Column.LIKELIHOOD, listing.Column.IMPACT, listing.Column.RESIDUAL_LIKELIHOOD,
    listing.Column.RESIDUAL_IMPACT,
)  # fmt: skip
DOCUMENT_TITLES = {
    GeneratedDocument.REGISTER: "Risk &Register",
    GeneratedDocument.TREATMENT_PLAN: "Risk &Treatment Plan",
    GeneratedDocument.METHODOLOGY: "Risk &Methodology (criteria)",
}


class RisksView(Pane):
    title = "Risks"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("risksView")
        self.model = RiskTableModel(self)
        self._document_id: int | None = None

        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("risksToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_action = self._action("&New Risk…", self.new_risk, QKeySequence.StandardKey.New)
        self.library_action = self._action("From &Library…", self.add_from_library, "Ctrl+L")
        self.delete_action = self._action(
            "&Delete…", self.delete_selected, QKeySequence.StandardKey.Delete
        )
        self.toolbar.addSeparator()
        self.import_action = self._action("&Import…", self.import_risks, "Ctrl+I")
        self.export_action = self._action("E&xport…", self.export_risks, "Ctrl+E")
        self.documents_menu = QMenu("Update Documents", self)
        self.documents_menu.setObjectName("riskDocumentsMenu")
        for which, text in DOCUMENT_TITLES.items():
            action = self.documents_menu.addAction(text)
            action.setObjectName(f"riskUpdate_{which.value}")
            action.triggered.connect(self._updater(which))
        documents_button = QToolButton(self)
        documents_button.setObjectName("riskUpdateDocuments")
        documents_button.setText("&Update from Risks")
        documents_button.setToolTip(
            "Write a new version of the risk register, the treatment plan or the methodology's "
            "criteria from the records"
        )
        documents_button.setMenu(self.documents_menu)
        documents_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar.addWidget(documents_button)
        self.toolbar.addSeparator()
        self.method_action = self._action("Risk &Method…", self.edit_method)
        self.assets_action = self._action("&Assets…", self.edit_assets)

        self._build_filters()
        self.table = QTableView(self)
        self.table.setObjectName("riskTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        configure_record_table(self.table, COLUMN_WIDTHS)
        for column in HIDDEN_COLUMNS:
            self.table.setColumnHidden(list(listing.Column).index(column), True)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.model.modelReset.connect(self._on_model_reset)
        self.empty = empty_state_label(
            "No risks yet. Add one with “New Risk…”, pick common ones “From Library…”, or "
            "“Import…” the client's risk spreadsheet.",
            self,
        )
        table_box = QWidget(self)
        self._stack = QStackedLayout(table_box)
        self._stack.addWidget(self.table)
        self._stack.addWidget(self.empty)

        self.problems = QListWidget(self)
        self.problems.setObjectName("riskProblems")
        self.problems.setWordWrap(True)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.itemActivated.connect(self._on_problem_activated)
        self.problems.itemClicked.connect(self._on_problem_activated)
        self.problems_title = QLabel(self)
        self.problems_title.setObjectName("riskProblemsTitle")
        problems_box = QWidget(self)
        problems_layout = QVBoxLayout(problems_box)
        problems_layout.setContentsMargins(0, 0, 0, 0)
        problems_layout.addWidget(self.problems_title)
        problems_layout.addWidget(self.problems)

        self.heat_map = HeatMapWidget(self)
        self.heat_map.cell_clicked.connect(self._on_cell_clicked)
        self.view_combo = QComboBox(self)
        self.view_combo.setObjectName("riskHeatMapView")
        self.view_combo.addItem("Inherent risk", View.INHERENT.value)
        self.view_combo.addItem("Residual risk", View.RESIDUAL.value)
        self.view_combo.currentIndexChanged.connect(self._on_view_changed)
        self.heat_title = QLabel(self)
        self.heat_title.setObjectName("riskHeatMapTitle")
        heat_box = QWidget(self)
        heat_layout = QVBoxLayout(heat_box)
        heat_layout.setContentsMargins(0, 0, 0, 0)
        heat_header = QHBoxLayout()
        heat_header.addWidget(QLabel("<b>Heat map</b>", self))
        heat_header.addWidget(self.view_combo)
        heat_header.addStretch(1)
        heat_header.addWidget(self.heat_title)
        heat_layout.addLayout(heat_header)
        heat_layout.addWidget(self.heat_map, 1)

        self.editor = RiskEditor(self)
        self.editor.changes_made.connect(self._emit)
        self.editor.document_open_requested.connect(self.artifact_open_requested)
        self.editor.control_requested.connect(
            lambda ref: self.navigation_requested.emit("controls", ref)
        )
        self.editor.accept_requested.connect(self.sign_selected)
        scroll = QScrollArea(self)
        scroll.setObjectName("riskEditorScroll")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.editor)

        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(table_box)
        left.addWidget(problems_box)
        left.setStretchFactor(0, 4)
        left.setStretchFactor(1, 1)
        left.setSizes([520, 120])
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(heat_box)
        right.addWidget(scroll)
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 3)
        right.setSizes([250, 400])
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("risksSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([660, 450])

        self._after_paint_timer = QTimer(self)
        self._after_paint_timer.setSingleShot(True)
        self._after_paint_timer.setInterval(0)
        self._after_paint_timer.timeout.connect(self._after_first_paint)
        self._problems_timer = QTimer(self)
        self._problems_timer.setSingleShot(True)
        self._problems_timer.setInterval(0)
        self._problems_timer.timeout.connect(self.refresh_problems)

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(self.filters_row)
        layout.addWidget(self.splitter, 1)
        self._update_actions()

    def _updater(self, which: GeneratedDocument) -> Callable[..., None]:
        # QAction.triggered passes ``checked``; it must not be taken for the document.
        return lambda *_: self.update_document(which)

    def _action(self, text: str, slot: object, shortcut: object = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    def _combo(self, name: str, any_text: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.addItem(any_text, ANY)
        combo.currentIndexChanged.connect(self.apply_filter_widgets)
        return combo

    def _build_filters(self) -> None:
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("riskFilterText")
        self.filter_edit.setPlaceholderText("Filter by id, title, threat or owner…")
        self.filter_edit.setClearButtonEnabled(True)
        self.level_filter = self._combo("riskLevelFilter", "Any level")
        self.owner_filter = self._combo("riskOwnerFilter", "Any owner")
        self.treatment_filter = self._combo("riskTreatmentFilter", "Any treatment")
        for option in TreatmentOption:
            self.treatment_filter.addItem(option.value.capitalize(), option.value)
        self.status_filter = self._combo("riskStatusFilter", "Open risks")
        self.status_filter.addItem("All statuses", "all")
        for status in RiskStatus:
            self.status_filter.addItem(status_title(status), status.value)
        self.asset_filter = self._combo("riskAssetFilter", "Any asset")
        self.control_filter = QLineEdit(self)
        self.control_filter.setObjectName("riskControlFilter")
        self.control_filter.setPlaceholderText("Control, e.g. A.8")
        self.control_filter.setClearButtonEnabled(True)
        self.control_filter.setMaximumWidth(180)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setObjectName("riskClearFilter")
        self.clear_button.clicked.connect(self.clear_filter)
        self.filter_label = QLabel(self)
        self.filter_label.setObjectName("riskFilterLabel")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("riskCount")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter_widgets)
        self.filter_edit.textChanged.connect(self._debounce.start)
        self.control_filter.textChanged.connect(self._debounce.start)
        for combo in (self.owner_filter, self.asset_filter):
            combo.setMaximumWidth(170)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
        # Two rows: the text filters with the count, then the choices and what is shown.
        self.filters_row = QVBoxLayout()
        first = QHBoxLayout()
        first.addWidget(self.filter_edit, 3)
        first.addWidget(self.control_filter, 1)
        first.addWidget(self.count_label)
        first.addWidget(self.clear_button)
        second = QHBoxLayout()
        for widget in (self.level_filter, self.owner_filter, self.treatment_filter,
                       self.status_filter, self.asset_filter):  # fmt: skip
            second.addWidget(widget)
        second.addWidget(self.filter_label, 1)
        self.filters_row.addLayout(first)
        self.filters_row.addLayout(second)

    # --- workspace and changes --------------------------------------------------------------

    def set_workspace(self, workspace: Workspace) -> None:
        super().set_workspace(workspace)
        self.editor.user_name = self.user_name
        self.editor.set_workspace(workspace)
        # The first paint shows what the filters say (open risks), as the heat map does.
        self.model.risk_filter = self.current_filter()
        self.model.set_workspace(workspace)
        # The table paints first; the rest fills in right after.
        self._after_paint_timer.start()

    def _after_first_paint(self) -> None:
        self._fill_filter_choices()
        self.refresh_heat_map()
        self.refresh_problems()
        if self.model.rowCount() and self.selected_ref() is None:
            self.table.selectRow(0)  # the editor shows something from the start

    def apply_changes(self, changes: ChangeSet) -> None:
        if not (changes.risks or changes.risk_method or changes.people or changes.assets
                or changes.artifacts):  # fmt: skip
            return
        shown = self.editor.details.ref if self.editor.details else None
        if changes.risk_method or changes.people or changes.assets:
            self._fill_filter_choices()
        self.model.refresh()
        self._keep_selection(shown)
        self.refresh_heat_map()
        self._problems_timer.start()
        if not self.editor.is_dirty():
            self.editor.show_risk(self.selected_ref())

    def _emit(self, changes: ChangeSet) -> None:
        self.changes_made.emit(changes)

    def _fill_filter_choices(self) -> None:
        if self.workspace is None:
            return
        method = listing.method_of(self.workspace)
        levels = [(f"Inherent {level.name}", f"i{n}") for n, level in enumerate(method.levels)]
        levels += [(f"Residual {level.name}", f"r{n}") for n, level in enumerate(method.levels)]
        owners = [(name, i) for i, name in listing.owners(self.workspace)]
        assets = [(name, i) for i, name in listing.assets(self.workspace)]
        choices: tuple[tuple[QComboBox, str, list[tuple[str, object]]], ...] = (
            (self.level_filter, "Any level", list(levels)),
            (self.owner_filter, "Any owner", list(owners)),
            (self.asset_filter, "Any asset", list(assets)),
        )
        for combo, any_text, items in choices:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(any_text, ANY)
            for text, value in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

    # --- filtering --------------------------------------------------------------------------

    def current_filter(self) -> RiskFilter:
        level = self.level_filter.currentData()
        treatment = self.treatment_filter.currentData()
        status = self.status_filter.currentData()
        cell = None
        if self.heat_map.selected is not None:
            cell = Cell(self.current_view(), *self.heat_map.selected)
        return RiskFilter(
            text=self.filter_edit.text(),
            level=int(level[1:]) if isinstance(level, str) and level[0] == "i" else None,
            residual_level=int(level[1:]) if isinstance(level, str) and level[0] == "r" else None,
            owner_id=self.owner_filter.currentData(),
            treatment=TreatmentOption(treatment) if treatment else None,
            status=RiskStatus(status) if status not in (ANY, "all") else None,
            asset_id=self.asset_filter.currentData(),
            control=self.control_filter.text().strip(),
            cell=cell,
            include_closed=status is not ANY,
            document_id=self._document_id,
        )

    def apply_filter_widgets(self) -> None:
        self._debounce.stop()
        risk_filter = self.current_filter()
        shown = self.editor.details.ref if self.editor.details else None
        self.model.set_filter(risk_filter)
        self._keep_selection(shown)
        self.refresh_heat_map()
        if self.workspace is not None:
            described = risk_filter.describe(listing.method_of(self.workspace))
            self.filter_label.setText(f"Showing: {described}" if described else "")

    def clear_filter(self) -> None:
        widgets = (self.filter_edit, self.control_filter, self.level_filter, self.owner_filter,
                   self.treatment_filter, self.status_filter, self.asset_filter)  # fmt: skip
        for widget in widgets:
            widget.blockSignals(True)
        self.filter_edit.clear()
        self.control_filter.clear()
        for combo in (self.level_filter, self.owner_filter, self.treatment_filter,
                      self.status_filter, self.asset_filter):  # fmt: skip
            combo.setCurrentIndex(0)
        for widget in widgets:
            widget.blockSignals(False)
        self._document_id = None
        self.heat_map.set_selected(None)
        self.apply_filter_widgets()

    def show_target(self, target: str) -> None:
        """A risk (``R-001``), ``document:<id>`` (the risks referring to a register document),
        ``control:<catalog reference>`` (the risks planning a control), or "" (every risk)."""
        kind, _, value = target.partition(":")
        if kind == "document" and value.isdigit():
            self.show_document(int(value))
        elif kind == "control" and value:
            self.show_control(value)
        elif target:
            self.select_risk(target)
        else:
            self.clear_filter()

    def show_control(self, ref: str) -> None:
        """Narrow the table to the risks planning a control (the way back from a control)."""
        self.clear_filter()
        self.control_filter.setText(records.short_control(ref))
        self.apply_filter_widgets()

    def show_document(self, artifact_id: int) -> None:
        """Narrow the table to the risks that refer to a register document."""
        self.clear_filter()
        self._document_id = artifact_id
        self.apply_filter_widgets()

    def current_view(self) -> View:
        return View(self.view_combo.currentData())

    def _on_view_changed(self) -> None:
        self.heat_map.set_selected(None)
        self.apply_filter_widgets()

    def _on_cell_clicked(self, likelihood: int, impact: int) -> None:
        self.apply_filter_widgets()

    def refresh_heat_map(self) -> None:
        if self.workspace is None:
            return
        heat = listing.heat_map(self.workspace, self.current_filter(), self.current_view())
        self.heat_map.set_heat_map(heat)
        rated = heat.total
        self.heat_title.setText(f"{rated} rated")

    def refresh_problems(self) -> None:
        if self.workspace is None:
            return
        found = checks.check_risks(self.workspace)
        self.problems.clear()
        for problem in found[:SHOWN_PROBLEMS]:
            item = QListWidgetItem(f"⚠ {problem}")
            item.setData(Qt.ItemDataRole.UserRole, problem.ref)
            item.setToolTip(checks.CHECK_TITLES[problem.check])
            self.problems.addItem(item)
        text = (
            f"<b>Quality checks</b>: {len(found)} problem(s)"
            if found
            else ("<b>Quality checks</b>: no problems found")
        )
        self.problems_title.setText(text)

    def _on_model_reset(self) -> None:
        total, shown = self.model.total_count(), self.model.rowCount()
        self._stack.setCurrentWidget(self.table if total else self.empty)
        self.count_label.setText(f"{shown} of {total}" if shown != total else f"{total} risks")
        self._update_actions()

    # --- selection --------------------------------------------------------------------------

    def _keep_selection(self, ref: str | None) -> None:
        """After the table was filled again: select the risk the editor shows, if listed."""
        if ref is None or self.workspace is None:
            return
        try:
            row = self.model.row_of(records.get_risk(self.workspace, ref).id)
        except ServiceError:
            row = None  # deleted meanwhile
        if row is None:
            if not self.editor.is_dirty():
                self.editor.show_risk(None)
            return
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        self.table.selectRow(row)
        selection.blockSignals(False)
        self._update_actions()

    def selected_ref(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.ref(rows[0].row()) if rows else None

    def select_risk(self, ref: str) -> bool:
        if self.workspace is None:
            return False
        try:
            risk_id = records.get_risk(self.workspace, ref).id
        except ServiceError:
            return False
        row = self.model.row_of(risk_id)
        if row is None:
            self.clear_filter()
            row = self.model.row_of(risk_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        ref = self.selected_ref()
        shown = self.editor.details.ref if self.editor.details else None
        if ref != shown:
            if not self.editor.ask_to_leave():
                previous = deselected.indexes()
                if previous and shown is not None:
                    self.table.selectionModel().blockSignals(True)
                    self.table.selectRow(previous[0].row())
                    self.table.selectionModel().blockSignals(False)
                return
            self.editor.show_risk(ref)
        self._update_actions()

    def _on_problem_activated(self, item: QListWidgetItem) -> None:
        ref = item.data(Qt.ItemDataRole.UserRole)
        if ref:
            self.select_risk(str(ref))

    def _update_actions(self) -> None:
        has_workspace = self.workspace is not None
        for action in (self.new_action, self.library_action, self.import_action,
                       self.export_action, self.method_action, self.assets_action):  # fmt: skip
            action.setEnabled(has_workspace)
        self.delete_action.setEnabled(self.selected_ref() is not None)

    def can_leave(self) -> bool:
        return self.editor.ask_to_leave()

    # --- writes -----------------------------------------------------------------------------

    def new_risk(self) -> None:
        if self.workspace is None:
            return
        from workbench.views.risks.dialogs import NewRiskDialog

        workspace = self.workspace
        dialog = NewRiskDialog(workspace, self)

        def submit() -> None:
            changes, ref = records.add_risk(
                workspace, actor=self.user_name,
                draft=records.RiskDraft(
                    title=dialog.title_edit.text(), owner=str(dialog.owner_combo.currentData())
                ),
            )  # fmt: skip
            self._emit(changes)
            self.select_risk(ref)

        dialog.on_submit(submit)
        dialog.open()

    def add_from_library(self) -> None:
        if self.workspace is None:
            return
        from workbench.views.risks.dialogs import LibraryDialog

        dialog = LibraryDialog(self.workspace, self)
        dialog.accepted.connect(lambda: self.add_scenarios(dialog))
        dialog.open()

    def add_scenarios(self, dialog: object) -> list[str]:
        from workbench.views.risks.dialogs import LibraryDialog, draft_from

        assert isinstance(dialog, LibraryDialog) and self.workspace is not None
        added: list[str] = []
        combined = ChangeSet()
        for scenario in dialog.chosen():
            try:
                changes, ref = records.add_risk(
                    self.workspace, actor=self.user_name, draft=draft_from(scenario, dialog.owner)
                )
            except ServiceError as error:
                self.report_error("Add from Library", error)
                break
            combined = combined | changes
            added.append(ref)
        if added:
            self._emit(combined)
            self.select_risk(added[0])
        return added

    def delete_selected(self) -> None:
        ref = self.selected_ref()
        if ref is None or self.workspace is None:
            return
        if not self.confirm("Delete Risk", f"Delete {ref}? Its actions are deleted with it."):
            return
        try:
            changes = records.delete_risk(self.workspace, actor=self.user_name, ref=ref)
        except ServiceError as error:
            self.report_error("Delete Risk", error)
            return
        self.editor.show_risk(None)
        self._emit(changes)

    def sign_selected(self, kind: str) -> None:
        ref = self.selected_ref()
        if ref is None or self.workspace is None:
            return
        from workbench.views.risks.dialogs import AcceptDialog

        dialog = AcceptDialog(self.workspace, ref=ref, kind=AcceptanceKind(kind), parent=self)
        dialog.changes_made.connect(self._emit)
        dialog.open()

    def import_risks(self) -> None:
        if self.workspace is None:
            return
        from workbench.views.risks.import_dialog import ImportDialog

        dialog = ImportDialog(self.workspace, self.user_name, self)
        dialog.changes_made.connect(self._emit)
        dialog.open()
        dialog.browse()

    def edit_method(self) -> None:
        if self.workspace is None:
            return
        from workbench.views.risks.method_dialog import MethodDialog

        dialog = MethodDialog(self.workspace, self.user_name, self)
        dialog.changes_made.connect(self._emit)
        dialog.open()

    def edit_assets(self) -> None:
        if self.workspace is None:
            return
        from workbench.views.risks.dialogs import AssetsDialog

        dialog = AssetsDialog(self.workspace, self.user_name, self)
        dialog.changes_made.connect(self._emit)
        dialog.open()

    def ask_export_path(self) -> tuple[str, str]:
        return QFileDialog.getSaveFileName(
            self, "Export Risk Register", str(Path.home() / "risk-register.xlsx"),
            "Excel workbook (*.xlsx);;CSV (*.csv)",
        )  # fmt: skip

    def export_risks(self) -> None:
        if self.workspace is None:
            return
        from workbench.services.exports import risk_export

        chosen, selected_filter = self.ask_export_path()
        if not chosen:
            return
        target = Path(chosen)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in risk_export.EXPORT_FORMATS:
            fmt = "csv" if "csv" in selected_filter.lower() else "xlsx"
            target = target.with_name(f"{target.name}.{fmt}")
        try:
            count = risk_export.export_risks(self.workspace, target, fmt=fmt, today=date.today())
        except ServiceError as error:
            self.report_error("Export Risk Register", error)
            return
        self.count_label.setText(f"Exported {count} risks to {target.name}")

    def update_document(self, which: GeneratedDocument) -> None:
        if self.workspace is None:
            return
        try:
            result = update_document(self.workspace, actor=self.user_name, which=which)
        except UnchangedContent as error:
            self.inform("Update from Risks", str(error))
            return
        except ServiceError as error:
            self.report_error("Update from Risks", error)
            return
        self._emit(result.changes)
        self.inform("Update from Risks", result.message + ".")

    # --- questions to the user (tests replace these) ----------------------------------------

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self, title, text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def inform(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text[0].upper() + text[1:] if text else text)

    def index_of(self, ref: str) -> QModelIndex:
        if self.workspace is None:
            return QModelIndex()
        row = self.model.row_of(records.get_risk(self.workspace, ref).id)
        return self.model.index(row, 0) if row is not None else QModelIndex()
