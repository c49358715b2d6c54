"""Spreadsheets for people outside the workbench: one CSV writer and one XLSX writer, used by
every table the workbench writes (the register, the audit trail, the planner, ...).

Both are safe to open: a cell a spreadsheet would evaluate (text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is neutralised, as OWASP's CSV injection guidance
advises. In CSV such text gets a leading apostrophe; in XLSX every text cell is stored as a
string, never as a formula, and such text carries the quote-prefix style, so the spreadsheet
keeps it as text when someone edits the cell. Control characters that XML cannot hold are
replaced (see :mod:`workbench.services.common.text`).

The XLSX file is made for work, not just for looking: typed cells (integers, real numbers,
booleans, dates and times with a date format), a bold header row that stays in view and
carries a filter, column widths from the content, landscape printing one page wide with the
header row repeated, and document properties that say what the file is and who made it.

Files are written whole or not at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import IO, Any

from workbench.services.common.fileio import atomic_path
from workbench.services.common.ooxml import APPLICATION, normalise
from workbench.services.common.text import printable

Value = str | int | float | bool | date | datetime | None

# What a spreadsheet reads as the start of a formula or a command (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH = 6
MAX_WIDTH = 60
# A cell holds at most this many characters in Excel; longer text would make it repair the file.
MAX_CELL_TEXT = 32_767
HEADER_FILL = "DDE3EA"


@dataclass(frozen=True)
class Table:
    """One sheet: its name, the header row, rows of typed values, and cells to colour
    (``fills[(row, column)] = "#rrggbb"``, both 0-based over the rows below the header)."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Value]]
    fills: Mapping[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class BookProperties:
    """What the workbook says about itself: title, subject, and the consultant who made it."""

    title: str
    author: str
    subject: str = ""
    description: str = ""
    company: str = ""
    created: datetime | None = None  # default: now


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would evaluate ``text`` typed into a cell."""
    return text.startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as it is: an apostrophe before anything it would evaluate."""
    text = printable(text)
    return f"'{text}" if formula_like(text) else text


def local(moment: datetime, zone: tzinfo) -> datetime:
    """A time as the wall clock in ``zone`` shows it, without a zone (spreadsheets have none)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)


# --- CSV ------------------------------------------------------------------------------------


def csv_text(value: Value, zone: tzinfo = UTC) -> str:
    """A value as one CSV field: numbers and dates as a spreadsheet reads them, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return local(value, zone).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def write_csv_rows(
    out: IO[str], header: Sequence[str], rows: Iterable[Sequence[Value]], zone: tzinfo = UTC
) -> int:
    """Write the header and ``rows`` to an open text file; returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow([neutralise(title) for title in header])
    count = 0
    for row in rows:
        writer.writerow([csv_text(value, zone) for value in row])
        count += 1
    return count


def write_csv(
    target: Path, header: Sequence[str], rows: Iterable[Sequence[Value]], *, zone: tzinfo = UTC
) -> int:
    """Write a CSV file (UTF-8, whole or not at all); returns the number of rows."""
    with atomic_path(target) as temporary, temporary.open("w", encoding="utf-8", newline="") as out:
        return write_csv_rows(out, header, rows, zone)


# --- XLSX -----------------------------------------------------------------------------------


def _display_width(value: Value) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, datetime):
        return len("2026-01-01 00:00")
    if isinstance(value, date):
        return len("2026-01-01")
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(header: Sequence[str], rows: Sequence[Sequence[Value]]) -> list[float]:
    """Widths in characters: the widest cell or the header (with room for the filter button)."""
    widths = [len(title) + 3 for title in header]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _display_width(value) + 1)
    return [float(min(MAX_WIDTH, max(MIN_WIDTH, width))) for width in widths]


def _set_value(cell: Any, value: Value, zone: tzinfo, wrap: Any) -> None:
    if isinstance(value, str):
        text = printable(value)
        if len(text) > MAX_CELL_TEXT:
            text = text[: MAX_CELL_TEXT - 1] + "…"
        cell.value = text
        # openpyxl would store text starting with "=" as a formula: a string it is.
        cell.data_type = "s"
        if formula_like(text):
            cell.quotePrefix = True
        if wrap is not None:
            cell.alignment = wrap
    elif isinstance(value, datetime):
        cell.value = local(value, zone)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:  # int, float, bool or None: openpyxl types them itself
        cell.value = value


def ink(colour: str) -> str:
    """Black or white (``RRGGBB``), whichever reads better on ``colour`` (``#rrggbb``)."""
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return "000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "FFFFFF"


def _fill_sheet(sheet: Any, table: Table, zone: tzinfo) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.title = table.name[:31]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for column, title in enumerate(table.header, start=1):
        cell = sheet.cell(row=1, column=column)
        _set_value(cell, title, zone, None)
        cell.font, cell.fill = bold, fill
    widths = column_widths(table.header, table.rows)
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    alignments = [wrapped if width >= MAX_WIDTH else top for width in widths]
    for row_number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            _set_value(cell, value, zone, alignments[column - 1])
    for (row_index, column_index), colour in table.fills.items():
        if colour:
            cell = sheet.cell(row=row_index + 2, column=column_index + 1)
            cell.fill = PatternFill("solid", fgColor=colour.lstrip("#").upper())
            cell.font = Font(bold=True, color=ink(colour))
    last_column = get_column_letter(max(1, len(table.header)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_column}{len(table.rows) + 1}"
    # Printing: landscape, one page wide (as many pages long as it takes), header on each page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.left.text = printable(table.name).replace("&", "&&")
    sheet.oddFooter.right.text = "Page &P of &N"


def xlsx_bytes(tables: Sequence[Table], *, properties: BookProperties, zone: tzinfo = UTC) -> bytes:
    """The tables as an XLSX workbook, one sheet each, dates and times shown in ``zone``."""
    # Imported here: openpyxl would add a tenth of a second to every start of the app.
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    for index, table in enumerate(tables):
        sheet = first if index == 0 else book.create_sheet()
        _fill_sheet(sheet, table, zone)
    created = (properties.created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    document = book.properties
    document.title = printable(properties.title)
    document.subject = printable(properties.subject) or None
    document.description = printable(properties.description) or None
    document.creator = printable(properties.author) or APPLICATION
    document.lastModifiedBy = printable(properties.author) or APPLICATION
    document.created = document.modified = created.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return normalise(buffer.getvalue(), when=created, company=properties.company, drop=())


def write_xlsx(
    target: Path, tables: Sequence[Table], *, properties: BookProperties, zone: tzinfo = UTC
) -> None:
    """Write an XLSX workbook, whole or not at all."""
    data = xlsx_bytes(tables, properties=properties, zone=zone)
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)
