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

Handler = Callable[[argparse.Namespace], int]
# argparse's private subparsers type; each command module adds its parsers to it.
Commands = Any


class UsageError(ServiceError):
    """Bad input on the command line itself: printed as one line, exit code 2."""


@contextmanager
def cli_workspace(args: argparse.Namespace) -> Iterator[Workspace]:
    """The workspace named by ``-w``, else the user's default (created when missing), open for
    the duration of one command and closed however the command ends."""
    from workbench.services.common.paths import default_workspace_path

    with opened(args.workspace or default_workspace_path()) as workspace:
        yield workspace


@contextmanager
def opened(
    location: str | Path, *, create: bool = True, initialise: bool = True
) -> Iterator[Workspace]:
    """A workspace at a path or URL, asking for the server's password when it wants one that
    ``~/.pgpass`` and ``PGPASSWORD`` do not give and someone is at the terminal to type it."""
    from workbench.services.store.workspace import PasswordRequiredError, open_workspace

    try:
        workspace = open_workspace(location, create=create, initialise=initialise)
    except PasswordRequiredError as error:
        if not sys.stdin.isatty():
            raise
        import getpass

        password = getpass.getpass(f"Password for {error.url}: ")
        workspace = open_workspace(
            location, create=create, initialise=initialise, password=password
        )
    try:
        yield workspace
    finally:
        workspace.close()


def print_json(value: object) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
