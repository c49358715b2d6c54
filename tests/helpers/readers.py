"""Reading produced files back as a person would see them: the text of HTML, Word and PDF."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import docx
import pypdf
from docx.table import Table

from workbench.services.common.markup import render_markdown


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ([.,;:])", r"\1", text)


def version_text(markdown_text: str) -> str:
    """What a reader must find in any rendering: the text of the rendered Markdown."""
    parser = _Text()
    parser.feed(render_markdown(markdown_text))
    return normalise(" ".join(parser.parts))


def body_text(markdown_text: str) -> str:
    """What a reader must find after the document control block of a Word or PDF rendering:
    the text without its own title, which comes first, before the block."""
    lines = markdown_text.split("\n")
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return version_text("\n".join(lines))


def title_then_body(markdown_text: str, rendered: str) -> bool:
    """Whether a rendering shows the text's title first and the rest of the text after it."""
    title = version_text(markdown_text.split("\n", 1)[0])
    # A PDF's text carries the bullets a list is drawn with; Word keeps them in its numbering.
    rendered = normalise(re.sub("[•◦▪]", " ", rendered))
    return rendered.startswith(title) and body_text(markdown_text) in rendered


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            parts.extend(cell.text for row in block.rows for cell in row.cells)
        else:
            parts.append(block.text)
    return normalise(" ".join(parts))


class Page(HTMLParser):
    """The text of each part of an exported page, and its tags and links."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, list[str]] = {}
        self.open: list[str] = []
        self.tags: set[str] = set()
        self.links: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        if tag in ("header", "main", "footer", "section", "title"):
            self.open.append(tag)
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "meta":
            key = values.get("name") or values.get("http-equiv")
            if key:
                self.meta[key] = str(values.get("content"))

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for part in [*self.open, "all"]:
            self.parts.setdefault(part, []).append(data)

    def text(self, part: str) -> str:
        return normalise(" ".join(self.parts.get(part, [])))


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text("utf-8"))
    return page


def pdf_text(path: Path) -> tuple[int, str]:
    reader = pypdf.PdfReader(path)
    return len(reader.pages), normalise(" ".join(page.extract_text() for page in reader.pages))
