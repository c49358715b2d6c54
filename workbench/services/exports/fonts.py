"""The fonts the PDF embeds, and text widths for laying out tables in Word and PDF.

PDF's standard fonts know Latin-1 only: typographic quotes, dashes, "≠" or a client's name in
another script would print as black boxes. The workbench ships DejaVu Sans and DejaVu Sans Mono
(``resources/fonts``, under the Bitstream Vera licence) and embeds the subset a document uses.
"""

from __future__ import annotations

from functools import cache

from workbench.services.common.paths import resource

REGULAR = "WorkbenchSans"
BOLD = "WorkbenchSans-Bold"
ITALIC = "WorkbenchSans-Oblique"
BOLD_ITALIC = "WorkbenchSans-BoldOblique"
MONO = "WorkbenchMono"
FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    MONO: "DejaVuSansMono.ttf",
}


@cache
def register() -> None:
    """Make the fonts known to ReportLab (once per process)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file_name in FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", file_name))))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )
    for bold, italic, name in ((0, 0, MONO), (1, 0, MONO), (0, 1, MONO), (1, 1, MONO)):
        addMapping(MONO, bold, italic, name)


def width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of ``text`` in points, set in the body font at ``size``."""
    from reportlab.pdfbase import pdfmetrics

    register()
    return float(pdfmetrics.stringWidth(text, BOLD if bold else REGULAR, size))
