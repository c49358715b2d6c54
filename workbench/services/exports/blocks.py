"""A document's text as blocks: the sanitised HTML of
:func:`workbench.services.common.markup.render_markdown` walked once into headings,
paragraphs, list items, tables and rules, which the Word and the PDF renderers lay out.

Each renderer decides how a block looks; this module decides what the blocks are, so Word and
PDF show the same structure: headings with their level, list items with their list (a new
numbered list in the Markdown restarts at 1), tables with their header rows and alignment, and
bold, italic, code, strike-through and links kept in the text's pieces. Anything else comes
through as plain text: nothing of the document's wording is dropped.

It also holds the layout decisions both renderers share: which tables are wide enough for a
landscape page, and how a table's width is shared between its columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

from workbench.services.common.markup import render_markdown
from workbench.services.common.text import printable

HEADINGS = {f"h{level}": level for level in range(1, 7)}
INLINE = {
    "strong": "bold", "b": "bold", "em": "italic", "i": "italic", "code": "code",
    "del": "strike", "sub": "sub", "sup": "sup", "a": "link",
}  # fmt: skip
LINKED_SCHEMES = ("http:", "https:", "mailto:")
LINE_BREAK = "\n"
# A table this wide (or any table of a Statement of Applicability with this many) gets a
# landscape page.
WIDE_COLUMNS = 5
SOA_WIDE_COLUMNS = 4
# Blocks (headings, paragraphs) that may stand between two wide tables of one landscape run.
LANDSCAPE_GAP = 3
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Piece:
    """A run of text with one look: its formats and, for a link, its target."""

    text: str
    formats: frozenset[str] = frozenset()
    link: str | None = None


@dataclass(frozen=True)
class ListItem:
    """Where a paragraph sits in a list."""

    ordered: bool
    depth: int  # 1 for a top-level list
    list_id: int  # one per list in the text, in order: a new list restarts its numbering
    number: int  # the item's number in its list (bullets count too)
    first: bool  # the item's first paragraph (carries the number or bullet)
    start: int = 1  # the number the list starts at (a list may go on from an earlier one)


@dataclass
class Paragraph:
    pieces: list[Piece] = field(default_factory=list)
    kind: str = "body"  # "body", "heading", "quote", "code", "notice"
    level: int = 0  # heading level
    item: ListItem | None = None

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)


@dataclass
class Cell:
    header: bool
    align: str | None = None
    pieces: list[Piece] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)


@dataclass
class Table:
    rows: list[list[Cell]]
    # Tables the renderings make themselves (the approval block) stay on the page they are on.
    may_turn: bool = True

    @property
    def columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    @property
    def header_rows(self) -> int:
        """Leading rows of header cells only: repeated at the top of each page."""
        count = 0
        for row in self.rows:
            if not row or not all(cell.header for cell in row):
                break
            count += 1
        return count


@dataclass
class Rule:
    pass


Block = Paragraph | Table | Rule


@dataclass
class _OpenList:
    ordered: bool
    list_id: int
    counter: int = 0
    item_paragraph: Paragraph | None = None
    start: int = 1


class _Walker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.paragraph: Paragraph | None = None
        self.formats: list[str] = []
        self.links: list[str | None] = []
        self.lists: list[_OpenList] = []
        self.list_count = 0
        self.quote = 0
        self.pre = False
        self.rows: list[list[Cell]] | None = None
        self.cell: Cell | None = None

    # --- blocks ---------------------------------------------------------------------------

    def _new_paragraph(self, kind: str | None = None, level: int = 0) -> Paragraph:
        item: ListItem | None = None
        if kind is None:
            kind = "quote" if self.quote else "body"
            if self.lists:  # a further paragraph of a list item: indented, no number
                current = self.lists[-1]
                item = ListItem(current.ordered, len(self.lists), current.list_id,
                                current.counter, first=False, start=current.start)  # fmt: skip
        self.paragraph = Paragraph(kind=kind, level=level, item=item)
        self.blocks.append(self.paragraph)
        return self.paragraph

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.rows is not None:
            self._table_start(tag, dict(attrs))
            return
        if tag in HEADINGS:
            self._new_paragraph("heading", HEADINGS[tag])
        elif tag == "p":
            current = self.lists[-1] if self.lists else None
            reuse = current is not None and current.item_paragraph is self.paragraph
            if not (reuse and self.paragraph is not None and not self.paragraph.text.strip()):
                self._new_paragraph()
        elif tag in ("ul", "ol"):
            self.list_count += 1
            start = _start(dict(attrs).get("start")) if tag == "ol" else 1
            self.lists.append(_OpenList(tag == "ol", self.list_count, start - 1, start=start))
            self.paragraph = None
        elif tag == "li":
            self._list_item()
        elif tag == "blockquote":
            self.quote += 1
            self.paragraph = None
        elif tag == "pre":
            self.pre = True
            self._new_paragraph("code")
        elif tag in INLINE:
            self._start_format(tag, dict(attrs))
        elif tag == "br":
            if self.paragraph is None:
                self._new_paragraph()
            assert self.paragraph is not None
            self.paragraph.pieces.append(Piece(LINE_BREAK))
        elif tag == "hr":
            self.blocks.append(Rule())
            self.paragraph = None
        elif tag == "table":
            self.rows = []
            self.paragraph = None

    def _list_item(self) -> None:
        if not self.lists:  # a stray <li>: a list of its own
            self.list_count += 1
            self.lists.append(_OpenList(ordered=False, list_id=self.list_count))
        current = self.lists[-1]
        current.counter += 1
        item = ListItem(current.ordered, len(self.lists), current.list_id, current.counter,
                        first=True, start=current.start)  # fmt: skip
        self.paragraph = Paragraph(kind="quote" if self.quote else "body", item=item)
        self.blocks.append(self.paragraph)
        current.item_paragraph = self.paragraph

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

    # --- text -----------------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        text = printable(data if self.pre else _SPACES.sub(" ", data))
        formats = frozenset(self.formats) | ({"code"} if self.pre else frozenset())
        link = self.links[-1] if self.links else None
        if self.rows is not None:
            if self.cell is not None and text:
                self.cell.pieces.append(Piece(text, formats, link))
            return
        if self.paragraph is None:
            if not text.strip():
                return
            self._new_paragraph()
        assert self.paragraph is not None
        if not self.paragraph.pieces:
            text = text.lstrip("\n") if self.pre else text.lstrip()
        if text:
            self.paragraph.pieces.append(Piece(text, formats, link))

    # --- tables ---------------------------------------------------------------------------

    def _table_start(self, tag: str, attrs: dict[str, str | None]) -> None:
        assert self.rows is not None
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            if not self.rows:
                self.rows.append([])
            self.cell = Cell(header=tag == "th", align=attrs.get("align"))
            self.rows[-1].append(self.cell)
        elif tag in INLINE:
            self._start_format(tag, attrs)
        elif tag == "br" and self.cell is not None:
            self.cell.pieces.append(Piece(LINE_BREAK))

    def _table_end(self, tag: str) -> None:
        if tag in ("th", "td"):
            self.cell = None
        elif tag in INLINE:
            self._end_format(INLINE[tag])
        elif tag == "table":
            rows = [row for row in self.rows or [] if row]
            self.rows = None
            for row in rows:
                for cell in row:
                    cell.pieces = trimmed(cell.pieces)
            if rows:
                self.blocks.append(Table(rows))


def _start(value: str | None) -> int:
    try:
        return max(0, min(int(value or 1), 1_000_000))
    except ValueError:
        return 1


def trimmed(pieces: Sequence[Piece], *, keep_newlines: bool = False) -> list[Piece]:
    """The pieces without leading and trailing white space, and without empty pieces."""
    out = list(pieces)
    strip = " \t" if keep_newlines else None
    while out and not out[0].text.strip(strip):
        out.pop(0)
    while out and not out[-1].text.strip(strip):
        out.pop()
    if out:
        first, last = out[0], out[-1]
        out[0] = Piece(first.text.lstrip(strip), first.formats, first.link)
        last = out[-1]
        out[-1] = Piece(last.text.rstrip(strip), last.formats, last.link)
    return [piece for piece in out if piece.text]


def _finish(blocks: list[Block]) -> list[Block]:
    finished: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if block.kind == "code":
                text = block.text.rstrip("\n")
                block.pieces = [Piece(text, frozenset({"code"}))] if text.strip() else []
            else:
                block.pieces = trimmed(block.pieces)
            if not block.pieces:
                continue
        finished.append(block)
    return finished


def from_html(html: str) -> list[Block]:
    """The blocks of sanitised HTML."""
    walker = _Walker()
    walker.feed(html)
    walker.close()
    return _finish(walker.blocks)


def from_markdown(text: str) -> list[Block]:
    return from_html(render_markdown(text))


def split_title(blocks: Sequence[Block]) -> tuple[Paragraph | None, list[Block]]:
    """The text's own title (a first-level heading that opens it), and the rest."""
    if blocks and isinstance(blocks[0], Paragraph) and blocks[0].kind == "heading":
        if blocks[0].level == 1:
            return blocks[0], list(blocks[1:])
    return None, list(blocks)


