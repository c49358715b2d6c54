"""``workbench copy``, ``checkout``, ``checkin`` and ``lease``: team workspaces on a server.

A location is a workspace file or a database URL (``postgresql://user@host/acme``); the
server's password comes from ``~/.pgpass``, ``PGPASSWORD`` or a prompt.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.commands.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Commands,
    acting_name,
    add_acting_option,
    opened,
    print_json,
)


def add_to(commands: Commands) -> None:
    copy = commands.add_parser(
        "copy",
        help="copy a workspace record for record: file to server, server to file, file to file",
    )
    copy.add_argument("source", metavar="SRC", help="workspace file or database URL")
    copy.add_argument("destination", metavar="DST", help="a new file or an empty database")
    copy.set_defaults(handler=copy_workspace)

    checkout = commands.add_parser(
        "checkout", help="copy a team workspace to a file for offline work; the server waits"
    )
    checkout.add_argument("server", metavar="URL")
    checkout.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    add_acting_option(checkout)
    checkout.set_defaults(handler=check_out)

    checkin = commands.add_parser(
        "checkin", help="bring a checked-out file's work back to its server and release it"
    )
    checkin.add_argument("file", type=Path, metavar="FILE")
    checkin.add_argument("server", metavar="URL")
    checkin.add_argument("--json", action="store_true")
    add_acting_option(checkin)
    checkin.set_defaults(handler=check_in)

    lease = commands.add_parser("lease", help="show or break the lease of a checked-out workspace")
    actions = lease.add_subparsers(dest="lease_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="who holds the workspace, since when, which file")
    show.add_argument("location", metavar="URL")
    show.set_defaults(handler=show_lease)
    breaking = actions.add_parser(
        "break", help="release the workspace without a check-in (recorded in the audit log)"
    )
    breaking.add_argument("location", metavar="URL")
    breaking.add_argument("--reason", required=True, help="why: the audit log keeps it")
    add_acting_option(breaking)
    breaking.set_defaults(handler=break_lease)


def copy_workspace(args: argparse.Namespace) -> int:
    from workbench.services.team import copying

    with (
        opened(args.source, create=False) as source,
        opened(args.destination, initialise=False) as destination,
    ):
        result = copying.copy_workspace(source, destination)
        print(
            f"copied {result.records} records from {source.display_name} to "
            f"{destination.display_name}"
        )
    print(f"audit log head on both: {result.head} ({result.entries} entries)")
    return EXIT_OK


def check_out(args: argparse.Namespace) -> int:
    from workbench.services.team import lease

    with (
        opened(args.server, create=False) as server,
        opened(args.output, initialise=False) as file,
    ):
        result = lease.checkout(server, file, actor=acting_name(args))
        print(f"checked out {server.display_name} to {result.file} ({result.records} records)")
    print(f"audit log head at check-out: {result.head} ({result.entries} entries)")
    print("the server is read-only until you check the file in")
    return EXIT_OK


def check_in(args: argparse.Namespace) -> int:
    from workbench.services.team import checkin

    with (
        opened(args.file, create=False) as file,
        opened(args.server, create=False) as server,
    ):
        result = checkin.checkin(file, server, actor=acting_name(args))
        name = server.display_name
    if args.json:
        print_json(
            {
                "added": result.added,
                "updated": result.updated,
                "removed": result.removed,
                "new_audit_log_entries": result.new_entries,
                "verify": result.report.to_json(),
            }
        )
    else:
        print(
            f"checked in {args.file} to {name}: {result.new_entries} new audit log entries, "
            f"{result.added} records added, {result.updated} updated, {result.removed} removed"
        )
        for problem in result.report.problems:
            print(problem)
        print(f"server {result.report.summary()}")
    return EXIT_OK if result.report.ok else EXIT_PROBLEMS


def show_lease(args: argparse.Namespace) -> int:
    from workbench.services.team import lease

    with opened(args.location, create=False) as workspace:
        info = lease.current_lease(workspace)
        name = workspace.display_name
    if info is None:
        print(f"{name} is not checked out")
    else:
        print(f"{name}: {info.describe()}, file {info.file_path}")
    return EXIT_OK


def break_lease(args: argparse.Namespace) -> int:
    from workbench.services.team import lease

    with opened(args.location, create=False) as workspace:
        lease.break_lease(workspace, actor=acting_name(args), reason=args.reason)
        print(f"{workspace.display_name}: lease broken; the workspace can be written again")
    return EXIT_OK
