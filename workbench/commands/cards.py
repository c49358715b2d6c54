"""``workbench cards validate|search|show``."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.commands.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Commands,
    UsageError,
    print_json,
)


def add_to(commands: Commands) -> None:
    cards = commands.add_parser("cards", help="question cards").add_subparsers(
        dest="cards_command", metavar="ACTION", required=True
    )
    validate = cards.add_parser("validate", help="check cards; exit 1 if any has problems")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="cards or folders")
    validate.add_argument("--strict", action="store_true", help="treat warnings as problems")
    validate.add_argument("--json", action="store_true", help="print the result as JSON")
    validate.set_defaults(handler=validate_cards)

    search = cards.add_parser("search", help="ranked search over the cards")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--pack", help="only cards of this pack, e.g. ISO27701:2019")
    search.add_argument("--tag", help="only cards with this capability tag, e.g. Planner")
    search.add_argument("--ref", help="only cards citing this clause or control (or below it)")
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=search_cards)

    show = cards.add_parser("show", help="print one card as text")
    show.add_argument("card_id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_card)


def _problem_json(problem: object) -> dict[str, object]:
    from workbench.services.cards.loader import Problem

    assert isinstance(problem, Problem)
    return {
        "file": str(problem.path),
        "line": problem.line,
        "severity": problem.severity.value,
        "message": problem.message,
    }


def validate_cards(args: argparse.Namespace) -> int:
    from workbench.services.cards.loader import load_and_check
    from workbench.services.catalog.standards import default_catalog
    from workbench.services.common.paths import seeds_dir

    paths: list[Path] = list(args.paths) or [seeds_dir()]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    card_set = load_and_check(paths, default_catalog())
    failing = card_set.problems if args.strict else card_set.errors
    if args.json:
        print_json(
            {
                "cards": len(card_set.cards),
                "problems": [_problem_json(p) for p in card_set.problems],
            }
        )
    else:
        for problem in card_set.problems:
            print(problem)
        if failing:
            files = len({p.path for p in failing})
            loaded = len(card_set.cards)
            print(f"{len(failing)} problem(s) in {files} file(s); {loaded} card(s) loaded")
        else:
            print(f"{len(card_set.cards)} card(s) valid")
    return EXIT_PROBLEMS if failing else EXIT_OK


def search_cards(args: argparse.Namespace) -> int:
    from workbench.services.cards.library import load_library
    from workbench.services.cards.loader import CAPABILITY_TAGS
    from workbench.services.cards.search import CardFilter

    if args.tag and args.tag not in CAPABILITY_TAGS:
        raise UsageError(
            f"unknown capability tag '{args.tag}' (known: {', '.join(CAPABILITY_TAGS)})"
        )
    library = load_library()
    if args.pack and args.pack not in library.index.packs():
        raise UsageError(f"no cards in pack '{args.pack}'")
    ids = library.index.search(args.query, CardFilter(pack=args.pack, tag=args.tag, ref=args.ref))
    if args.json:
        print_json([{"id": i, "query": library.cards.cards[i].query} for i in ids])
    else:
        for card_id in ids:
            print(f"{card_id}  {library.cards.cards[card_id].query}")
        if not ids:
            print("no matching cards")
    return EXIT_OK


def show_card(args: argparse.Namespace) -> int:
    from workbench.services.cards.loader import load_cards
    from workbench.services.catalog.standards import default_catalog
    from workbench.services.common.paths import seeds_dir

    card = load_cards([seeds_dir()]).cards.get(args.card_id.upper())
    if card is None:
        raise UsageError(f"no card with id {args.card_id}")
    catalog = default_catalog()
    if args.json:
        data = card.fields.model_dump()
        data["body"] = card.body
        print_json(data)
        return EXIT_OK
    print(f"{card.id}: {card.query}")
    for label, refs in (
        ("Primary", card.fields.primary_ids),
        ("Overlaps", card.fields.overlap_ids),
    ):
        for ref in refs:
            print(f"  {label}: {ref}  {catalog.title(ref) or '(unknown id)'}")
    if card.fields.capability_tags:
        print(f"  Capabilities: {', '.join(card.fields.capability_tags)}")
    for action in card.fields.ui.actions:
        print(f"  Action: {action.label}  ({action.type} {action.target})")
    print()
    print(card.body.strip())
    return EXIT_OK
