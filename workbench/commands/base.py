"""What every subcommand shares: exit codes, the bad-input error, opening the workspace."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    from workbench.services.store.workspace import open_workspace

    workspace = open_workspace(args.workspace or default_workspace_path())
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
