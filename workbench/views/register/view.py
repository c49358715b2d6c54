"""The Register pane: the central list of ISMS artifacts, its filters, and coverage.

Signals:
    artifact_open_requested(int): open this artifact in the Documents pane.
    build_requested(): start the Build ISMS Components workflow.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.models import ArtifactKind, ArtifactStatus
from workbench.services.common.errors import ServiceError
from workbench.services.exports import register_export
from workbench.services.register import artifacts, profile, templates
from workbench.services.register.listing import RegisterFilter, RegisterScope
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.views.common.action_bar import ActionBar
from workbench.views.common.artifact_dialog import ArtifactDialog, kind_label, short_ref
from workbench.views.common.empty_state import empty_state_label, show_when_empty
from workbench.views.common.files import (
    FileKind,
    announce,
    ask_save_path_and_filter,
    confirm_target,
)
from workbench.views.common.pane import Pane, counted
from workbench.views.common.record_table import configure_record_table
from workbench.views.register.columns import RegisterColumns
from workbench.views.register.coverage_panel import CoveragePanel
from workbench.views.register.model import RegisterTableModel
from workbench.views.register.profile_dialog import ProfileDialog

ANY = ""
FILTER_DEBOUNCE_MS = 200


class RegisterView(Pane):
    title = "Register"

    build_requested = Signal()
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registerView")
        self.model = RegisterTableModel(self)
        self._scope = RegisterScope.ALL

        self.toolbar = ActionBar(self)
        self.toolbar.setObjectName("registerToolbar")
        self.new_action = self._action(
            "&New Artifact…", self.new_artifact, QKeySequence.StandardKey.New
        )
        self.build_action = self._action("&Build ISMS Components…", self.build_requested.emit)
        self.toolbar.addSeparator()
        self.open_action = self._action("&Open", self.open_selected, "Return")
        self.edit_action = self._action("&Edit Properties…", self.edit_selected, "F2")
        self.duplicate_action = self._action("&Duplicate", self.duplicate_selected, "Ctrl+D")
        self.retire_action = self._action(
            "&Retire…", self.retire_selected, QKeySequence.StandardKey.Delete
        )
        self.risks_action = QAction("Show Linked &Risks", self)
        self.risks_action.triggered.connect(self.show_linked_risks)
        self.toolbar.addSeparator()
        self.export_action = self._action("E&xport…", self.export_register, "Ctrl+E")
        self.profile_action = self._action("Workspace &Profile…", self.edit_profile)
        self.toolbar.addSeparator()
        self.columns_action = self._action("Co&lumns…", self.show_columns_menu)
        self.columns_action.setToolTip(
            "Show, hide and fit the columns (also: right-click a header)"
        )
        self.coverage_action = self._action("Co&verage", self.set_coverage_shown, "Ctrl+Shift+C")
        self.coverage_action.setCheckable(True)
        self.coverage_action.setChecked(True)
        self.coverage_action.setToolTip("Show or hide the coverage panel (Ctrl+Shift+C)")

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("registerFilterText")
        self.filter_edit.setPlaceholderText("Filter by title, owner or clause…")
        self.filter_edit.setClearButtonEnabled(True)
        self.kind_filter = QComboBox(self)
        self.kind_filter.setObjectName("registerKindFilter")
        self.kind_filter.addItem("All kinds", ANY)
        for kind in ArtifactKind:
            self.kind_filter.addItem(kind_label(kind), kind.value)
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("registerStatusFilter")
        self.status_filter.addItem("Any status", ANY)
        for status in ArtifactStatus:
            self.status_filter.addItem(status.value.replace("_", " ").capitalize(), status.value)
        self.ref_filter = QLineEdit(self)
        self.ref_filter.setObjectName("registerRefFilter")
        self.ref_filter.setPlaceholderText("Clause or control, e.g. 6.1")
        self.ref_filter.setClearButtonEnabled(True)
        self.overdue_check = QCheckBox("Review overdue", self)
        self.overdue_check.setObjectName("registerOverdue")
        self.awaiting_check = QCheckBox("Awaiting approval", self)
        self.awaiting_check.setObjectName("registerAwaiting")
        self.retired_check = QCheckBox("Show retired", self)
        self.retired_check.setObjectName("registerShowRetired")
        self.filter_label = QLabel(self)
        self.filter_label.setObjectName("registerFilterLabel")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("registerCount")

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter_widgets)
        self.filter_edit.textChanged.connect(self._debounce.start)
        self.ref_filter.textChanged.connect(self._debounce.start)
        for combo in (self.kind_filter, self.status_filter):
            combo.currentIndexChanged.connect(self.apply_filter_widgets)
        for check in (self.overdue_check, self.awaiting_check, self.retired_check):
            check.toggled.connect(self.apply_filter_widgets)

        self.table = QTableView(self)
        self.table.setObjectName("registerTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        configure_record_table(self.table, ())
        self.columns = RegisterColumns(self.table)
        self.columns.reset()
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.table.selectionModel().selectionChanged.connect(self.selection_changed)
        self._artifact_actions: list[QAction] = []
        self.model.modelReset.connect(self._on_model_reset)
        self.table_hint = show_when_empty(
            self.table,
            "No artifact matches the filter. Clear the filter text, set kind and status back to "
            "“All”, or untick the boxes above.",
        )

        self.empty = empty_state_label(
            "No artifacts yet. Click “Build ISMS Components…” to create the core ISMS documents "
            "from templates, or “New Artifact…” for a single one.",
            self,
        )
        self.coverage = CoveragePanel(self)
        self._coverage_timer = QTimer(self)
        self._coverage_timer.setSingleShot(True)
        self._coverage_timer.setInterval(0)
        self._coverage_timer.timeout.connect(self.refresh_coverage)
        self.coverage.artifact_requested.connect(self.artifact_open_requested)
        self.coverage.ref_requested.connect(lambda ref: self.ref_filter.setText(short_ref(ref)))

        table_box = QWidget(self)
        self._stack = QStackedLayout(table_box)
        self._stack.addWidget(self.table)
        self._stack.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("registerSplitter")
        self.splitter.addWidget(table_box)
        self.splitter.addWidget(self.coverage)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([900, 340])
        self.splitter.splitterMoved.connect(self._on_splitter_moved)

        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 2)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.ref_filter, 1)
        checks = QHBoxLayout()
        for widget in (self.overdue_check, self.awaiting_check, self.retired_check):
            checks.addWidget(widget)
        checks.addStretch(1)
        checks.addWidget(self.filter_label)
        checks.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addLayout(checks)
        layout.addWidget(self.splitter, 1)
        self._update_actions()

    # --- layout -----------------------------------------------------------------------------

    def show_columns_menu(self) -> QMenu:
        button = self.toolbar.widgetForAction(self.columns_action)
        anchor = button or self.table
        menu = self.columns.menu(self)
        menu.popup(anchor.mapToGlobal(anchor.rect().bottomLeft()))
        return menu

    def set_coverage_shown(self, shown: bool) -> None:
        self.coverage.setVisible(shown)
        self.coverage_action.setChecked(shown)
        if shown and self.splitter.sizes()[1] == 0:
            self.splitter.setSizes([max(self.splitter.width() - 340, 300), 340])

    def _on_splitter_moved(self) -> None:
        # Dragging the panel shut is the same as switching it off.
        self.coverage_action.setChecked(self.splitter.sizes()[1] > 0)

    def save_state(self) -> dict[str, object]:
        return {
            **self.columns.save(),
            "splitter": self.splitter.saveState(),
            "coverage": self.coverage_action.isChecked(),
        }

    def restore_state(self, state: dict[str, object]) -> None:
        self.columns.restore(state)
        splitter = state.get("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        self.set_coverage_shown(str(state.get("coverage", "true")).lower() != "false")

    def add_artifact_actions(self, actions: list[QAction]) -> None:
        """Approval and publishing actions, offered in the context menu."""
        self._artifact_actions = actions

    def _action(self, text: str, slot: object, shortcut: object = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    # --- workspace and changes --------------------------------------------------------------

    def set_workspace(self, workspace: Workspace) -> None:
        super().set_workspace(workspace)
        self.model.set_workspace(workspace)
        self._schedule_coverage()

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.artifacts or changes.versions or changes.approvals:
            self.model.refresh()
            self._schedule_coverage()

    def _schedule_coverage(self) -> None:
        # After the table has painted: the side panel may take a moment on a huge register.
        self._coverage_timer.start()

    def refresh_coverage(self) -> None:
        if self.workspace is not None:
            self.coverage.refresh(self.workspace)

    def _emit(self, changes: ChangeSet, select_id: int | None = None) -> None:
        self.changes_made.emit(changes)
        if select_id is not None:
            self.select_artifact(select_id)

    # --- filtering --------------------------------------------------------------------------

    def set_filter(self, register_filter: RegisterFilter) -> None:
        """Show the register narrowed as a card action or a link asks."""
        self._scope = register_filter.scope
        widgets = (self.filter_edit, self.ref_filter, self.kind_filter, self.status_filter,
                   self.overdue_check, self.awaiting_check, self.retired_check)  # fmt: skip
        for widget in widgets:
            widget.blockSignals(True)
        self.filter_edit.setText(register_filter.text)
        self.ref_filter.setText(", ".join(short_ref(ref) for ref in register_filter.refs))
        kind = register_filter.kinds[0].value if register_filter.kinds else ANY
        self.kind_filter.setCurrentIndex(max(self.kind_filter.findData(kind), 0))
        status = register_filter.statuses[0].value if register_filter.statuses else ANY
        self.status_filter.setCurrentIndex(max(self.status_filter.findData(status), 0))
        self.overdue_check.setChecked(register_filter.review_overdue)
        self.awaiting_check.setChecked(register_filter.awaiting_approval)
        self.retired_check.setChecked(register_filter.include_retired and not register_filter.scope)
        for widget in widgets:
            widget.blockSignals(False)
        self._apply(register_filter)

    def show_target(self, target: str) -> None:
        """``review_overdue`` shows the documents whose review is overdue; "" the whole register."""
        self.set_filter(RegisterFilter(review_overdue=target == "review_overdue"))

    def current_filter(self) -> RegisterFilter:
        from workbench.views.common.artifact_dialog import full_ref

        kind = self.kind_filter.currentData()
        status = self.status_filter.currentData()
        refs = tuple(ref for ref in (full_ref(p) for p in self.ref_filter.text().split(",")) if ref)
        return RegisterFilter(
            text=self.filter_edit.text(),
            kinds=(ArtifactKind(kind),) if kind else (),
            statuses=(ArtifactStatus(status),) if status else (),
            refs=refs,
            scope=self._scope,
            review_overdue=self.overdue_check.isChecked(),
            awaiting_approval=self.awaiting_check.isChecked(),
            include_retired=self.retired_check.isChecked(),
        )

    def apply_filter_widgets(self) -> None:
        self._debounce.stop()
        self._apply(self.current_filter())

    def clear_filter(self) -> None:
        self.set_filter(RegisterFilter(include_retired=False))

    def _apply(self, register_filter: RegisterFilter) -> None:
        self.model.set_filter(register_filter)
        described = register_filter.describe()
        self.filter_label.setText(f"Showing: {described}" if described else "")

    def _on_model_reset(self) -> None:
        total = self.model.total_count()
        shown = self.model.rowCount()
        self._stack.setCurrentWidget(self.table if total else self.empty)
        self.count_label.setText(f"{shown} of {total}" if shown != total else f"{total} artifacts")
        self._update_actions()

    # --- selection and actions --------------------------------------------------------------

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.artifact_id(rows[0].row()) if rows else None

    def select_artifact(self, artifact_id: int) -> None:
        row = self.model.row_of(artifact_id)
        if row is None:
            self.clear_filter()
            row = self.model.row_of(artifact_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _update_actions(self) -> None:
        has_selection = self.selected_id() is not None
        for action in (
            self.open_action,
            self.edit_action,
            self.duplicate_action,
            self.retire_action,
            self.risks_action,
        ):
            action.setEnabled(has_selection)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        self.artifact_open_requested.emit(self.model.artifact_id(index.row()))

    def show_linked_risks(self) -> None:
        artifact_id = self.selected_id()
        if artifact_id is not None:
            self.navigation_requested.emit("risks", f"document:{artifact_id}")

    def open_selected(self) -> None:
        artifact_id = self.selected_id()
        if artifact_id is not None:
            self.artifact_open_requested.emit(artifact_id)

    def _show_context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        for action in (self.open_action, self.edit_action, self.duplicate_action,
                       self.retire_action, self.risks_action, self.export_action):  # fmt: skip
            menu.addAction(action)
        if self._artifact_actions:
            menu.addSeparator()
            for action in self._artifact_actions:
                menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(position))

    def new_artifact(self) -> None:
        if self.workspace is None:
            return
        workspace = self.workspace
        dialog = ArtifactDialog(templates=templates.load_templates(), parent=self)
        dialog.owner_edit.setText(profile.get_profile(workspace).isms_owner)
        created: list[int] = []

        def submit() -> None:
            if dialog.template_key:
                changes, artifact_id = artifacts.create_from_template(
                    workspace,
                    actor=self.user_name,
                    template_key=dialog.template_key,
                    title=dialog.title_edit.text(),
                    owner=dialog.owner_edit.text(),
                    review_interval_months=dialog.interval_spin.value(),
                )
            else:
                changes, artifact_id = artifacts.create_artifact(
                    workspace,
                    actor=self.user_name,
                    kind=dialog.kind,
                    title=dialog.title_edit.text(),
                    owner=dialog.owner_edit.text(),
                    refs=dialog.refs,
                    review_interval_months=dialog.interval_spin.value(),
                )
            created.append(artifact_id)
            self._emit(changes, artifact_id)
            self.notify(f"Created “{dialog.title_edit.text().strip()}” as a draft")

        dialog.on_submit(submit)
        dialog.open()

    def edit_selected(self) -> None:
        artifact_id = self.selected_id()
        if artifact_id is None or self.workspace is None:
            return
        workspace = self.workspace
        dialog = ArtifactDialog(details=artifacts.get_details(workspace, artifact_id), parent=self)

        def submit() -> None:
            changes = artifacts.update_properties(
                workspace,
                actor=self.user_name,
                artifact_id=artifact_id,
                refs=dialog.refs,
                title=dialog.title_edit.text(),
                kind=dialog.kind,
                owner=dialog.owner_edit.text(),
                review_interval_months=dialog.interval_spin.value(),
                next_review=dialog.next_review_edit.value(),
            )
            self._emit(changes, artifact_id)
            self.notify(f"Saved the properties of “{dialog.title_edit.text().strip()}”")

        dialog.on_submit(submit)
        dialog.open()

    def duplicate_selected(self) -> None:
        artifact_id = self.selected_id()
        if artifact_id is None or self.workspace is None:
            return
        try:
            changes, new_id = artifacts.duplicate(
                self.workspace, actor=self.user_name, artifact_id=artifact_id
            )
        except ServiceError as error:
            self.report_error("Duplicate", error)
            return
        self._emit(changes, new_id)
        self.notify(f"Duplicated as “{artifacts.get_details(self.workspace, new_id).title}”")

    def ask_retire_reason(self, title: str) -> str | None:
        reason, accepted = QInputDialog.getText(
            self,
            "Retire Artifact",
            f"Retire “{title}”? It leaves the live register; its versions and approvals are "
            "kept.\n\nReason (recorded in the audit trail):",
        )
        return reason if accepted else None

    def retire_selected(self) -> None:
        artifact_id = self.selected_id()
        if artifact_id is None or self.workspace is None:
            return
        details = artifacts.get_details(self.workspace, artifact_id)
        reason = self.ask_retire_reason(details.title)
        if reason is None:
            return
        try:
            changes = artifacts.retire(
                self.workspace, actor=self.user_name, artifact_id=artifact_id, reason=reason
            )
        except ServiceError as error:
            self.report_error("Retire", error)
            return
        self._emit(changes)
        self.notify(f"Retired “{details.title}”: it left the live register, its history stays")

    def ask_export_path(self) -> tuple[str, str]:
        return ask_save_path_and_filter(
            self,
            "Export Register",
            self.files.suggest(FileKind.REGISTER, "isms-register.xlsx"),
            "Excel workbook (*.xlsx);;CSV (*.csv)",
        )

    def export_register(self) -> None:
        if self.workspace is None:
            return
        chosen, selected_filter = self.ask_export_path()
        if not chosen:
            return
        target = Path(chosen)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in register_export.EXPORT_FORMATS:
            fmt = "csv" if "csv" in selected_filter.lower() else "xlsx"
            target = target.with_name(f"{target.name}.{fmt}")
        if not confirm_target(self, target, title="Export Register"):
            return
        try:
            count = register_export.export_register(
                self.workspace, target, register_filter=self.current_filter(), fmt=fmt,
                actor=self.user_name,
            )  # fmt: skip
        except OSError as error:
            self.report_error("Export Register", f"cannot write {target}: {error.strerror}")
            return
        self.files.remember(FileKind.REGISTER, target)
        self.notify(f"Exported {counted(count, 'artifact')} to {target}")
        announce(self, "Export Register", f"Exported {count} artifacts to {target}.", target)

    def edit_profile(self) -> ProfileDialog | None:
        if self.workspace is None:
            return None
        workspace = self.workspace
        dialog = ProfileDialog(profile.get_profile(workspace), self)

        def submit() -> None:
            self._emit(profile.update_profile(workspace, actor=self.user_name, **dialog.values()))
            self.notify("Saved the workspace profile")

        dialog.on_submit(submit, ValueError)
        dialog.open()
        return dialog
