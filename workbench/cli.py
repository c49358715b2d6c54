"""The ``workbench`` command: opens the GUI, or runs a subcommand without a window.

Exit codes: 0 success, 1 a check found problems, 2 bad input (unknown id, unusable file, ...).
Errors are one line on stderr; a traceback never reaches the user (it goes to the log file).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from workbench import __version__

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

VIEWS = ("questions", "register", "documents", "planner")

log = logging.getLogger("workbench")


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


Handler = Callable[[argparse.Namespace], int]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="GRC Workbench: build and run ISO/IEC 27001 management systems, offline.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument(
        "-w",
        "--workspace",
        metavar="PATH",
        help="workspace file (created if missing) or database URL; default: the user's default",
    )
    parser.add_argument("--view", choices=VIEWS, help="open the GUI on this pane")
    parser.add_argument("--card", metavar="ID", help="open the GUI on this question card")
    parser.add_argument(
        "--screenshot", metavar="PNG", type=Path, help="render the window to a PNG and exit"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    cards = commands.add_parser("cards", help="question cards").add_subparsers(
        dest="cards_command", metavar="ACTION", required=True
    )
    validate = cards.add_parser("validate", help="check cards; exit 1 if any has problems")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="cards or folders")
    validate.add_argument("--strict", action="store_true", help="treat warnings as problems")
    validate.add_argument("--json", action="store_true", help="print the result as JSON")
    validate.set_defaults(handler=_cards_validate)

    show = cards.add_parser("show", help="print one card as text")
    show.add_argument("card_id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_cards_show)
    return parser


def _problem_json(problem: object) -> dict[str, object]:
    from workbench.services.cards import Problem

    assert isinstance(problem, Problem)
    return {
        "file": str(problem.path),
        "line": problem.line,
        "severity": problem.severity.value,
        "message": problem.message,
    }


def _cards_validate(args: argparse.Namespace) -> int:
    from workbench.services.cards import load_and_check
    from workbench.services.catalog import default_catalog
    from workbench.services.paths import seeds_dir

    paths: list[Path] = list(args.paths) or [seeds_dir()]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    card_set = load_and_check(paths, default_catalog())
    failing = card_set.problems if args.strict else card_set.errors
    if args.json:
        print(
            json.dumps(
                {
                    "cards": len(card_set.cards),
                    "problems": [_problem_json(p) for p in card_set.problems],
                },
                indent=2,
            )
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


def _cards_show(args: argparse.Namespace) -> int:
    from workbench.services.cards import load_cards
    from workbench.services.catalog import default_catalog
    from workbench.services.paths import seeds_dir

    card_set = load_cards([seeds_dir()])
    card = card_set.cards.get(args.card_id.upper())
    if card is None:
        raise UsageError(f"no card with id {args.card_id}")
    catalog = default_catalog()
    if args.json:
        data = card.fields.model_dump()
        data["body"] = card.body
        print(json.dumps(data, indent=2, ensure_ascii=False))
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


def _open_gui(args: argparse.Namespace) -> int:
    from workbench.app import run_gui

    return run_gui(
        workspace=args.workspace,
        view=args.view,
        card=args.card,
        screenshot=args.screenshot,
    )


def _configure_logging() -> None:
    from workbench.services.paths import data_dir

    try:
        directory = data_dir()
        directory.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(
            directory / "workbench.log", encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _configure_logging()
    from workbench.services.store import WorkspaceError

    handler: Handler = getattr(args, "handler", _open_gui)
    try:
        return handler(args)
    except (UsageError, WorkspaceError) as error:
        print(f"workbench: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: one line for the user, detail in the log
        log.exception("unexpected error")
        print(f"workbench: unexpected error: {error} (details in the log file)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
