"""The readiness dashboard on one PDF page: a header, then the charts, shrunk to fit.

The charts are the shapes :mod:`workbench.services.dashboard.charts` lays out once, drawn here
with ReportLab in the workbench's embedded fonts, so the page shows what the pane and the
pack's SVG show, without a window system.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from workbench import __version__
from workbench.services.common.fileio import atomic_path
from workbench.services.common.ooxml import APPLICATION
from workbench.services.common.text import one_line
from workbench.services.dashboard import charts
from workbench.services.dashboard.charts import Chart, Rect, Text
from workbench.services.dashboard.figures import Readiness
from workbench.services.exports import fonts
from workbench.services.exports.document_export import ExportError

MARGIN: float = 15 * mm
HEADER: float = 56  # points above the charts for the title and the date line


def dashboard_pdf(readiness: Readiness) -> bytes:
    """The page's bytes: the same figures always give the same bytes."""
    fonts.register()
    width, height = A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    name = readiness.organisation or "the ISMS"
    canvas.setTitle(one_line(f"Readiness: {readiness.organisation or 'ISMS'}, {readiness.as_of}"))
    canvas.setCreator(f"{APPLICATION} {__version__}")
    canvas.setAuthor(APPLICATION)
    top = height - MARGIN
    canvas.setFont(fonts.BOLD, 16)
    canvas.drawString(MARGIN, top - 16, one_line(f"Audit readiness of {name}"))
    canvas.setFont(fonts.REGULAR, 9)
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.drawString(
        MARGIN, top - 34, f"As of {readiness.as_of.isoformat()} · {APPLICATION} {__version__}"
    )
    chart = charts.layout(readiness)
    room_width = width - 2 * MARGIN
    room_height = height - 2 * MARGIN - HEADER
    scale = min(room_width / chart.width, room_height / max(chart.height, 1), 1.0)
    canvas.saveState()
    # Chart coordinates run downwards from the top left; the PDF's run upwards.
    canvas.translate(MARGIN, top - HEADER)
    canvas.scale(scale, scale)
    _draw(canvas, chart)
    canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw(canvas: Canvas, chart: Chart) -> None:
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            canvas.setFillColor(colors.HexColor(shape.fill))
            canvas.rect(shape.x, -shape.y - shape.height, shape.width, shape.height, stroke=0,
                        fill=1)  # fmt: skip
        else:
            _text(canvas, shape)


def _text(canvas: Canvas, shape: Text) -> None:
    canvas.setFillColor(colors.HexColor(shape.colour))
    canvas.setFont(fonts.BOLD if shape.bold else fonts.REGULAR, shape.size)
    draw = {
        "end": canvas.drawRightString,
        "middle": canvas.drawCentredString,
    }.get(shape.anchor, canvas.drawString)
    draw(shape.x, -shape.y, shape.text)


def write_dashboard_pdf(readiness: Readiness, target: Path) -> None:
    """One A4 page, written whole or not at all.

    Raises:
        ExportError: the file cannot be written.
    """
    data = dashboard_pdf(readiness)
    if target.parent.exists() and not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: {target.parent} is not a folder")
    try:
        with atomic_path(target) as temporary:
            temporary.write_bytes(data)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
