"""``workbench isms build``, ``register list|export`` and ``coverage``."""

from __future__ import annotations

import argparse
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from workbench.commands.base import (
    EXIT_OK,
    Commands,
    UsageError,
    acting_name,
    add_acting_option,
    cli_workspace,
    print_json,
)

if TYPE_CHECKING:
    from workbench.services.register.listing import RegisterFilter

E = TypeVar("E", bound=StrEnum)


def add_to(commands: Commands) -> None:
    isms = commands.add_parser("isms", help="the ISMS as a whole").add_subparsers(
        dest="isms_command", metavar="ACTION", required=True
    )
    build = isms.add_parser("build", help="create the core ISMS documents from templates")
    build.add_argument("--org", required=True, help="organisation name")
    build.add_argument("--scope", required=True, help="ISMS scope, one sentence")
    build.add_argument("--owner", help="ISMS owner (owner of every created document)")
    build.add_argument(
        "--time-zone",
        metavar="ZONE",
        help="IANA time zone of the engagement, e.g. Europe/Berlin (default: this computer's)",
    )
    build.add_argument("--all", action="store_true", help="also the topic-specific policies")
    build.add_argument("--json", action="store_true")
    add_acting_option(build)
    build.set_defaults(handler=build_isms)

    register = commands.add_parser("register", help="the artifact register").add_subparsers(
        dest="register_command", metavar="ACTION", required=True
    )
    listing = register.add_parser("list", help="list artifacts")
    _add_filters(listing)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_register)
    export = register.add_parser("export", help="write the register to CSV or XLSX")
    _add_filters(export)
    export.add_argument("--format", choices=("csv", "xlsx"), required=True)
    export.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")
    add_acting_option(export)
    export.set_defaults(handler=export_register)

    coverage = commands.add_parser("coverage", help="which clauses and controls are covered")
    coverage.add_argument("--json", action="store_true")
    coverage.add_argument("--uncovered", action="store_true", help="only what nothing covers")
    coverage.set_defaults(handler=show_coverage)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", help="only this kind, e.g. policy")
    parser.add_argument("--status", help="only this status, e.g. draft")
    parser.add_argument("--clause", metavar="REF", help="linked to this clause or control")
    parser.add_argument("--text", default="", help="title, owner or reference contains")


def _enum_choice(enum: type[E], value: str | None, what: str) -> tuple[E, ...]:
    if value is None:
        return ()
    try:
        return (enum(value.lower().replace(" ", "_")),)
    except ValueError:
        known = ", ".join(member.value for member in enum)
        raise UsageError(f"unknown {what} '{value}' (known: {known})") from None


def _filter(args: argparse.Namespace) -> RegisterFilter:
    from workbench.models import ArtifactKind, ArtifactStatus
    from workbench.services.catalog.standards import default_catalog
    from workbench.services.register.listing import RegisterFilter

    refs: tuple[str, ...] = ()
    if args.clause:
        ref = args.clause if "/" in args.clause else f"ISO27001:2022/{args.clause}"
        if ref not in default_catalog():
            raise UsageError(f"unknown clause or control '{args.clause}'")
        refs = (ref,)
    return RegisterFilter(
        text=args.text,
        kinds=_enum_choice(ArtifactKind, args.kind, "kind"),
        statuses=_enum_choice(ArtifactStatus, args.status, "status"),
        refs=refs,
    )


def build_isms(args: argparse.Namespace) -> int:
    from workbench.services.common.zones import check_zone_name
    from workbench.services.register import isms_build

    if not args.org.strip() or not args.scope.strip():
        raise UsageError("--org and --scope must not be empty")
    if args.time_zone is not None:
        check_zone_name(args.time_zone)
    with cli_workspace(args) as workspace:
        changes = {"organisation_name": args.org.strip(), "isms_scope": args.scope.strip()}
        if args.owner:
            changes["isms_owner"] = args.owner.strip()
        if args.time_zone is not None:
            changes["time_zone"] = args.time_zone.strip()
        plan = isms_build.plan_build(workspace, include_topic_policies=args.all)
        if args.owner:
            plan = isms_build.with_owner(plan, args.owner.strip())
        _, created = isms_build.build_isms(
            workspace, actor=acting_name(args), items=plan.selected, profile_changes=changes
        )
        titles = [item.title for item in plan.selected]
        if args.json:
            print_json({"created": created, "already_present": list(plan.already_present)})
        else:
            for artifact_id, title in zip(created, titles, strict=False):
                print(f"created {artifact_id}  {title}")
            if plan.already_present:
                print(f"already present: {len(plan.already_present)} artifact(s), not duplicated")
            print(f"{len(created)} artifact(s) created")
    return EXIT_OK


def list_register(args: argparse.Namespace) -> int:
    from workbench.services.register import listing
    from workbench.services.register.listing import COLUMN_TITLES, Column

    register_filter = _filter(args)
    with cli_workspace(args) as workspace:
        rows = listing.export_rows(workspace, register_filter)
    if args.json:
        print_json([listing.row_json(row) for row in rows])
        return EXIT_OK
    columns = [Column.ID, Column.TITLE, Column.KIND, Column.STATUS, Column.VERSION,
               Column.OWNER, Column.NEXT_REVIEW, Column.REFS]  # fmt: skip
    table = [[COLUMN_TITLES[c] for c in columns]] + [
        [listing.cell_text(row, c) for c in columns] for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns) - 1)]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
              + "  " + line[-1])  # fmt: skip
    print(f"{len(rows)} artifact(s)")
    return EXIT_OK


def export_register(args: argparse.Namespace) -> int:
    from workbench.services.exports import register_export

    register_filter = _filter(args)
    with cli_workspace(args) as workspace:
        try:
            count = register_export.export_register(
                workspace, args.output, register_filter=register_filter, fmt=args.format,
                actor=acting_name(args),
            )  # fmt: skip
        except OSError as error:
            raise UsageError(f"cannot write {args.output}: {error.strerror}") from error
    print(f"wrote {count} artifact(s) to {args.output}")
    return EXIT_OK


def show_coverage(args: argparse.Namespace) -> int:
    from workbench.services.register import coverage

    with cli_workspace(args) as workspace:
        rows = coverage.coverage(workspace)
    totals = coverage.summary(rows)
    if args.uncovered:
        rows = [row for row in rows if not row.covered]
    if args.json:
        print_json(
            [
                {
                    "ref": row.ref,
                    "title": row.title,
                    "kind": row.kind,
                    "covered": row.covered,
                    "artifacts": [
                        {"id": a.id, "title": a.title, "status": a.status.value, "via": a.via}
                        for a in row.artifacts
                    ],
                }
                for row in rows
            ]
        )
        return EXIT_OK
    for row in rows:
        names = "; ".join(f"{a.title} ({a.status.value})" for a in row.artifacts) or "-"
        print(f"{row.local_id:<8} {row.title[:56]:<56} {names}")
    clause_covered, clause_total = totals["clause"]
    control_covered, control_total = totals["control"]
    print(
        f"clauses covered {clause_covered}/{clause_total}; "
        f"controls covered {control_covered}/{control_total}"
    )
    return EXIT_OK
