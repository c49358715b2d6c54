"""The register's columns: which are shown, in what order and how wide, and fitting them.

Twelve columns do not fit beside the coverage panel, so the ones a consultant checks first
(title, status, signature, next review) come first; the rest are a right-click on the header
(or the Columns button) away. The header's own state (order, widths, hidden sections) is what
the window saves between sessions.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTableView, QWidget

from workbench.services.register.listing import COLUMN_TITLES, Column
from workbench.views.register.model import (
    COLUMNS,
    PLACEHOLDER_COLUMN,
    PLACEHOLDER_TITLE,
    SIGNATURE_COLUMN,
)

SIGNATURE = "signature"
PLACEHOLDERS = "placeholders"
ColumnKey = Column | str
# The default order, left to right, and the widths the columns start with.
DEFAULT_ORDER: tuple[ColumnKey, ...] = (
    Column.ID, Column.TITLE, Column.STATUS, SIGNATURE, Column.NEXT_REVIEW, Column.OWNER,
    Column.KIND, Column.REFS, Column.VERSION, PLACEHOLDERS, Column.APPROVED_VERSION,
    Column.UPDATED,
)  # fmt: skip
# ID to Next review fit a 1024 px window beside the coverage panel.
DEFAULT_WIDTHS: dict[ColumnKey, int] = {
    Column.ID: 44, Column.TITLE: 220, Column.STATUS: 90, SIGNATURE: 115,
    Column.NEXT_REVIEW: 100, Column.OWNER: 130, Column.KIND: 120, Column.REFS: 140,
    Column.VERSION: 70, PLACEHOLDERS: 90, Column.APPROVED_VERSION: 85, Column.UPDATED: 130,
}  # fmt: skip
KEY_COLUMNS: tuple[ColumnKey, ...] = (Column.TITLE, Column.STATUS, SIGNATURE, Column.NEXT_REVIEW)
# Columns whose text can be elided when space is short; the others keep what they need.
FLEXIBLE: tuple[ColumnKey, ...] = (Column.TITLE, Column.REFS, Column.OWNER, Column.KIND)
ALWAYS_SHOWN: tuple[ColumnKey, ...] = (Column.TITLE,)
MAX_NATURAL = 420  # a very long title does not take the whole table when fitting
MIN_TITLE = 120
STATE_VERSION = 3  # bump when DEFAULT_ORDER changes, so an old saved layout is not restored


def logical_index(key: ColumnKey) -> int:
    if key == SIGNATURE:
        return SIGNATURE_COLUMN
    return PLACEHOLDER_COLUMN if key == PLACEHOLDERS else COLUMNS.index(Column(key))


def title(key: ColumnKey) -> str:
    if key == SIGNATURE:
        return "Signature"
    return PLACEHOLDER_TITLE if key == PLACEHOLDERS else COLUMN_TITLES[Column(key)]


def all_columns() -> list[ColumnKey]:
    return [*COLUMNS[:], SIGNATURE, PLACEHOLDERS]


class RegisterColumns:
    """Shows, hides, orders and fits the columns of the register table."""

    def __init__(self, table: QTableView) -> None:
        self.table = table
        self.header = table.horizontalHeader()
        self.header.setSectionsMovable(True)
        self.header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.header.customContextMenuRequested.connect(
            lambda position: self.menu(self.table).popup(self.header.mapToGlobal(position))
        )

    # --- layout -------------------------------------------------------------------------------

    def reset(self) -> None:
        """The default order, all columns shown, the default widths (never clipping a header)."""
        for position, key in enumerate(DEFAULT_ORDER):
            index = logical_index(key)
            self.header.moveSection(self.header.visualIndex(index), position)
            self.header.setSectionHidden(index, False)
            self.table.setColumnWidth(index, max(DEFAULT_WIDTHS[key], self._header_width(index)))

    def set_shown(self, key: ColumnKey, shown: bool) -> None:
        if key in ALWAYS_SHOWN and not shown:
            return
        self.header.setSectionHidden(logical_index(key), not shown)

    def is_shown(self, key: ColumnKey) -> bool:
        return not self.header.isSectionHidden(logical_index(key))

    def visible_order(self) -> list[ColumnKey]:
        """The shown columns, left to right."""
        by_index = {logical_index(key): key for key in all_columns()}
        order = [by_index[self.header.logicalIndex(v)] for v in range(self.header.count())]
        return [key for key in order if self.is_shown(key)]

    def _header_width(self, index: int) -> int:
        # What the title needs, with the sort arrow's room and the style's padding.
        return self.header.sectionSizeFromContents(index).width() + 8

    def _floor(self, key: ColumnKey) -> int:
        floor = self._header_width(logical_index(key))
        return max(floor, MIN_TITLE) if key == Column.TITLE else floor

    def _natural_width(self, index: int) -> int:
        content = self.table.sizeHintForColumn(index)
        return min(max(content, self._header_width(index)), MAX_NATURAL)

    def fit_to_width(self) -> None:
        """Size the shown columns to their contents, then shrink or widen the flexible ones so
        that all of them fit the table's width without a horizontal scroll bar, where they can."""
        shown = self.visible_order()
        widths = {key: self._natural_width(logical_index(key)) for key in shown}
        room = self.table.viewport().width()
        excess = sum(widths.values()) - room
        flexible = [key for key in shown if key in FLEXIBLE]
        if excess > 0 and flexible:
            spare = {key: max(widths[key] - self._floor(key), 0) for key in flexible}
            total_spare = sum(spare.values())
            for key in flexible:
                cut = excess * spare[key] // total_spare if total_spare else 0
                widths[key] -= min(cut, spare[key])
        elif excess < 0 and Column.TITLE in widths:
            widths[Column.TITLE] += -excess
        for key, width in widths.items():
            self.table.setColumnWidth(logical_index(key), width)

    # --- the chooser --------------------------------------------------------------------------

    def menu(self, parent: QWidget) -> QMenu:
        """Show/hide each column, fit them to the width, or go back to the defaults."""
        menu = QMenu(parent)
        menu.setObjectName("registerColumnsMenu")
        for key in DEFAULT_ORDER:
            action = QAction(title(key), menu)
            action.setCheckable(True)
            action.setChecked(self.is_shown(key))
            action.setEnabled(key not in ALWAYS_SHOWN)
            action.toggled.connect(lambda shown, k=key: self.set_shown(k, shown))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction("&Fit Columns to Width", self.fit_to_width)
        menu.addAction("&Reset Columns", self.reset)
        return menu

    # --- saved state --------------------------------------------------------------------------

    def save(self) -> dict[str, object]:
        return {"columns": self.header.saveState(), "columnsVersion": STATE_VERSION}

    def restore(self, state: dict[str, object]) -> bool:
        """Restore a saved layout; False (and the defaults) when there is none or it is stale."""
        saved = state.get("columns")
        version = state.get("columnsVersion")
        if not isinstance(saved, QByteArray) or str(version) != str(STATE_VERSION):
            return False
        if not self.header.restoreState(saved) or self.header.count() != len(all_columns()):
            self.reset()
            return False
        self.header.setSectionHidden(logical_index(Column.TITLE), False)
        return True
