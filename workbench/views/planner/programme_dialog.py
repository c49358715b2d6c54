"""Generate Audit Programme: propose the three-year certification cycle, adjust it, accept it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from workbench.models import EventKind
from workbench.services.planner.drafts import KIND_LABELS
from workbench.services.planner.programme import ProgrammeItem
from workbench.views.common.date_edit import DateEdit, DateEntryError
from workbench.views.common.form_dialog import FormDialog
from workbench.views.planner.calendar import kind_icon

Proposer = Callable[[date], list[ProgrammeItem]]
COLUMNS = ("Add", "Kind", "Title", "Date", "Days", "Note")
INCLUDE, KIND, TITLE, DATE, DAYS, NOTE = range(len(COLUMNS))


class ProgrammeDialog(FormDialog):
    """A small, fixed list of proposals (a dozen rows), so a table widget is fine here."""

    def __init__(self, *, target: date, propose: Proposer, parent: QWidget | None = None) -> None:
        super().__init__("Generate Audit Programme", parent)
        self.setObjectName("programmeDialog")
        self._propose = propose
        self._kinds: list[EventKind] = []
        self.target_edit = DateEdit(target, name="Certification target", parent=self)
        self.target_edit.setObjectName("programmeTarget")
        self.propose_button = QPushButton("&Propose", self)
        self.propose_button.setObjectName("programmePropose")
        self.propose_button.clicked.connect(self.propose)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target_edit, 1)
        target_row.addWidget(self.propose_button)
        target_label = QLabel("Certification (stage 2) &target", self)
        target_label.setBuddy(self.target_edit)
        self.form.addRow(target_label, target_row)
        explanation = QLabel(
            "Stage 1 six weeks before stage 2; surveillance audits 12 and 24 months after it and "
            "recertification after 36, each preceded by an internal audit and a management "
            "review. Untick, rename or move items, then add them to the planner.",
            self,
        )
        explanation.setWordWrap(True)
        self.form.addRow(explanation)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("programmeTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self.form.addRow(self.table)
        self.buttons.button(self.buttons.StandardButton.Ok).setText("&Add to Planner")
        self.resize(920, 560)
        self.propose()

    def propose(self) -> None:
        try:
            target = self.target_edit.value()
        except DateEntryError as error:
            self.error_label.setText(str(error))
            self.error_label.show()
            return
        assert target is not None  # a required field
        self.error_label.hide()
        self.show_items(self._propose(target))

    def show_items(self, items: list[ProgrammeItem]) -> None:
        self.table.setRowCount(0)
        self._kinds = []
        for item in items:
            self._append(item)

    def _append(self, item: ProgrammeItem) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._kinds.append(item.kind)
        include = QTableWidgetItem()
        include.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        include.setCheckState(Qt.CheckState.Checked if item.include else Qt.CheckState.Unchecked)
        self.table.setItem(row, INCLUDE, include)
        kind = QTableWidgetItem(KIND_LABELS[item.kind])
        kind.setFlags(Qt.ItemFlag.ItemIsEnabled)
        kind.setIcon(kind_icon(item.kind))
        self.table.setItem(row, KIND, kind)
        self.table.setItem(row, TITLE, QTableWidgetItem(item.title))
        start = DateEdit(item.start, name=f"Date of “{item.title}”", parent=self.table)
        self.table.setCellWidget(row, DATE, start)
        days = QSpinBox(self.table)
        days.setRange(1, 10)
        days.setValue(item.days)
        self.table.setCellWidget(row, DAYS, days)
        note = QTableWidgetItem(item.note)
        note.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.table.setItem(row, NOTE, note)

    def items(self) -> list[ProgrammeItem]:
        """The proposal as the consultant adjusted it."""
        found = []
        for row, kind in enumerate(self._kinds):
            start = self.table.cellWidget(row, DATE)
            days = self.table.cellWidget(row, DAYS)
            assert isinstance(start, DateEdit) and isinstance(days, QSpinBox)
            day = start.value()  # raises DateEntryError for text that is not a date
            assert day is not None  # the field is required
            found.append(
                ProgrammeItem(
                    kind=kind,
                    title=self._cell(row, TITLE).text(),
                    start=day,
                    days=days.value(),
                    include=self._cell(row, INCLUDE).checkState() == Qt.CheckState.Checked,
                    note=self._cell(row, NOTE).text(),
                )
            )
        return found

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None
        return item
