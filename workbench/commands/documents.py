"""``workbench doc show|save|history|diff|restore``: an artifact's text and versions."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

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
    from workbench.services.store.workspace import Workspace


def add_to(commands: Commands) -> None:
    doc = commands.add_parser("doc", help="an artifact's text and its versions").add_subparsers(
        dest="doc_command", metavar="ACTION", required=True
    )
    show = doc.add_parser("show", help="print a version's Markdown (default: the latest)")
    show.add_argument("artifact", metavar="ARTIFACT", help="register id or unambiguous title")
    show.add_argument("--version", type=int, metavar="N")
    show.set_defaults(handler=show_document)

    save = doc.add_parser("save", help="save a Markdown file as the next version")
    save.add_argument("artifact", metavar="ARTIFACT")
    save.add_argument("--file", type=Path, required=True, metavar="MD", help="or - for stdin")
    save.add_argument("--comment", required=True, metavar="TEXT")
    add_acting_option(save)
    save.set_defaults(handler=save_document)

    history = doc.add_parser("history", help="list the versions")
    history.add_argument("artifact", metavar="ARTIFACT")
    history.add_argument("--json", action="store_true")
    history.set_defaults(handler=show_history)

    diff = doc.add_parser("diff", help="unified diff between two versions")
    diff.add_argument("artifact", metavar="ARTIFACT")
    diff.add_argument("old", type=int, metavar="V1")
    diff.add_argument("new", type=int, metavar="V2")
    diff.set_defaults(handler=diff_versions)

    restore = doc.add_parser("restore", help="write a new version with version N's text")
    restore.add_argument("artifact", metavar="ARTIFACT")
    restore.add_argument("number", type=int, metavar="N")
    add_acting_option(restore)
    restore.set_defaults(handler=restore_version)

    export = doc.add_parser(
        "export", help="write a version as Markdown, HTML, PDF or Word (default: the latest)"
    )
    export.add_argument("artifact", metavar="ARTIFACT")
    export.add_argument(
        "--format", metavar="md|html|pdf|docx", help="default: from the output file's suffix"
    )
    export.add_argument("--version", type=int, metavar="N")
    export.add_argument("--page-size", default="A4", metavar="A4|Letter", help="PDF and DOCX")
    export.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="a file, or a folder (ending in /)"
    )
    export.set_defaults(handler=export_document)


def _resolve(workspace: Workspace, identifier: str) -> tuple[int, str]:
    from workbench.services.register import artifacts

    details = artifacts.resolve(workspace, identifier)
    return details.id, details.title


def show_document(args: argparse.Namespace) -> int:
    from workbench.services.register import versioning

    with cli_workspace(args) as workspace:
        artifact_id, _ = _resolve(workspace, args.artifact)
        text = versioning.get_version(workspace, artifact_id, args.version).content
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def save_document(args: argparse.Namespace) -> int:
    from workbench.services.documents import editing
    from workbench.services.register import versioning

    try:
        content = sys.stdin.read() if str(args.file) == "-" else args.file.read_text("utf-8")
    except FileNotFoundError:
        raise UsageError(f"{args.file}: no such file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{args.file} is not UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror}") from error
    with cli_workspace(args) as workspace:
        artifact_id, title = _resolve(workspace, args.artifact)
        try:
            changes, info = editing.save_version(
                workspace,
                artifact_id=artifact_id,
                content=content,
                author=acting_name(args),
                comment=args.comment,
            )
        except versioning.UnchangedContent as error:
            print(f"{title}: {error}")
            return EXIT_OK
    print(f"{title}: saved version {info.number} ({info.short_hash})")
    for notice in changes.notices:
        print(notice)
    return EXIT_OK


def show_history(args: argparse.Namespace) -> int:
    from workbench.services.register import versioning

    with cli_workspace(args) as workspace:
        artifact_id, title = _resolve(workspace, args.artifact)
        versions = versioning.history(workspace, artifact_id)
    if args.json:
        print_json(
            [
                {
                    "version": v.number,
                    "author": v.author,
                    "created_at": v.created_at.isoformat(),
                    "comment": v.comment,
                    "content_sha256": v.content_sha256,
                    "chain_hash": v.chain_hash,
                }
                for v in versions
            ]
        )
        return EXIT_OK
    print(title)
    for v in versions:
        when = v.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"  v{v.number:<4} {when}  {v.author:<16} {v.short_hash}  {v.comment}")
    return EXIT_OK


def diff_versions(args: argparse.Namespace) -> int:
    from workbench.services.documents import diffing
    from workbench.services.register import versioning

    with cli_workspace(args) as workspace:
        artifact_id, _ = _resolve(workspace, args.artifact)
        old = versioning.get_version(workspace, artifact_id, args.old).content
        new = versioning.get_version(workspace, artifact_id, args.new).content
    sys.stdout.write(
        diffing.unified(old, new, old_label=f"version {args.old}", new_label=f"version {args.new}")
    )
    return EXIT_OK


def restore_version(args: argparse.Namespace) -> int:
    from workbench.services.documents import editing

    with cli_workspace(args) as workspace:
        artifact_id, title = _resolve(workspace, args.artifact)
        _, info = editing.restore_version(
            workspace, artifact_id=artifact_id, number=args.number, author=acting_name(args)
        )
    print(f"{title}: version {args.number} restored as version {info.number}")
    return EXIT_OK


def export_document(args: argparse.Namespace) -> int:
    from workbench.services.exports import document_export

    output = Path(args.output)
    into_folder = output.is_dir() or args.output.endswith(("/", os.sep))
    fmt = args.format or (None if into_folder else document_export.format_for(output))
    if fmt is None:
        raise UsageError(
            f"say which format to write: --format {'|'.join(document_export.EXPORT_FORMATS)}"
        )
    sizes = {size.lower(): size for size in document_export.PAGE_SIZES}
    page_size = sizes.get(args.page_size.lower(), args.page_size)
    document_export.check_options(fmt, page_size)
    with cli_workspace(args) as workspace:
        artifact_id, title = _resolve(workspace, args.artifact)
        if into_folder:  # a folder gets the file named after the document and version
            stem = document_export.prepare(workspace, artifact_id, args.version).file_stem
            output = output / f"{stem}.{fmt}"
        document = document_export.export_document(
            workspace, artifact_id, fmt=fmt, target=output, version=args.version,
            page_size=page_size,
        )  # fmt: skip
    print(f"{title}: version {document.version} ({document.status}) written to {output}")
    return EXIT_OK
