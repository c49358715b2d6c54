"""The look and behaviour shared by the tables of records, and their models' fixed titles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

ROW_HEIGHT = 24


class TitledColumns:
    """``columnCount`` and ``headerData`` of a table model whose columns are fixed titles.

    Put before the Qt model class: ``class Model(TitledColumns, QAbstractTableModel)`` with
    ``titles = (...)``.
    """

    titles: ClassVar[tuple[str, ...]] = ()

    def columnCount(  # noqa: N802 (Qt override)
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return 0 if parent.isValid() else len(self.titles)

    def headerData(  # noqa: N802 (Qt override)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.titles[section] if 0 <= section < len(self.titles) else None
        return None


def configure_record_table(table: QTableView, widths: Sequence[int]) -> None:
    """One row per record, selected whole; compact rows; resizable columns of these widths.

    The tables are read-only, so Tab leaves the table for the next control instead of walking
    its cells.
    """
    table.setTabKeyNavigation(False)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
