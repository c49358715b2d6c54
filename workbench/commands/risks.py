"""``workbench risk ...`` and ``workbench asset ...``: the risk register from the command line.

Ratings are numbers or labels of the workspace's scales (``--likelihood 4`` or ``Likely``);
levels are computed, never given. ``risk check`` exits 1 when it finds problems.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.commands.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Commands,
    UsageError,
    cli_workspace,
    print_json,
)

if TYPE_CHECKING:
    from workbench.services.risks.method import RiskMethod
    from workbench.services.risks.records import RiskDetails
    from workbench.services.store.workspace import Workspace

TREATMENTS = ("modify", "retain", "avoid", "share")
STATUSES = ("open", "in_treatment", "monitored", "closed")
DOCUMENTS = ("register", "treatment-plan", "methodology")


def add_to(commands: Commands) -> None:
    risk = commands.add_parser("risk", help="the risk register: risks, method, acceptance")
    actions = risk.add_subparsers(dest="risk_command", metavar="ACTION", required=True)
    _add_risk(actions)
    _add_listing(actions)
    _add_assessing(actions)
    _add_files(actions)
    _add_method(actions)
    _add_assets(commands)


def _risk_fields(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    parser.add_argument("--title", required=False, metavar="T")
    parser.add_argument("--owner", metavar="NAME", help="the risk owner (a person)")
    parser.add_argument("--threat", metavar="TEXT")
    parser.add_argument("--vulnerability", metavar="TEXT")
    parser.add_argument("--consequence", metavar="TEXT")
    parser.add_argument("--existing-controls", metavar="TEXT")
    parser.add_argument("--likelihood", metavar="L", help="number or label of the scale")
    parser.add_argument("--impact", metavar="I", help="number or label of the scale")
    parser.add_argument("--residual-likelihood", metavar="L")
    parser.add_argument("--residual-impact", metavar="I")
    parser.add_argument("--treatment", choices=TREATMENTS)
    parser.add_argument(
        "--control", action="append", default=None, metavar="A.8.13",
        help="a planned Annex A control (repeat for several)",
    )  # fmt: skip
    parser.add_argument(
        "--asset", action="append", default=None, metavar="NAME", help="repeat for several"
    )
    parser.add_argument("--status", choices=STATUSES)
    parser.add_argument("--review", metavar="YYYY-MM-DD", help="next review date")
    parser.add_argument("--json", action="store_true")


def _add_risk(actions: Any) -> None:
    add = actions.add_parser("add", help="add a risk (optionally from the starter library)")
    add.add_argument("--from", dest="scenario", metavar="LIB-012", help="a library scenario")
    _risk_fields(add, adding=True)
    add.set_defaults(handler=add_risk)

    edit = actions.add_parser("edit", help="change a risk's fields")
    edit.add_argument("ref", metavar="R-001")
    _risk_fields(edit, adding=False)
    edit.set_defaults(handler=edit_risk)

    action = actions.add_parser("action", help="treatment actions of a risk")
    steps = action.add_subparsers(dest="action_command", metavar="STEP", required=True)
    add_action = steps.add_parser("add", help="add a treatment action")
    add_action.add_argument("ref", metavar="R-001")
    add_action.add_argument("--text", required=True, metavar="WHAT")
    add_action.add_argument("--owner", default="", metavar="NAME")
    add_action.add_argument("--due", metavar="YYYY-MM-DD")
    add_action.set_defaults(handler=add_treatment_action)
    done = steps.add_parser("done", help="mark a treatment action done")
    done.add_argument("action_id", type=int, metavar="ACTION")
    done.add_argument("--on", metavar="YYYY-MM-DD", help="the day it was done (default: today)")
    done.set_defaults(handler=complete_treatment_action)

    library = actions.add_parser("library", help="the starter library of risk scenarios")
    library.add_argument("search", nargs="*", help="words, or a control such as A.8.13")
    library.add_argument("--json", action="store_true")
    library.set_defaults(handler=show_library)


def _add_listing(actions: Any) -> None:
    listing = actions.add_parser("list", help="list risks with their computed levels")
    listing.add_argument("--level", metavar="NAME", help="inherent level, e.g. high")
    listing.add_argument("--residual-level", metavar="NAME")
    listing.add_argument("--owner", metavar="NAME")
    listing.add_argument("--treatment", choices=TREATMENTS)
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--asset", metavar="NAME")
    listing.add_argument("--control", metavar="A.8.13")
    listing.add_argument("--text", default="", help="id, title, threat or owner contains")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_risks)

    show = actions.add_parser("show", help="one risk with its actions and acceptances")
    show.add_argument("ref", metavar="R-001")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_risk)

    check = actions.add_parser("check", help="quality checks; exit 1 listing problems")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=check_risks)


def _add_assessing(actions: Any) -> None:
    assess = actions.add_parser("assess", help="rate a risk (inherent and/or residual)")
    assess.add_argument("ref", metavar="R-001")
    assess.add_argument("--likelihood", metavar="L")
    assess.add_argument("--impact", metavar="I")
    assess.add_argument("--residual-likelihood", metavar="L")
    assess.add_argument("--residual-impact", metavar="I")
    assess.set_defaults(handler=assess_risk)

    accept = actions.add_parser(
        "accept", help="the risk owner signs the acceptance of the residual risk"
    )
    accept.add_argument("ref", metavar="R-001")
    accept.add_argument("--as", dest="signer", required=True, metavar="NAME")
    accept.add_argument("--expires", metavar="YYYY-MM-DD")
    accept.add_argument("--comment", default="", metavar="C")
    accept.add_argument(
        "--plan", action="store_true",
        help="sign the approval of the risk's treatment plan instead (6.1.3 f)",
    )  # fmt: skip
    accept.set_defaults(handler=accept_risk)


def _add_files(actions: Any) -> None:
    importing = actions.add_parser("import", help="import risks from an XLSX or CSV file")
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.add_argument(
        "--map", dest="mapping", metavar='"Risk=title,Likelihood=likelihood,..."',
        help="column to field, over the guess from the header names",
    )  # fmt: skip
    importing.add_argument("--sheet", metavar="NAME", help="the workbook's sheet to read")
    importing.add_argument("--dry-run", action="store_true", help="report, import nothing")
    importing.add_argument("--json", action="store_true")
    importing.set_defaults(handler=import_risks)

    export = actions.add_parser("export", help="write the risk register to XLSX or CSV")
    export.add_argument("--format", choices=("xlsx", "csv"), required=True)
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    export.set_defaults(handler=export_risks)

    update = actions.add_parser(
        "update-document", help="write a new version of a document from the risk records"
    )
    update.add_argument("document", choices=DOCUMENTS)
    update.set_defaults(handler=update_document)


def _add_method(actions: Any) -> None:
    method = actions.add_parser("method", help="the risk method: scales, matrix, threshold")
    steps = method.add_subparsers(dest="method_command", metavar="STEP", required=True)
    show = steps.add_parser("show", help="the method in force")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_method)
    change = steps.add_parser("set", help="change the method; re-levels every risk")
    change.add_argument("--size", metavar="LxI", help="scale sizes, e.g. 4x4 (3 to 6 each)")
    change.add_argument("--threshold", metavar="LEVEL", help="highest level acceptable")
    change.add_argument(
        "--file", type=Path, metavar="METHOD.json", help="a whole method (as method show --json)"
    )
    change.add_argument("--comment", default="", metavar="C")
    change.add_argument("--yes", action="store_true", help="confirm re-levelling risks")
    change.set_defaults(handler=set_method)


def _add_assets(commands: Commands) -> None:
    asset = commands.add_parser("asset", help="assets risks can affect")
    steps = asset.add_subparsers(dest="asset_command", metavar="ACTION", required=True)
    add = steps.add_parser("add", help="add an asset")
    add.add_argument("name", metavar="NAME")
    add.add_argument(
        "--type", required=True, metavar="TYPE",
        help="information, service, process, system, site, people or supplier",
    )  # fmt: skip
    add.add_argument("--owner", default="")
    add.add_argument("--description", default="")
    add.add_argument("--confidentiality", "-c", metavar="1-3")
    add.add_argument("--integrity", "-i", metavar="1-3")
    add.add_argument("--availability", "-a", metavar="1-3")
    add.set_defaults(handler=add_asset)
    listing = steps.add_parser("list", help="list assets")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_assets)


# --- helpers --------------------------------------------------------------------------------


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} '{text}' is not a date (YYYY-MM-DD)") from None


def _user() -> str:
    from workbench.services.common.identity import current_user

    return current_user()


def _method(workspace: Workspace) -> RiskMethod:
    from workbench.services.risks.listing import method_of

    return method_of(workspace)


def _ratings(args: argparse.Namespace, method: RiskMethod) -> dict[str, int | None]:
    from workbench.services.risks.method import Axis

    found: dict[str, int | None] = {}
    for name, axis in (("likelihood", Axis.LIKELIHOOD), ("impact", Axis.IMPACT),
                       ("residual_likelihood", Axis.LIKELIHOOD),
                       ("residual_impact", Axis.IMPACT)):  # fmt: skip
        value = getattr(args, name, None)
        if value is not None:
            found[name] = method.rating(axis, value)
    return found


def _changes(args: argparse.Namespace, method: RiskMethod) -> dict[str, Any]:
    from workbench.models import RiskStatus, TreatmentOption

    changes: dict[str, Any] = {}
    for name in ("title", "owner", "threat", "vulnerability", "consequence", "existing_controls"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    changes.update(_ratings(args, method))
    if args.treatment:
        changes["treatment"] = TreatmentOption(args.treatment)
    if args.status:
        changes["status"] = RiskStatus(args.status)
    if args.control is not None:
        changes["controls"] = tuple(args.control)
    if args.asset is not None:
        changes["assets"] = tuple(args.asset)
    if args.review is not None:
        changes["review_date"] = _date(args.review, "--review")
    return changes


def _level(method: RiskMethod, name: str | None) -> int | None:
    if name is None:
        return None
    found = method.find_level(name)
    if found is None:
        known = ", ".join(level.name for level in method.levels)
        raise UsageError(f"there is no level '{name}' (levels: {known})")
    return found


def risk_json(details: RiskDetails, today: date) -> dict[str, object]:
    from workbench.services.risks.method import Axis
    from workbench.services.risks.records import short_control

    method, draft = details.method, details.draft

    def rating(axis: Axis, value: int | None) -> dict[str, object] | None:
        return None if value is None else {"value": value, "label": method.label(axis, value)}

    return {
        "id": details.ref,
        "title": draft.title,
        "threat": draft.threat,
        "vulnerability": draft.vulnerability,
        "consequence": draft.consequence,
        "owner": draft.owner or None,
        "assets": list(draft.assets),
        "existing_controls": draft.existing_controls,
        "likelihood": rating(Axis.LIKELIHOOD, draft.likelihood),
        "impact": rating(Axis.IMPACT, draft.impact),
        "inherent_level": details.level_name or None,
        "treatment": draft.treatment.value if draft.treatment else None,
        "controls": [short_control(ref) for ref in draft.controls],
        "documents": [{"id": d.artifact_id, "title": d.title} for d in details.documents],
        "actions": [
            {
                "id": a.id,
                "text": a.text,
                "owner": a.owner,
                "due": a.due,
                "status": a.status.value,
                "done_on": a.done_on,
                "overdue": a.overdue(today),
            }
            for a in details.actions
        ],  # fmt: skip
        "residual_likelihood": rating(Axis.LIKELIHOOD, draft.residual_likelihood),
        "residual_impact": rating(Axis.IMPACT, draft.residual_impact),
        "residual_level": details.residual_level_name or None,
        "status": draft.status.value,
        "review_date": draft.review_date,
        "source": draft.source,
        "method_version": method.version,
    }


# --- risks ----------------------------------------------------------------------------------


def add_risk(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from workbench.services.risks import records
    from workbench.services.risks.library import load_scenarios
    from workbench.services.risks.records import RiskDraft

    with cli_workspace(args) as workspace:
        method = _method(workspace)
        changes = _changes(args, method)
        draft = RiskDraft(title="")
        if args.scenario:
            wanted = args.scenario.strip().upper()
            scenario = next((s for s in load_scenarios() if s.id == wanted), None)
            if scenario is None:
                raise UsageError(f"there is no scenario {args.scenario} in the starter library")
            draft = RiskDraft(
                title=scenario.title, threat=scenario.threat,
                vulnerability=scenario.vulnerability, consequence=scenario.consequence,
                controls=scenario.controls, source=scenario.id,
            )  # fmt: skip
            if "controls" in changes:
                changes["controls"] = scenario.controls + tuple(args.control)
        elif not args.title:
            raise UsageError("give the risk a --title, or start --from a library scenario")
        draft = replace(draft, **changes)
        _, ref = records.add_risk(workspace, actor=_user(), draft=draft)
        details = records.get_risk(workspace, ref)
    if args.json:
        print_json(risk_json(details, date.today()))
    else:
        print(f"added {ref}  {details.title}" + _levels_text(details))
    return EXIT_OK


def _levels_text(details: RiskDetails) -> str:
    parts = []
    if details.level_name:
        parts.append(f"inherent {details.level_name}")
    if details.residual_level_name:
        parts.append(f"residual {details.residual_level_name}")
    return f"  ({', '.join(parts)})" if parts else ""


def edit_risk(args: argparse.Namespace) -> int:
    from workbench.services.risks import records

    with cli_workspace(args) as workspace:
        changes = _changes(args, _method(workspace))
        if not changes:
            raise UsageError("say what to change, e.g. --owner NAME or --treatment modify")
        records.update_risk(workspace, actor=_user(), ref=args.ref, changes=changes)
        details = records.get_risk(workspace, args.ref)
    if args.json:
        print_json(risk_json(details, date.today()))
    else:
        print(f"changed {details.ref}  {details.title}" + _levels_text(details))
    return EXIT_OK


def assess_risk(args: argparse.Namespace) -> int:
    from workbench.services.risks import records

    with cli_workspace(args) as workspace:
        changes = _ratings(args, _method(workspace))
        if not changes:
            raise UsageError("give --likelihood and --impact, or the residual ones, or both")
        records.update_risk(workspace, actor=_user(), ref=args.ref, changes=changes)
        details = records.get_risk(workspace, args.ref)
    print(f"{details.ref}  {details.title}" + _levels_text(details))
    return EXIT_OK


def add_treatment_action(args: argparse.Namespace) -> int:
    from workbench.services.risks import records

    due = _date(args.due, "--due")
    with cli_workspace(args) as workspace:
        _, action_id = records.add_action(
            workspace, actor=_user(), ref=args.ref, text=args.text, owner=args.owner, due=due
        )
        ref = records.get_risk(workspace, args.ref).ref
    when = f", due {due.isoformat()}" if due else ""
    print(f"added action {action_id} to {ref}{when}")
    return EXIT_OK


def complete_treatment_action(args: argparse.Namespace) -> int:
    from workbench.services.risks import records

    day = _date(args.on, "--on") or date.today()
    with cli_workspace(args) as workspace:
        records.complete_action(workspace, actor=_user(), action_id=args.action_id, done_on=day)
    print(f"action {args.action_id} done on {day.isoformat()}")
    return EXIT_OK


def show_library(args: argparse.Namespace) -> int:
    from workbench.services.risks.library import search_scenarios

    found = search_scenarios(" ".join(args.search))
    if args.json:
        print_json(
            [
                {"id": s.id, "title": s.title, "category": s.category, "threat": s.threat,
                 "vulnerability": s.vulnerability, "consequence": s.consequence,
                 "controls": list(s.controls), "typical_likelihood": s.typical_likelihood,
                 "typical_impact": s.typical_impact}
                for s in found
            ]
        )  # fmt: skip
        return EXIT_OK
    for scenario in found:
        print(f"{scenario.id}  {scenario.title:<52} {', '.join(scenario.controls)}")
    print(f"{len(found)} scenario(s); add one with: workbench risk add --from LIB-001")
    return EXIT_OK


def list_risks(args: argparse.Namespace) -> int:
    from workbench.models import RiskStatus, TreatmentOption
    from workbench.services.approvals import people
    from workbench.services.risks import assets, listing
    from workbench.services.risks.listing import Column, RiskFilter

    with cli_workspace(args) as workspace:
        method = _method(workspace)
        owner_id = asset_id = None
        if args.owner:
            owner_id = people.get_person(workspace, args.owner).id
        if args.asset:
            asset_id = assets.get_asset(workspace, args.asset).id
        risk_filter = RiskFilter(
            text=args.text,
            level=_level(method, args.level),
            residual_level=_level(method, args.residual_level),
            owner_id=owner_id,
            treatment=TreatmentOption(args.treatment) if args.treatment else None,
            status=RiskStatus(args.status) if args.status else None,
            asset_id=asset_id,
            control=args.control or "",
        )
        rows = listing.export_rows(workspace, risk_filter)
    if args.json:
        print_json([listing.row_json(row, method) for row in rows])
        return EXIT_OK
    columns = [Column.REF, Column.LEVEL, Column.RESIDUAL_LEVEL, Column.TREATMENT,
               Column.OWNER, Column.STATUS, Column.TITLE]  # fmt: skip
    table = [[listing.COLUMN_TITLES[c] for c in columns]] + [
        [listing.cell_text(row, c, method) for c in columns] for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns) - 1)]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
              + "  " + line[-1])  # fmt: skip
    print(f"{len(rows)} risk(s)")
    return EXIT_OK


def show_risk(args: argparse.Namespace) -> int:
    from workbench.services.risks import acceptance, checks, records
    from workbench.services.risks.method import Axis
    from workbench.services.risks.records import short_control

    today = date.today()
    with cli_workspace(args) as workspace:
        details = records.get_risk(workspace, args.ref)
        signed = acceptance.acceptances_of(workspace, details.ref)
        problems = checks.check_risks(workspace, today=today, refs=[details.ref])
    if args.json:
        data = risk_json(details, today)
        data["acceptances"] = [
            {"id": c.id, "kind": c.kind.value, "signer": c.signer, "signed_at": c.signed_at,
             "expires": c.expires, "comment": c.comment, "state": c.state(today).value,
             "superseded": c.superseded, "stale_reason": c.stale_reason or None,
             "problems": list(c.problems)}
            for c in signed
        ]  # fmt: skip
        data["problems"] = [problem.to_json() for problem in problems]
        print_json(data)
        return EXIT_OK
    method, draft = details.method, details.draft

    def rating(axis: Axis, value: int | None) -> str:
        return f"{value} {method.label(axis, value)}" if value is not None else "not rated"

    lines = [
        f"{details.ref}  {draft.title}",
        f"owner:            {draft.owner or '(none)'}",
        f"status:           {draft.status.value.replace('_', ' ')}"
        + (f", review {draft.review_date.isoformat()}" if draft.review_date else ""),
        f"assets:           {', '.join(draft.assets) or '-'}",
        f"threat:           {draft.threat or '-'}",
        f"vulnerability:    {draft.vulnerability or '-'}",
        f"consequence:      {draft.consequence or '-'}",
        f"existing controls: {draft.existing_controls or '-'}",
        f"inherent:         likelihood {rating(Axis.LIKELIHOOD, draft.likelihood)}, impact "
        f"{rating(Axis.IMPACT, draft.impact)}: {details.level_name or '-'}",
        f"treatment:        {draft.treatment.value if draft.treatment else '-'}; controls "
        f"{', '.join(short_control(c) for c in draft.controls) or '-'}",
        f"residual:         likelihood {rating(Axis.LIKELIHOOD, draft.residual_likelihood)}, "
        f"impact {rating(Axis.IMPACT, draft.residual_impact)}: "
        f"{details.residual_level_name or '-'}",
    ]
    if draft.source:
        lines.append(f"from scenario:    {draft.source}")
    for document in details.documents:
        lines.append(f"document:         {document.artifact_id} {document.title}")
    for action in details.actions:
        due = f", due {action.due.isoformat()}" if action.due else ""
        mark = " OVERDUE" if action.overdue(today) else ""
        owner = f" ({action.owner})" if action.owner else ""
        lines.append(f"action {action.id}:{mark} {action.text}{owner}{due}: {action.status.value}")
    for check in signed:
        old = " (superseded)" if check.superseded else ""
        lines.append(f"signed:           {check.describe(today)}{old}")
    for problem in problems:
        lines.append(f"problem:          {problem.message}")
    print("\n".join(lines))
    return EXIT_OK


def check_risks(args: argparse.Namespace) -> int:
    from workbench.services.risks import checks

    with cli_workspace(args) as workspace:
        problems = checks.check_risks(workspace)
    if args.json:
        print_json({"ok": not problems, "problems": [p.to_json() for p in problems]})
    else:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s)" if problems else "no problems found")
    return EXIT_PROBLEMS if problems else EXIT_OK


def accept_risk(args: argparse.Namespace) -> int:
    from workbench.commands.approvals import read_passphrase
    from workbench.models import AcceptanceKind
    from workbench.services.risks import acceptance

    kind = AcceptanceKind.PLAN_APPROVAL if args.plan else AcceptanceKind.ACCEPTANCE
    expires = _date(args.expires, "--expires")
    with cli_workspace(args) as workspace:
        passphrase = read_passphrase(f"Passphrase for {args.signer}'s signing key: ")
        acceptance.sign(
            workspace, ref=args.ref, signer=args.signer, passphrase=passphrase, kind=kind,
            expires=expires, comment=args.comment,
        )  # fmt: skip
        (check,) = [
            c for c in acceptance.acceptances_of(workspace, args.ref)
            if c.kind is kind and not c.superseded
        ]  # fmt: skip
    print(f"{check.ref}: {check.describe(date.today())}")
    return EXIT_OK


def import_risks(args: argparse.Namespace) -> int:
    from workbench.services.risks import importing

    with cli_workspace(args) as workspace:
        report = importing.import_file(
            workspace, args.file, actor=_user(), map_text=args.mapping, sheet=args.sheet,
            dry_run=args.dry_run,
        )  # fmt: skip
    if args.json:
        print_json(report.to_json())
    else:
        print("\n".join(report.lines()))
    return EXIT_OK


def export_risks(args: argparse.Namespace) -> int:
    from workbench.services.exports import risk_export

    with cli_workspace(args) as workspace:
        count = risk_export.export_risks(workspace, args.output, fmt=args.format)
    print(f"wrote {count} risk(s) to {args.output}")
    return EXIT_OK


def update_document(args: argparse.Namespace) -> int:
    from workbench.services.risks.documents import GeneratedDocument, update_document

    with cli_workspace(args) as workspace:
        result = update_document(workspace, actor=_user(), which=GeneratedDocument(args.document))
    print(result.message)
    for notice in result.changes.notices:
        print(notice)
    return EXIT_OK


# --- the method -----------------------------------------------------------------------------


def show_method(args: argparse.Namespace) -> int:
    with cli_workspace(args) as workspace:
        method = _method(workspace)
    if args.json:
        print_json({"version": method.version, "sha256": method.sha256, **method.to_data()})
        return EXIT_OK
    print(f"risk method version {method.version}: {method.size} matrix, "
          f"acceptance threshold {method.level_name(method.threshold)}")  # fmt: skip
    for title, scale in (("likelihood", method.likelihood), ("impact", method.impact)):
        print(f"\n{title}:")
        for number, step in enumerate(scale, start=1):
            described = f": {step.description}" if step.description else ""
            print(f"  {number} {step.label}{described}")
    print("\nlevels (lowest first):")
    for index, level in enumerate(method.levels):
        accepted = "acceptable" if method.acceptable(index) else "treat"
        print(f"  {level.name} {level.colour} ({accepted})")
    width = max(len(level.name) for level in method.levels)
    print("\nmatrix (likelihood down, impact across):")
    for likelihood in range(len(method.likelihood), 0, -1):
        cells = [
            method.level_name(method.level_of(likelihood, impact)).ljust(width)
            for impact in range(1, len(method.impact) + 1)
        ]
        print(f"  {likelihood} | " + " ".join(cells))
    print("    " + " ".join(str(n).ljust(width) for n in range(1, len(method.impact) + 1)))
    for warning in method.warnings():
        print(f"warning: {warning}")
    return EXIT_OK


def _new_method(args: argparse.Namespace, current: RiskMethod) -> RiskMethod:
    import json
    from dataclasses import replace

    import yaml

    from workbench.services.risks import method as methods

    chosen = current
    if args.file is not None:
        try:
            data = yaml.safe_load(args.file.read_text(encoding="utf-8"))
        except OSError as error:
            raise UsageError(f"cannot read {args.file}: {error.strerror}") from error
        except (yaml.YAMLError, json.JSONDecodeError) as error:
            raise UsageError(f"{args.file} is not JSON or YAML ({error})") from error
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in ("version", "sha256")}
        chosen = methods.from_data(data)
    if args.size:
        try:
            rows, columns = (int(part) for part in args.size.lower().split("x"))
        except ValueError:
            raise UsageError(f"--size '{args.size}' is not of the form 4x4") from None
        chosen = methods.resized(chosen, rows, columns)
    if args.threshold:
        level = _level(chosen, args.threshold)
        assert level is not None
        chosen = replace(chosen, threshold=level)
    if chosen is current:
        raise UsageError("say what to change: --size, --threshold or --file")
    return chosen


def set_method(args: argparse.Namespace) -> int:
    from workbench.services.risks import relevel

    with cli_workspace(args) as workspace:
        new = _new_method(args, _method(workspace))
        moves = relevel.preview(workspace, new)
        if moves and not args.yes:
            for move in moves:
                print(move.describe())
            raise UsageError(
                f"the new method re-levels {len(moves)} assessed risk(s), listed above; "
                "run again with --yes to change it"
            )
        changes, moved = relevel.set_method(
            workspace, actor=_user(), method=new, comment=args.comment, confirmed=args.yes
        )
        version = _method(workspace).version
    for move in moved:
        print(move.describe())
    print(f"risk method version {version} in force; {len(moved)} risk(s) re-levelled")
    for warning in new.warnings():
        print(f"warning: {warning}")
    return EXIT_OK


# --- assets ---------------------------------------------------------------------------------


def add_asset(args: argparse.Namespace) -> int:
    from workbench.services.risks import assets

    with cli_workspace(args) as workspace:
        _, info = assets.add_asset(
            workspace, actor=_user(), name=args.name, type=assets.parse_type(args.type),
            owner=args.owner, description=args.description,
            confidentiality=assets.parse_rating(args.confidentiality),
            integrity=assets.parse_rating(args.integrity),
            availability=assets.parse_rating(args.availability),
        )  # fmt: skip
    print(f"added asset {info.name} ({info.type.value})")
    return EXIT_OK


def list_assets(args: argparse.Namespace) -> int:
    from workbench.services.risks import assets

    with cli_workspace(args) as workspace:
        found = assets.list_assets(workspace)
    if args.json:
        print_json(
            [
                {"name": a.name, "type": a.type.value, "owner": a.owner,
                 "description": a.description, "confidentiality": a.confidentiality,
                 "integrity": a.integrity, "availability": a.availability, "risks": a.risks}
                for a in found
            ]
        )  # fmt: skip
        return EXIT_OK
    for info in found:
        print(f"{info.name:<32} {info.type.value:<12} {info.owner:<20} {info.rating_text():<22}"
              f" {info.risks} risk(s)")  # fmt: skip
    print(f"{len(found)} asset(s)")
    return EXIT_OK
