"""The register as a spreadsheet (CSV or XLSX), with the signature check the table shows and
the placeholders each document still carries.

Cells are typed (ids and versions are numbers, the next review a date, the last change a time
in the workspace's time zone), so a spreadsheet sorts and filters them as such; both formats
come from :mod:`workbench.services.common.sheets`, which neutralises formula-like text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from workbench.services.approvals import signing
from workbench.services.common import sheets
from workbench.services.register import listing, placeholders, profile
from workbench.services.register.listing import COLUMN_TITLES, Column, RegisterFilter, RegisterRow
from workbench.services.store.workspace import Workspace

EXPORT_FORMATS = ("csv", "xlsx")
SIGNATURE_TITLE = "Signature"
PLACEHOLDERS_TITLE = "Placeholders"


def signature_text(workspace: Workspace, row: RegisterRow) -> str:
    """The approved version's signatures, checked now: what the table's badge says, in words."""
    if row.approved_version is None:
        return ""
    status = signing.signature_status(workspace, row.id, row.approved_version)
    return f"v{row.approved_version}: {status.describe()}"


def cell_value(row: RegisterRow, column: Column) -> sheets.Value:
    """A cell with its type: numbers, dates and times stay what they are."""
    match column:
        case Column.ID:
            return row.id
        case Column.VERSION:
            return row.version
        case Column.APPROVED_VERSION:
            return row.approved_version
        case Column.NEXT_REVIEW:
            return row.next_review
        case Column.UPDATED:
            return row.updated
        case _:
            return listing.cell_text(row, column)


def register_table(
    workspace: Workspace, register_filter: RegisterFilter, *, zone_name: str = ""
) -> sheets.Table:
    """The register as the table shows it: the stored columns, the signature check and the
    placeholder count, one row per artifact."""
    columns = list(Column)
    header = [COLUMN_TITLES[column] for column in columns]
    if zone_name:
        header[columns.index(Column.UPDATED)] += f" ({zone_name})"
    stored = listing.export_rows(workspace, register_filter)
    # How many placeholders each latest version still has (none: no readable version).
    counted = placeholders.of_latest(workspace, [row.id for row in stored])
    rows = [
        [
            *(cell_value(row, column) for column in columns),
            signature_text(workspace, row),
            counted[row.id].total if row.id in counted else None,
        ]
        for row in stored
    ]
    return sheets.Table("Register", [*header, SIGNATURE_TITLE, PLACEHOLDERS_TITLE], rows)


def export_register(
    workspace: Workspace,
    target: Path,
    *,
    register_filter: RegisterFilter,
    fmt: str,
    actor: str = "",
    now: datetime | None = None,
) -> int:
    """Write the (filtered) register to CSV or XLSX; returns the number of rows.

    ``actor`` (the consultant) is named as the workbook's author.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format '{fmt}' (known: {', '.join(EXPORT_FORMATS)})")
    zone, zone_name = profile.workspace_zone(workspace)
    table = register_table(workspace, register_filter, zone_name=zone_name)
    if fmt == "csv":
        sheets.write_csv(target, table.header, table.rows, zone=zone)
    else:
        organisation = profile.get_profile(workspace).organisation_name
        title = f"ISMS register: {organisation}" if organisation else "ISMS register"
        described = register_filter.describe()
        sheets.write_xlsx(
            target,
            [table],
            properties=sheets.BookProperties(
                title=title,
                subject="ISO/IEC 27001 ISMS documents and records",
                author=actor,
                description=f"Filtered: {described}" if described else "Every artifact",
                company=organisation,
                created=now or datetime.now(UTC),
            ),
            zone=zone,
        )
    return len(table.rows)
