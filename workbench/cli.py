"""The ``workbench`` command: opens the GUI, or runs a subcommand without a window.

Exit codes: 0 success, 1 a check found problems, 2 bad input (unknown id, unusable file, ...).
Errors are one line on stderr; a traceback never reaches the user (it goes to the log file).
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from workbench import __version__
from workbench.commands.base import (
    ACTING_DEST,
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    Handler,
    one_line,
)
from workbench.services.common.errors import ServiceError

if TYPE_CHECKING:
    import logging

# Every command word: the module under workbench/commands/ that adds its parser, and its line in
# `workbench --help`. A call builds the parser of its own command only, and `--help` lists them
# all from here, so neither imports the other command modules (tests/test_cli.py checks this
# table against what the modules add).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("cards", "cards", "question cards"),
    ("isms", "register", "the ISMS as a whole"),
    ("register", "register", "the artifact register"),
    ("coverage", "register", "which clauses and controls are covered"),
    ("doc", "documents", "an artifact's text and its versions"),
    ("person", "approvals", "approvers and their signing keys"),
    ("review", "approvals", "review requests"),
    ("approve", "approvals", "sign a decision on a version under review"),
    ("publish", "approvals", "write the approved version as PDF and DOCX"),
    ("verify", "approvals", "recompute every hash, chain and signature; exit 1 naming any problem"),
    ("planner", "planner", "audits, reviews and the calendar"),
    ("risk", "risks", "the risk register: risks, method, acceptance"),
    ("asset", "risks", "assets risks can affect"),
    ("control", "controls", "the control records (Annex A, custom and privacy controls)"),
    ("evidence", "controls", "the evidence vault"),
    ("soa", "controls", "the Statement of Applicability"),
    ("dashboard", "dashboard", "how ready the ISMS is for its audit"),
    ("pack", "pack", "write the audit pack: published documents, register, planner, audit "
     "trail, manifest with hashes and the verify result"),
    ("backup", "maintenance", "copy the workspace (while it may be open) and check the copy"),
    ("check", "maintenance", "check the workspace as a whole: SQLite integrity, verify, planner "
     "rules, schema, record counts; exit 1 naming any problem"),
    ("copy", "team", "copy a workspace record for record: file to server, server to file, file "
     "to file"),
    ("checkout", "team", "copy a team workspace to a file for offline work; the server waits"),
    ("checkin", "team", "bring a checked-out file's work back to its server and release it"),
    ("lease", "team", "show or break the lease of a checked-out workspace"),
    ("consultant", "consultant", "show or save the name recorded as author and actor (the "
     "window asks it too)"),
)  # fmt: skip


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with ``command`` in full and every other command by its name and help alone.

    Only the module of ``command`` is imported (none when it is None): its options are what
    the call needs; the others read in usage, ``--help`` and "invalid choice" messages exactly
    as they would in full.
    """
    from importlib import import_module

    parser = argparse.ArgumentParser(
        prog="workbench",
        description="GRC Workbench: build and run ISO/IEC 27001 management systems, offline.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    _add_window_options(parser, views=_pane_names())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    built: set[str] = set()
    for word, module, help_text in COMMANDS:
        if command is None or module != _module_of(command):
            commands.add_parser(word, help=help_text)
        elif module not in built:
            import_module(f"workbench.commands.{module}").add_to(commands)
            built.add(module)
    return parser


def _module_of(command: str) -> str | None:
    return next((module for word, module, _ in COMMANDS if word == command), None)


def _pane_names() -> tuple[str, ...]:
    from workbench.views.panes import PANE_NAMES

    return PANE_NAMES


def _add_window_options(parser: argparse.ArgumentParser, *, views: Sequence[str] | None) -> None:
    """The options given before any command: the workspace, who acts, and the window's own."""
    parser.add_argument(
        "-w",
        "--workspace",
        metavar="PATH",
        help="workspace file (created if missing) or database URL; default: the user's default",
    )
    parser.add_argument(
        "--as",
        dest=ACTING_DEST,
        metavar="NAME",
        help="who acts in a command (default: WORKBENCH_USER, else the saved name)",
    )
    parser.add_argument("--view", choices=views, help="open the GUI on this pane")
    parser.add_argument("--card", metavar="ID", help="open the GUI on this question card")
    parser.add_argument(
        "--screenshot", metavar="PNG", type=Path, help="render the window to a PNG and exit"
    )


class _NotForTheWindow(Exception):
    """The arguments need a command's parser: a command, --help, or a mistake it words better."""


class _WindowParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotForTheWindow(message)


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line, importing no command module the call does not need.

    The window's options alone (opening the window, ``--version``) are read without building
    any command's parser; a command is parsed by its own parser in full (see
    :func:`build_parser`); anything else (``--help``, a mistake) by the parser listing every
    command, so usage and error messages read as they always have.
    """
    window = _WindowParser(prog="workbench", add_help=False)
    window.add_argument("--version", action="store_true")
    _add_window_options(window, views=None)
    try:
        args, rest = window.parse_known_args(list(argv))
    except _NotForTheWindow:
        args, rest = None, list(argv)
    if args is not None and not rest and (args.view is None or args.view in _pane_names()):
        if args.version:
            print(f"workbench {__version__}")
            raise SystemExit(EXIT_OK)
        return args
    words = [item for item in rest if not item.startswith("-")]
    command = words[0] if words and _module_of(words[0]) else None
    return build_parser(command).parse_args(argv)


def _open_gui(args: argparse.Namespace) -> int:
    from workbench.app import run_gui

    if args.acting_as:
        print(
            "workbench: --as names who acts in a command; the window uses the name it asked "
            "for (Edit > Preferences changes it)",
            file=sys.stderr,
        )

    return run_gui(
        workspace=args.workspace,
        view=args.view,
        card=args.card,
        screenshot=args.screenshot,
    )


def _configure_logging() -> logging.Logger:
    """The workbench's log, writing to the log file (importing logging here spares --version)."""
    import logging

    from workbench.services.common.paths import data_dir

    log = logging.getLogger("workbench")
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
    return log


