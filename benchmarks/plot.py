"""The scale curves as a PNG, drawn with Qt (no plotting library is a dependency).

One line per curve: the ratio of the figure to its baseline (y) at each size (x). Both axes
are logarithmic: sizes grow tenfold, and ratios from 0.1x to 100x must all stay readable
(0.5x and 2x sit equally far from the dashed 1x line, where the workbench costs what the
plainest way does).
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

from benchmarks.common import Result, format_ratio

WIDTH, HEIGHT = 960, 600
LEFT, RIGHT, TOP, BOTTOM = 80, 40, 60, 70
LEGEND_ROW = 22
LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
COLOURS = ("#1f6fb2", "#d9622b", "#2e9b4f", "#8a4fb5", "#b23b3b")


def _ticks(low: float, high: float) -> list[float]:
    """The 1-2-5 values from ``low`` to ``high`` (0.1, 0.2, 0.5, 1, 2, 5, 10...)."""
    ticks = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        ticks += [m * 10.0**exponent for m in (1, 2, 5) if low <= m * 10.0**exponent <= high]
    return ticks


def draw_scale_plot(points: list[Result], path: Path) -> None:
    _ = QGuiApplication.instance() or QGuiApplication([])
    curves = list(dict.fromkeys(point.curve for point in points))
    sizes = sorted({point.size for point in points})
    ratios = [point.ratio for point in points if point.ratio is not None]
    low_x, high_x = math.log10(sizes[0]) - 0.15, math.log10(sizes[-1]) + 0.15
    low_y = math.log10(min(*ratios, 1.0) / 1.6)
    high_y = math.log10(max(*ratios, 1.0) * 1.6)
    plot = QRectF(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM)

    def at(size: float, ratio: float) -> QPointF:
        x = plot.left() + (math.log10(size) - low_x) / (high_x - low_x) * plot.width()
        y = plot.bottom() - (math.log10(ratio) - low_y) / (high_y - low_y) * plot.height()
        return QPointF(x, y)

    # The legend goes under the plot, where no line can run through it.
    legend_top = plot.bottom() + 66
    image = QImage(WIDTH, HEIGHT + LEGEND_ROW * (len(curves) + 1), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setPixelSize(13)
    painter.setFont(font)

    # Grid and ticks.
    for tick in _ticks(10**low_y, 10**high_y):
        y = at(sizes[0], tick).y()
        painter.setPen(QPen(QColor("#dddddd"), 1))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor("#333333"))
        painter.drawText(QRectF(0, y - 10, LEFT - 8, 20),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         f"{tick:g}x")  # fmt: skip
    for size in sizes:
        x = at(size, 1.0).x()
        painter.setPen(QPen(QColor("#dddddd"), 1))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        painter.setPen(QColor("#333333"))
        painter.drawText(QRectF(x - 60, plot.bottom() + 6, 120, 20),
                         Qt.AlignmentFlag.AlignCenter, f"{size:,}")  # fmt: skip

    # Axes, the 1x line, titles.
    painter.setPen(QPen(QColor("#333333"), 1.5))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.drawLine(plot.bottomLeft(), plot.topLeft())
    one = at(sizes[0], 1.0).y()
    painter.setPen(QPen(QColor("#777777"), 1.5, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(plot.left(), one), QPointF(plot.right(), one))
    legend_y = legend_top + len(curves) * LEGEND_ROW
    painter.drawLine(
        QPointF(plot.left() + 14, legend_y + 9), QPointF(plot.left() + 40, legend_y + 9)
    )
    painter.setPen(QColor("#111111"))
    painter.drawText(QRectF(plot.left() + 48, legend_y, 600, 18), LEFT_MIDDLE,
                     "1x: as fast as the baseline")  # fmt: skip
    painter.setPen(QColor("#111111"))
    painter.drawText(QRectF(0, plot.bottom() + 32, WIDTH, 24), Qt.AlignmentFlag.AlignCenter,
                     "items (artifacts, events, cards), log scale")  # fmt: skip
    painter.save()
    painter.translate(20, plot.center().y())
    painter.rotate(-90)
    painter.drawText(QRectF(-150, -10, 300, 20), Qt.AlignmentFlag.AlignCenter,
                     "figure / baseline, log scale")  # fmt: skip
    painter.restore()
    title = QFont(font)
    title.setPixelSize(17)
    title.setBold(True)
    painter.setFont(title)
    painter.drawText(QRectF(0, 14, WIDTH, 28), Qt.AlignmentFlag.AlignCenter,
                     "Cost against the plainest way, by size")  # fmt: skip
    painter.setFont(font)

    # One line per curve and the legend; then each point's ratio, labels kept apart.
    labels: list[tuple[QPointF, str, QColor]] = []
    for number, curve in enumerate(curves):
        colour = QColor(COLOURS[number % len(COLOURS)])
        line = sorted((p.size, p.ratio) for p in points if p.curve == curve and p.ratio)
        placed = [at(size, ratio) for size, ratio in line]
        painter.setPen(QPen(colour, 2.5))
        for start, end in zip(placed, placed[1:], strict=False):
            painter.drawLine(start, end)
        painter.setBrush(colour)
        for where, (_, ratio) in zip(placed, line, strict=True):
            painter.drawEllipse(where, 4.5, 4.5)
            labels.append((where, format_ratio(ratio), colour))
        legend_y = legend_top + number * LEGEND_ROW
        painter.drawLine(QPointF(plot.left() + 14, legend_y + 9),
                         QPointF(plot.left() + 40, legend_y + 9))  # fmt: skip
        painter.setPen(QColor("#111111"))
        painter.drawText(QRectF(plot.left() + 48, legend_y, 600, 18), LEFT_MIDDLE, curve)
    _draw_labels(painter, labels)
    painter.end()
    if not image.save(str(path)):
        raise OSError(f"cannot write {path}")


def _draw_labels(painter: QPainter, labels: list[tuple[QPointF, str, QColor]]) -> None:
    """Each ratio right of its point on a white patch, pushed down to clear the one above."""
    by_column: dict[int, list[tuple[QPointF, str, QColor]]] = {}
    for label in labels:
        by_column.setdefault(round(label[0].x()), []).append(label)
    painter.setBrush(QColor(255, 255, 255, 220))
    for column in by_column.values():
        lowest = -1e9
        for where, text, colour in sorted(column, key=lambda label: label[0].y()):
            top = max(where.y() - 9, lowest + 2)
            lowest = top + 18
            box = QRectF(where.x() + 9, top, 52, 18)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRect(box)
            painter.setPen(colour)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
