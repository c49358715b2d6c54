"""The readiness dashboard on one PDF page: a header, the charts and what needs attention."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

from workbench import __version__
from workbench.services.common.fileio import atomic_path
from workbench.services.dashboard import charts
from workbench.services.dashboard.figures import Readiness
from workbench.services.exports.document_export import ExportError
from workbench.views.common.pdf_export import ensure_gui_application
from workbench.views.dashboard.painter import paint_chart

RESOLUTION = 300
MARGINS_MM = QMarginsF(15, 15, 15, 15)
HEADER_POINTS = 56


def write_dashboard_pdf(readiness: Readiness, target: Path) -> None:
    """One A4 page, written whole or not at all; the charts shrink to fit the page.

    Raises:
        ExportError: the file cannot be written.
    """
    ensure_gui_application()
    try:
        with atomic_path(target) as temporary:
            writer = QPdfWriter(str(temporary))
            writer.setTitle(f"Readiness: {readiness.organisation or 'ISMS'}, {readiness.as_of}")
            writer.setCreator(f"GRC Workbench {__version__}")
            writer.setResolution(RESOLUTION)
            writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
            writer.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
            _paint(writer, readiness)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from error


def _paint(writer: QPdfWriter, readiness: Readiness) -> None:
    page = writer.pageLayout().paintRectPixels(RESOLUTION)
    points = RESOLUTION / 72  # device pixels per point
    chart = charts.layout(readiness)
    room = QRectF(0, HEADER_POINTS * points, page.width(), page.height() - HEADER_POINTS * points)
    scale = min(room.width() / chart.width, room.height() / max(chart.height, 1))
    painter = QPainter(writer)
    try:
        title = QFont(painter.font())
        title.setPixelSize(round(16 * points))
        title.setBold(True)
        painter.setFont(title)
        name = readiness.organisation or "the ISMS"
        painter.drawText(
            QRectF(0, 0, page.width(), 24 * points),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"Audit readiness of {name}",
        )
        small = QFont(painter.font())
        small.setPixelSize(round(9 * points))
        small.setBold(False)
        painter.setFont(small)
        painter.setPen(Qt.GlobalColor.darkGray)
        painter.drawText(
            QRectF(0, 26 * points, page.width(), 16 * points),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"As of {readiness.as_of.isoformat()} · GRC Workbench {__version__}",
        )
        painter.translate(0, room.top())
        paint_chart(painter, chart, scale=scale)
    finally:
        painter.end()
