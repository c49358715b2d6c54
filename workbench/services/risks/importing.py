"""Importing the client's risk spreadsheet (CSV or Excel .xlsx).

The sheet is read as it is found: the header row is the first row with the most distinct
labels (a title row merged across the sheet is not taken for it), a group label merged over
several columns above it prefixes their names ("Residual" over "Likelihood" and "Impact"),
blank rows are skipped. Each column maps onto a risk field, guessed from its name or given by
the user; likelihood and impact become positions on the method's scales from numbers or labels.

Every row that cannot be imported is reported with its row number and the reason; the others
are imported in one write. A file that cannot be read at all imports nothing. A row whose id
names an existing risk updates it, so importing the same sheet again does not duplicate it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlmodel import Session

from workbench.models import AssetType, Person, RiskStatus, TreatmentOption
from workbench.services.approvals import people
from workbench.services.common.errors import ServiceError
from workbench.services.risks import assets as asset_service
from workbench.services.risks.method import Axis, MethodError, RiskMethod, current_method
from workbench.services.risks.records import (
    FOREIGN_REF,
    RiskDraft,
    RiskError,
    _apply,
    _check_draft,
    draft_of,
    find_risk,
    insert_risk,
    normal_ref,
)
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

HEADER_SCAN_ROWS = 20
PREVIEW_ROWS = 20
REPORTED_ROWS = 500


class SpreadsheetError(ServiceError):
    """The file cannot be read as a risk spreadsheet; nothing was imported."""


class Field(StrEnum):
    """What a column can hold. ``IGNORE`` columns are read past; ``LEVEL`` columns too, since
    levels are computed from the method, never taken from a sheet."""

    ID = "id"
    TITLE = "title"
    THREAT = "threat"
    VULNERABILITY = "vulnerability"
    CONSEQUENCE = "consequence"
    OWNER = "owner"
    ASSETS = "assets"
    EXISTING_CONTROLS = "existing_controls"
    LIKELIHOOD = "likelihood"
    IMPACT = "impact"
    TREATMENT = "treatment"
    CONTROLS = "controls"
    RESIDUAL_LIKELIHOOD = "residual_likelihood"
    RESIDUAL_IMPACT = "residual_impact"
    STATUS = "status"
    REVIEW_DATE = "review_date"
    LEVEL = "level"
    IGNORE = "ignore"


FIELD_TITLES = {
    Field.ID: "Risk id",
    Field.TITLE: "Title",
    Field.THREAT: "Threat / description",
    Field.VULNERABILITY: "Vulnerability",
    Field.CONSEQUENCE: "Consequence",
    Field.OWNER: "Risk owner",
    Field.ASSETS: "Assets",
    Field.EXISTING_CONTROLS: "Existing controls",
    Field.LIKELIHOOD: "Likelihood",
    Field.IMPACT: "Impact",
    Field.TREATMENT: "Treatment",
    Field.CONTROLS: "Planned Annex A controls",
    Field.RESIDUAL_LIKELIHOOD: "Residual likelihood",
    Field.RESIDUAL_IMPACT: "Residual impact",
    Field.STATUS: "Status",
    Field.REVIEW_DATE: "Review date",
    Field.LEVEL: "Level or score (computed, not imported)",
    Field.IGNORE: "Do not import",
}

SYNONYMS: dict[Field, tuple[str, ...]] = {
    Field.ID: ("id", "risk id", "ref", "reference", "risk ref", "no", "nr", "number",
               "risk no", "risk number", "risk nr"),
    Field.TITLE: ("title", "risk", "risk title", "name", "risk name", "scenario",
                  "risk scenario", "summary"),
    Field.THREAT: ("threat", "threats", "description", "risk description", "cause",
                   "threat description", "threat source"),
    Field.VULNERABILITY: ("vulnerability", "vulnerabilities", "weakness"),
    Field.CONSEQUENCE: ("consequence", "consequences", "effect", "impact description",
                        "business impact"),
    Field.OWNER: ("owner", "risk owner", "responsible", "accountable"),
    Field.ASSETS: ("asset", "assets", "affected asset", "affected assets", "asset name"),
    Field.EXISTING_CONTROLS: ("existing controls", "current controls", "controls in place",
                              "existing measures", "current measures"),
    Field.LIKELIHOOD: ("likelihood", "probability", "inherent likelihood", "l",
                       "inherent probability", "current likelihood", "likelihood rating"),
    Field.IMPACT: ("impact", "severity", "inherent impact", "i", "current impact",
                   "impact rating", "inherent severity"),
    Field.TREATMENT: ("treatment", "treatment option", "decision", "response",
                      "risk response", "risk treatment", "treatment decision"),
    Field.CONTROLS: ("controls", "planned controls", "annex a", "annex a controls",
                     "iso controls", "iso 27001 controls", "controls planned", "new controls"),
    Field.RESIDUAL_LIKELIHOOD: ("residual likelihood", "target likelihood",
                                "residual probability", "res likelihood", "res l"),
    Field.RESIDUAL_IMPACT: ("residual impact", "target impact", "residual severity",
                            "res impact", "res i"),
    Field.STATUS: ("status", "risk status", "state"),
    Field.REVIEW_DATE: ("review date", "next review", "review", "review by", "next review date"),
    Field.LEVEL: ("level", "risk level", "score", "risk score", "rating", "risk rating",
                  "inherent risk", "residual risk", "inherent level", "residual level",
                  "inherent score", "residual score", "priority"),
}  # fmt: skip
TREATMENT_WORDS = {
    TreatmentOption.MODIFY: ("modify", "mitigate", "reduce", "treat", "control", "mitigation"),
    TreatmentOption.RETAIN: ("retain", "accept", "tolerate", "acceptance"),
    TreatmentOption.AVOID: ("avoid", "terminate", "eliminate"),
    TreatmentOption.SHARE: ("share", "transfer", "insure", "insurance", "outsource"),
}
STATUS_WORDS = {
    RiskStatus.OPEN: ("open", "new", "identified", "draft", "assessed"),
    RiskStatus.IN_TREATMENT: ("in treatment", "in progress", "treating", "ongoing",
                              "in_treatment", "planned"),
    RiskStatus.MONITORED: ("monitored", "monitor", "monitoring", "accepted"),
    RiskStatus.CLOSED: ("closed", "done", "resolved", "complete", "completed"),
}  # fmt: skip
CONTROL_IN_TEXT = re.compile(r"(?<![\d.])A?\.?\s?(\d{1,2}\.\d{1,2})(?![\d.]*\d)")
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d %b %Y")


# --- reading the sheet ----------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    number: int  # the row number a spreadsheet program shows
    values: tuple[object, ...]


@dataclass(frozen=True)
class SourceTable:
    """The part of a sheet below its header, with the header's column names."""

    name: str
    sheet: str
    header_row: int
    headers: tuple[str, ...]
    rows: tuple[SourceRow, ...]
    blank_rows: int


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _labels(row: Sequence[object]) -> int:
    """How many cells of a row hold text (a label merged across cells counts once)."""
    return sum(1 for v in row if isinstance(v, str) and _text(v))


