"""Ranked search over question cards, with pack, capability and reference filters.

The index is an in-memory SQLite FTS5 table, separate from any workspace. Every search term
matches as a prefix ("impl" finds "implement"), case and accents are ignored, and results are
ranked by BM25 with a card's id and question weighted above its body.

BM25 costs about a microsecond per matching card, so when a very large pack makes a query match
thousands of cards, only the cards matching in their id, question or references are ranked,
ahead of the rest in id order; the list stays instant at 10,000 cards.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workbench.services.cards.loader import Card
from workbench.services.catalog.standards import Catalog

TERM_PATTERN = re.compile(r"\w+", re.UNICODE)
# Column weights for bm25(): id, query, refs, packs, tags, body, notes.
WEIGHTS = (10.0, 6.0, 3.0, 2.0, 2.0, 1.0, 1.0)
HEAD_COLUMNS = "{id query refs packs tags}"
RANK_ALL_LIMIT = 2000


@dataclass(frozen=True)
class CardFilter:
    pack: str | None = None
    tag: str | None = None
    ref: str | None = None

    def accepts(self, card: Card) -> bool:
        if self.pack and self.pack not in card.fields.packs:
            return False
        if self.tag and self.tag not in card.fields.capability_tags:
            return False
        if self.ref:
            prefix = f"{self.ref}."
            if not any(r == self.ref or r.startswith(prefix) for r in card.references):
                return False
        return True


def match_expression(text: str) -> str | None:
    """The FTS5 MATCH expression for what the user typed, or None when there is nothing to find."""
    terms = TERM_PATTERN.findall(text)
    if not terms:
        return None
    return " AND ".join(f'"{term}"*' for term in terms)


class CardIndex:
    def __init__(self, cards: Iterable[Card], catalog: Catalog | None = None) -> None:
        """Index the cards; with a catalog, a card is also found by the titles (and title
        aliases) of the clauses and controls it references."""
        self._cards: dict[str, Card] = {}
        self._order: list[str] = []
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE card USING fts5("
            "id, query, refs, packs, tags, body, notes, "
            "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
        )
        rows = []
        for card in sorted(cards, key=lambda c: (c.number, c.id)):
            self._cards[card.id] = card
            self._order.append(card.id)
            fields = card.fields
            refs = card.references
            ref_words = [*refs, *(catalog.search_text(ref) for ref in refs)] if catalog else refs
            rows.append(
                (
                    card.id,
                    fields.query,
                    " ".join(ref_words),
                    " ".join(fields.packs),
                    " ".join(fields.capability_tags),
                    card.body,
                    fields.notes,
                )
            )
        self._db.executemany(
            "INSERT INTO card(rowid, id, query, refs, packs, tags, body, notes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(rowid, *row) for rowid, row in enumerate(rows)],
        )
        weights = ", ".join(str(weight) for weight in WEIGHTS)
        self._db.execute("INSERT INTO card(card, rank) VALUES ('rank', ?)", (f"bm25({weights})",))

    def __len__(self) -> int:
        return len(self._order)

    def card(self, card_id: str) -> Card | None:
        return self._cards.get(card_id)

    def search(self, text: str, card_filter: CardFilter | None = None) -> list[str]:
        """Ids of matching cards, best first; with no search terms, all cards in id order."""
        expression = match_expression(text)
        ids: Sequence[str] = self._order if expression is None else self._ranked(expression)
        if card_filter is None or card_filter == CardFilter():
            return list(ids)
        return [card_id for card_id in ids if card_filter.accepts(self._cards[card_id])]

    def _rowids(self, sql: str, expression: str) -> list[int]:
        return [row[0] for row in self._db.execute(sql, (expression,))]

    def _ranked(self, expression: str) -> list[str]:
        # Only rowids are read back: reading the stored text would cost more than the search.
        matches = self._rowids("SELECT rowid FROM card WHERE card MATCH ?", expression)
        if len(matches) <= RANK_ALL_LIMIT:
            order = self._rowids(
                "SELECT rowid FROM card WHERE card MATCH ? ORDER BY rank", expression
            )
        else:
            head = self._rowids(
                "SELECT rowid FROM card WHERE card MATCH ? ORDER BY rank",
                f"{HEAD_COLUMNS} : ({expression})",
            )
            ranked = set(head)
            order = head + sorted(rowid for rowid in matches if rowid not in ranked)
        return [self._order[rowid] for rowid in order]

    def packs(self) -> list[str]:
        return sorted({pack for card in self._cards.values() for pack in card.fields.packs})

    def references(self) -> list[str]:
        return sorted({ref for card in self._cards.values() for ref in card.references})

    def related(self, card: Card) -> list[str]:
        """Other cards sharing one of this card's primary ids, in id order."""
        primary = set(card.fields.primary_ids)
        return [
            other_id
            for other_id in self._order
            if other_id != card.id
            and primary.intersection(self._cards[other_id].fields.primary_ids)
        ]
