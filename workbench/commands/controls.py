"""``workbench control``, ``evidence`` and ``soa``: the control records, the evidence vault and
the Statement of Applicability generated from them."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.commands.base import EXIT_OK, Commands, UsageError, cli_workspace, print_json

if TYPE_CHECKING:
    from workbench.services.controls.evidence import EvidenceRecord
    from workbench.services.controls.records import ControlFilter, ControlRecord

REASONS = ("risk", "legal", "contract", "business")
STATUSES = ("not_started", "planned", "partial", "implemented")
NONE = "none"


def add_to(commands: Commands) -> None:
    _add_control(commands)
    _add_evidence(commands)
    _add_soa(commands)


def _add_control(commands: Commands) -> None:
    control = commands.add_parser(
        "control", help="the control records (Annex A, custom and privacy controls)"
    ).add_subparsers(dest="control_command", metavar="ACTION", required=True)
    listing = control.add_parser("list", help="list controls")
    listing.add_argument("--theme", help="5, 6, 7 or 8 (A.5 ... A.8), or a theme name")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--applicable", choices=("yes", "no"))
    listing.add_argument("--owner", help="owned by this person")
    listing.add_argument("--no-evidence", action="store_true", help="only controls without any")
    listing.add_argument("--evidence-expired", action="store_true")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_controls)

    show = control.add_parser("show", help="one control with its guidance")
    show.add_argument("control", metavar="ID", help="e.g. A.8.13")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_control)

    change = control.add_parser("set", help="change a control")
    change.add_argument("control", metavar="ID", help="e.g. A.8.13")
    change.add_argument("--applicable", choices=("yes", "no"))
    change.add_argument(
        "--reason", action="extend", nargs="+", choices=(*REASONS, NONE),
        help="why the control is included (replaces the reasons; 'none' clears them)",
    )  # fmt: skip
    change.add_argument("--justification", help="why included or, required, why excluded")
    change.add_argument("--status", choices=STATUSES)
    change.add_argument("--owner")
    change.add_argument("--due", metavar="YYYY-MM-DD", help="target date ('none' clears it)")
    change.add_argument("--notes")
    change.add_argument(
        "--doc", action="append", type=int, default=[], metavar="ARTIFACT",
        help="link a register document (by id) to the control",
    )  # fmt: skip
    change.set_defaults(handler=set_control)

    add = control.add_parser("add", help="a custom control, or the ISO/IEC 27701 controls")
    add.add_argument("control", metavar="ID", nargs="?", help="the custom control's id")
    add.add_argument("--title")
    add.add_argument("--theme", default="custom", help="custom (default) or an Annex A theme")
    add.add_argument(
        "--privacy", action="store_true",
        help="add the ISO/IEC 27701:2019 controls for PII controllers and processors",
    )  # fmt: skip
    add.set_defaults(handler=add_control)


def _add_evidence(commands: Commands) -> None:
    evidence = commands.add_parser("evidence", help="the evidence vault").add_subparsers(
        dest="evidence_command", metavar="ACTION", required=True
    )
    add = evidence.add_parser("add", help="store a file as evidence")
    add.add_argument("file", type=Path, metavar="FILE")
    add.add_argument(
        "--to", action="append", default=[], metavar="RECORD",
        help="what it shows: a control (A.8.13), a risk (R-003), doc:ID or finding:ID",
    )  # fmt: skip
    add.add_argument("--title", default="")
    add.add_argument(
        "--effective", metavar="YYYY-MM-DD[..YYYY-MM-DD]",
        help="the day or period the file demonstrates (default: today)",
    )  # fmt: skip
    add.add_argument("--expires", metavar="YYYY-MM-DD", help="expiry or next collection date")
    add.add_argument("--collected-by", default="", metavar="NAME")
    add.add_argument(
        "--revision-of", metavar="EVIDENCE", help="a new file for existing evidence (E-3)"
    )
    add.set_defaults(handler=add_evidence)

    listing = evidence.add_parser("list", help="list evidence")
    listing.add_argument("--control", metavar="ID")
    listing.add_argument("--expired", action="store_true")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_evidence)

    export = evidence.add_parser("export", help="write an evidence file out of the vault")
    export.add_argument("evidence", metavar="ID", help="E-3 or 3")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="PATH")
    export.add_argument("--revision", type=int, help="an older revision (default: the newest)")
    export.set_defaults(handler=export_evidence)


def _add_soa(commands: Commands) -> None:
    soa = commands.add_parser("soa", help="the Statement of Applicability").add_subparsers(
        dest="soa_command", metavar="ACTION", required=True
    )
    update = soa.add_parser("update", help="write the control records as the SoA's next version")
    update.set_defaults(handler=update_soa)
    export = soa.add_parser("export", help="write the SoA as Excel, Word or PDF")
    export.add_argument("--format", choices=("xlsx", "docx", "pdf"), required=True)
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    export.add_argument("--version", type=int, help="a generated version (default: the newest)")
    export.set_defaults(handler=export_soa)


# --- parsing --------------------------------------------------------------------------------


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what} must be a date as YYYY-MM-DD, not '{text}'") from None


def _theme(text: str | None) -> str:
    if not text:
        return ""
    from workbench.services.controls.themes import THEMES, theme_for

    key = theme_for(text.strip()) or text.strip().lower()
    if key not in THEMES:
        raise UsageError(f"unknown theme '{text}': use 5, 6, 7 or 8, or one of {', '.join(THEMES)}")
    return key


def _yes_no(text: str | None) -> bool | None:
    return None if text is None else text == "yes"


# --- control --------------------------------------------------------------------------------


def _filter(args: argparse.Namespace) -> ControlFilter:
    from workbench.models import ControlStatus
    from workbench.services.controls.records import ControlFilter

    return ControlFilter(
        theme=_theme(args.theme),
        status=ControlStatus(args.status) if args.status else None,
        applicable=_yes_no(args.applicable),
        owner=args.owner or "",
        no_evidence=args.no_evidence,
        evidence_expired=args.evidence_expired,
    )


def _record_json(record: ControlRecord) -> dict[str, Any]:
    return {
        "id": record.local_id,
        "ref": record.ref,
        "title": record.title,
        "source": record.source.value,
        "theme": record.theme,
        "applicable": record.applicable,
        "reasons": [reason.value for reason in record.all_reasons],
        "included_because": [risk.code for risk in record.risks],
        "justification": record.justification,
        "status": record.status.value,
        "owner": record.owner,
        "target_date": record.target_date,
        "notes": record.notes,
        "documents": [
            {"id": d.id, "title": d.title, "status": d.status.value, "linked_here": d.linked_here}
            for d in record.documents
        ],
        "evidence": [
            {
                "id": e.label,
                "title": e.title,
                "revision": e.revision,
                "expires": e.expires,
                "sha256": e.sha256,
            }
            for e in record.evidence
        ],  # fmt: skip
    }


def list_controls(args: argparse.Namespace) -> int:
    from workbench.services.controls import records
    from workbench.services.controls.themes import STATUS_LABELS

    with cli_workspace(args) as workspace:
        found = records.list_controls(workspace, _filter(args))
    if args.json:
        print_json([_record_json(record) for record in found])
        return EXIT_OK
    for record in found:
        applicable = "yes" if record.applicable else "no "
        status = STATUS_LABELS[record.status] if record.applicable else "excluded"
        due = record.target_date.isoformat() if record.target_date else ""
        print(
            f"{record.local_id:<9} {applicable} {status:<22} {record.owner[:16]:<16} {due:<10} "
            f"{len(record.evidence):>2} ev  {record.title}"
        )
    print(f"{len(found)} control(s)", file=sys.stderr)
    return EXIT_OK


def show_control(args: argparse.Namespace) -> int:
    from workbench.services.catalog.guidance import load_guidance
    from workbench.services.controls import records
    from workbench.services.controls.themes import REASON_LABELS, STATUS_LABELS, theme_label

    with cli_workspace(args) as workspace:
        record = records.get_control(workspace, args.control)
    guidance = load_guidance().get(record.local_id)
    if args.json:
        value = _record_json(record)
        if guidance is not None:
            value["guidance"] = {
                "asks": guidance.asks, "typical": list(guidance.typical),
                "evidence": list(guidance.evidence), "pitfalls": list(guidance.pitfalls),
                "related": list(guidance.related),
            }  # fmt: skip
        print_json(value)
        return EXIT_OK
    reasons = ", ".join(REASON_LABELS[reason] for reason in record.all_reasons) or "none given"
    lines = [
        f"{record.local_id} {record.title}",
        f"  theme:         {theme_label(record.theme)}",
        f"  applicable:    {'yes' if record.applicable else 'no (excluded)'}",
        f"  reasons:       {reasons}"
        + (f" ({record.included_because})" if record.included_because else ""),
        f"  justification: {record.justification or '-'}",
        f"  status:        {STATUS_LABELS[record.status]}",
        f"  owner:         {record.owner or '-'}",
        f"  target date:   {record.target_date or '-'}",
    ]
    if record.notes:
        lines.append(f"  notes:         {record.notes}")
    lines.append(
        "  documents:     " + ("; ".join(f"{d.id} {d.title}" for d in record.documents) or "-")
    )
    lines.append(
        "  evidence:      "
        + ("; ".join(f"{e.label} {e.title} (r{e.revision})" for e in record.evidence) or "-")
    )
    if guidance is not None:
        lines += ["", "What the control asks:", f"  {guidance.asks}", "Evidence auditors ask for:"]
        lines += [f"  - {item}" for item in guidance.evidence]
    print("\n".join(lines))
    return EXIT_OK


def set_control(args: argparse.Namespace) -> int:
    from workbench.services.common.identity import current_user
    from workbench.services.controls import records

    changes: dict[str, object] = {}
    if args.applicable is not None:
        changes["applicable"] = args.applicable == "yes"
    if args.reason is not None:
        changes["reasons"] = [reason for reason in args.reason if reason != NONE]
    if args.justification is not None:
        changes["justification"] = args.justification
    if args.status is not None:
        changes["status"] = args.status
    if args.owner is not None:
        changes["owner"] = args.owner
    if args.due is not None:
        changes["target_date"] = (
            None if args.due.strip() in ("", NONE) else _date(args.due, "--due")
        )
    if args.notes is not None:
        changes["notes"] = args.notes
    if not changes and not args.doc:
        raise UsageError("say what to change, e.g. --status implemented")
    with cli_workspace(args) as workspace:
        if changes:
            records.update_control(workspace, args.control, actor=current_user(), **changes)
        for artifact_id in args.doc:
            records.set_document(workspace, args.control, artifact_id, actor=current_user())
        record = records.get_control(workspace, args.control)
    state = "applicable" if record.applicable else "excluded"
    print(f"{record.local_id} {record.title}: {state}, {record.status.value.replace('_', ' ')}")
    return EXIT_OK


def add_control(args: argparse.Namespace) -> int:
    from workbench.services.common.identity import current_user
    from workbench.services.controls import records

    with cli_workspace(args) as workspace:
        if args.privacy:
            if args.control:
                raise UsageError("--privacy adds the ISO/IEC 27701 controls; give no control id")
            changes = records.add_privacy_controls(workspace, actor=current_user())
            print(f"added {len(changes.controls)} ISO/IEC 27701:2019 privacy controls")
            return EXIT_OK
        if not args.control or not args.title:
            raise UsageError("a custom control needs an id and --title (or use --privacy)")
        records.add_custom_control(
            workspace, actor=current_user(), local_id=args.control, title=args.title,
            theme=_theme(args.theme) if args.theme != "custom" else "custom",
        )  # fmt: skip
    print(f"added the custom control {args.control} {args.title}")
    return EXIT_OK


# --- evidence -------------------------------------------------------------------------------


def _period(text: str | None) -> tuple[date | None, date | None]:
    if not text:
        return None, None
    start, separator, end = text.partition("..")
    return _date(start, "--effective"), _date(end, "--effective") if separator else None


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def add_evidence(args: argparse.Namespace) -> int:
    from workbench.services.common.identity import current_user
    from workbench.services.controls import evidence

    start, end = _period(args.effective)
    draft = evidence.EvidenceDraft(
        title=args.title, effective_from=start, effective_to=end,
        expires=_date(args.expires, "--expires") if args.expires else None,
        collected_by=args.collected_by,
    )  # fmt: skip
    with cli_workspace(args) as workspace:
        if args.revision_of:
            if args.to:
                raise UsageError("a new revision keeps its evidence's links; drop --to")
            changes = evidence.add_revision(
                workspace, args.revision_of, args.file, draft=draft, actor=current_user()
            )
            evidence_id = evidence.evidence_id(args.revision_of)
        else:
            if not args.to:
                raise UsageError("say what the file shows: --to A.8.13 (or R-003, doc:ID, ...)")
            changes, evidence_id = evidence.add_evidence(
                workspace, args.file, targets=args.to, draft=draft, actor=current_user()
            )
        record = evidence.get_evidence(workspace, evidence_id)
    current = record.current
    print(
        f"{record.label} “{record.title}” revision {current.number}: {current.file_name}, "
        f"{_size(current.size)}, SHA-256 {current.sha256}"
    )
    for notice in changes.notices:
        print(notice)
    return EXIT_OK


def _evidence_json(record: EvidenceRecord, today: date) -> dict[str, Any]:
    return {
        "id": record.label,
        "title": record.title,
        "expires": record.expires,
        "expired": record.expired(today),
        "attached_to": [attachment.label for attachment in record.attachments],
        "revisions": [
            {"revision": r.number, "file": r.file_name, "size": r.size, "sha256": r.sha256,
             "effective_from": r.effective_from, "effective_to": r.effective_to,
             "collected_by": r.collected_by, "added_by": r.added_by, "added_at": r.added_at}
            for r in record.revisions
        ],
    }  # fmt: skip


def list_evidence(args: argparse.Namespace) -> int:
    from workbench.services.controls import evidence

    today = date.today()
    with cli_workspace(args) as workspace:
        found = evidence.list_evidence(
            workspace, control=args.control, expired=args.expired, today=today
        )
    if args.json:
        print_json([_evidence_json(record, today) for record in found])
        return EXIT_OK
    for record in found:
        expires = record.expires.isoformat() if record.expires else "-"
        flag = " EXPIRED" if record.expired(today) else ""
        targets = ", ".join(a.label.split(" ")[0] if a.target.value == "control" else a.label
                            for a in record.attachments)  # fmt: skip
        print(
            f"{record.label:<6} r{record.current.number:<3} expires {expires:<10}{flag}  "
            f"{record.title} [{targets}]"
        )
    print(f"{len(found)} piece(s) of evidence", file=sys.stderr)
    return EXIT_OK


def export_evidence(args: argparse.Namespace) -> int:
    from workbench.services.controls import evidence

    with cli_workspace(args) as workspace:
        written = evidence.export_evidence(
            workspace, args.evidence, args.output, revision=args.revision
        )
    print(f"wrote {written}")
    return EXIT_OK


# --- soa ------------------------------------------------------------------------------------


def update_soa(args: argparse.Namespace) -> int:
    from workbench.services.common.identity import current_user
    from workbench.services.controls import soa
    from workbench.services.register import versioning

    with cli_workspace(args) as workspace:
        try:
            changes, update = soa.update_soa(workspace, actor=current_user())
        except versioning.UnchangedContent as error:
            print(f"Statement of Applicability: {error}")
            return EXIT_OK
    print(f"Statement of Applicability (register id {update.artifact_id}): {update.summary()}")
    for line in update.changes:
        print(f"  {line}")
    for notice in changes.notices:
        print(notice)
    return EXIT_OK


def export_soa(args: argparse.Namespace) -> int:
    from workbench.services.exports import soa_export

    with cli_workspace(args) as workspace:
        document = soa_export.export_soa(
            workspace, fmt=args.format, target=args.output, version=args.version
        )
    print(f"wrote {args.output}: {document.title}, version {document.version} ({document.status})")
    return EXIT_OK
