"""The risk table's model: holds risk ids, fetches rows lazily in pages, colours the levels."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from workbench.services.risks import acceptance, listing
from workbench.services.risks.acceptance import AcceptanceCheck, AcceptanceState
from workbench.services.risks.listing import COLUMN_TITLES, Column, RiskFilter, RiskRow
from workbench.services.risks.method import RiskMethod
from workbench.services.store.workspace import Workspace
from workbench.views.common.paged_model import AnyIndex, PagedRecordModel
from workbench.views.risks.heat_map import ink

COLUMNS = list(Column)
LEVEL_COLUMNS = {Column.LEVEL: "level", Column.RESIDUAL_LEVEL: "residual_level"}
NUMBER_COLUMNS = {
    Column.LIKELIHOOD, Column.IMPACT, Column.RESIDUAL_LIKELIHOOD, Column.RESIDUAL_IMPACT,
}  # fmt: skip
TOOLTIPS = {
    Column.LEVEL: "Inherent level: before the planned treatment, with the controls in place",
    Column.RESIDUAL_LEVEL: "Residual level: once the planned treatment is in place",
    Column.ACCEPTANCE: "The risk owner's signed acceptance of the residual risk, checked now",
}
STATE_COLOURS = {
    AcceptanceState.VALID: "#1b7f3b",
    AcceptanceState.STALE: "#a15c00",
    AcceptanceState.EXPIRED: "#a15c00",
    AcceptanceState.INVALID: "#b00020",
}


class RiskTableModel(PagedRecordModel[RiskRow]):
    page_size = 100

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Per row, the text of every column, made once when the row is fetched.
        self._texts: dict[int, list[str]] = {}
        self._brushes: dict[int, tuple[QBrush, QBrush]] = {}
        # Whether each signed acceptance still holds, checked when its row is shown.
        self._acceptances: dict[int, AcceptanceCheck | None] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self.method: RiskMethod | None = None
        self.risk_filter = RiskFilter()
        self._sort = Column.REF
        self._descending = False

    def load_ids(self, workspace: Workspace) -> tuple[list[int], int]:
        self.method = listing.method_of(workspace)
        self._brushes = {
            index: (QBrush(QColor(level.colour)), QBrush(ink(QColor(level.colour))))
            for index, level in enumerate(self.method.levels)
        }
        ids = listing.query_ids(
            workspace, self.risk_filter, sort=self._sort, descending=self._descending
        )
        return ids, listing.count_all(workspace)

    def fetch_rows(self, workspace: Workspace, ids: list[int]) -> dict[int, RiskRow]:
        return listing.fetch_rows(workspace, ids)

    def forget_rows(self) -> None:
        self._texts.clear()
        self._acceptances.clear()
        self.method = None

    def set_filter(self, risk_filter: RiskFilter) -> None:
        self.risk_filter = risk_filter
        self.refresh()

    def risk_id(self, row: int) -> int:
        return self.record_id(row)

    def ref(self, row: int) -> str | None:
        found = self._row(row)
        return found.ref if found else None

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 (Qt override)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMN_TITLES[COLUMNS[section]]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(COLUMNS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.method is None:
            return None
        row_number, column_number = index.row(), index.column()
        column = COLUMNS[column_number]
        if column is Column.ACCEPTANCE:
            return self._acceptance_data(row_number, role)
        if role == Qt.ItemDataRole.DisplayRole:
            texts = self._row_texts(row_number)
            return texts[column_number] if texts is not None else None
        if column in LEVEL_COLUMNS:
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            row = self._row(row_number)
            level = getattr(row, LEVEL_COLUMNS[column]) if row is not None else None
            if level is None or level not in self._brushes:
                return None
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._brushes[level][0]
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._brushes[level][1]
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == Qt.ItemDataRole.ToolTipRole and row is not None:
                ratings = self._ratings(row, column)
                return f"Likelihood × impact: {ratings}; {TOOLTIPS[column]}"
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.TITLE:
            row = self._row(row_number)
            return row.title if row is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMBER_COLUMNS:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _acceptance_data(self, row_number: int, role: int) -> Any:
        row = self._row(row_number)
        if row is None or not row.accepted or self._workspace is None:
            return None
        if row.id not in self._acceptances:
            # Every accepted risk of the page in one read, as the rows themselves are fetched.
            self._row(row_number)
            rows = (self._cache.get(risk_id) for risk_id in self.page_ids(row_number))
            page = [r.id for r in rows if r is not None and r.accepted]
            found = acceptance.residual_acceptances(self._workspace, page)
            self._acceptances.update({risk_id: found.get(risk_id) for risk_id in page})
        check = self._acceptances.get(row.id)
        if check is None:
            return None
        today = date.today()
        state = check.state(today)
        if role == Qt.ItemDataRole.DisplayRole:
            return state.value
        if role == Qt.ItemDataRole.ToolTipRole:
            return check.describe(today)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(STATE_COLOURS[state]))
        return None

    def _row_texts(self, row_number: int) -> list[str] | None:
        row = self._row(row_number)
        if row is None or self.method is None:
            return None
        texts = self._texts.get(row.id)
        if texts is None:
            texts = []
            for column in COLUMNS:
                text = listing.cell_text(row, column, self.method)
                ratings = self._ratings(row, column) if column in LEVEL_COLUMNS else ""
                texts.append(f"{text} {ratings}" if text and ratings else text)
            self._texts[row.id] = texts
        return texts

    @staticmethod
    def _ratings(row: RiskRow, column: Column) -> str:
        if column is Column.LEVEL and row.likelihood is not None:
            return f"{row.likelihood}×{row.impact}"
        if column is Column.RESIDUAL_LEVEL and row.residual_likelihood is not None:
            return f"{row.residual_likelihood}×{row.residual_impact}"
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = COLUMNS[column]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()
