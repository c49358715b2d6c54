"""Drawing the dashboard's charts (:mod:`workbench.services.dashboard.charts`) with QPainter,
on a widget or a PDF page."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter

from workbench.services.dashboard.charts import Chart, Rect, Text

# Room either side of a text's anchor, wide enough for any label of the charts.
TEXT_ROOM = 2000.0


def paint_chart(painter: QPainter, chart: Chart, *, scale: float = 1.0) -> None:
    """Draw ``chart`` with its top left at the painter's origin; 1 chart point = ``scale``
    device units (the painter's font sizes are set in the same units)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    base = QFont(painter.font())
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(shape.fill))
            painter.drawRect(
                QRectF(shape.x * scale, shape.y * scale, shape.width * scale, shape.height * scale)
            )
            continue
        _text(painter, shape, base, scale)
    painter.restore()


def _text(painter: QPainter, shape: Text, base: QFont, scale: float) -> None:
    font = QFont(base)
    font.setPixelSize(max(1, round(shape.size * scale)))
    font.setBold(shape.bold)
    painter.setFont(font)
    painter.setPen(QColor(shape.colour))
    baseline = QPointF(shape.x * scale, shape.y * scale)
    width = painter.fontMetrics().horizontalAdvance(shape.text)
    if shape.anchor == "end":
        baseline.setX(baseline.x() - width)
    elif shape.anchor == "middle":
        baseline.setX(baseline.x() - width / 2)
    painter.drawText(baseline, shape.text)