def _header_index(grid: Sequence[Sequence[object]]) -> int | None:
    """The first row with the most text cells among the first rows: a title merged across
    the sheet is one cell, a group row above the header has fewer cells than the header."""
    scanned = grid[:HEADER_SCAN_ROWS]
    best = max((_labels(row) for row in scanned), default=0)
    if best < 2:
        return None
    return next(index for index, row in enumerate(scanned) if _labels(row) == best)


def _table(
    name: str,
    sheet: str,
    grid: list[list[object]],
    groups: Mapping[tuple[int, int], tuple[str, int]] | None = None,
) -> SourceTable:
    """A table from a grid of cells. ``groups`` maps (row, column) to the label of a merged
    cell spanning several columns and how many (0-based)."""
    header = _header_index(grid)
    if header is None:
        raise SpreadsheetError(f"{name} has no header row (a row naming the columns) on '{sheet}'")
    width = max(len(row) for row in grid)
    labels = list(grid[header]) + [None] * (width - len(grid[header]))
    named = sum(1 for value in labels if _text(value))
    headers: list[str] = []
    for column, value in enumerate(labels):
        text = _text(value)
        group, span = (groups or {}).get((header - 1, column), ("", 0)) if header else ("", 0)
        # A group over some columns names them ("Residual" over "Likelihood", "Impact"); one
        # over every column is the sheet's title.
        if group and span < named and group.casefold() != text.casefold():
            text = f"{group} {text}".strip()
        headers.append(text or f"Column {column + 1}")
    # Columns with neither a name nor any value are dropped from the right.
    rows: list[SourceRow] = []
    blank = 0
    for index in range(header + 1, len(grid)):
        values = tuple(grid[index]) + (None,) * (width - len(grid[index]))
        if all(_text(v) == "" for v in values):
            blank += 1
            continue
        rows.append(SourceRow(index + 1, values))
    while (
        headers
        and headers[-1].startswith("Column ")
        and all(_text(r.values[len(headers) - 1]) == "" for r in rows)
    ):
        headers.pop()
    return SourceTable(name, sheet, header + 1, tuple(headers), tuple(rows), blank)


