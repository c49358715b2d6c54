"""The cards a user sees: the shipped seeds plus the user's own pack folders, checked, indexed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.services.cards.loader import CardSet, Problem, load_and_check
from workbench.services.cards.search import CardIndex
from workbench.services.catalog.standards import Catalog, default_catalog
from workbench.services.common.parse_cache import parse_cache
from workbench.services.common.paths import seeds_dir


@dataclass
class CardLibrary:
    cards: CardSet
    index: CardIndex
    catalog: Catalog

    @property
    def problems(self) -> list[Problem]:
        return self.cards.problems


def load_library(
    packs: Sequence[Path] = (), *, include_seeds: bool = True, catalog: Catalog | None = None
) -> CardLibrary:
    """Load, check and index the cards. Missing pack folders are reported as problems."""
    catalog = catalog or default_catalog()
    sources = ([seeds_dir()] if include_seeds else []) + list(packs)
    with parse_cache("cards") as parsed:
        card_set = load_and_check(sources, catalog, parsed)
    return CardLibrary(card_set, CardIndex(card_set.cards.values(), catalog), catalog)
