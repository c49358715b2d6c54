"""The look and behaviour shared by the tables of records (register, audit trail)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHeaderView, QTableView

ROW_HEIGHT = 24


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
