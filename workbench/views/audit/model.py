"""The audit trail's table model: holds entry ids, fetches rows lazily in pages."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QObject, Qt

from workbench.services.audit import trail
from workbench.services.audit.trail import AuditFilter, AuditRow
from workbench.services.store.workspace import Workspace
from workbench.views.common.paged_model import AnyIndex, PagedRecordModel
from workbench.views.common.record_table import TitledColumns

HEADERS = ("#", "When", "Who", "Action", "About", "What changed")


class AuditTrailModel(TitledColumns, PagedRecordModel[AuditRow]):
    """Newest entry first. Sorting is fixed: the log's order is its meaning."""

    titles = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.audit_filter = AuditFilter()

    def load_ids(self, workspace: Workspace) -> tuple[list[int], int]:
        return trail.query_ids(workspace, self.audit_filter), trail.count_all(workspace)

    def fetch_rows(self, workspace: Workspace, ids: list[int]) -> dict[int, AuditRow]:
        return trail.fetch_rows(workspace, ids)

    def set_filter(self, audit_filter: AuditFilter) -> None:
        self.audit_filter = audit_filter
        self.refresh()

    def entry(self, row: int) -> AuditRow | None:
        return self._row(row)

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
