"""The shipped question bank and catalogs: everything resolves, nothing is missing."""

from __future__ import annotations

from collections import Counter

from workbench.services.cards.library import CardLibrary
from workbench.services.catalog.standards import default_catalog

CORE_CLAUSES = [
    "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.1.1", "6.1.2", "6.1.3", "6.2",
    "6.3", "7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1", "7.5.2", "7.5.3", "8.1", "8.2", "8.3",
    "9.1", "9.2", "9.2.1", "9.2.2", "9.3", "9.3.1", "9.3.2", "9.3.3", "10.1", "10.2",
]  # fmt: skip


def test_annex_a_has_93_controls_in_four_themes() -> None:
    controls = default_catalog().entries_of("ISO27001:2022", kind="control")
    assert Counter(c.theme for c in controls) == {
        "organizational": 37,
        "people": 8,
        "physical": 14,
        "technological": 34,
    }
    ids = {c.local_id for c in controls}
    for prefix, count in (("A.5", 37), ("A.6", 8), ("A.7", 14), ("A.8", 34)):
        assert {f"{prefix}.{n}" for n in range(1, count + 1)} <= ids
    assert all(c.title and c.summary for c in controls)


def test_clauses_4_to_10_are_all_there() -> None:
    catalog = default_catalog()
    for clause in CORE_CLAUSES:
        assert f"ISO27001:2022/{clause}" in catalog, clause
    assert catalog.title("ISO27001:2022/6.1.2") == "Information security risk assessment"
    assert catalog.title("ISO27001:2022/A.8.13") == "Information backup"
    assert "ISO27701:2019/4.1" in catalog
    for entry in catalog:
        assert entry.parent is None or f"{entry.pack}/{entry.parent}" in catalog


def test_whole_bank_is_valid_without_warnings(library: CardLibrary) -> None:
    assert [str(p) for p in library.problems] == []


def test_bank_size_numbering_and_controls_cards(library: CardLibrary) -> None:
    ids = set(library.cards.cards)
    assert len(ids) >= 60
    assert {f"Q{n:03d}" for n in range(91, 101)} <= ids
    assert "Q012" in ids


def test_every_card_cites_sources_for_its_references(library: CardLibrary) -> None:
    for card in library.cards.cards.values():
        cited = {source.id for source in card.fields.sources}
        assert set(card.fields.primary_ids) <= cited, card.id
        assert card.fields.ui.actions, f"{card.id} offers no next step"
