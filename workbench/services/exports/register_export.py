"""The register as a spreadsheet (CSV or XLSX), with the signature check the table shows."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO

from workbench.services.approvals import signing
from workbench.services.common.fileio import _write_text, atomic_path
from workbench.services.register import listing
from workbench.services.register.listing import COLUMN_TITLES, Column, RegisterFilter, RegisterRow
from workbench.services.store.workspace import Workspace

EXPORT_FORMATS = ("csv", "xlsx")


SIGNATURE_TITLE = "Signature"


def signature_text(workspace: Workspace, row: RegisterRow) -> str:
    """The approved version's signatures, checked now: what the table's badge says, in words."""
    if row.approved_version is None:
        return ""
    status = signing.signature_status(workspace, row.id, row.approved_version)
    return f"v{row.approved_version}: {status.describe()}"


def register_table(
    workspace: Workspace, register_filter: RegisterFilter
) -> tuple[list[str], list[list[str]]]:
    """The register as the table shows it: the stored columns, then the signature check."""
    columns = list(Column)
    rows = listing.export_rows(workspace, register_filter)
    return (
        [*(COLUMN_TITLES[column] for column in columns), SIGNATURE_TITLE],
        [
            [
                *(listing.cell_text(row, column) for column in columns),
                signature_text(workspace, row),
            ]
            for row in rows
        ],
    )


def export_register(
    workspace: Workspace, target: Path, *, register_filter: RegisterFilter, fmt: str
) -> int:
    """Write the (filtered) register to CSV or XLSX; returns the number of rows."""
    header, rows = register_table(workspace, register_filter)
    if fmt == "csv":

        def write(out: IO[str]) -> None:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(rows)

        _write_text(target, write)
    elif fmt == "xlsx":
        # Imported here: openpyxl would add a tenth of a second to every start of the app.
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Register"
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for index, title in enumerate(header, start=1):
            widest = max([len(title), *(len(row[index - 1]) for row in rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, widest + 2)
        sheet.freeze_panes = "A2"
        with atomic_path(target) as temporary:
            book.save(temporary)
    else:
        raise ValueError(f"unknown export format '{fmt}' (known: {', '.join(EXPORT_FORMATS)})")
    return len(rows)
