"""The one way the window writes dates: ISO 8601, 2026-12-01 (and 2026-12-01 14:30 with a time).

ISO dates read the same in every country a consultant works in, sort as text, and match what the
command line, the exports and the audit pack print. Every label, table cell and date field in
the window formats through here; :mod:`workbench.views.common.date_edit` reads them back.
"""

from __future__ import annotations

import re
from datetime import date, datetime

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
QT_DATE_FORMAT = "yyyy-MM-dd"  # the same, for Qt widgets that format dates themselves
QT_TIME_FORMAT = "HH:mm"
DATE_PLACEHOLDER = "YYYY-MM-DD"
EXAMPLE = "2026-12-01"

# Year, month and day; "-", "/", "." or a space between them, or none at all (20261201).
_DATE = re.compile(r"^\s*(\d{4})(?:[-/. ](\d{1,2})[-/. ](\d{1,2})|(\d{2})(\d{2}))\s*$")


def format_date(value: date | None) -> str:
    """``2026-12-01``; an empty string for no date."""
    return value.strftime(DATE_FORMAT) if value is not None else ""


def format_day(value: date) -> str:
    """``Tue 2026-12-01``: with the weekday, where the day of the week matters (calendars)."""
    return f"{value:%a} {format_date(value)}"


def format_datetime(value: datetime | None) -> str:
    """``2026-12-01 14:30`` in the local time zone; an empty string for no time."""
    return value.astimezone().strftime(DATETIME_FORMAT) if value is not None else ""


def parse_date(text: str) -> date:
    """Read a date written as 2026-12-01 (2026-12-1, 2026/12/01 and 20261201 too).

    Raises:
        ValueError: the text is no such date; the message says how to write one.
    """
    match = _DATE.match(text)
    if match is not None:
        year, month, day, compact_month, compact_day = match.groups()
        try:
            return date(int(year), int(month or compact_month), int(day or compact_day))
        except ValueError:
            pass
    raise ValueError(
        f"“{text.strip()}” is not a date: write it as {DATE_PLACEHOLDER}, e.g. {EXAMPLE}"
    )