def _silence_stdout() -> None:
    """Point stdout at devnull so Python's flush at exit does not raise again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


# What a file system error means, in words (its strerror is the operating system's).
_ERRNO_TEXT = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
}


def environment_error(error: BaseException) -> str | None:
    """One line for an error of the computer rather than of the workbench (a full disk, a
    file it may not write, a database it cannot use), or None for a defect."""
    if isinstance(error, OSError) and error.errno is not None:
        reason = _ERRNO_TEXT.get(error.errno, error.strerror or str(error))
        where = error.filename or ""
        return f"cannot use {where}: {reason}" if where else f"cannot go on: {reason}"
    from workbench.services.store.workspace import storage_error

    translated = storage_error(error, "the workspace")
    return one_line(translated) if translated is not None else None


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    log = _configure_logging()
    handler: Handler = getattr(args, "handler", _open_gui)
    try:
        return handler(args)
    except ServiceError as error:
        print(f"workbench: {one_line(error)}", file=sys.stderr)
        return getattr(error, "exit_code", EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`workbench ... | head`); that is not an error of ours.
        _silence_stdout()
        return EXIT_OK
    except Exception as error:  # the last line of defence: one line for the user, detail in the log
        environment = environment_error(error)
        if environment is not None:  # a full disk, a file not allowed: the user can act
            log.info("environment error", exc_info=error)
            print(f"workbench: {environment}", file=sys.stderr)
            return EXIT_BAD_INPUT
        log.exception("unexpected error")
        print(f"workbench: unexpected error: {error} (details in the log file)", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        for handler_ in list(log.handlers):
            log.removeHandler(handler_)
            handler_.close()


if __name__ == "__main__":
    sys.exit(main())
