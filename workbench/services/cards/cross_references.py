"""Links from one card to another: "See Q045" and "Q091–Q100" become card links."""

from __future__ import annotations

from collections.abc import Container

from workbench.services.cards.loader import find_cross_references
from workbench.services.common.markup import CARD_LINK_SCHEME


def link_cross_references(text: str, known_ids: Container[str]) -> str:
    """Turn "Q045" and "Q091–Q100" into card links where the first card exists."""
    pieces: list[str] = []
    position = 0
    for reference in find_cross_references(text):
        existing = [card_id for card_id in reference.ids() if card_id in known_ids]
        if not existing:
            continue
        pieces.append(text[position : reference.start])
        pieces.append(f"[{reference.text}]({CARD_LINK_SCHEME}:{existing[0]})")
        position = reference.end
    pieces.append(text[position:])
    return "".join(pieces)
