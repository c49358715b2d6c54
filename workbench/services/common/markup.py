"""Markdown to safe HTML, shared by the card view, the editor preview and the exports.

Raw HTML in the source is shown as text, not interpreted, and the result is sanitised again with
nh3 so no script, event attribute, style or dangerous link survives whatever the input.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:
    import markdown

CARD_LINK_SCHEME = "card"
ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
# An ordered list keeps its start number: documents number their rules across sections.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", CARD_LINK_SCHEME}


def _markdown() -> markdown.Markdown:
    # Imported on the first render, not at start-up (see render_markdown).
    import markdown

    converter = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    # Raw HTML becomes visible text instead of markup.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


def sanitise(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )


_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d+\.)[ \t]")


def separate_lists(text: str) -> str:
    """Start a list where an item directly follows a paragraph line, as GitHub does.

    Hand-written cards often put a list right under a bold heading line; Python-Markdown
    would otherwise fold the items into that paragraph.
    """
    lines = text.split("\n")
    out: list[str] = []
    previous_is_text = False
    for line in lines:
        is_item = _LIST_ITEM.match(line) is not None
        if is_item and previous_is_text:
            out.append("")
        out.append(line)
        previous_is_text = bool(line.strip()) and not is_item
    return "\n".join(out)


def render_markdown(text: str, *, transform: Callable[[str], str] | None = None) -> str:
    source = transform(text) if transform else text
    if not source.strip():
        # Blank renders blank; the first converter loads Markdown's extensions (some 50 ms),
        # which start-up's empty document preview need not wait for.
        return ""
    return sanitise(_markdown().convert(separate_lists(source)))


def escape(text: str) -> str:
    return html.escape(text, quote=True)
