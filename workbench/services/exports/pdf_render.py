"""Blocks to PDF: a :class:`~workbench.services.exports.blocks.Printable` laid out with
ReportLab's platypus, which (unlike a text document printed page by page) can keep a heading
with what follows it and never splits a table row.

What a reader of the PDF gets:

- headings kept with the start of what follows (a few lines, or a table's header and first
  row), never alone at the foot of a page;
- tables with column widths from their content, header rows repeated on every page, rows
  never split across pages, and header words never broken;
- wide tables (and a Statement of Applicability's control tables) on landscape pages;
- a header (title, version, status; register id on the right) and a footer (content hash,
  "Page X of Y") on every page;
- the text set in the embedded DejaVu fonts (:mod:`workbench.services.exports.fonts`), so
  every character prints and the text extracts and searches letter for letter;
- fixed metadata: the record's own time as creation date, and no random document id, so one
  version always renders to the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from workbench import __version__
from workbench.services.common.markup import escape
from workbench.services.common.ooxml import APPLICATION
from workbench.services.common.text import one_line, printable
from workbench.services.exports import blocks, fonts
from workbench.services.exports.blocks import Block, Piece, Printable

MARGIN: float = 20 * mm
BAND: float = 9 * mm  # header and footer bands inside the margins
BAND_PT = 8
BODY_PT = 10
TABLE_PT = 9
WIDE_TABLE_PT = 8.5
CELL_PADDING = 4  # points, each side
LIST_INDENT = 16  # points per list level
LINK_COLOUR = "#1a5fb4"
GRID = colors.HexColor("#c8ccd2")
HEADER_FILL = colors.HexColor("#eef1f5")
HEADING_PT = {1: 17, 2: 14, 3: 12, 4: 11, 5: 10.5, 6: 10}
# A heading needs this much of what follows on its page: about three lines of text.
FOLLOWING_LINES = 3


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    body = ParagraphStyle(
        "body", fontName=fonts.REGULAR, fontSize=BODY_PT, leading=BODY_PT * 1.35,
        spaceAfter=5, alignment=TA_LEFT, bulletFontName=fonts.REGULAR,
    )  # fmt: skip
    styles = {"body": body}
    for level, size in HEADING_PT.items():
        styles[f"h{level}"] = ParagraphStyle(
            f"h{level}", parent=body, fontName=fonts.BOLD, fontSize=size, leading=size * 1.25,
            spaceBefore=size * 0.8, spaceAfter=size * 0.35, keepWithNext=0,
            textColor=colors.HexColor("#1d1d1f"), splitLongWords=0,
        )  # fmt: skip
    styles["quote"] = ParagraphStyle(
        "quote", parent=body, leftIndent=12, textColor=colors.HexColor("#444444"),
        borderPadding=(0, 0, 0, 6), fontName=fonts.ITALIC,
    )  # fmt: skip
    styles["code"] = ParagraphStyle(
        "code", parent=body, fontName=fonts.MONO, fontSize=8.5, leading=11,
        backColor=colors.HexColor("#f6f8fa"), borderPadding=4, spaceBefore=4, spaceAfter=8,
    )  # fmt: skip
    styles["notice"] = ParagraphStyle(
        "notice", parent=body, fontName=fonts.BOLD, borderColor=colors.HexColor("#e0b252"),
        borderWidth=0.8, borderPadding=5, backColor=colors.HexColor("#fff8e8"), spaceBefore=4,
        spaceAfter=10,
    )  # fmt: skip
    styles["band"] = ParagraphStyle("band", parent=body, fontSize=BAND_PT)
    return styles


# --- text -----------------------------------------------------------------------------------


def markup(pieces: Sequence[Piece], *, code: bool = False) -> str:
    """Pieces as ReportLab paragraph markup, every character of the text escaped."""
    parts: list[str] = []
    for piece in pieces:
        text = escape(printable(piece.text)).replace(blocks.LINE_BREAK, "<br/>")
        if code:
            text = _keep_spaces(text)
        formats = piece.formats
        if "code" in formats and not code:
            text = f'<font face="{fonts.MONO}">{text}</font>'
        for name, tag in (("bold", "b"), ("italic", "i"), ("strike", "strike"),
                          ("sub", "sub"), ("sup", "super")):  # fmt: skip
            if name in formats:
                text = f"<{tag}>{text}</{tag}>"
        if piece.link is not None:
            text = f'<a href="{escape(piece.link)}" color="{LINK_COLOUR}"><u>{text}</u></a>'
        parts.append(text)
    return "".join(parts)


def _keep_spaces(text: str) -> str:
    """Spaces in code as they are: indentation and runs of spaces stay, single spaces wrap."""
    lines = []
    for line in text.split("<br/>"):
        stripped = line.lstrip(" ")
        indent = "&nbsp;" * (len(line) - len(stripped))
        lines.append(indent + stripped.replace("  ", " &nbsp;"))
    return "<br/>".join(lines)


class _KeepWithStart(CondPageBreak):  # type: ignore[misc]
    """Placed before a heading: a page break unless the heading(s) and the start of what
    follows them (a few lines, or a table's header rows and first row) fit on this page."""

    def __init__(self, headings: Sequence[Flowable], following: Flowable | None) -> None:
        super().__init__(0)
        self.headings = headings
        self.following = following

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        need = 0.0
        for heading in self.headings:
            need += heading.wrap(available_width, available_height)[1]
            need += heading.getSpaceBefore() + heading.getSpaceAfter()
        if self.following is not None:
            need += _start_height(self.following, available_width, available_height)
        self.height = need
        return super().wrap(available_width, available_height)  # type: ignore[no-any-return]


def _start_height(flowable: Flowable, width: float, height: float) -> float:
    total = flowable.wrap(width, height)[1]
    if isinstance(flowable, Table):
        rows = flowable._rowHeights[: flowable.repeatRows + 1]
        return float(sum(rows))
    if isinstance(flowable, Paragraph):
        return float(min(total, FOLLOWING_LINES * flowable.style.leading))
    return float(min(total, FOLLOWING_LINES * BODY_PT * 1.35))


# --- the story ------------------------------------------------------------------------------


class _Story:
    def __init__(self, printable: Printable, styles: dict[str, ParagraphStyle]) -> None:
        self.printable = printable
        self.styles = styles
        short, long = sorted(float(size * mm) for size in printable.page_mm)
        self.portrait_width = short - 2 * MARGIN
        self.landscape_width = long - 2 * MARGIN
        self.landscape = False

    @property
    def available(self) -> float:
        return self.landscape_width if self.landscape else self.portrait_width

    def build(self, all_blocks: list[Block]) -> list[Flowable]:
        runs = blocks.landscape_runs(all_blocks, soa=self.printable.soa)
        starts = {start for start, _ in runs}
        ends = {end for _, end in runs}
        story: list[Flowable] = []
        for index, block in enumerate(all_blocks):
            if index in ends and self.landscape:
                story += [NextPageTemplate("portrait"), PageBreak()]
                self.landscape = False
            if index in starts:
                story += [NextPageTemplate("landscape"), PageBreak()]
                self.landscape = True
            story.append(self._flowable(block))
        return _keep_headings(story)

    def _flowable(self, block: Block) -> Flowable:
        if isinstance(block, blocks.Table):
            return self._table(block)
        if isinstance(block, blocks.Rule):
            return HRFlowable(width="100%", thickness=0.6, color=GRID, spaceBefore=4,
                              spaceAfter=8)  # fmt: skip
        return self._paragraph(block)

    def _paragraph(self, block: blocks.Paragraph) -> Flowable:
        if block.kind == "heading":
            flowable = Paragraph(markup(block.pieces), self.styles[f"h{min(block.level, 6)}"])
            flowable._is_heading = True
            return flowable
        if block.kind == "code":
            return Paragraph(markup(block.pieces, code=True), self.styles["code"])
        style = self.styles["quote" if block.kind == "quote" else
                            "notice" if block.kind == "notice" else "body"]  # fmt: skip
        if block.item is None:
            return Paragraph(markup(block.pieces), style)
        item = block.item
        indent = LIST_INDENT * item.depth
        listed = ParagraphStyle(
            f"list{item.depth}", parent=style, leftIndent=indent,
            bulletIndent=indent - LIST_INDENT + 2, spaceAfter=2,
        )  # fmt: skip
        if not item.first:
            return Paragraph(markup(block.pieces), listed)
        bullet = f"{item.number}." if item.ordered else "•◦▪"[(item.depth - 1) % 3]
        return Paragraph(markup(block.pieces), listed, bulletText=bullet)

    def _table(self, table: blocks.Table) -> Flowable:
        size = WIDE_TABLE_PT if table.columns >= blocks.WIDE_COLUMNS else TABLE_PT
        cell = ParagraphStyle("cell", parent=self.styles["body"], fontSize=size,
                              leading=size * 1.25, spaceAfter=0)  # fmt: skip
        # Header words are never broken: the column widths make room for the longest.
        head = ParagraphStyle("head", parent=cell, fontName=fonts.BOLD, splitLongWords=0)
        aligned = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}

        def measure(text: str, bold: bool) -> float:
            return fonts.width(text, size, bold=bold)

        widths = blocks.column_widths(table, self.available, measure,
                                      padding=2 * CELL_PADDING + 1)  # fmt: skip
        data: list[list[Any]] = []
        for row in table.rows:
            cells: list[Any] = []
            for index in range(table.columns):
                if index >= len(row):
                    cells.append("")
                    continue
                source = row[index]
                style = head if source.header else cell
                if source.align in aligned:
                    style = ParagraphStyle("aligned", parent=style,
                                           alignment=aligned[source.align])  # fmt: skip
                cells.append(Paragraph(markup(source.pieces), style))
            data.append(cells)
        header_rows = table.header_rows
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            # Empty cells are set in the table's own font too: no unembedded Helvetica.
            ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if header_rows:
            commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL))
        for number, row in enumerate(table.rows):
            for index, source in enumerate(row):
                if source.header and number >= header_rows:
                    commands.append(("BACKGROUND", (index, number), (index, number), HEADER_FILL))
        made = Table(
            data, colWidths=widths, repeatRows=header_rows, splitByRow=1, splitInRow=0,
            style=TableStyle(commands), hAlign="LEFT", spaceBefore=4, spaceAfter=10,
        )  # fmt: skip
        return made


