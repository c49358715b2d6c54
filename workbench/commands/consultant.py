"""``workbench consultant [NAME]``: who the workbench records as acting on this computer."""

from __future__ import annotations

import argparse

from workbench.commands.base import EXIT_OK, Commands


def add_to(commands: Commands) -> None:
    consultant = commands.add_parser(
        "consultant",
        help="show or save the name recorded as author and actor (the window asks it too)",
    )
    consultant.add_argument("name", nargs="?", metavar="NAME", help="save this name")
    consultant.add_argument("--initials", default="", metavar="XY", help="default: from NAME")
    consultant.set_defaults(handler=consultant_name)


def consultant_name(args: argparse.Namespace) -> int:
    from workbench.services.common import identity

    if args.name is not None:
        saved = identity.save_consultant(args.name, args.initials)
        print(f"saved: {saved.label}")
        return EXIT_OK
    acting = identity.resolve(args.acting_as)
    if acting.is_account_fallback:
        print(f"{acting.name} (the login name: no name is saved; {identity.HOW_TO_SET})")
    else:
        print(f"{acting.label} (from {acting.source.value})")
    return EXIT_OK
