"""An audit's findings: add, edit and close them. Each change is saved at once.

Signals:
    changes_made(ChangeSet): a finding was written.
    status_posted(str): a confirmation of what was written, for the status bar.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.models import FindingSeverity, FindingStatus
from workbench.services.planner import findings
from workbench.services.planner.drafts import PlannerError
from workbench.services.planner.findings import SEVERITY_LABELS, FindingDraft, FindingRow
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.views.common.artifact_dialog import full_ref, short_ref
from workbench.views.common.date_edit import DateEdit
from workbench.views.common.dates import format_date
from workbench.views.common.focus import focus_first_field
from workbench.views.common.form_dialog import FormDialog
from workbench.views.planner.models import OVERDUE_COLOUR

DEFAULT_DUE_DAYS = 30
HEADERS = ("Finding", "Clause / control", "Severity", "Owner", "Due", "Status")


class FindingForm(FormDialog):
    def __init__(self, draft: FindingDraft | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Edit Finding" if draft else "New Finding", parent)
        self.setObjectName("findingForm")
        editing = draft is not None
        draft = draft or FindingDraft(text="")
        self.text_edit = QLineEdit(draft.text, self)
        self.text_edit.setObjectName("findingText")
        self.ref_edit = QLineEdit(short_ref(draft.ref), self)
        self.ref_edit.setObjectName("findingRef")
        self.ref_edit.setPlaceholderText("e.g. 7.5.3 or A.5.18")
        self.severity_combo = QComboBox(self)
        self.severity_combo.setObjectName("findingSeverity")
        for severity, label in SEVERITY_LABELS.items():
            self.severity_combo.addItem(label, severity.value)
        self.severity_combo.setCurrentIndex(self.severity_combo.findData(draft.severity.value))
        self.owner_edit = QLineEdit(draft.owner, self)
        self.owner_edit.setObjectName("findingOwner")
        # A new finding is due in a month: due today, it would be born overdue.
        due = draft.due if editing else date.today() + timedelta(days=DEFAULT_DUE_DAYS)
        self.due_edit = DateEdit(due, optional=True, placeholder="no due date", name="Due")
        self.due_edit.setObjectName("findingDue")
        self.due_edit.setToolTip("When the corrective action is due; leave empty for none")
        self.closed_check = QCheckBox("Closed (corrective action verified)", self)
        self.closed_check.setObjectName("findingClosed")
        self.closed_check.setChecked(draft.status is FindingStatus.CLOSED)
        self.form.addRow("&Finding", self.text_edit)
        self.form.addRow("&Clause or control", self.ref_edit)
        self.form.addRow("&Severity", self.severity_combo)
        self.form.addRow("&Owner", self.owner_edit)
        self.form.addRow("&Due", self.due_edit)
        self.form.addRow("", self.closed_check)
        self.resize(480, self.sizeHint().height())

    def draft(self) -> FindingDraft:
        return FindingDraft(
            text=self.text_edit.text(),
            ref=full_ref(self.ref_edit.text()),
            severity=FindingSeverity(self.severity_combo.currentData()),
            owner=self.owner_edit.text(),
            due=self.due_edit.value(),
            status=FindingStatus.CLOSED if self.closed_check.isChecked() else FindingStatus.OPEN,
        )


class FindingsDialog(QDialog):
    changes_made = Signal(object)
    status_posted = Signal(str)

    def __init__(
        self,
        *,
        workspace: Workspace,
        event_id: int,
        event_title: str,
        actor: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("findingsDialog")
        self.setWindowTitle(f"Findings: {event_title}")
        self.workspace, self.event_id, self.actor = workspace, event_id, actor
        self._rows: list[FindingRow] = []
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(HEADERS))
        self.table = QTableView(self)
        self.table.setObjectName("findingsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.empty = QLabel("No findings recorded for this audit yet.", self)
        add = QPushButton("&Add Finding…", self)
        add.setObjectName("findingAdd")
        add.clicked.connect(self.add_finding)
        edit = QPushButton("&Edit…", self)
        edit.clicked.connect(self.edit_selected)
        close = QPushButton("&Close Finding", self)
        close.setObjectName("findingClose")
        close.clicked.connect(self.close_selected)
        buttons = QHBoxLayout()
        for button in (add, edit, close):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # "Done", not "Close": beside "Close Finding" a plain "Close" reads as the same thing.
        done = QDialogButtonBox(self)
        done.addButton("D&one", QDialogButtonBox.ButtonRole.RejectRole)
        done.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(done)
        self.resize(820, 360)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        focus_first_field(self)

    def refresh(self) -> None:
        self._rows = findings.list_findings(self.workspace, self.event_id)
        self.model.removeRows(0, self.model.rowCount())
        today = date.today()
        for row in self._rows:
            draft = row.draft
            cells = [
                draft.text,
                short_ref(draft.ref),
                SEVERITY_LABELS[draft.severity],
                draft.owner,
                format_date(draft.due),
                draft.status.value,
            ]
            items = [QStandardItem(cell) for cell in cells]
            if draft.status is FindingStatus.OPEN and draft.due and draft.due < today:
                for item in items:
                    item.setForeground(QBrush(QColor(OVERDUE_COLOUR)))
            self.model.appendRow(items)
        self.empty.setVisible(not self._rows)

    def selected(self) -> FindingRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    def _write(self, changes: ChangeSet, said: str) -> None:
        self.changes_made.emit(changes)
        self.status_posted.emit(said)
        self.refresh()

    def add_finding(self) -> FindingForm:
        form = FindingForm(parent=self)
        form.on_submit(
            lambda: self._write(
                findings.add_finding(self.workspace, self.event_id, form.draft(), actor=self.actor),
                f"Added the finding “{form.text_edit.text().strip()}”.",
            ),
            PlannerError,
        )
        form.open()
        return form

    def edit_selected(self) -> FindingForm | None:
        row = self.selected()
        if row is None:
            return None
        form = FindingForm(row.draft, parent=self)
        form.on_submit(
            lambda: self._write(
                findings.update_finding(self.workspace, row.id, form.draft(), actor=self.actor),
                f"Saved the finding “{form.text_edit.text().strip()}”.",
            ),
            PlannerError,
        )
        form.open()
        return form

    def close_selected(self) -> None:
        row = self.selected()
        if row is None or row.draft.status is FindingStatus.CLOSED:
            return
        self._write(
            findings.close_finding(self.workspace, row.id, actor=self.actor),
            f"Closed the finding “{row.draft.text}”.",
        )