def _keep_headings(story: list[Flowable]) -> list[Flowable]:
    """Before each run of headings, a page break unless they fit with what follows."""
    out: list[Flowable] = []
    index = 0
    while index < len(story):
        if not getattr(story[index], "_is_heading", False):
            out.append(story[index])
            index += 1
            continue
        end = index
        while end < len(story) and getattr(story[end], "_is_heading", False):
            end += 1
        following = story[end] if end < len(story) else None
        if following is not None and not isinstance(following, Table | Paragraph):
            following = None  # a page break or template switch: nothing to keep with
        out.append(_KeepWithStart(story[index:end], following))
        out.extend(story[index:end])
        index = end
    return out


# --- pages ----------------------------------------------------------------------------------


class _FixedStamp:
    """ReportLab's timestamp, set to the record's own time instead of now."""

    def __init__(self, printable: Printable) -> None:
        moment = printable.properties.modified.astimezone(UTC)
        self.t = moment.timestamp()
        self.lt = moment.timetuple()
        self.YMDhms = tuple(moment.timetuple())[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


def _canvas_class(printable: Printable) -> type[Canvas]:
    class PagedCanvas(Canvas):  # type: ignore[misc]
        """Draws the header and footer once the page count is known ("Page X of Y")."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["invariant"] = 1  # no random document id, no "now"
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _FixedStamp(printable)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _bands(self, printable, number, total)
                super().showPage()
            super().save()

    return PagedCanvas


def _fit(text: str, width: float) -> str:
    if fonts.width(text, BAND_PT) <= width:
        return text
    while text and fonts.width(text + "…", BAND_PT) > width:
        text = text[:-1]
    return text + "…"


def _bands(canvas: Canvas, printable: Printable, number: int, total: int) -> None:
    width, height = canvas._pagesize
    canvas.saveState()
    canvas.setFont(fonts.REGULAR, BAND_PT)
    canvas.setFillColor(colors.HexColor("#555555"))
    top = height - MARGIN + 2
    right_text = one_line(printable.header_right)
    room = width - 2 * MARGIN - fonts.width(right_text, BAND_PT) - 12
    canvas.drawString(MARGIN, top, _fit(one_line(printable.header), room))
    canvas.drawRightString(width - MARGIN, top, right_text)
    bottom = MARGIN - 8
    page = f"Page {number} of {total}"
    room = width - 2 * MARGIN - fonts.width(page, BAND_PT) - 12
    canvas.drawString(MARGIN, bottom, _fit(one_line(printable.footer), room))
    canvas.drawRightString(width - MARGIN, bottom, page)
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, top - 4, width - MARGIN, top - 4)
    canvas.line(MARGIN, bottom + BAND_PT + 2, width - MARGIN, bottom + BAND_PT + 2)
    canvas.restoreState()


def _template(name: str, size: tuple[float, float]) -> PageTemplate:
    width, height = size
    frame = Frame(
        MARGIN, MARGIN + BAND, width - 2 * MARGIN, height - 2 * MARGIN - 2 * BAND,
        id=name, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    return PageTemplate(id=name, frames=[frame], pagesize=size)


def render(printable: Printable) -> bytes:
    """The PDF's bytes: the same printable always gives the same bytes."""
    styles = _styles()
    short, long = sorted(size * mm for size in printable.page_mm)
    given = printable.properties
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=(short, long),
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=one_line(given.title),
        author=one_line(given.author),
        subject=one_line(given.subject),
        keywords=one_line(given.keywords),
        creator=f"{APPLICATION} {__version__}",
        invariant=1,
        initialFontName=fonts.REGULAR,
        lang="en",
    )  # fmt: skip
    document.addPageTemplates(
        [_template("portrait", (short, long)), _template("landscape", (long, short))]
    )
    story = _Story(printable, styles).build(list(printable.blocks))
    if not story:
        story = [Spacer(1, 1)]
    document.build(story, canvasmaker=_canvas_class(printable))
    return buffer.getvalue()
