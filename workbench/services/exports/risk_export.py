"""The risk register as a spreadsheet: XLSX with typed cells and level colours, one sheet per
table of the method too (scales, levels, matrix), and the treatment actions; or CSV.

Both go through the workbench's one spreadsheet writer (:mod:`workbench.services.common.sheets`):
no cell is ever a formula, text starting with "=" stays text, dates are dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from workbench.models import AcceptanceKind, ActionStatus, Risk
from workbench.services.common import sheets
from workbench.services.common.ooxml import APPLICATION
from workbench.services.common.sheets import BookProperties, Table, Value
from workbench.services.exports.document_export import ExportError
from workbench.services.register import profile
from workbench.services.risks import records
from workbench.services.risks.acceptance import current_acceptances
from workbench.services.risks.method import Axis, RiskMethod, current_method
from workbench.services.store.workspace import Workspace

EXPORT_FORMATS = ("xlsx", "csv")


@dataclass
class Sheet:
    """One sheet being filled: a header row, typed rows, and cell fills (row, column) ->
    #rrggbb, 0-based over the rows below the header."""

    title: str
    header: list[str]
    rows: list[list[Value]] = field(default_factory=list)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)

    def table(self) -> Table:
        return Table(self.title, self.header, self.rows, self.fills)


RISK_HEADER = [
    "ID", "Title", "Threat", "Vulnerability", "Consequence", "Risk owner", "Assets",
    "Existing controls", "Likelihood", "Likelihood label", "Impact", "Impact label",
    "Inherent level", "Treatment", "Planned controls", "Residual likelihood",
    "Residual impact", "Residual level", "Status", "Review date", "Acceptance signed by",
    "Acceptance signed on", "Acceptance expires", "Acceptance state", "Open actions",
]  # fmt: skip
LEVEL_COLUMN = RISK_HEADER.index("Inherent level")
RESIDUAL_COLUMN = RISK_HEADER.index("Residual level")


def _risk_sheets(workspace: Workspace, today: date) -> tuple[RiskMethod, list[Sheet]]:
    risks = Sheet("Risks", RISK_HEADER)
    actions = Sheet("Actions", ["Risk", "Action", "Owner", "Due", "Status", "Done on"])
    with workspace.read() as session:
        method = current_method(session)
        rows = list(session.exec(select(Risk).order_by(col(Risk.id))))
        accepted = current_acceptances(session, {r.id for r in rows if r.id is not None})
        for risk in rows:
            assert risk.id is not None
            details = records.details_of(session, risk, method)
            draft = details.draft
            signed = accepted.get((risk.id, AcceptanceKind.ACCEPTANCE))
            open_actions = 0
            for action in details.actions:
                open_actions += action.status is ActionStatus.OPEN
                actions.rows.append(
                    [risk.ref, action.text, action.owner, action.due, action.status.value,
                     action.done_on]
                )  # fmt: skip
            risks.rows.append(
                [
                    risk.ref, draft.title, draft.threat, draft.vulnerability, draft.consequence,
                    draft.owner, ", ".join(draft.assets), draft.existing_controls,
                    draft.likelihood, method.label(Axis.LIKELIHOOD, draft.likelihood),
                    draft.impact, method.label(Axis.IMPACT, draft.impact),
                    method.level_name(risk.level),
                    draft.treatment.value if draft.treatment else "",
                    ", ".join(records.short_control(ref) for ref in draft.controls),
                    draft.residual_likelihood, draft.residual_impact,
                    method.level_name(risk.residual_level),
                    draft.status.value.replace("_", " "), draft.review_date,
                    signed.signer if signed else "",
                    signed.signed_at.date() if signed else None,
                    signed.expires if signed else None,
                    signed.state(today).value if signed else "",
                    open_actions,
                ]
            )  # fmt: skip
            row = len(risks.rows) - 1
            for column, level in ((LEVEL_COLUMN, risk.level),
                                  (RESIDUAL_COLUMN, risk.residual_level)):  # fmt: skip
                if level is not None:
                    risks.fills[(row, column)] = method.level_colour(level)
    return method, [risks, actions]


def method_sheets(method: RiskMethod) -> list[Sheet]:
    """The method's tables: both scales, the levels, and the matrix in its colours."""
    scales = [
        Sheet(
            title,
            ["Rating", "Label", "Description"],
            [[n, level.label, level.description] for n, level in enumerate(scale, start=1)],
        )
        for title, scale in (("Likelihood", method.likelihood), ("Impact", method.impact))
    ]
    levels = Sheet(
        "Levels",
        ["Order", "Level", "Acceptable without treatment", "Acceptance rule and response"],
        [
            [n + 1, level.name, "yes" if method.acceptable(n) else "no", level.description]
            for n, level in enumerate(method.levels)
        ],
        fills={(n, 1): level.colour for n, level in enumerate(method.levels)},
    )
    matrix = Sheet(
        "Matrix",
        ["Likelihood \\ Impact"]
        + [f"{n} {level.label}" for n, level in enumerate(method.impact, start=1)],
    )
    for likelihood in range(len(method.likelihood), 0, -1):
        row: list[Value] = [f"{likelihood} {method.label(Axis.LIKELIHOOD, likelihood)}"]
        for impact in range(1, len(method.impact) + 1):
            level = method.level_of(likelihood, impact)
            row.append(method.level_name(level))
            matrix.fills[(len(matrix.rows), impact)] = method.level_colour(level)
        matrix.rows.append(row)
    return [*scales, levels, matrix]


def export_risks(workspace: Workspace, target: Path, *, fmt: str, today: date | None = None) -> int:
    """Write the risk register to XLSX (with the method's tables) or CSV, whole or not at all;
    returns the number of risks.

    Raises:
        ExportError: an unknown format, or the file cannot be written.
    """
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown format '{fmt}' (choose {', '.join(EXPORT_FORMATS)})")
    method, found = _risk_sheets(workspace, today or date.today())
    zone, _name = profile.workspace_zone(workspace)
    risks = found[0]
    if target.parent.exists() and not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: {target.parent} is not a folder")
    try:
        if fmt == "csv":
            sheets.write_csv(target, risks.header, risks.rows, zone=zone)
        else:
            organisation = profile.get_profile(workspace).organisation_name
            properties = BookProperties(
                title="Risk register", author=APPLICATION, subject=organisation,
                description=f"Risk method version {method.version}", company=organisation,
            )  # fmt: skip
            tables = [sheet.table() for sheet in (*found, *method_sheets(method))]
            sheets.write_xlsx(target, tables, properties=properties, zone=zone)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
    return len(risks.rows)
