"""Stored values the workbench cannot read: a status that is no status, a date that is no date.

SQLite stores whatever it is given, so a row edited with another tool can hold a value of the
wrong kind. Reading such a row fails deep inside SQLAlchemy; :func:`stored_value_problems`
finds every one of them up front with plain SQL, table by table, and names the row and column,
and :func:`damaged_value_error` turns the failure of a read that met one into a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Integer,
    LargeBinary,
    String,
    Table,
    func,
    or_,
    select,
    type_coerce,
)
from sqlmodel import Session, SQLModel

from workbench.services.common.errors import ServiceError

# How many bad values of one column are named before the rest are counted.
MAX_NAMED = 5
DATE_PATTERN = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"
_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}(?:$| )")


class DamagedValueError(ServiceError):
    """A read met a value this release cannot read; the message is for the user."""


@dataclass(frozen=True)
class StoredValueProblem:
    table: str
    row: str
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.table} {self.row}: {self.message}"


def _tables() -> list[Table]:
    import workbench.models  # noqa: F401  (registers the tables)

    return [table for table in SQLModel.metadata.sorted_tables if table.name != "alembic_version"]


def _implementation(column: Column[Any]) -> Any:
    return getattr(column.type, "impl", column.type)


def _storage_classes(column: Column[Any]) -> tuple[str, ...] | None:
    """The SQLite storage classes a column's values may have (None: anything goes)."""
    kind = _implementation(column)
    if isinstance(kind, Boolean | Integer):
        return ("integer",)
    if isinstance(kind, LargeBinary):
        return ("blob",)
    if isinstance(kind, Enum | String | Date | DateTime):
        return ("text",)
    return None


def _conditions(column: Column[Any], sqlite: bool) -> list[Any]:
    """SQL conditions true for a non-null value the workbench cannot read."""
    kind = _implementation(column)
    conditions: list[Any] = []
    if isinstance(kind, Enum):
        conditions.append(type_coerce(column, String).not_in(list(kind.enums)))
    if not sqlite:
        return conditions  # a server database keeps each column to its type
    classes = _storage_classes(column)
    if classes is not None:
        conditions.append(func.typeof(column).not_in(list(classes)))
    if isinstance(kind, Date | DateTime):
        # SQLite's date() is NULL for what is no date and moves 30 February to March, so it
        # must give back the value's own first ten characters; the pattern keeps out what it
        # reads but SQLAlchemy does not ('now', Julian day numbers).
        raw = type_coerce(column, String)
        conditions += [
            func.coalesce(func.date(raw), "") != func.substr(raw, 1, 10),
            raw.op("NOT GLOB", is_comparison=True)(DATE_PATTERN),
            # ...but lets 30 February through: those are read again below.
            func.cast(func.substr(raw, 9, 2), Integer) > 28,
        ]
    return conditions


def _bad_rows(session: Session, table: Table, column: Column[Any]) -> list[tuple[str, object]]:
    conditions = _conditions(column, session.get_bind().dialect.name == "sqlite")
    if not conditions:
        return []
    keys = list(table.primary_key.columns)
    statement = (
        select(*keys, type_coerce(column, String))
        .select_from(table)
        .where(column.is_not(None), or_(*conditions))
    )
    dated = isinstance(_implementation(column), Date | DateTime)
    found: list[tuple[str, object]] = []
    for row in session.connection().execute(statement):
        *key, value = tuple(row)
        if dated and _readable_date(value):
            continue  # a 29th, 30th or 31st that the month has
        found.append((", ".join(str(part) for part in key) or "?", value))
    return found


def _readable_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE_START.match(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _describe(column: Column[Any], value: object) -> str:
    shown = f"{len(value)} bytes" if isinstance(value, bytes) else repr(value)
    if len(shown) > 40:
        shown = shown[:39] + "…"
    kind = _implementation(column)
    if isinstance(kind, Enum):
        known = ", ".join(name.lower() for name in kind.enums)
        return f"its {column.name} is {shown}, which is none of {known}"
    if isinstance(kind, DateTime):
        return f"its {column.name} is {shown}, which is not a date and time"
    if isinstance(kind, Date):
        return f"its {column.name} is {shown}, which is not a date"
    return f"its {column.name} is {shown}, a value of the wrong kind"


def stored_value_problems(session: Session) -> list[StoredValueProblem]:
    """Every row whose enum, date or typed column holds a value the workbench cannot read."""
    problems: list[StoredValueProblem] = []
    for table in _tables():
        for column in table.columns:
            bad = _bad_rows(session, table, column)
            for row, value in bad[:MAX_NAMED]:
                problems.append(
                    StoredValueProblem(table.name, row, column.name, _describe(column, value))
                )
            if len(bad) > MAX_NAMED:
                problems.append(
                    StoredValueProblem(
                        table.name,
                        "(more rows)",
                        column.name,
                        f"{len(bad) - MAX_NAMED} more rows hold unreadable {column.name} values",
                    )
                )
    return problems


# Where SQLAlchemy turns stored values into Python ones as it hands out rows.
_ROW_READERS = (
    "/sqlalchemy/orm/loading.py",
    "/sqlalchemy/engine/result.py",
    "/sqlalchemy/engine/row.py",
    "/sqlalchemy/engine/cursor.py",
)


def _raised_reading_a_row(error: BaseException) -> bool:
    """Whether the error comes from converting a stored value while reading rows (not from a
    query the workbench built wrongly, which is a defect to be logged)."""
    trace = error.__traceback__
    in_reader = False
    innermost = ""
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename.replace("\\", "/")
        in_reader = in_reader or filename.endswith(_ROW_READERS)
        innermost = trace.tb_frame.f_code.co_name
        trace = trace.tb_next
    return in_reader and innermost != "process_bind_param"


def damaged_value_error(error: BaseException, where: str) -> DamagedValueError | None:
    """The sentence for a read that failed on a stored value, or None for any other error.

    SQLAlchemy raises LookupError for an unknown enum name and ValueError for a date it
    cannot parse; both mean the file was changed outside the workbench.
    """
    text = str(error)
    if type(error) is LookupError and "is not among the defined enum values" in text:
        value = text.split(" is not among", 1)[0]
        return DamagedValueError(
            f"{where} holds the value {value}, which this release does not know (it was "
            "changed outside the workbench); run workbench check to find every such value."
        )
    if isinstance(error, ValueError | TypeError | AssertionError) and _raised_reading_a_row(error):
        return DamagedValueError(
            f"{where} holds a date or number that cannot be read ({text or type(error).__name__}"
            "); run workbench check to find every such value."
        )
    return None
