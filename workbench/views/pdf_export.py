"""PDF rendering of a published version: Qt's text layout, printed with QPdfWriter on A4.

The page shows the approval block, then the version's text (the same sanitised HTML as the
editor's preview), with a header (title, version) and a footer (content hash, page numbers) on
every page. Ligatures are turned off so the PDF's text extracts and searches letter for letter.

The command line has no window: :func:`ensure_gui_application` makes an offscreen
application when none is running.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

from workbench.services.exports import atomic_path
from workbench.services.publish import PublishDocument, approval_block_html
from workbench.views.rich_text import for_qt

RESOLUTION = 300
MARGINS_MM = QMarginsF(20, 16, 20, 16)
BAND_MM = 9  # header and footer bands inside the margins
STYLE_SHEET = """
h1 { font-size: 18pt; } h2 { font-size: 14pt; } h3 { font-size: 12pt; }
th { background-color: #eef1f5; }
pre, code { font-family: monospace; }
blockquote { color: #444; }
"""

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


def document_html(document: PublishDocument) -> str:
    return approval_block_html(document.block) + for_qt(document.body_html())


def write_pdf(document: PublishDocument, target: Path) -> None:
    """Render to an A4 PDF, written whole or not at all."""
    ensure_gui_application()
    with atomic_path(target) as temporary:
        _print(document, temporary)


def _print(document: PublishDocument, path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
    writer.setTitle(f"{document.block.title}, version {document.block.version}")
    writer.setCreator("GRC Workbench")
    page = writer.pageLayout().paintRectPixels(RESOLUTION)
    band = BAND_MM / 25.4 * RESOLUTION
    body_height = page.height() - 2 * band

    text = QTextDocument()
    text.documentLayout().setPaintDevice(writer)
    font = _body_font()
    text.setDefaultFont(font)
    text.setDefaultStyleSheet(STYLE_SHEET)
    text.setHtml(document_html(document))
    text.setPageSize(QSizeF(page.width(), body_height))
    pages = text.pageCount()

    small = QFont(font)
    small.setPointSizeF(8)
    painter = QPainter(writer)
    try:
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            painter.translate(0, band - number * body_height)
            text.drawContents(painter, QRectF(0, number * body_height, page.width(), body_height))
            painter.restore()
            painter.setFont(small)
            painter.setPen(Qt.GlobalColor.darkGray)
            header = QRectF(0, 0, page.width(), band * 0.8)
            painter.drawText(header, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             document.header_text)  # fmt: skip
            footer = QRectF(0, page.height() - band * 0.8, page.width(), band * 0.8)
            painter.drawText(footer, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                             document.footer_text)  # fmt: skip
            painter.drawText(footer, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                             f"Page {number + 1} of {pages}")  # fmt: skip
    finally:
        painter.end()
