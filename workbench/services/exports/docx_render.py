"""Blocks to Word: a :class:`~workbench.services.exports.blocks.Printable` laid out with
python-docx, saved as reproducible bytes.

What a reader of the Word file gets:

- headings in Word's heading styles, kept with the paragraph that follows them;
- numbered lists and bullets as real Word numbering (``numbering.xml``), a new numbered list
  restarting at 1 where the Markdown starts a new list;
- tables with column widths from their content (a narrow id or status column, a wide text
  column), header rows repeated on every page and rows that never split across pages;
- wide tables (and a Statement of Applicability's control tables) in a landscape section;
- the same header and footer on every page, in one font size, with "page X of Y";
- honest properties: the workbench as the application, the consultant as author, the
  record's own times; no thumbnail. Zip entries carry the same fixed time, so one version
  always renders to the same bytes.
"""

from __future__ import annotations

import io
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from workbench.services.common import ooxml
from workbench.services.common.markup import render_markdown
from workbench.services.common.text import one_line, printable
from workbench.services.exports import blocks, fonts
from workbench.services.exports.blocks import Block, ListItem, Printable

MONOSPACE = "Consolas"
LINK_BLUE = RGBColor(0x1A, 0x5F, 0xB4)
HEADER_FILL = "EEF1F5"
MARGIN_MM = 20
BAND_PT = 8  # header and footer text
TABLE_PT = 10
WIDE_TABLE_PT = 9
CELL_PADDING_PT = 12  # Word's default cell margins, left and right together
TWIPS_PER_PT = 20
LIST_INDENT = 360  # twips per list level
BULLETS = ("•", "◦", "▪")
ALIGNMENTS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def style_run(run: Run, formats: frozenset[str], size: float | None = None) -> None:
    """Set the formats a run has; a new run has none, so nothing else is written."""
    font = run.font
    if size is not None:
        font.size = Pt(size)
    if not formats:
        return
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


def _field_char(kind: str) -> Any:
    return OxmlElement("w:fldChar", {qn("w:fldCharType"): kind})


def _instruction(instruction: str) -> Any:
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = f" {instruction} "
    return element


def add_text(
    paragraph: DocxParagraph,
    text: str,
    formats: frozenset[str],
    link: str | None,
    size: float | None = None,
) -> Run:
    """A styled run (line breaks kept); with ``link``, wrapped in a HYPERLINK field so Word
    opens it on a click while the text stays ordinary runs."""
    if link is not None:
        target = link.replace("\\", "%5C").replace('"', "%22")
        start = paragraph.add_run()
        for element in (_field_char("begin"), _instruction(f'HYPERLINK "{target}"'),
                        _field_char("separate")):  # fmt: skip
            start._r.append(element)
        formats = formats | {"link"}
    run = paragraph.add_run()
    # Control characters (a NUL pasted into a title) cannot go into the XML.
    for number, line in enumerate(printable(text).split(blocks.LINE_BREAK)):
        if number:
            run.add_break()
        if line:
            run.add_text(line)
    style_run(run, formats, size)
    if link is not None:
        paragraph.add_run()._r.append(_field_char("end"))
    return run


def add_field(paragraph: DocxParagraph, instruction: str) -> Run:
    """A Word field such as ``PAGE`` or ``NUMPAGES``, which Word fills in as it lays out."""
    run = paragraph.add_run()
    shown = OxmlElement("w:t")
    shown.text = "1"
    for element in (_field_char("begin"), _instruction(instruction), _field_char("separate"),
                    shown, _field_char("end")):  # fmt: skip
        run._r.append(element)
    return run


def _bottom_border(paragraph: DocxParagraph) -> None:
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                        ("w:color", "999999")):  # fmt: skip
        bottom.set(qn(name), value)
    borders.append(bottom)
    properties.append(borders)


def _shade(cell: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    for name, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(name), value)
    cell._tc.get_or_add_tcPr().append(shading)


# --- numbering ------------------------------------------------------------------------------