# --- layout decisions both renderers share --------------------------------------------------


def is_wide(block: Block, *, soa: bool = False) -> bool:
    """A table that reads better on a landscape page."""
    if not isinstance(block, Table) or not block.may_turn:
        return False
    return block.columns >= (SOA_WIDE_COLUMNS if soa else WIDE_COLUMNS)


def landscape_runs(blocks: Sequence[Block], *, soa: bool = False) -> list[tuple[int, int]]:
    """Half-open index ranges of blocks to put on landscape pages.

    A run starts at the headings right before a wide table (so they stay with it) and takes
    in the following wide tables while at most a few headings or paragraphs, and no narrow
    table, stand between them: a Statement of Applicability's theme tables share one run.
    """
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(blocks):
        if not is_wide(blocks[index], soa=soa):
            index += 1
            continue
        start = index
        while start > 0 and _is_heading(blocks[start - 1]):
            start -= 1
        if runs and start < runs[-1][1]:
            start = runs[-1][1]
        end = index + 1
        look = end
        while look < len(blocks) and look - end < LANDSCAPE_GAP + 1:
            if is_wide(blocks[look], soa=soa):
                end = look = look + 1
                continue
            if isinstance(blocks[look], Table):
                break
            look += 1
        runs.append((start, end))
        index = end
    return runs


