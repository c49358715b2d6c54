"""Markdown to Word: the sanitised HTML of :func:`rendering.render_markdown`, walked into
python-docx paragraphs, lists, tables and runs.

Headings keep their level, bullet lists use Word's list styles, numbered lists carry their
numbers as text (so they restart where the Markdown restarts), tables become grid tables with
a bold header row, and bold, italic, code, strike-through and links keep their look. Web and
mail links stay clickable (as Word HYPERLINK fields, so the text remains ordinary runs).
Anything else comes through as plain text: nothing of the document's wording is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from workbench.services.common.markup import render_markdown

HEADINGS = {f"h{level}": level for level in range(1, 7)}
INLINE = {
    "strong": "bold", "b": "bold", "em": "italic", "i": "italic", "code": "code",
    "del": "strike", "sub": "sub", "sup": "sup", "a": "link",
}  # fmt: skip
TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td"}
ALIGNMENTS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
MONOSPACE = "Consolas"
LINK_BLUE = RGBColor(0x1A, 0x5F, 0xB4)
_SPACES = re.compile(r"\s+")
LINKED_SCHEMES = ("http:", "https:", "mailto:")
Piece = tuple[str, frozenset[str], str | None]  # text, formats, link target


def style_run(run: Run, formats: frozenset[str]) -> None:
    """Set the formats a run has; a new run has none, so nothing else is written."""
    if not formats:
        return
    font = run.font
    if "bold" in formats:
        font.bold = True
    if "italic" in formats:
        font.italic = True
    if "strike" in formats:
        font.strike = True
    if "sub" in formats:
        font.subscript = True
    if "sup" in formats:
        font.superscript = True
    if "code" in formats:
        font.name = MONOSPACE
    if "link" in formats:
        font.underline = True
        font.color.rgb = LINK_BLUE


@dataclass
class _Cell:
    header: bool
    align: str | None
    runs: list[Piece] = field(default_factory=list)


@dataclass
class _List:
    ordered: bool
    counter: int = 0


class _Walker(HTMLParser):
    def __init__(self, document: DocxDocument) -> None:
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph: Paragraph | None = None
        self.formats: list[str] = []
        self.links: list[str | None] = []
        self.lists: list[_List] = []
        self.quote = 0
        self.pre = False
        self.rows: list[list[_Cell]] | None = None
        self.cell: _Cell | None = None
        self.style_ids: dict[str, str] = {}
        self.has_text = False  # whether the current paragraph has text yet

    # --- blocks ---------------------------------------------------------------------------

    def _new_paragraph(self, style: str | None = None) -> Paragraph:
        if style is None:
            if self.quote:
                style = "Quote"
            elif self.lists:
                style = _continue_style(len(self.lists))
        self.paragraph = self.document.add_paragraph()
        self.has_text = False
        if style is not None:
            # By id: python-docx looks a style up by name with a scan of every style, each time.
            self.paragraph._p.style = self._style_id(style)
        return self.paragraph

    def _style_id(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.document.styles[name].style_id
        return self.style_ids[name]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.rows is not None:
            self._table_start(tag, dict(attrs))
            return
        if tag in HEADINGS:
            self._new_paragraph(f"Heading {HEADINGS[tag]}")
        elif tag == "p":
            if not (self.lists and self.paragraph is not None and not self.has_text):
                self._new_paragraph()
        elif tag in ("ul", "ol"):
            self.lists.append(_List(ordered=tag == "ol"))
            self.paragraph = None
        elif tag == "li":
            self._list_item()
        elif tag == "blockquote":
            self.quote += 1
            self.paragraph = None
        elif tag == "pre":
            self.pre = True
            self._new_paragraph("No Spacing")
        elif tag in INLINE:
            self._start_format(tag, dict(attrs))
        elif tag == "br":
            self._line_break()
        elif tag == "hr":
            _bottom_border(self._new_paragraph("Normal"))
            self.paragraph = None
        elif tag == "table":
            self.rows = []
            self.paragraph = None

    def _list_item(self) -> None:
        current = self.lists[-1] if self.lists else _List(ordered=False)
        depth = min(len(self.lists), 3)
        suffix = "" if depth <= 1 else f" {depth}"
        if current.ordered:
            current.counter += 1
            paragraph = self._new_paragraph(f"List{suffix}")
            paragraph.add_run(f"{current.counter}.\t")
            self.has_text = True
        else:
            self._new_paragraph(f"List Bullet{suffix}")

    def _line_break(self) -> None:
        if self.paragraph is None:
            self._new_paragraph()
        assert self.paragraph is not None
        self.paragraph.add_run().add_break()
        self.has_text = True

    def handle_endtag(self, tag: str) -> None:
        if self.rows is not None:
            self._table_end(tag)
            return
        if tag in HEADINGS or tag in ("p", "li"):
            self.paragraph = None
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.paragraph = None
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.paragraph = None
        elif tag == "pre":
            self.pre = False
            self.paragraph = None
        elif tag in INLINE:
            self._end_format(INLINE[tag])

    def _start_format(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.formats.append(INLINE[tag])
        if tag == "a":
            href = attrs.get("href") or ""
            self.links.append(href if href.lower().startswith(LINKED_SCHEMES) else None)

    def _end_format(self, name: str) -> None:
        if name == "link" and self.links:
            self.links.pop()
        for index in range(len(self.formats) - 1, -1, -1):
            if self.formats[index] == name:
                del self.formats[index]
                return

    @property
    def link(self) -> str | None:
        return self.links[-1] if self.links else None

    # --- text -----------------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        text = data if self.pre else _SPACES.sub(" ", data)
        formats = frozenset(self.formats) | ({"code"} if self.pre else frozenset())
        if self.rows is not None:
            if self.cell is not None and text:
                self.cell.runs.append((text, formats, self.link))
            return
        if self.paragraph is None:
            if not text.strip():
                return
            self._new_paragraph()
        assert self.paragraph is not None
        if not self.has_text:  # the paragraph's own text, tracked: reading it back is slow
            text = text.lstrip("\n") if self.pre else text.lstrip()
        if self.pre:
            text = text.rstrip("\n")
            self.has_text = self.has_text or bool(text)
            for number, line in enumerate(text.split("\n")):
                if number:
                    self.paragraph.add_run().add_break()
                style_run(self.paragraph.add_run(line), formats)
            return
        if text:
            add_text(self.paragraph, text, formats, self.link)
            self.has_text = True

    # --- tables ---------------------------------------------------------------------------

    def _table_start(self, tag: str, attrs: dict[str, str | None]) -> None:
        assert self.rows is not None
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            if not self.rows:
                self.rows.append([])
            self.cell = _Cell(header=tag == "th", align=attrs.get("align"))
            self.rows[-1].append(self.cell)
        elif tag in INLINE:
            self._start_format(tag, attrs)
        elif tag == "br" and self.cell is not None:
            self.cell.runs.append(("\n", frozenset(), None))

    def _table_end(self, tag: str) -> None:
        if tag in ("th", "td"):
            self.cell = None
        elif tag in INLINE:
            self._end_format(INLINE[tag])
        elif tag == "table":
            rows, self.rows = self.rows or [], None
            self._build_table(rows)

    def _build_table(self, rows: list[list[_Cell]]) -> None:
        rows = [row for row in rows if row]
        if not rows:
            return
        width = max(len(row) for row in rows)
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for row_cells, row in zip(table.rows, rows, strict=True):
            for docx_cell, cell in zip(row_cells.cells, row, strict=False):
                paragraph = docx_cell.paragraphs[0]
                if cell.align in ALIGNMENTS:
                    paragraph.alignment = ALIGNMENTS[cell.align]
                runs = _trimmed(cell.runs)
                for text, formats, link in runs:
                    bold = {"bold"} if cell.header else frozenset()
                    add_text(paragraph, text, formats | bold, link)
        self.paragraph = None


def _trimmed(runs: list[Piece]) -> list[Piece]:
    runs = list(runs)
    if runs:
        runs[0] = (runs[0][0].lstrip(), *runs[0][1:])
        runs[-1] = (runs[-1][0].rstrip(), *runs[-1][1:])
    return [run for run in runs if run[0]]


def _continue_style(depth: int) -> str:
    return "List Continue" if depth <= 1 else f"List Continue {min(depth, 3)}"


def _bottom_border(paragraph: Paragraph) -> None:
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                        ("w:color", "999999")):  # fmt: skip
        bottom.set(qn(name), value)
    borders.append(bottom)
    properties.append(borders)


def add_markdown(document: DocxDocument, markdown_text: str) -> None:
    """Append Markdown to a Word document as headings, paragraphs, lists and tables."""
    add_html(document, render_markdown(markdown_text))


def add_html(document: DocxDocument, html: str) -> None:
    """Append the sanitised HTML of :func:`rendering.render_markdown` to a Word document."""
    walker = _Walker(document)
    walker.feed(html)
    walker.close()


def _field_char(kind: str) -> Any:
    return OxmlElement("w:fldChar", {qn("w:fldCharType"): kind})


def _instruction(instruction: str) -> Any:
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = f" {instruction} "
    return element


def add_text(paragraph: Paragraph, text: str, formats: frozenset[str], link: str | None) -> Run:
    """A styled run; with ``link``, wrapped in a HYPERLINK field so Word opens it on a click."""
    if link is None:
        run = paragraph.add_run(text)
        style_run(run, formats)
        return run
    target = link.replace("\\", "%5C").replace('"', "%22")
    start = paragraph.add_run()
    for element in (_field_char("begin"), _instruction(f'HYPERLINK "{target}"'),
                    _field_char("separate")):  # fmt: skip
        start._r.append(element)
    run = paragraph.add_run(text)
    style_run(run, formats | {"link"})
    paragraph.add_run()._r.append(_field_char("end"))
    return run


def add_field(paragraph: Paragraph, instruction: str) -> Run:
    """A Word field such as ``PAGE`` or ``NUMPAGES``, which Word fills in as it lays out."""
    run = paragraph.add_run()
    instruction_text = _instruction(instruction)
    shown = OxmlElement("w:t")
    shown.text = "1"
    for element in (_field_char("begin"), instruction_text, _field_char("separate"), shown,
                    _field_char("end")):  # fmt: skip
        run._r.append(element)
    return run
