"""``workbench person``, ``review``, ``approve``, ``publish`` and ``verify``.

Passphrases come from ``WORKBENCH_PASSPHRASE`` when it is set (scripts, tests), otherwise from
a prompt that does not echo.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.commands.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Commands,
    UsageError,
    acting_name,
    add_acting_option,
    cli_workspace,
    print_json,
)

if TYPE_CHECKING:
    from workbench.services.store.workspace import Workspace

PASSPHRASE_VARIABLE = "WORKBENCH_PASSPHRASE"


def add_to(commands: Commands) -> None:
    _add_person(commands)
    _add_review(commands)

    approve = commands.add_parser("approve", help="sign a decision on a version under review")
    approve.add_argument("artifact", metavar="ARTIFACT", help="register id or unambiguous title")
    approve.add_argument("--version", type=int, required=True, metavar="N")
    approve.add_argument("--as", dest="signer", required=True, metavar="NAME")
    approve.add_argument("--reject", action="store_true", help="reject (the comment is the reason)")
    approve.add_argument("--comment", required=True, metavar="TEXT")
    approve.add_argument(
        "--allow-placeholders",
        action="store_true",
        help="approve although [TO COMPLETE] markers or guidance notes remain (logged)",
    )
    approve.set_defaults(handler=approve_version)

    publish = commands.add_parser("publish", help="write the approved version as PDF and DOCX")
    publish.add_argument("artifact", metavar="ARTIFACT")
    publish.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    publish.add_argument("--version", type=int, metavar="N", help="default: the newest approved")
    publish.add_argument(
        "--allow-placeholders",
        action="store_true",
        help="publish although [TO COMPLETE] markers or guidance notes remain (logged)",
    )
    add_acting_option(publish)
    publish.set_defaults(handler=publish_artifact)

    verify = commands.add_parser(
        "verify", help="recompute every hash, chain and signature; exit 1 naming any problem"
    )
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=verify_workspace)


def _add_person(commands: Commands) -> None:
    person = commands.add_parser("person", help="approvers and their signing keys")
    actions = person.add_subparsers(dest="person_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a person and create their signing identity")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True)
    add.add_argument("--email", default="")
    add.add_argument("--no-key", action="store_true", help="no signing identity (yet)")
    add_acting_option(add)
    add.set_defaults(handler=add_person)

    create_key = actions.add_parser("create-key", help="create a signing identity for a person")
    create_key.add_argument("name", metavar="NAME")
    add_acting_option(create_key)
    create_key.set_defaults(handler=create_key_for)

    listing = actions.add_parser("list", help="list people and their key fingerprints")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_people)

    export = actions.add_parser("export-key", help="write a person's public key to a file")
    export.add_argument("name", metavar="NAME")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    export.set_defaults(handler=export_key)

    import_key = actions.add_parser(
        "import-key", help="use a public key from another computer (adds the person if new)"
    )
    import_key.add_argument("name", metavar="NAME")
    import_key.add_argument("file", type=Path, metavar="FILE")
    import_key.add_argument("--role", default="")
    import_key.add_argument("--email", default="")
    import_key.add_argument(
        "--fingerprint", metavar="FP", help="refuse the key unless its fingerprint starts so"
    )
    add_acting_option(import_key)
    import_key.set_defaults(handler=import_key_for)

    retire = actions.add_parser(
        "retire", help="retire a person: kept, signatures still verify, asked for nothing new"
    )
    retire.add_argument("name", metavar="NAME")
    retire.add_argument("--reason", default="")
    add_acting_option(retire)
    retire.set_defaults(handler=retire_person)

    rotate = actions.add_parser(
        "rotate-key",
        help="retire a person's current key and give them a new one (what the old key signed "
        "stays valid)",
    )
    rotate.add_argument("name", metavar="NAME")
    rotate.add_argument(
        "--import", dest="key_file", type=Path, metavar="FILE",
        help="the new public key, made on the approver's own computer (default: make a new "
        "key pair here, asking its passphrase)",
    )  # fmt: skip
    rotate.add_argument("--fingerprint", metavar="FP", help="with --import: the expected start")
    rotate.add_argument("--reason", default="", help="why, e.g. 'laptop replaced'")
    add_acting_option(rotate)
    rotate.set_defaults(handler=rotate_key_of)

    retire_key = actions.add_parser(
        "retire-key", help="end the use of a person's current key, without a new one"
    )
    retire_key.add_argument("name", metavar="NAME")
    retire_key.add_argument("--reason", default="", help="why, e.g. 'left the company'")
    add_acting_option(retire_key)
    retire_key.set_defaults(handler=retire_key_of)

    key_list = actions.add_parser("keys", help="every key a person held, current and retired")
    key_list.add_argument("name", metavar="NAME")
    key_list.add_argument("--json", action="store_true")
    key_list.set_defaults(handler=list_keys_of)


def _add_review(commands: Commands) -> None:
    review = commands.add_parser("review", help="review requests")
    actions = review.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    request = actions.add_parser("request", help="ask approvers to approve the current version")
    request.add_argument("artifact", metavar="ARTIFACT")
    request.add_argument(
        "--approver", action="append", required=True, metavar="NAME", help="repeat for several"
    )
    request.add_argument("--note", default="")
    add_acting_option(request)
    request.set_defaults(handler=request_review)

    show = actions.add_parser("show", help="the review rounds and signatures of an artifact")
    show.add_argument("artifact", metavar="ARTIFACT")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_review)

    withdraw = actions.add_parser("withdraw", help="cancel a pending review")
    withdraw.add_argument("artifact", metavar="ARTIFACT")
    withdraw.add_argument("--reason", default="")
    add_acting_option(withdraw)
    withdraw.set_defaults(handler=withdraw_review)


# --- helpers ----------------------------------------------------------------------------------


def read_passphrase(prompt: str, *, confirm: bool = False) -> str:
    from_environment = os.environ.get(PASSPHRASE_VARIABLE)
    if from_environment is not None:
        return from_environment
    try:
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Repeat the passphrase: ") != first:
            raise UsageError("the two passphrases differ; nothing was created")
    except EOFError:
        raise UsageError(f"no passphrase given (set {PASSPHRASE_VARIABLE} in scripts)") from None
    return first


def _resolve(workspace: Workspace, identifier: str) -> tuple[int, str]:
    from workbench.services.register import artifacts

    details = artifacts.resolve(workspace, identifier)
    return details.id, details.title


# --- people -----------------------------------------------------------------------------------


def add_person(args: argparse.Namespace) -> int:
    from workbench.services.approvals import people

    passphrase = None
    if not args.no_key:
        passphrase = read_passphrase(f"Passphrase for {args.name}'s signing key: ", confirm=True)
    with cli_workspace(args) as workspace:
        _, person = people.add_person(
            workspace, actor=acting_name(args), name=args.name, role=args.role, email=args.email,
            passphrase=passphrase,
        )  # fmt: skip
    print(f"added {person.name} ({person.role or 'no role'})")
    if person.key_fingerprint:
        print(f"signing key fingerprint: {person.fingerprint_text}")
    return EXIT_OK


def create_key_for(args: argparse.Namespace) -> int:
    from workbench.services.approvals import people

    with cli_workspace(args) as workspace:
        name = people.get_person(workspace, args.name).name
        passphrase = read_passphrase(f"Passphrase for {name}'s signing key: ", confirm=True)
        _, person = people.create_identity(
            workspace, actor=acting_name(args), name=name, passphrase=passphrase
        )
    print(f"{person.name}: signing key fingerprint {person.fingerprint_text}")
    return EXIT_OK


def list_people(args: argparse.Namespace) -> int:
    from workbench.services.approvals import people

    with cli_workspace(args) as workspace:
        everyone = people.list_people(workspace)
    if args.json:
        print_json(
            [
                {
                    "name": p.name,
                    "role": p.role,
                    "email": p.email,
                    "key_fingerprint": p.key_fingerprint,
                    "can_sign_here": p.can_sign_here,
                    "retired_at": p.retired_at,
                }
                for p in everyone
            ]  # fmt: skip
        )
        return EXIT_OK
    from workbench.services.approvals.signing import short_fingerprint

    for p in everyone:
        key = short_fingerprint(p.key_fingerprint) if p.key_fingerprint else "no signing key"
        here = "  (signs on this computer)" if p.can_sign_here else ""
        gone = f"  (retired {p.retired_at.astimezone():%Y-%m-%d})" if p.retired_at else ""
        print(f"{p.name:<24} {p.role:<16} {key}{here}{gone}")
    print(f"{len(everyone)} person(s)")
    return EXIT_OK


def export_key(args: argparse.Namespace) -> int:
    from workbench.services.approvals import people

    with cli_workspace(args) as workspace:
        person = people.export_public_key(workspace, args.name, args.output)
    print(f"wrote {person.name}'s public key to {args.output}")
    print(f"fingerprint: {person.fingerprint_text}")
    return EXIT_OK


def import_key_for(args: argparse.Namespace) -> int:
    from workbench.services.approvals import people

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror}") from error
    with cli_workspace(args) as workspace:
        _, person = people.import_public_key(
            workspace, actor=acting_name(args), name=args.name, key_data=data, role=args.role,
            email=args.email, expected_fingerprint=args.fingerprint,
        )  # fmt: skip
    print(f"{person.name}: public key imported")
    print(f"fingerprint: {person.fingerprint_text}")
    if not args.fingerprint:
        print(f"check it with {person.name} (by phone or in person) before relying on it")
    return EXIT_OK


def retire_person(args: argparse.Namespace) -> int:
    from workbench.services.approvals import people

    with cli_workspace(args) as workspace:
        _, person = people.retire_person(
            workspace, actor=acting_name(args), name=args.name, reason=args.reason
        )
    print(f"{person.name} is retired; their signatures stay verifiable")
    return EXIT_OK


def rotate_key_of(args: argparse.Namespace) -> int:
    from workbench.services.approvals import people

    data = None
    if args.key_file is not None:
        try:
            data = args.key_file.read_bytes()
        except OSError as error:
            raise UsageError(f"cannot read {args.key_file}: {error.strerror}") from error
    with cli_workspace(args) as workspace:
        name = people.get_person(workspace, args.name).name
        passphrase = None
        if data is None:
            passphrase = read_passphrase(f"Passphrase for {name}'s new signing key: ", confirm=True)
        _, person = people.rotate_key(
            workspace, actor=acting_name(args), name=name, passphrase=passphrase, key_data=data,
            expected_fingerprint=args.fingerprint, reason=args.reason,
        )  # fmt: skip
    print(f"{person.name}: the previous key is retired; new signing key {person.fingerprint_text}")
    return EXIT_OK


def retire_key_of(args: argparse.Namespace) -> int:
    from workbench.services.approvals import people

    with cli_workspace(args) as workspace:
        _, person = people.retire_key(
            workspace, actor=acting_name(args), name=args.name, reason=args.reason
        )
    print(f"{person.name}: signing key retired; {person.name} cannot sign until given a new key")
    return EXIT_OK


def list_keys_of(args: argparse.Namespace) -> int:
    from workbench.services.approvals import people

    with cli_workspace(args) as workspace:
        name = people.get_person(workspace, args.name).name
        found = people.list_keys(workspace, name)
    if args.json:
        print_json(
            [
                {
                    "id": key.id,
                    "fingerprint": key.fingerprint,
                    "status": key.status.value,
                    "created_at": key.created_at.isoformat(),
                    "created_by": key.created_by,
                    "retired_at": key.retired_at.isoformat() if key.retired_at else None,
                    "retired_by": key.retired_by,
                    "reason": key.reason,
                    "signatures": key.signatures,
                }
                for key in found
            ]
        )
        return EXIT_OK
    print(name)
    for key in found:
        since = f"{key.created_at:%Y-%m-%d}"
        until = f" to {key.retired_at:%Y-%m-%d}" if key.retired_at else ""
        print(f"  {key.short_fingerprint:<22} {key.status.value:<10} {since}{until}  "
              f"{key.signatures} signature(s)")  # fmt: skip
    if not found:
        print("  no signing key")
    return EXIT_OK


# --- review and approval ----------------------------------------------------------------------


def request_review(args: argparse.Namespace) -> int:
    from workbench.services.approvals import reviews

    with cli_workspace(args) as workspace:
        artifact_id, title = _resolve(workspace, args.artifact)
        changes, review = reviews.request_review(
            workspace, actor=acting_name(args), artifact_id=artifact_id, approvers=args.approver,
            note=args.note,
        )  # fmt: skip
    print(
        f"{title}: version {review.version} is in review; waiting for {', '.join(review.pending)}"
    )
    for notice in changes.notices:
        print(f"workbench: {notice[0].lower()}{notice[1:]}", file=sys.stderr)
    return EXIT_OK


def show_review(args: argparse.Namespace) -> int:
    from workbench.services.approvals import reviews, signing

    with cli_workspace(args) as workspace:
        artifact_id, title = _resolve(workspace, args.artifact)
        rounds = reviews.review_rounds(workspace, artifact_id)
        statuses = {
            r.version: signing.signature_status(workspace, artifact_id, r.version) for r in rounds
        }
    if args.json:
        print_json(
            [
                {
                    "round": r.number,
                    "version": r.version,
                    "approved": r.approved,
                    "signatures": statuses[r.version].state.value,
                    "signature_problem": statuses[r.version].reason or None,
                    "requests": [
                        {
                            "approver": q.approver,
                            "role": q.role,
                            "status": q.status.value,
                            "closed_at": q.closed_at,
                            "reason": q.reason,
                        }
                        for q in r.requests
                    ],  # fmt: skip
                }
                for r in rounds
            ]
        )
        return EXIT_OK
    print(title)
    if not rounds:
        print("  never reviewed")
    for r in rounds:
        outcome = "approved" if r.approved else ("pending" if r.pending else "closed")
        print(f"  round {r.number}, version {r.version}: {outcome}; signatures "
              f"{statuses[r.version].describe()}")  # fmt: skip
        for q in r.requests:
            detail = f" ({q.reason})" if q.reason else ""
            print(f"    {q.approver:<24} {q.status.value}{detail}")
    return EXIT_OK


def withdraw_review(args: argparse.Namespace) -> int:
    from workbench.services.approvals import reviews

    with cli_workspace(args) as workspace:
        artifact_id, title = _resolve(workspace, args.artifact)
        reviews.withdraw_review(
            workspace, actor=acting_name(args), artifact_id=artifact_id, reason=args.reason
        )
    print(f"{title}: review withdrawn; the artifact is a draft again")
    return EXIT_OK


def approve_version(args: argparse.Namespace) -> int:
    from workbench.models import Decision
    from workbench.services.approvals import decisions, people

    decision = Decision.REJECTED if args.reject else Decision.APPROVED
    with cli_workspace(args) as workspace:
        artifact_id, title = _resolve(workspace, args.artifact)
        signer = people.get_person(workspace, args.signer).name
        if decision is Decision.APPROVED:  # refused before the passphrase is asked for
            left = decisions.check_placeholders(
                workspace, artifact_id, args.version, allow=args.allow_placeholders
            )
            if left:
                print(f"workbench: warning: approving with {left} placeholder(s) left",
                      file=sys.stderr)  # fmt: skip
        passphrase = read_passphrase(f"Passphrase for {signer}'s signing key: ")
        _, outcome = decisions.approve(
            workspace, artifact_id=artifact_id, version=args.version, signer=signer,
            passphrase=passphrase, decision=decision, comment=args.comment,
            allow_placeholders=args.allow_placeholders,
        )  # fmt: skip
    print(f"{title}: {outcome.message}")
    return EXIT_OK


def publish_artifact(args: argparse.Namespace) -> int:
    from workbench.services.exports import publishing

    with cli_workspace(args) as workspace:
        artifact_id, title = _resolve(workspace, args.artifact)
        _, result = publishing.publish(
            workspace, actor=acting_name(args), artifact_id=artifact_id, out_dir=args.output,
            version=args.version, allow_placeholders=args.allow_placeholders,
        )  # fmt: skip
    for path in result.files:
        print(f"wrote {path}")
    print(f"{title}: version {result.version} published")
    return EXIT_OK


def verify_workspace(args: argparse.Namespace) -> int:
    from workbench.services.audit import verify

    with cli_workspace(args) as workspace:
        report = verify.verify_workspace(workspace)
    if args.json:
        print_json(report.to_json())
    else:
        for problem in report.problems:
            print(problem)
        print(report.summary())
        # Written down elsewhere, the head shows later whether the log was cut short.
        print(f"audit log head: {report.log_entries} entries, last hash {report.log_head}")
    return EXIT_OK if report.ok else EXIT_PROBLEMS
