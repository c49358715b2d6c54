"""The register's table model: holds artifact ids, fetches rows lazily in pages."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt

from workbench.services.approvals import signing
from workbench.services.register import listing, placeholders
from workbench.services.register.listing import COLUMN_TITLES, Column, RegisterFilter, RegisterRow
from workbench.services.register.placeholders import Placeholders
from workbench.services.store.workspace import Workspace
from workbench.views.common.badges import Badge, badge_data, signature_badge
from workbench.views.common.paged_model import AnyIndex, PagedRecordModel

COLUMNS = list(Column)
# After the stored columns: the approved version's signatures, checked when a row is shown,
# and the placeholders the latest version still carries, counted when a row is shown.
SIGNATURE_COLUMN = len(COLUMNS)
PLACEHOLDER_COLUMN = len(COLUMNS) + 1
PLACEHOLDER_TITLE = "Placeholders"


class RegisterTableModel(PagedRecordModel[RegisterRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._badges: dict[tuple[int, int], Badge] = {}
        self._placeholders: dict[int, Placeholders | None] = {}
        self.register_filter = RegisterFilter()
        self._sort = Column.ID
        self._descending = False

    def load_ids(self, workspace: Workspace) -> tuple[list[int], int]:
        ids = listing.query_ids(
            workspace, self.register_filter, sort=self._sort, descending=self._descending
        )
        return ids, listing.count_all(workspace)

    def fetch_rows(self, workspace: Workspace, ids: list[int]) -> dict[int, RegisterRow]:
        return listing.fetch_rows(workspace, ids)

    def forget_rows(self) -> None:
        self._badges.clear()
        self._placeholders.clear()

    def set_filter(self, register_filter: RegisterFilter) -> None:
        self.register_filter = register_filter
        self.refresh()

    def artifact_id(self, row: int) -> int:
        return self.record_id(row)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS) + 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(COLUMNS):
                return COLUMN_TITLES[COLUMNS[section]]
            if section == SIGNATURE_COLUMN:
                return "Signature"
            if section == PLACEHOLDER_COLUMN:
                return PLACEHOLDER_TITLE
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.column() == SIGNATURE_COLUMN:
            badge = self._badge(index.row())
            return badge_data(badge, role) if badge is not None else None
        if index.column() == PLACEHOLDER_COLUMN:
            return self._placeholder_data(index.row(), role)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.REFS:
            return "\n".join(row.refs)
        return listing.cell_text(row, column)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = COLUMNS[column]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    def _badge(self, row_number: int) -> Badge | None:
        row = self._row(row_number)
        if row is None or row.approved_version is None or self._workspace is None:
            return None
        key = (row.id, row.approved_version)
        if key not in self._badges:
            status = signing.signature_status(self._workspace, row.id, row.approved_version)
            self._badges[key] = signature_badge(status)
        return self._badges[key]

    def _placeholder_data(self, row_number: int, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row(row_number)
        if row is None or row.version is None or self._workspace is None:
            return None
        if row.id not in self._placeholders:
            # The whole page in one read, as the rows themselves are fetched.
            page = self.page_ids(row_number)
            counted = placeholders.of_latest(self._workspace, page)
            self._placeholders.update(
                {artifact_id: counted.get(artifact_id) for artifact_id in page}
            )
        found = self._placeholders[row.id]
        if found is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return found.describe() or "nothing left to complete"
        return found.total
