"""``workbench backup`` and ``workbench check``: keeping a workspace safe, and knowing it is whole.

``backup`` copies the workspace consistently (it may be open elsewhere), checks the copy and
moves it into place; it never replaces a file unless told to. ``check`` runs SQLite's own
checks, verify, the planner's rules and the schema revision, and counts the records. Both exit
1 naming each problem, 2 when they cannot run.
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
    cli_workspace,
    print_json,
)


def add_to(commands: Commands) -> None:
    backup = commands.add_parser(
        "backup", help="copy the workspace (while it may be open) and check the copy"
    )
    backup.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    backup.add_argument("--json", action="store_true")
    add_acting_option(backup)
    backup.set_defaults(handler=back_up)

    check = commands.add_parser(
        "check",
        help="check the workspace as a whole: SQLite integrity, verify, planner rules, schema, "
        "record counts; exit 1 naming any problem",
    )
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=check_workspace)


def back_up(args: argparse.Namespace) -> int:
    from workbench.services.audit import backup

    with cli_workspace(args) as workspace:
        result = backup.backup_workspace(
            workspace, args.output, actor=acting_name(args), force=args.force
        )
    if args.json:
        print_json(
            {
                "ok": result.ok,
                "file": str(result.target),
                "size": result.size,
                "integrity": list(result.integrity),
                "verify": result.report.to_json(),
            }
        )
    else:
        for problem in result.problems:
            print(problem)
        print(result.summary())
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def check_workspace(args: argparse.Namespace) -> int:
    from workbench.services.audit import check

    with cli_workspace(args) as workspace:
        report = check.check_workspace(workspace)
    if args.json:
        print_json(report.to_json())
    else:
        for problem in report.problems:
            print(problem)
        print(report.summary())
        if report.report is not None:
            head = report.report.head
            print(f"audit log head: {head.entries} entries, last hash {head.hash}")
    return EXIT_OK if report.ok else EXIT_PROBLEMS
