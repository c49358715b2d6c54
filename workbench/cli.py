"""The ``workbench`` command: opens the GUI, or runs a subcommand without a window.

Exit codes: 0 success, 1 a check found problems, 2 bad input (unknown id, unusable file, ...).
Errors are one line on stderr; a traceback never reaches the user (it goes to the log file).
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from workbench import __version__
from workbench.commands import (
    approvals,
    cards,
    consultant,
    controls,
    dashboard,
    documents,
    maintenance,
    pack,
    planner,
    register,
    risks,
    team,
)
from workbench.commands.base import (
    ACTING_DEST,
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    Handler,
    one_line,
)
from workbench.services.common.errors import ServiceError
from workbench.views.panes import PANE_NAMES

COMMAND_MODULES = (
    cards, register, documents, approvals, planner, risks, controls, dashboard, pack, maintenance,
    team, consultant,
)  # fmt: skip

log = logging.getLogger("workbench")


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
    parser.add_argument(
        "--as",
        dest=ACTING_DEST,
        metavar="NAME",
        help="who acts in a command (default: WORKBENCH_USER, else the saved name)",
    )
    parser.add_argument("--view", choices=PANE_NAMES, help="open the GUI on this pane")
    parser.add_argument("--card", metavar="ID", help="open the GUI on this question card")
    parser.add_argument(
        "--screenshot", metavar="PNG", type=Path, help="render the window to a PNG and exit"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.add_to(commands)
    return parser


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


def _configure_logging() -> None:
    from workbench.services.common.paths import data_dir

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
    args = _parser().parse_args(argv)
    _configure_logging()
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
