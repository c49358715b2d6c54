"""``workbench dashboard``: the readiness figures, as text or JSON, and as a one-page PDF."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.commands.base import EXIT_OK, Commands, UsageError, cli_workspace, print_json


def add_to(commands: Commands) -> None:
    dashboard = commands.add_parser("dashboard", help="how ready the ISMS is for its audit")
    dashboard.add_argument("--json", action="store_true")
    dashboard.set_defaults(handler=show_dashboard)
    actions = dashboard.add_subparsers(dest="dashboard_command", metavar="ACTION")
    export = actions.add_parser("export", help="the dashboard as a one-page PDF")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    export.set_defaults(handler=export_dashboard)


def show_dashboard(args: argparse.Namespace) -> int:
    from workbench.services.dashboard import figures

    with cli_workspace(args) as workspace:
        readiness = figures.readiness(workspace)
    if args.json:
        print_json(readiness.to_json())
        return EXIT_OK
    print(f"Readiness of {readiness.organisation or 'the ISMS'} on {readiness.as_of}")
    print("Applicable controls implemented:")
    for item in (readiness.overall, *readiness.themes, *readiness.other_controls):
        percent = "-" if item.percent is None else f"{item.percent}%"
        print(f"  {item.label:<34} {percent:>5}  ({item.implemented} of {item.applicable})")
    print("Documents per clause (approved / in review / draft):")
    for clause in readiness.clauses:
        counts = " / ".join(
            str(clause.count(state)) for state in ("approved", "in review", "draft")
        )
        print(f"  {clause.clause:>2} {clause.title:<34} {counts}")
    print("Needs attention:")
    for attention in readiness.attention:
        print(f"  {attention.count:>4}  {attention.label}")
    return EXIT_OK


def export_dashboard(args: argparse.Namespace) -> int:
    from workbench.services.dashboard import figures
    from workbench.services.exports.dashboard_pdf import write_dashboard_pdf

    if args.output.suffix.lower() != ".pdf":
        raise UsageError(f"the dashboard is exported as PDF: name a .pdf file, not {args.output}")
    with cli_workspace(args) as workspace:
        readiness = figures.readiness(workspace)
    write_dashboard_pdf(readiness, args.output)
    print(f"wrote {args.output}")
    return EXIT_OK
