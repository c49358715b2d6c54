"""The heat map: the risk matrix with the number of risks in each cell, in the level's colour.

Likelihood runs upwards, impact to the right, as risk matrices are usually drawn. Clicking a
cell asks for the table to show the risks in it; clicking it again, or an empty cell, clears
that filter.

Signals:
    cell_clicked(int, int): likelihood and impact of the cell clicked (0, 0: cleared).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from workbench.services.risks.listing import HeatMap, View

AXIS_WIDTH = 108
AXIS_HEIGHT = 34
MIN_CELL = 30
MAX_CELL = 64
MARGIN = 6


def ink(colour: QColor) -> QColor:
    """Black or white text, whichever reads better on ``colour``."""
    light = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()
    return QColor("#000000") if light > 150 else QColor("#ffffff")


class HeatMapWidget(QWidget):
    cell_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskHeatMap")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.heat: HeatMap | None = None
        self.selected: tuple[int, int] | None = None

    def set_heat_map(self, heat: HeatMap) -> None:
        resized = self.heat is None or self.heat.method.size != heat.method.size
        self.heat = heat
        if resized:
            self.updateGeometry()
        rows, columns = len(heat.method.likelihood), len(heat.method.impact)
        if self.selected and not (
            1 <= self.selected[0] <= rows and 1 <= self.selected[1] <= columns
        ):
            self.selected = None
        self.update()

    def set_selected(self, cell: tuple[int, int] | None) -> None:
        self.selected = cell
        self.update()

    # --- geometry -------------------------------------------------------------------------

    def _cell_size(self) -> int:
        if self.heat is None:
            return MIN_CELL
        rows, columns = len(self.heat.method.likelihood), len(self.heat.method.impact)
        across = (self.width() - AXIS_WIDTH - 2 * MARGIN) // max(columns, 1)
        down = (self.height() - AXIS_HEIGHT - 2 * MARGIN) // max(rows, 1)
        return max(MIN_CELL, min(MAX_CELL, across, down))

    def cell_rect(self, likelihood: int, impact: int) -> QRect:
        assert self.heat is not None
        size = self._cell_size()
        rows = len(self.heat.method.likelihood)
        return QRect(
            MARGIN + AXIS_WIDTH + (impact - 1) * size,
            MARGIN + (rows - likelihood) * size,
            size - 2,
            size - 2,
        )

    def cell_at(self, position: QPoint) -> tuple[int, int] | None:
        if self.heat is None:
            return None
        for likelihood in range(1, len(self.heat.method.likelihood) + 1):
            for impact in range(1, len(self.heat.method.impact) + 1):
                if self.cell_rect(likelihood, impact).adjusted(0, 0, 2, 2).contains(position):
                    return likelihood, impact
        return None

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(AXIS_WIDTH + 5 * 52 + 2 * MARGIN, AXIS_HEIGHT + 5 * 52 + 2 * MARGIN)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        rows, columns = (5, 5)
        if self.heat is not None:
            rows, columns = len(self.heat.method.likelihood), len(self.heat.method.impact)
        return QSize(
            AXIS_WIDTH + columns * MIN_CELL + 2 * MARGIN,
            AXIS_HEIGHT + rows * MIN_CELL + 2 * MARGIN,
        )

    # --- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.heat is None:
            painter.end()
            return
        method = self.heat.method
        rows, columns = len(method.likelihood), len(method.impact)
        size = self._cell_size()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        bold = QFont(self.font())
        bold.setBold(True)
        bold.setPointSizeF(self.font().pointSizeF() + (2 if size >= 44 else 0))
        for likelihood in range(1, rows + 1):
            label_rect = QRect(MARGIN, self.cell_rect(likelihood, 1).top(), AXIS_WIDTH - 6, size)
            painter.setFont(small)
            painter.setPen(QColor("#3a4450"))
            text = f"{likelihood} {method.likelihood[likelihood - 1].label}"
            elided = painter.fontMetrics().elidedText(
                text, Qt.TextElideMode.ElideRight, label_rect.width()
            )
            painter.drawText(
                label_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, elided
            )
            for impact in range(1, columns + 1):
                self._paint_cell(painter, likelihood, impact, bold)
        painter.setFont(small)
        painter.setPen(QColor("#3a4450"))
        base = MARGIN + rows * size
        for impact in range(1, columns + 1):
            rect = QRect(MARGIN + AXIS_WIDTH + (impact - 1) * size, base, size, 16)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(impact))
        axis = QRect(MARGIN + AXIS_WIDTH, base + 14, columns * size, 16)
        painter.drawText(axis, Qt.AlignmentFlag.AlignCenter, "impact →")
        painter.end()

    def _paint_cell(self, painter: QPainter, likelihood: int, impact: int, font: QFont) -> None:
        assert self.heat is not None
        method = self.heat.method
        rect = self.cell_rect(likelihood, impact)
        level = method.level_of(likelihood, impact)
        colour = QColor(method.level_colour(level) or "#dddddd")
        count = self.heat.count(likelihood, impact)
        fill = QColor(colour)
        if not count:
            fill.setAlpha(70)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 3, 3)
        if self.selected == (likelihood, impact):
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor("#102a46"), 3))
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3)
        if count:
            painter.setFont(font)
            painter.setPen(ink(colour))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))

    # --- interaction ----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        cell = self.cell_at(event.position().toPoint())
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if cell is None or cell == self.selected:
            self.selected = None
            self.cell_clicked.emit(0, 0)
        else:
            self.selected = cell
            self.cell_clicked.emit(*cell)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        cell = self.cell_at(event.position().toPoint())
        if cell is None or self.heat is None:
            QToolTip.hideText()
            return
        method = self.heat.method
        likelihood, impact = cell
        level = method.level_name(method.level_of(likelihood, impact))
        which = "inherent" if self.heat.view is View.INHERENT else "residual"
        count = self.heat.count(likelihood, impact)
        QToolTip.showText(
            event.globalPosition().toPoint(),
            f"Likelihood {likelihood} {method.likelihood[likelihood - 1].label}, impact "
            f"{impact} {method.impact[impact - 1].label}: {level}\n"
            f"{count} risk(s), {which}"
            + (" (inherent where no residual is rated)" if which == "residual" else "")
            + ". Click to show them.",
            self,
        )
