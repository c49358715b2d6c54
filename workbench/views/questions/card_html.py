"""A question card as the HTML the card view shows (sanitised body, chips, sources, related)."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.services.cards.cross_references import link_cross_references
from workbench.services.cards.library import CardLibrary
from workbench.services.cards.loader import Card
from workbench.services.common.markup import escape, render_markdown
from workbench.services.register.listing import RegisterRow

REF_LINK_SCHEME = "ref"
ARTIFACT_LINK_SCHEME = "artifact"

CHIP_COLOURS = {
    "pack": "#e3ecf7",
    "primary": "#dff0e3",
    "overlap": "#f3ead9",
    "tag": "#ece3f5",
    "hint": "#eeeeee",
}


def _chip(text: str, kind: str, *, href: str | None = None, tooltip: str = "") -> str:
    label = escape(text)
    if href:
        label = f'<a href="{escape(href)}">{label}</a>'
    title = f' title="{escape(tooltip)}"' if tooltip else ""
    return (
        f'<span style="background-color:{CHIP_COLOURS[kind]};"{title}>&nbsp;{label}&nbsp;</span> '
    )


def _ref_chips(refs: Sequence[str], kind: str, library: CardLibrary) -> str:
    chips = []
    for ref in refs:
        title = library.catalog.title(ref)
        text = f"{ref.split('/', 1)[-1]} {title}" if title else ref
        pack = ref.split("/", 1)[0]
        tooltip = ref
        edition = library.catalog.packs.get(pack)
        if edition is not None and edition.superseded_by:
            text = f"{text} (superseded by {edition.superseded_by})"
            tooltip = f"{ref}: {edition.transition_note}" if edition.transition_note else ref
        chips.append(
            _chip(f"{pack} {text}", kind, href=f"{REF_LINK_SCHEME}:{ref}", tooltip=tooltip)
        )
    return "".join(chips)


def _without_title_heading(body: str) -> str:
    """Drop the body's own "### 12) Question" heading: the view already shows the question."""
    lines = body.lstrip("\n").split("\n", 1)
    if lines and lines[0].startswith("#"):
        return lines[1] if len(lines) > 1 else ""
    return body


def card_html(card: Card, library: CardLibrary, linked_artifacts: Sequence[RegisterRow]) -> str:
    fields = card.fields
    known = library.cards.cards
    parts = [f"<h2>{escape(card.id)} · {escape(card.query)}</h2>"]
    parts.append("<p>" + "".join(_chip(pack, "pack") for pack in fields.packs) + "</p>")
    if fields.primary_ids:
        parts.append("<p><b>Primary</b> " + _ref_chips(fields.primary_ids, "primary", library))
        parts.append("</p>")
    if fields.overlap_ids:
        parts.append("<p><b>Overlaps</b> " + _ref_chips(fields.overlap_ids, "overlap", library))
        parts.append("</p>")
    if fields.capability_tags:
        parts.append("<p>" + "".join(_chip(tag, "tag") for tag in fields.capability_tags) + "</p>")
    parts.append("<hr/>")
    parts.append(
        render_markdown(
            _without_title_heading(card.body),
            transform=lambda text: link_cross_references(text, known),
        )
    )
    if fields.sources:
        parts.append("<h3>Sources</h3><ul>")
        for source in fields.sources:
            locator = f" ({escape(source.locator)})" if source.locator else ""
            parts.append(f"<li>{escape(source.title)}{locator}</li>")
        parts.append("</ul>")
    if fields.ui.cards_hint:
        parts.append(
            "<p><b>In the workbench</b> "
            + "".join(_chip(hint, "hint") for hint in fields.ui.cards_hint)
            + "</p>"
        )
    if fields.notes:
        parts.append(f"<p><i>Consultant's note: {escape(fields.notes)}</i></p>")
    parts.append(_related_html(card, library, linked_artifacts))
    return "".join(parts)


def _related_html(card: Card, library: CardLibrary, artifacts: Sequence[RegisterRow]) -> str:
    parts = ["<h3>Related</h3>"]
    related = library.index.related(card)
    if related:
        parts.append("<ul>")
        for other_id in related:
            other = library.cards.cards[other_id]
            parts.append(f'<li><a href="card:{other_id}">{other_id}</a> {escape(other.query)}</li>')
        parts.append("</ul>")
    else:
        parts.append("<p>No other card shares this card's primary clauses.</p>")
    parts.append("<p><b>Artifacts in this workspace covering these clauses</b></p>")
    if artifacts:
        parts.append("<ul>")
        for row in artifacts:
            refs = ", ".join(ref.split("/", 1)[-1] for ref in row.refs)
            parts.append(
                f'<li><a href="{ARTIFACT_LINK_SCHEME}:{row.id}">{escape(row.title)}</a> '
                f"({escape(row.status.value.replace('_', ' '))}; {escape(refs)})</li>"
            )
        parts.append("</ul>")
    else:
        parts.append("<p>None yet.</p>")
    return "".join(parts)