def _read_xlsx(path: Path, sheet_name: str | None) -> SourceTable:
    # Imported here: openpyxl costs a tenth of a second at start-up.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SpreadsheetError(
            f"{path.name} cannot be read as an Excel workbook ({error}); nothing was imported"
        ) from error
    sheets = [book[sheet_name]] if sheet_name and sheet_name in book.sheetnames else book.worksheets
    if sheet_name and sheet_name not in book.sheetnames:
        raise SpreadsheetError(
            f"{path.name} has no sheet '{sheet_name}' ({', '.join(book.sheetnames)})"
        )
    for sheet in sheets:
        grid = [list(row) for row in sheet.iter_rows(values_only=True)]
        groups: dict[tuple[int, int], tuple[str, int]] = {}
        for merged in sheet.merged_cells.ranges:
            value = sheet.cell(merged.min_row, merged.min_col).value
            for row in range(merged.min_row, merged.max_row + 1):
                for column in range(merged.min_col, merged.max_col + 1):
                    # A label merged down several rows belongs to each of them.
                    if merged.max_col == merged.min_col and row - 1 < len(grid):
                        grid[row - 1][column - 1] = value
                    elif merged.max_col > merged.min_col:
                        span = merged.max_col - merged.min_col + 1
                        groups[(row - 1, column - 1)] = (_text(value), span)
        if _header_index(grid) is not None:
            return _table(path.name, sheet.title, grid, groups)
    raise SpreadsheetError(f"{path.name} has no sheet with a header row naming its columns")


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(
            f"{name} is not a spreadsheet (CSV or Excel .xlsx); nothing was imported"
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(f"{name} is not readable text; nothing was imported")


def _read_csv(path: Path) -> SourceTable:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SpreadsheetError(f"cannot read {path.name}: {error.strerror or error}") from error
    text = _decode(data, path.name)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        grid: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as error:
        raise SpreadsheetError(f"{path.name} is not a readable CSV file ({error})") from error
    if not grid:
        raise SpreadsheetError(f"{path.name} is empty; nothing was imported")
    return _table(path.name, "CSV", grid)


def read_table(path: Path, *, sheet: str | None = None) -> SourceTable:
    """The sheet's header and rows; raises SpreadsheetError when it cannot be read as a sheet."""
    if not path.is_file():
        raise SpreadsheetError(f"there is no file {path}")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise SpreadsheetError(
            f"{path.name} is an old Excel file (.xls); save it as .xlsx or .csv and import that"
        )
    with path.open("rb") as handle:
        magic = handle.read(4)
    if suffix in (".xlsx", ".xlsm") or magic == b"PK\x03\x04":
        return _read_xlsx(path, sheet)
    return _read_csv(path)


# --- mapping columns onto fields ------------------------------------------------------------


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def guess_field(header: str) -> Field | None:
    words = _words(header)
    if not words:
        return None
    for candidate, names in SYNONYMS.items():
        if words in names:
            return candidate
    residual = any(w in words.split() for w in ("residual", "target", "res", "after"))
    for word, inherent, after in (
        ("likelihood", Field.LIKELIHOOD, Field.RESIDUAL_LIKELIHOOD),
        ("probability", Field.LIKELIHOOD, Field.RESIDUAL_LIKELIHOOD),
        ("impact", Field.IMPACT, Field.RESIDUAL_IMPACT),
        ("severity", Field.IMPACT, Field.RESIDUAL_IMPACT),
    ):
        if word in words.split():
            return after if residual else inherent
    for word in ("score", "level", "rating"):
        if word in words.split():
            return Field.LEVEL
    return None


def guess_mapping(headers: Sequence[str]) -> dict[int, Field]:
    """Each column's field as guessed from its name; a field goes to its first column only."""
    mapping: dict[int, Field] = {}
    taken: set[Field] = set()
    for column, header in enumerate(headers):
        guessed = guess_field(header)
        if guessed is None or (guessed in taken and guessed not in (Field.LEVEL, Field.IGNORE)):
            continue
        mapping[column] = guessed
        taken.add(guessed)
    return mapping


def parse_field(text: str) -> Field:
    cleaned = _words(text).replace(" ", "_")
    for candidate in Field:
        if cleaned in (candidate.value, _words(FIELD_TITLES[candidate]).replace(" ", "_")):
            return candidate
    known = ", ".join(f.value for f in Field)
    raise SpreadsheetError(f"'{text}' is not a risk field (known: {known})")


def parse_map(text: str, headers: Sequence[str]) -> dict[int, Field]:
    """``"Risk=title,Likelihood=likelihood"`` as column -> field; column names ignore case."""
    mapping: dict[int, Field] = {}
    by_name = {_words(header): index for index, header in enumerate(headers)}
    for part in (p for p in re.split(r"[,\n]", text) if p.strip()):
        column, separator, target = part.rpartition("=")
        if not separator or not column.strip():
            raise SpreadsheetError(f"'{part.strip()}' is not of the form Column=field")
        index = by_name.get(_words(column))
        if index is None:
            raise SpreadsheetError(
                f"the sheet has no column '{column.strip()}' (it has: {', '.join(headers)})"
            )
        mapping[index] = parse_field(target)
    return mapping


def mapping_with(headers: Sequence[str], given: Mapping[int, Field] | None) -> dict[int, Field]:
    """The guessed mapping with the user's choices on top."""
    mapping = guess_mapping(headers)
    for column, chosen in (given or {}).items():
        for other, already in list(mapping.items()):
            if already == chosen and other != column and chosen not in (Field.IGNORE, Field.LEVEL):
                del mapping[other]
        mapping[column] = chosen
    return mapping


# --- reading values -------------------------------------------------------------------------


class _RowProblem(Exception):
    """Why one row cannot be imported."""


def _choice(value: str, words: Mapping[Any, tuple[str, ...]], what: str) -> Any:
    cleaned = _words(value)
    for option, names in words.items():
        if cleaned in names or cleaned == option.value.replace("_", " "):
            return option
    raise _RowProblem(f"'{value}' is not a {what}")


def _date(value: object) -> date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _RowProblem(f"'{text}' is not a date (use YYYY-MM-DD)")


def _controls(value: object) -> tuple[str, ...]:
    text = _text(value)
    if not text:
        return ()
    found = CONTROL_IN_TEXT.findall(text)
    if not found:
        raise _RowProblem(f"'{text}' names no Annex A control (expected ids like A.8.13)")
    return tuple(f"A.{number}" for number in found)


def _list(value: object) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[;,\n]", _text(value)) if p.strip())


def _rating(method: RiskMethod, axis: Axis, value: object, what: str) -> int | None:
    try:
        text: str | int | float | None = (
            value
            if isinstance(value, int | float) and not isinstance(value, bool)
            else _text(value)
        )
        return method.rating(axis, text)
    except MethodError as error:
        raise _RowProblem(f"{what}: {error}") from None


def _values(row: SourceRow, mapping: Mapping[int, Field]) -> dict[Field, object]:
    values: dict[Field, object] = {}
    for column, target in mapping.items():
        if target in (Field.IGNORE, Field.LEVEL) or column >= len(row.values):
            continue
        values[target] = row.values[column]
    return values


def _changes(values: Mapping[Field, object], method: RiskMethod) -> dict[str, Any]:
    """The draft fields a row sets (only the mapped ones)."""
    changes: dict[str, Any] = {}
    for target, value in values.items():
        match target:
            case Field.ID:
                continue
            case (
                Field.TITLE
                | Field.THREAT
                | Field.VULNERABILITY
                | Field.CONSEQUENCE
                | (Field.EXISTING_CONTROLS)
                | Field.OWNER
            ):
                changes[target.value] = _text(value)
            case Field.ASSETS:
                changes["assets"] = _list(value)
            case Field.LIKELIHOOD | Field.RESIDUAL_LIKELIHOOD:
                changes[target.value] = _rating(
                    method, Axis.LIKELIHOOD, value, FIELD_TITLES[target].lower()
                )
            case Field.IMPACT | Field.RESIDUAL_IMPACT:
                changes[target.value] = _rating(
                    method, Axis.IMPACT, value, FIELD_TITLES[target].lower()
                )
            case Field.TREATMENT:
                text = _text(value)
                changes["treatment"] = (
                    _choice(text, TREATMENT_WORDS, "treatment (modify, retain, avoid, share)")
                    if text
                    else None
                )
            case Field.STATUS:
                text = _text(value)
                changes["status"] = (
                    _choice(text, STATUS_WORDS, "status (open, in treatment, monitored, closed)")
                    if text
                    else RiskStatus.OPEN
                )
            case Field.CONTROLS:
                changes["controls"] = _controls(value)
            case Field.REVIEW_DATE:
                changes["review_date"] = _date(value)
    return changes


# --- the import -----------------------------------------------------------------------------


class RowAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECT = "reject"


@dataclass(frozen=True)
class RowOutcome:
    number: int
    action: RowAction
    ref: str = ""
    title: str = ""
    reason: str = ""


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    file: str
    sheet: str
    header_row: int
    mapping: dict[str, str]
    ignored_columns: list[str]
    rows: list[RowOutcome] = field(default_factory=list)
    blank_rows: int = 0
    added_people: list[str] = field(default_factory=list)
    added_assets: list[str] = field(default_factory=list)
    dry_run: bool = False
    changes: ChangeSet = field(default_factory=lambda: ChangeSet(audit_log=False))

    def of(self, action: RowAction) -> list[RowOutcome]:
        return [row for row in self.rows if row.action is action]

    @property
    def rejected(self) -> list[RowOutcome]:
        return self.of(RowAction.REJECT)

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        counts = (
            f"{len(self.of(RowAction.CREATE))} new, {len(self.of(RowAction.UPDATE))} updated, "
            f"{len(self.of(RowAction.UNCHANGED))} unchanged"
        )
        rejected = len(self.rejected)
        return f"{self.file}: {verb} {counts}; {rejected} row(s) not imported" + (
            f", {self.blank_rows} blank row(s) skipped" if self.blank_rows else ""
        )

    def lines(self) -> list[str]:
        """The report a person reads: the mapping, every row not imported and why."""
        found = [self.summary()]
        found.append(
            f"sheet '{self.sheet}', header in row {self.header_row}; columns: "
            + ", ".join(f"{column} → {target}" for column, target in self.mapping.items())
        )
        if self.ignored_columns:
            found.append("columns not imported: " + ", ".join(self.ignored_columns))
        if self.added_people:
            found.append("risk owners added as people (no signing key yet): "
                         + ", ".join(self.added_people))  # fmt: skip
        if self.added_assets:
            found.append("assets added (type information): " + ", ".join(self.added_assets))
        found += [f"row {row.number}: {row.reason}" for row in self.rejected[:REPORTED_ROWS]]
        if len(self.rejected) > REPORTED_ROWS:
            found.append(f"... and {len(self.rejected) - REPORTED_ROWS} more rows not imported")
        return found

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "dry_run": self.dry_run,
            "mapping": self.mapping,
            "ignored_columns": self.ignored_columns,
            "created": [r.ref for r in self.of(RowAction.CREATE)],
            "updated": [r.ref for r in self.of(RowAction.UPDATE)],
            "unchanged": [r.ref for r in self.of(RowAction.UNCHANGED)],
            "rejected": [{"row": r.number, "reason": r.reason} for r in self.rejected],
            "blank_rows": self.blank_rows,
            "added_people": self.added_people,
            "added_assets": self.added_assets,
        }


