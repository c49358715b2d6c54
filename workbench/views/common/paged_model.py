"""A table of records held as ids, whose rows are fetched a page at a time when first shown.

The register, the risk register and the audit trail can hold a hundred thousand records: the
model keeps only their ids in order (one query), and reads a page of rows from the workspace
the first time one of them is painted. Each table says how to list its ids and fetch its rows;
the paging, the caches and Qt's row bookkeeping are here, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex

from workbench.services.store.workspace import Workspace

AnyIndex = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")


class PagedRecordModel(QAbstractTableModel, Generic[RowT]):
    page_size = 200

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace: Workspace | None = None
        self._ids: list[int] = []
        self._cache: dict[int, RowT] = {}
        self._total = 0

    # --- what each table says -----------------------------------------------------------------

    def load_ids(self, workspace: Workspace) -> tuple[list[int], int]:
        """The ids to show, in order, and how many records the workspace holds in all."""
        raise NotImplementedError

    def fetch_rows(self, workspace: Workspace, ids: list[int]) -> Mapping[int, RowT]:
        """The rows of these ids (one read for the page)."""
        raise NotImplementedError

    def forget_rows(self) -> None:
        """Drop whatever the table worked out from its rows (a refresh is under way)."""

    # --- shared -------------------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        self._workspace = workspace
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._cache.clear()
        self.forget_rows()
        if self._workspace is None:
            self._ids, self._total = [], 0
        else:
            self._ids, self._total = self.load_ids(self._workspace)
        self.endResetModel()

    def total_count(self) -> int:
        """Records in the workspace, whatever the filter."""
        return self._total

    def record_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, record_id: int) -> int | None:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return None

    def page_ids(self, row: int) -> list[int]:
        """The ids of the page that holds ``row``."""
        start = row - row % self.page_size
        return self._ids[start : start + self.page_size]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def _row(self, row: int) -> RowT | None:
        if not 0 <= row < len(self._ids) or self._workspace is None:
            return None
        record_id = self._ids[row]
        if record_id not in self._cache:
            self._cache.update(self.fetch_rows(self._workspace, self.page_ids(row)))
        return self._cache.get(record_id)
