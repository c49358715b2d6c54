"""The command line imports only what a call needs: start-up time is most of a short command."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from workbench import __version__
from workbench.cli import COMMANDS, build_parser, parse_arguments

# Runs one call in a fresh interpreter, then reports what it had imported (stdout is the call's).
PROBE = """
import json, sys
from workbench import cli
try:
    code = cli.main({argv!r})
except SystemExit as stop:
    code = stop.code
loaded = sorted(name for name in sys.modules if name.startswith(
    ("sqlalchemy", "sqlmodel", "PySide6", "shiboken6", "workbench.commands.")))
print(json.dumps({{"code": code, "loaded": loaded}}), file=sys.stderr)
"""


def probe(*argv: str) -> tuple[int, str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=list(argv))],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return report["code"], result.stdout, report["loaded"]


def test_version_imports_no_database_layer_qt_or_command() -> None:
    code, out, loaded = probe("--version")
    assert (code, out) == (0, f"workbench {__version__}\n")
    assert loaded == ["workbench.commands.base"]


def test_help_imports_no_database_layer_qt_or_command() -> None:
    code, out, loaded = probe("--help")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines() if re.match(r"    \w", line)]
    assert listed == [word for word, _, _ in COMMANDS]
    assert "recompute every hash, chain and signature" in out
    assert loaded == ["workbench.commands.base"]


def test_a_command_imports_its_own_module_only() -> None:
    code, out, loaded = probe("cards", "show", "Q012")
    assert code == 0
    assert out.startswith("Q012: ")
    assert loaded == ["workbench.commands.base", "workbench.commands.cards"]


def _commands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _listed(parser: argparse.ArgumentParser) -> list[tuple[str, str | None]]:
    return [(choice.dest, choice.help) for choice in _commands(parser)._choices_actions]


def test_the_command_table_is_what_the_modules_add() -> None:
    """A command a module adds and cli.COMMANDS lacks (or words otherwise) fails here."""
    listed = _listed(build_parser())
    assert [word for word, _ in listed] == [word for word, _, _ in COMMANDS]
    for word, _, _ in COMMANDS:
        alone = build_parser(word)
        # Its module adds the same words, in the same places, with the same help...
        assert _listed(alone) == listed, word
        # ...and its own parser in full, not the stand-in that only names it.
        assert len(_commands(alone).choices[word]._actions) > 1, word
    folder = Path(import_module("workbench.commands").__file__ or "").parent
    modules = {path.stem for path in folder.glob("*.py")} - {"__init__", "base"}
    assert modules == {module for _, module, _ in COMMANDS}


def test_window_options_alone_need_no_command_parser() -> None:
    args = parse_arguments(["-w", "acme.grcw", "--view", "register", "--card", "Q012"])
    assert (args.workspace, args.view, args.card) == ("acme.grcw", "register", "Q012")
    assert not hasattr(args, "handler")


def test_mistakes_read_as_the_full_parser_words_them(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        parse_arguments(["--view", "nowhere"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "argument --view: invalid choice: 'nowhere'" in err
    with pytest.raises(SystemExit):
        parse_arguments(["bogus"])
    err = capsys.readouterr().err
    assert "invalid choice: 'bogus' (choose from 'cards', 'isms'," in err
    # A global option after the command belongs to no command parser, as before.
    with pytest.raises(SystemExit):
        parse_arguments(["cards", "show", "Q012", "--version"])
    assert "unrecognized arguments: --version" in capsys.readouterr().err