def _import_ref(value: object) -> str | None:
    text = _text(value)
    if not text:
        return None
    ref = normal_ref(text)
    if not FOREIGN_REF.match(ref):
        raise _RowProblem(f"'{text}' cannot be a risk id (letters, digits and - only)")
    return ref


@dataclass
class _Added:
    people: list[int] = field(default_factory=list)
    assets: list[int] = field(default_factory=list)


def _with_people_and_assets(
    session: Session, draft: RiskDraft, report: ImportReport, added: _Added | None
) -> RiskDraft:
    """The draft with its owner and assets as the workspace spells them; those it does not
    know yet are added (``added`` None: only reported, for a dry run)."""
    owner = draft.owner
    if owner:
        person = people.find(session, owner)
        if person is not None:
            owner = person.name
        else:
            if owner not in report.added_people:
                report.added_people.append(owner)
            if added is not None:
                person = Person(name=owner, role="Risk owner")
                session.add(person)
                session.flush()
                assert person.id is not None
                added.people.append(person.id)
    names: list[str] = []
    for name in draft.assets:
        asset = asset_service.find_asset(session, name)
        if asset is None:
            if name not in report.added_assets:
                report.added_assets.append(name)
            if added is not None:
                asset = asset_service.insert_asset(session, name=name, type=AssetType.INFORMATION)
                assert asset.id is not None
                added.assets.append(asset.id)
        names.append(asset.name if asset is not None else name)
    return replace(draft, owner=owner, assets=tuple(names))