def _is_heading(block: Block) -> bool:
    return isinstance(block, Paragraph) and block.kind == "heading"


Measure = Callable[[str, bool], float]  # the width of text, bold or not, in the caller's unit


def column_widths(
    table: Table, available: float, measure: Measure, *, padding: float = 0.0
) -> list[float]:
    """How to share ``available`` between a table's columns, from their content.

    Each column gets at least its longest word (header words included, so a header never
    breaks inside a word) when the table can fit that; the rest is shared in proportion to how
    much more each column would need to show its longest cell on one line. So an id or status
    column stays narrow and a justification column gets the room.
    """
    count = table.columns
    if count == 0:
        return []
    least = [padding] * count
    most = [padding] * count
    for row in table.rows:
        for index, cell in enumerate(row):
            bold = cell.header or any("bold" in piece.formats for piece in cell.pieces)
            text = cell.text
            words = text.split()
            longest_word = max((measure(word, bold) for word in words), default=0.0)
            longest_line = max((measure(line, bold) for line in text.split(LINE_BREAK)),
                               default=0.0)  # fmt: skip
            least[index] = max(least[index], longest_word + padding)
            most[index] = max(most[index], longest_line + padding)
    # One very long word (a URL) must not starve every other column.
    cap = available * 0.4
    least = [min(value, max(cap, padding)) for value in least]
    most = [max(m, n) for m, n in zip(most, least, strict=True)]
    return distribute(least, most, available)


def distribute(least: Sequence[float], most: Sequence[float], available: float) -> list[float]:
    """Widths that add up to ``available``: minimums first, then the wish for more shared out."""
    total_least, total_most = sum(least), sum(most)
    if total_most <= available:
        spare = available - total_most
        return (
            [m + spare * m / total_most for m in most]
            if total_most
            else [available / len(most) for _ in most]
        )
    if total_least >= available:
        return [available * n / total_least for n in least]
    room = available - total_least
    wishes = [m - n for m, n in zip(most, least, strict=True)]
    total_wish = sum(wishes)
    return [n + room * w / total_wish for n, w in zip(least, wishes, strict=True)]


# --- what a page-based rendering prints -----------------------------------------------------


@dataclass(frozen=True)
class Properties:
    """The file's own description of itself (Word's document properties, the PDF's info)."""

    title: str
    author: str
    subject: str = ""
    keywords: str = ""
    category: str = ""
    comments: str = ""
    identifier: str = ""
    version: str = ""
    revision: int = 1
    status: str = ""
    company: str = ""
    # Fixed moments of the record (saved, approved), never "now": the same version renders to
    # the same bytes whenever and wherever it is rendered.
    created: datetime = datetime(1980, 1, 1, tzinfo=UTC)
    modified: datetime = datetime(1980, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Printable:
    """Everything a Word or PDF rendering shows, whatever the format: the page header and
    footer (the renderer adds "Page X of Y"), the paper, and the blocks in order."""

    header: str
    header_right: str
    footer: str
    page_mm: tuple[float, float]
    blocks: Sequence[Block]
    properties: Properties
    soa: bool = False  # a Statement of Applicability: its control tables turn to landscape