class _Numbering:
    """Word list numbering: one definition for numbered lists and one for bullets, and one
    numbering instance per list of the text, so each numbered list starts at 1."""

    def __init__(self, word: DocxDocument) -> None:
        self.root = word.part.numbering_part.element
        taken = [int(n.get(qn("w:abstractNumId"))) for n in self.root.findall(qn("w:abstractNum"))]
        first = max(taken, default=0) + 1
        self.abstract = {True: first, False: first + 1}
        self._define(first, ordered=True)
        self._define(first + 1, ordered=False)
        self.instances: dict[int, int] = {}

    def _define(self, abstract_id: int, *, ordered: bool) -> None:
        definition = OxmlElement("w:abstractNum", {qn("w:abstractNumId"): str(abstract_id)})
        definition.append(OxmlElement("w:multiLevelType", {qn("w:val"): "hybridMultilevel"}))
        for level in range(9):
            lvl = OxmlElement("w:lvl", {qn("w:ilvl"): str(level)})
            text = f"%{level + 1}." if ordered else BULLETS[level % len(BULLETS)]
            for tag, value in (("w:start", "1"), ("w:numFmt", "decimal" if ordered else "bullet"),
                               ("w:lvlText", text), ("w:lvlJc", "left")):  # fmt: skip
                lvl.append(OxmlElement(tag, {qn("w:val"): value}))
            paragraph = OxmlElement("w:pPr")
            indent = {qn("w:left"): str(LIST_INDENT * (level + 1)),
                      qn("w:hanging"): str(LIST_INDENT)}  # fmt: skip
            paragraph.append(OxmlElement("w:ind", indent))
            lvl.append(paragraph)
            definition.append(lvl)
        # Definitions come before the instances that use them (the schema's order).
        instances = self.root.findall(qn("w:num"))
        if instances:
            instances[0].addprevious(definition)
        else:
            self.root.append(definition)

    def instance(self, item: ListItem) -> int:
        if item.list_id not in self.instances:
            num = self.root.add_num(self.abstract[item.ordered])
            for level in range(9):
                start = item.start if level == item.depth - 1 else 1
                num.add_lvlOverride(ilvl=level).add_startOverride(start)
            self.instances[item.list_id] = int(num.numId)
        return self.instances[item.list_id]


# --- the document ---------------------------------------------------------------------------


