"""What every subcommand shares: exit codes, the bad-input error, opening the workspace."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.services.common.errors import ServiceError

if TYPE_CHECKING:
    from workbench.services.store.workspace import Workspace

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

ACTING_DEST = "acting_as"

Handler = Callable[[argparse.Namespace], int]
# argparse's private subparsers type; each command module adds its parsers to it.
Commands = Any


class UsageError(ServiceError):
    """Bad input on the command line itself: printed as one line, exit code 2."""


def add_acting_option(parser: argparse.ArgumentParser) -> None:
    """``--as NAME`` after a command where a person acts (it is accepted before any command too).

    The default is suppressed so that a name given before the command survives.
    """
    parser.add_argument(
        "--as",
        dest=ACTING_DEST,
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="who acts (default: WORKBENCH_USER, else the name saved with `workbench consultant`)",
    )


def acting_name(args: argparse.Namespace) -> str:
    """The name this command records: ``--as``, ``WORKBENCH_USER`` or the saved name; else the
    login name, with one line on stderr saying so and how to set a name (once per command)."""
    from workbench.services.common.identity import account_notice, resolve

    resolved = getattr(args, "_acting", None)
    if isinstance(resolved, str):
        return resolved
    consultant = resolve(getattr(args, ACTING_DEST, None))
    if consultant.is_account_fallback:
        print(f"workbench: {account_notice(consultant)}", file=sys.stderr)
    args._acting = consultant.name
    return consultant.name


@contextmanager
def cli_workspace(args: argparse.Namespace) -> Iterator[Workspace]:
    """The workspace named by ``-w``, else the user's default (created when missing), open for
    the duration of one command and closed however the command ends."""
    from workbench.services.common.paths import default_workspace_path
    from workbench.services.store.workspace import is_database_url

    location = args.workspace or default_workspace_path()
    # Creating a workspace records who made it: that is a name too, never taken silently.
    creating = not is_database_url(location) and not Path(location).expanduser().exists()
    with opened(location, creator=acting_name(args) if creating else None) as workspace:
        yield workspace


@contextmanager
def opened(
    location: str | Path,
    *,
    create: bool = True,
    initialise: bool = True,
    creator: str | None = None,
) -> Iterator[Workspace]:
    """A workspace at a path or URL, asking for the server's password when it wants one that
    ``~/.pgpass`` and ``PGPASSWORD`` do not give and someone is at the terminal to type it."""
    from workbench.services.store.workspace import PasswordRequiredError, open_workspace

    try:
        workspace = open_workspace(location, create=create, initialise=initialise, creator=creator)
    except PasswordRequiredError as error:
        if not sys.stdin.isatty():
            raise
        import getpass

        password = getpass.getpass(f"Password for {error.url}: ")
        workspace = open_workspace(
            location, create=create, initialise=initialise, password=password, creator=creator
        )
    try:
        yield workspace
    finally:
        workspace.close()


def one_line(error: Exception | str) -> str:
    """A message as the command line prints it: one line, without a closing full stop."""
    return " ".join(str(error).split()).rstrip(".")


def print_json(value: object) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
