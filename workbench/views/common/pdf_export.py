"""PDF rendering of any version of an artifact: Qt's text layout, printed with QPdfWriter.

The page (A4 or Letter) shows the version's text (the same sanitised HTML as the editor's
preview), after the approval block for an approved version or a notice for one that is not,
with a header (title, version, status; register id on the right) and a footer (content hash,
"Page X of Y") on every page. Ligatures are turned off so the PDF's text extracts and searches
letter for letter. :func:`write_pdf` is the renderer that publishing, document export and the
audit pack hand to the services.

The command line has no window: :func:`ensure_gui_application` makes an offscreen
application when none is running.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

from workbench.services.common.fileio import atomic_path
from workbench.services.common.markup import escape
from workbench.services.exports.approval_block import to_html as approval_block_html
from workbench.services.exports.document_export import ExportDocument
from workbench.views.common.rich_text import for_qt

RESOLUTION = 300
MARGINS_MM = QMarginsF(20, 16, 20, 16)
BAND_MM = 9  # header and footer bands inside the margins
STYLE_SHEET = """
h1 { font-size: 18pt; } h2 { font-size: 14pt; } h3 { font-size: 12pt; }
th { background-color: #eef1f5; }
pre, code { font-family: monospace; }
blockquote { color: #444; }
.notice { font-weight: bold; }
"""
PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}

_application: QApplication | None = None


def ensure_gui_application() -> QCoreApplication:
    """The running Qt application, or a new offscreen one (for the command line and tests).

    A full QApplication, not just a QGuiApplication, so widgets made later in the same process
    (a test run, a script) still work.
    """
    global _application
    existing = QCoreApplication.instance()
    if existing is not None:
        if not isinstance(existing, QGuiApplication):
            raise RuntimeError("PDF export needs a QGuiApplication, not a QCoreApplication")
        return existing
    _application = QApplication(["workbench", "-platform", "offscreen"])
    return _application


def _body_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    font.setPointSizeF(10)
    for tag in ("liga", "clig", "dlig", "hlig"):
        font.setFeature(QFont.Tag(tag), 0)
    return font


def document_html(document: ExportDocument) -> str:
    """The notice or approval block, then the version's text, as Qt rich text."""
    lead = f"<p class='notice'>{escape(document.notice)}</p>" if document.notice else ""
    if document.block is not None:
        lead += approval_block_html(document.block)
    return lead + for_qt(document.body_html())


def write_pdf(document: ExportDocument, target: Path) -> None:
    """Render to a PDF on ``document.page_size`` paper, written whole or not at all."""
    ensure_gui_application()
    with atomic_path(target) as temporary:
        writer = QPdfWriter(str(temporary))
        writer.setTitle(f"{document.title}, version {document.version}")
        writer.setCreator("GRC Workbench")
        if hasattr(writer, "setAuthor"):  # Qt 6.8 and later
            writer.setAuthor(document.author)
        _print(document, writer)


@dataclass(frozen=True)
class _Layout:
    """The text laid out in pages of the body's height, with the bands around it."""

    text: QTextDocument
    width: float
    height: float
    band: float
    pages: int

    @property
    def body_height(self) -> float:
        return self.height - 2 * self.band


def _layout(document: ExportDocument, device: QPagedPaintDevice) -> _Layout:
    device.setPageSize(QPageSize(PAGE_SIZES.get(document.page_size, QPageSize.PageSizeId.A4)))
    if document.landscape:
        device.setPageOrientation(QPageLayout.Orientation.Landscape)
    device.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
    resolution = device.logicalDpiY()
    page = device.pageLayout().paintRectPixels(resolution)
    band = BAND_MM / 25.4 * resolution
    text = QTextDocument()
    text.documentLayout().setPaintDevice(device)
    text.setDefaultFont(_body_font())
    text.setDefaultStyleSheet(STYLE_SHEET)
    text.setHtml(document_html(document))
    text.setPageSize(QSizeF(page.width(), page.height() - 2 * band))
    return _Layout(text, page.width(), page.height(), band, text.pageCount())


def paint_page(painter: QPainter, document: ExportDocument, layout: _Layout, number: int) -> None:
    """Page ``number`` (from 0): the text's slice for that page, the header and the footer."""
    body = layout.body_height
    painter.save()
    painter.translate(0, layout.band - number * body)
    layout.text.drawContents(painter, QRectF(0, number * body, layout.width, body))
    painter.restore()
    small = QFont(layout.text.defaultFont())
    small.setPointSizeF(8)
    painter.setFont(small)
    painter.setPen(Qt.GlobalColor.darkGray)
    top = Qt.AlignmentFlag.AlignTop
    bottom = Qt.AlignmentFlag.AlignBottom
    left, right = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight
    header = QRectF(0, 0, layout.width, layout.band * 0.8)
    metrics = painter.fontMetrics()
    room = layout.width - metrics.horizontalAdvance(document.id_text) - layout.band
    title = metrics.elidedText(document.header_text, Qt.TextElideMode.ElideMiddle, int(room))
    painter.drawText(header, left | top, title)
    painter.drawText(header, right | top, document.id_text)
    footer = QRectF(0, layout.height - layout.band * 0.8, layout.width, layout.band * 0.8)
    painter.drawText(footer, left | bottom, document.footer_text)
    painter.drawText(footer, right | bottom, f"Page {number + 1} of {layout.pages}")


def _print(document: ExportDocument, writer: QPdfWriter) -> None:
    writer.setResolution(RESOLUTION)
    layout = _layout(document, writer)
    painter = QPainter(writer)
    try:
        for number in range(layout.pages):
            if number:
                writer.newPage()
            paint_page(painter, document, layout, number)
    finally:
        painter.end()
