"""The risk register as a spreadsheet: XLSX with typed cells and level colours, one sheet per
table of the method too (scales, levels, matrix), and the treatment actions; or CSV.

The workbook is written through :func:`write_workbook`, one small function taking plain sheet
descriptions, so the writer underneath can change without the register's content changing.
No cell is ever a formula: text starting with "=" stays text.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from sqlmodel import col, select

from workbench.models import AcceptanceKind, ActionStatus, Risk
from workbench.services.common.fileio import _write_text, atomic_path
from workbench.services.risks import records
from workbench.services.risks.acceptance import current_acceptances
from workbench.services.risks.method import Axis, RiskMethod, current_method
from workbench.services.store.workspace import Workspace

EXPORT_FORMATS = ("xlsx", "csv")
Value = str | int | date | None


@dataclass
class Sheet:
    """One sheet: a header row, typed rows, and cell fills (row, column) -> #rrggbb, 0-based
    over the rows below the header."""

    title: str
    header: list[str]
    rows: list[list[Value]] = field(default_factory=list)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)


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
    risks.widths = {0: 9, 1: 40, 2: 40, 3: 40, 4: 40, 5: 18, 6: 24, 7: 30, 14: 24}
    actions.widths = {0: 9, 1: 50, 2: 18}
    return method, [risks, actions]


def method_sheets(method: RiskMethod) -> list[Sheet]:
    """The method's tables: both scales, the levels, and the matrix in its colours."""
    scales = [
        Sheet(
            title,
            ["Rating", "Label", "Description"],
            [[n, level.label, level.description] for n, level in enumerate(scale, start=1)],
            widths={1: 18, 2: 90},
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
        widths={1: 14, 2: 14, 3: 90},
    )
    matrix = Sheet(
        "Matrix",
        ["Likelihood \\ Impact"]
        + [f"{n} {level.label}" for n, level in enumerate(method.impact, start=1)],
        widths={0: 22, **dict.fromkeys(range(1, len(method.impact) + 1), 14)},
    )
    for likelihood in range(len(method.likelihood), 0, -1):
        row: list[Value] = [f"{likelihood} {method.label(Axis.LIKELIHOOD, likelihood)}"]
        for impact in range(1, len(method.impact) + 1):
            level = method.level_of(likelihood, impact)
            row.append(method.level_name(level))
            matrix.fills[(len(matrix.rows), impact)] = method.level_colour(level)
        matrix.rows.append(row)
    return [*scales, levels, matrix]


def _ink(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "FFFFFF"


def write_workbook(target: Path, sheets: Sequence[Sheet]) -> None:
    """Write typed sheets to an XLSX file, whole or not at all: bold header, filters, frozen
    header, dates as dates, numbers as numbers, and text that is never taken for a formula."""
    # Imported here: openpyxl would add a tenth of a second to every start of the app.
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for described in sheets:
        sheet = book.create_sheet(described.title[:31])
        sheet.append(described.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for number, values in enumerate(described.rows):
            for column, value in enumerate(values):
                cell = sheet.cell(row=number + 2, column=column + 1, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # "=SUM(...)" in a title stays text
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                colour = described.fills.get((number, column))
                if colour:
                    cell.fill = PatternFill("solid", start_color=colour[1:].upper())
                    cell.font = Font(bold=True, color=_ink(colour))
        for column in range(len(described.header)):
            width = described.widths.get(column, max(10, len(described.header[column]) + 2))
            sheet.column_dimensions[get_column_letter(column + 1)].width = width
        sheet.freeze_panes = "A2"
        if described.rows:
            sheet.auto_filter.ref = sheet.dimensions
        sheet.print_title_rows = "1:1"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    with atomic_path(target) as temporary:
        book.save(temporary)


def _text(value: Value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def export_risks(workspace: Workspace, target: Path, *, fmt: str, today: date | None = None) -> int:
    """Write the risk register to XLSX (with the method's tables) or CSV; returns the number of
    risks."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format '{fmt}' (known: {', '.join(EXPORT_FORMATS)})")
    method, sheets = _risk_sheets(workspace, today or date.today())
    risks = sheets[0]
    if fmt == "csv":

        def write(out: IO[str]) -> None:
            writer = csv.writer(out)
            writer.writerow(risks.header)
            writer.writerows([_text(value) for value in row] for row in risks.rows)

        _write_text(target, write)
    else:
        write_workbook(target, [*sheets, *method_sheets(method)])
    return len(risks.rows)