def _import_rows(
    session: Session,
    table: SourceTable,
    mapping: Mapping[int, Field],
    report: ImportReport,
    added: _Added | None,
) -> list[int]:
    """Check every row and, unless ``added`` is None (a dry run), apply it; returns the ids of
    the risks written."""
    write = added is not None
    method = current_method(session)
    written: list[int] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        values = _values(row, mapping)
        try:
            ref = _import_ref(values.get(Field.ID))
            if ref is not None and ref in seen:
                raise _RowProblem(f"the id {ref} is also in row {seen[ref]}")
            changes = _changes(values, method)
            existing = find_risk(session, ref) if ref is not None else None
            if existing is None and not str(changes.get("title", "")).strip():
                raise _RowProblem("it has no title")
            base = draft_of(session, existing) if existing is not None else RiskDraft(title="")
            draft = _check_draft_for_import(method, replace(base, **changes))
            draft = _with_people_and_assets(session, draft, report, added)
        except (_RowProblem, RiskError) as problem:
            report.rows.append(RowOutcome(row.number, RowAction.REJECT, reason=str(problem)))
            continue
        if ref is not None:
            seen[ref] = row.number
        if existing is not None:
            if draft == base:
                report.rows.append(
                    RowOutcome(row.number, RowAction.UNCHANGED, existing.ref, draft.title)
                )
                continue
            if write:
                _apply(session, existing, draft, method)
                assert existing.id is not None
                written.append(existing.id)
            report.rows.append(RowOutcome(row.number, RowAction.UPDATE, existing.ref, draft.title))
            continue
        if write:
            risk = insert_risk(session, draft, method, ref=ref)
            assert risk.id is not None
            written.append(risk.id)
            ref = risk.ref
        report.rows.append(RowOutcome(row.number, RowAction.CREATE, ref or "(new)", draft.title))
    return written


