"""The Register pane: the central list of ISMS artifacts."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.services.changes import ChangeSet
from workbench.services.store import Workspace
from workbench.views.empty_state import empty_state_label
from workbench.views.pane import Pane
from workbench.views.register_model import RegisterFilter, RegisterTableModel


class RegisterView(Pane):
    title = "Register"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registerView")
        self.model = RegisterTableModel(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("registerFilterText")
        self.filter_edit.setPlaceholderText("Filter artifacts by title, owner or reference…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_text_changed)
        self.filter_label = QLabel(self)
        self.filter_label.setObjectName("registerFilterLabel")
        self.table = QTableView(self)
        self.table.setObjectName("registerTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = empty_state_label(
            "No artifacts yet. Open question Q012 and click “Build ISMS Components” to create "
            "the core ISMS documents.",
            self,
        )
        self._stack = QStackedLayout()
        self._stack.addWidget(self.table)
        self._stack.addWidget(self.empty)

        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.filter_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self._stack, 1)

    def set_workspace(self, workspace: Workspace) -> None:
        self.model.set_workspace(workspace)
        self._update_empty_state()

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.artifacts or changes.versions or changes.approvals:
            self.model.refresh()
            self._update_empty_state()

    def set_filter(self, register_filter: RegisterFilter) -> None:
        """Show the register narrowed as a card action or a link asks."""
        self.filter_edit.blockSignals(True)
        self.filter_edit.setText(register_filter.text)
        self.filter_edit.blockSignals(False)
        self.model.set_filter(register_filter)
        self.filter_label.setText(register_filter.describe())
        self._update_empty_state()

    def _on_filter_text_changed(self, text: str) -> None:
        current = self.model.register_filter
        self.set_filter(RegisterFilter(text=text, refs=current.refs, scope=current.scope))

    def _update_empty_state(self) -> None:
        has_any = self.model.total_count() > 0
        self._stack.setCurrentWidget(self.table if has_any else self.empty)
