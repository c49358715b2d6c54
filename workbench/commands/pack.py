"""``workbench pack``: the audit pack, one zip for the auditor.

Exit 0 when the pack is written and the workspace verifies; exit 1 when the pack is written
but verification found problems (the pack's manifest and index list them); exit 2 for bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Commands,
    acting_name,
    add_acting_option,
    cli_workspace,
)


def add_to(commands: Commands) -> None:
    pack = commands.add_parser(
        "pack",
        help="write the audit pack: published documents, register, planner, audit trail, "
        "manifest with hashes and the verify result",
    )
    pack.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.zip")
    pack.add_argument(
        "--include-drafts",
        action="store_true",
        help="add the latest version of every unpublished, live artifact, marked DRAFT",
    )
    add_acting_option(pack)
    pack.set_defaults(handler=write_pack)


def write_pack(args: argparse.Namespace) -> int:
    from workbench.services.exports import audit_pack

    with cli_workspace(args) as workspace:
        result = audit_pack.build_pack(
            workspace, args.output, actor=acting_name(args), include_drafts=args.include_drafts,
        )  # fmt: skip
    print(f"{result.summary()}; manifest SHA-256 {result.manifest_sha256}")
    if result.report.ok:
        return EXIT_OK
    count = len(result.report.problems)
    print(
        f"workbench: warning: verify found {count} problem(s); the pack's manifest.json and "
        "index.html list them (workbench verify shows them too)",
        file=sys.stderr,
    )
    return EXIT_PROBLEMS
