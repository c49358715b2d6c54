"""Card search at scale: 10,000 generated cards, index build, search and filter latency."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

from benchmarks.common import Result, percentile, timings_ms
from workbench.services.cards.loader import Card, CardAction, CardFields, CardUI, load_cards
from workbench.services.cards.search import CardFilter, CardIndex
from workbench.services.catalog.standards import default_catalog
from workbench.services.common.paths import seeds_dir

CARDS = 10_000
QUERIES = [
    "risk", "impl", "supplier cloud", "audit programme", "backup recov", "priv", "Q00042",
    "access control policy", "zzz", "incident", "software", "statement of applicability",
]  # fmt: skip
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _real_sentences() -> tuple[list[str], list[str]]:
    """Questions and sentences of the shipped bank: generated cards read like real ones."""
    bank = load_cards([seeds_dir()])
    queries = [card.query for card in bank.cards.values()]
    sentences = [
        sentence
        for card in bank.cards.values()
        for sentence in SENTENCE.split(card.body.replace("\n", " "))
        if len(sentence) > 20
    ]
    return queries, sentences


def generate_cards(count: int) -> list[Card]:
    rng = random.Random(42)
    refs = [entry.ref for entry in default_catalog()]
    tags = ["Draft Doc", "Versioning", "Approval", "Register", "Planner"]
    queries, sentences = _real_sentences()
    cards = []
    for number in range(1, count + 1):
        fields = CardFields(
            id=f"Q{number:05d}",
            query=rng.choice(queries),
            packs=[rng.choice(["ISO27001:2022", "ISO27701:2019"])],
            primary_ids=rng.sample(refs, 2),
            capability_tags=rng.sample(tags, 2),  # type: ignore[arg-type]
            ui=CardUI(
                actions=[CardAction(type="open_register", target="isms_artifacts", label="x")]
            ),
        )
        body = "\n\n".join(" ".join(rng.sample(sentences, 6)) for _ in range(4))
        cards.append(Card(fields, body, Path(f"Q{number:05d}.md"), 20))
    return cards


def run(scratch: Path) -> list[Result]:
    cards = generate_cards(CARDS)
    began = time.perf_counter()
    index = CardIndex(cards)
    build = time.perf_counter() - began
    searches: list[float] = []
    for _ in range(20):
        for query in QUERIES:
            searches.extend(timings_ms(lambda q=query: index.search(q), repeat=1))
    card_filter = CardFilter(pack="ISO27001:2022", tag="Register", ref="ISO27001:2022/A.5")
    filtering = timings_ms(lambda: index.search("", card_filter), repeat=30)
    return [
        Result(f"card index build, {CARDS:,} cards", build, "s", 2.0),
        Result("card search p50", percentile(searches, 0.50), "ms", 5.0),
        Result("card search p95", percentile(searches, 0.95), "ms", 20.0),
        Result("card list filter (pack+tag+ref) p50", percentile(filtering, 0.50), "ms", 50.0),
    ]