class _Writer:
    def __init__(self, word: DocxDocument, printable: Printable) -> None:
        self.word = word
        self.printable = printable
        self.numbering = _Numbering(word)
        self.style_ids: dict[str, str] = {}
        self.landscape = False

    def _style_id(self, name: str) -> str:
        # By id: python-docx looks a style up by name with a scan of every style, each time.
        if name not in self.style_ids:
            self.style_ids[name] = self.word.styles[name].style_id
        return self.style_ids[name]

    def _paragraph(self, style: str | None = None) -> DocxParagraph:
        paragraph = self.word.add_paragraph()
        if style is not None:
            paragraph._p.style = self._style_id(style)
        return paragraph

    def add(self, all_blocks: list[Block]) -> None:
        runs = blocks.landscape_runs(all_blocks, soa=self.printable.soa)
        starts = {start for start, _ in runs}
        ends = {end for _, end in runs}
        for index, block in enumerate(all_blocks):
            if index in ends and self.landscape:
                self._turn(landscape=False)
            if index in starts:
                self._turn(landscape=True)
            self._block(block)
            following = all_blocks[index + 1] if index + 1 < len(all_blocks) else None
            if isinstance(block, blocks.Table) and isinstance(following, blocks.Table):
                self._paragraph().paragraph_format.space_after = Pt(0)  # tables must not merge

    def _block(self, block: Block) -> None:
        if isinstance(block, blocks.Table):
            self._table(block)
        elif isinstance(block, blocks.Rule):
            _bottom_border(self._paragraph("Normal"))
        else:
            self._text(block)

    def _text(self, block: blocks.Paragraph) -> None:
        if block.kind == "heading":
            paragraph = self._paragraph(f"Heading {min(block.level, 6)}")
            paragraph.paragraph_format.keep_with_next = True
        elif block.kind == "quote":
            paragraph = self._paragraph("Quote")
        elif block.kind == "code":
            paragraph = self._paragraph("No Spacing")
        elif block.item is not None:
            paragraph = self._list_paragraph(block.item)
        else:
            paragraph = self._paragraph()
        if block.kind == "notice":
            paragraph.paragraph_format.keep_with_next = True
        extra = frozenset({"bold"}) if block.kind == "notice" else frozenset()
        for piece in block.pieces:
            add_text(paragraph, piece.text, piece.formats | extra, piece.link)

    def _list_paragraph(self, item: ListItem) -> DocxParagraph:
        paragraph = self._paragraph("List Paragraph")
        level = min(item.depth, 9) - 1
        if item.first:
            numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            numbering.get_or_add_ilvl().val = level
            numbering.get_or_add_numId().val = self.numbering.instance(item)
        else:  # a further paragraph of the item: where the item's text starts
            paragraph.paragraph_format.left_indent = Twips(LIST_INDENT * (level + 1))
        paragraph.paragraph_format.space_after = Pt(2)
        return paragraph

    def _available_pt(self) -> float:
        short, long = sorted(self.printable.page_mm)
        width_mm = (long if self.landscape else short) - 2 * MARGIN_MM
        return width_mm * 72 / 25.4

    def _table(self, table: blocks.Table) -> None:
        size = WIDE_TABLE_PT if table.columns >= blocks.WIDE_COLUMNS else TABLE_PT

        def measure(text: str, bold: bool) -> float:
            return fonts.width(text, size, bold=bold)

        widths = blocks.column_widths(table, self._available_pt(), measure, padding=CELL_PADDING_PT)
        twips = [round(width * TWIPS_PER_PT) for width in widths]
        made = self.word.add_table(rows=len(table.rows), cols=table.columns)
        made.style = self.word.styles["Table Grid"]
        made.alignment = WD_TABLE_ALIGNMENT.LEFT
        made.autofit = False  # a fixed layout: Word and LibreOffice keep the widths given
        # The table's width in place (Word rejects a table property out of schema order).
        total = made._tbl.tblPr.find(qn("w:tblW"))
        total.set(qn("w:w"), str(sum(twips)))
        total.set(qn("w:type"), "dxa")
        for column, width in zip(made._tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
            column.set(qn("w:w"), str(width))
        header_rows = table.header_rows
        for number, (made_row, row) in enumerate(zip(made.rows, table.rows, strict=True)):
            row_properties = made_row._tr.get_or_add_trPr()
            row_properties.append(OxmlElement("w:cantSplit"))
            if number < header_rows:
                row_properties.append(OxmlElement("w:tblHeader"))
            for index, made_cell in enumerate(made_row.cells):
                made_cell.width = Twips(twips[index])
                if index >= len(row):
                    continue
                self._cell(made_cell, row[index], size)

    def _cell(self, made_cell: Any, cell: blocks.Cell, size: float) -> None:
        paragraph = made_cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = 1.0
        if cell.align in ALIGNMENTS:
            paragraph.alignment = ALIGNMENTS[cell.align]
        bold = frozenset({"bold"}) if cell.header else frozenset()
        if cell.header:
            _shade(made_cell, HEADER_FILL)
        for piece in cell.pieces:
            add_text(paragraph, piece.text, piece.formats | bold, piece.link, size)

    def _turn(self, *, landscape: bool) -> None:
        section = self.word.add_section(WD_SECTION.NEW_PAGE)
        short, long = (Mm(size) for size in sorted(self.printable.page_mm))
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (long, short) if landscape else (short, long)
        self.landscape = landscape


def _header_and_footer(word: DocxDocument, printable: Printable) -> None:
    section = word.sections[0]
    width, height = printable.page_mm
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(MARGIN_MM)
    for name in ("Header", "Footer"):
        word.styles[name].font.size = Pt(BAND_PT)  # the page number field too
    header = section.header.paragraphs[0]
    header.add_run(one_line(printable.header))
    right = section.header.add_paragraph(one_line(printable.header_right))
    right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{one_line(printable.footer)} · page ")
    add_field(footer, "PAGE")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES")
    for paragraph in (header, right, footer):
        for run in paragraph.runs:
            run.font.size = Pt(BAND_PT)


def _set_properties(word: DocxDocument, printable: Printable) -> None:
    given = printable.properties
    properties = word.core_properties
    properties.title = one_line(given.title)
    properties.author = properties.last_modified_by = one_line(given.author)
    properties.version = given.version
    properties.revision = given.revision
    properties.content_status = given.status
    properties.subject = one_line(given.subject)
    properties.category = given.category
    properties.keywords = one_line(given.keywords)
    properties.identifier = given.identifier
    properties.comments = given.comments
    properties.created = given.created.replace(tzinfo=None, microsecond=0)
    properties.modified = given.modified.replace(tzinfo=None, microsecond=0)


def build(printable: Printable) -> DocxDocument:
    """The Word document, before it is saved."""
    from docx import Document

    word = Document()
    _header_and_footer(word, printable)
    _Writer(word, printable).add(list(printable.blocks))
    _set_properties(word, printable)
    return word


def render(printable: Printable) -> bytes:
    """The Word file's bytes: the same printable always gives the same bytes."""
    buffer = io.BytesIO()
    build(printable).save(buffer)
    return ooxml.normalise(
        buffer.getvalue(), when=printable.properties.modified, company=printable.properties.company
    )


def add_markdown(word: DocxDocument, markdown_text: str) -> None:
    """Append Markdown to a Word document as headings, paragraphs, lists and tables."""
    plain = Printable("", "", "", (210, 297), [], blocks.Properties("", ""))
    _Writer(word, plain).add(blocks.from_html(render_markdown(markdown_text)))