def _check_draft_for_import(method: RiskMethod, draft: RiskDraft) -> RiskDraft:
    """As for any risk, except that owners and assets named in the sheet are added."""
    for name in ("likelihood", "residual_likelihood"):
        other = name.replace("likelihood", "impact")
        if (getattr(draft, name) is None) != (getattr(draft, other) is None):
            what = (
                "residual likelihood and impact" if "residual" in name else "likelihood and impact"
            )
            raise _RowProblem(f"it gives only one of {what}")
    return _check_draft(method, draft)


def run_import(
    workspace: Workspace,
    *,
    actor: str,
    table: SourceTable,
    mapping: Mapping[int, Field],
    dry_run: bool = False,
) -> ImportReport:
    """Import the table's rows as mapped; with ``dry_run`` only report what would happen."""
    if Field.TITLE not in mapping.values() and Field.ID not in mapping.values():
        raise SpreadsheetError(
            "map a column to the risk title (and, to update risks, one to the id)"
        )
    report = ImportReport(
        file=table.name,
        sheet=table.sheet,
        header_row=table.header_row,
        mapping={table.headers[c]: f.value for c, f in sorted(mapping.items())},
        ignored_columns=[h for c, h in enumerate(table.headers) if c not in mapping],
        blank_rows=table.blank_rows,
        dry_run=dry_run,
    )
    if dry_run:
        with workspace.read() as session:
            _import_rows(session, table, mapping, report, None)
        return report
    with run_write(workspace, actor=actor, action="risk.import", entity="risk_import") as write:
        added = _Added()
        written = _import_rows(write.session, table, mapping, report, added)
        write.entity_id = table.name
        write.summary.update(
            file=table.name, sheet=table.sheet, mapping=report.mapping,
            created=[r.ref for r in report.of(RowAction.CREATE)],
            updated=[r.ref for r in report.of(RowAction.UPDATE)],
            rejected=[{"row": r.number, "reason": r.reason} for r in report.rejected[:500]],
            added_people=report.added_people, added_assets=report.added_assets,
        )  # fmt: skip
        write.changed(risks=written, people=added.people, assets=added.assets)
    report.changes = write.changes
    return report


def import_file(
    workspace: Workspace,
    path: Path,
    *,
    actor: str,
    map_text: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read, map (guessed, with ``map_text`` on top) and import a spreadsheet."""
    table = read_table(path, sheet=sheet)
    given = parse_map(map_text, table.headers) if map_text else None
    return run_import(
        workspace, actor=actor, table=table, mapping=mapping_with(table.headers, given),
        dry_run=dry_run,
    )  # fmt: skip


def preview(table: SourceTable, rows: int = PREVIEW_ROWS) -> list[list[str]]:
    """The first rows as text, for the mapping dialog."""
    return [[_text(v) for v in row.values[: len(table.headers)]] for row in table.rows[:rows]]
