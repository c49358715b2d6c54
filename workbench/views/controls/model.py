"""The control table's model: one row per control record, sorted in Python (a workspace holds
a few hundred controls at most, so the records are held whole)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from workbench.services.controls.records import ControlRecord
from workbench.services.controls.themes import REASON_CODES, STATUS_LABELS
from workbench.services.dashboard import palette
from workbench.views.common.record_table import TitledColumns

HEADERS = ("ID", "Title", "Applicable", "Status", "Owner", "Target", "Evidence", "Reasons")
RECORD_ROLE = Qt.ItemDataRole.UserRole
AnyIndex = QModelIndex | QPersistentModelIndex
MUTED = QColor(palette.MUTED)
WARNING = QColor(palette.WARNING)


def _id_key(local_id: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in local_id.split("."))


def _evidence_text(record: ControlRecord, today: date) -> str:
    if not record.evidence:
        return ""
    expired = sum(item.expired(today) for item in record.evidence)
    return f"{len(record.evidence)}" + (f" ({expired} expired)" if expired else "")


def cell_text(record: ControlRecord, column: int, today: date) -> str:
    match column:
        case 0:
            return record.local_id
        case 1:
            return record.title
        case 2:
            return "Yes" if record.applicable else "No"
        case 3:
            return STATUS_LABELS[record.status] if record.applicable else "Excluded"
        case 4:
            return record.owner
        case 5:
            return record.target_date.isoformat() if record.target_date else ""
        case 6:
            return _evidence_text(record, today)
        case 7:
            return ", ".join(REASON_CODES[reason] for reason in record.all_reasons)
    return ""


class ControlTableModel(TitledColumns, QAbstractTableModel):
    titles = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.records: list[ControlRecord] = []
        self.today = date.today()
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    def set_records(self, records: list[ControlRecord], today: date) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.today = today
        self._apply_sort()
        self.endResetModel()

    def record(self, row: int) -> ControlRecord | None:
        return self.records[row] if 0 <= row < len(self.records) else None

    def row_of(self, control_id: int) -> int | None:
        return next((row for row, r in enumerate(self.records) if r.id == control_id), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.record(index.row()) if index.isValid() else None
        if record is None or not 0 <= index.column() < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(record, index.column(), self.today)
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.ForegroundRole:
            if index.column() == 6 and record.evidence_expired(self.today):
                return WARNING
            if index.column() == 5 and record.past_target(self.today):
                return WARNING
            if not record.applicable:
                return MUTED
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == 1:
                return record.title + (f"\n{record.included_because}" if record.risks else "")
            if index.column() == 2 and not record.applicable:
                return record.justification
            if index.column() == 6 and record.evidence:
                return "\n".join(f"{e.label} {e.title} (r{e.revision})" for e in record.evidence)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._apply_sort()
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        column, order = self._sort

        def key(record: ControlRecord) -> tuple[object, ...]:
            if column == 0:
                return (record.position, _id_key(record.local_id))
            if column == 6:
                return (len(record.evidence), record.position)
            return (cell_text(record, column, self.today).lower(), record.position)

        self.records.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
