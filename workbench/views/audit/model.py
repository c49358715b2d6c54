"""The audit trail's table model: holds entry ids, fetches rows lazily in pages."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from workbench.services.audit import trail
from workbench.services.audit.trail import AuditFilter, AuditRow
from workbench.services.store.workspace import Workspace

PAGE_SIZE = 200
HEADERS = ("#", "When", "Who", "Action", "About", "What changed")
AnyIndex = QModelIndex | QPersistentModelIndex


class AuditTrailModel(QAbstractTableModel):
    """Newest entry first. Sorting is fixed: the log's order is its meaning."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace: Workspace | None = None
        self._ids: list[int] = []
        self._cache: dict[int, AuditRow] = {}
        self._total = 0
        self.audit_filter = AuditFilter()

    def set_workspace(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self.refresh()

    def set_filter(self, audit_filter: AuditFilter) -> None:
        self.audit_filter = audit_filter
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._cache.clear()
        if self._workspace is None:
            self._ids, self._total = [], 0
        else:
            self._ids = trail.query_ids(self._workspace, self.audit_filter)
            self._total = trail.count_all(self._workspace)
        self.endResetModel()

    def total_count(self) -> int:
        return self._total

    def entry(self, row: int) -> AuditRow | None:
        return self._row(row)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(HEADERS):
                return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, index.column())
        match index.column():
            case 0:
                return str(row.id)
            case 1:
                return row.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            case 2:
                return row.actor
            case 3:
                return row.action
            case 4:
                return row.subject
            case 5:
                return row.description
        return None

    def _row(self, row: int) -> AuditRow | None:
        if not 0 <= row < len(self._ids) or self._workspace is None:
            return None
        entry_id = self._ids[row]
        if entry_id not in self._cache:
            page_start = row - row % PAGE_SIZE
            page = self._ids[page_start : page_start + PAGE_SIZE]
            self._cache.update(trail.fetch_rows(self._workspace, page))
        return self._cache.get(entry_id)


def _tooltip(row: AuditRow, column: int) -> str:
    if column == 0:
        return f"Entry hash {row.entry_hash}\nPrevious {row.prev_hash}"
    if column == 1:
        return row.at.isoformat()
    if column == 5:
        try:
            return json.dumps(json.loads(row.summary), indent=2, ensure_ascii=False)
        except ValueError:
            return row.summary
    return ""
