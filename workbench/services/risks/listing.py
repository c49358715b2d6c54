"""The risk register as a table: querying risks by filter and sort, fetching rows by id, and
counting them per matrix cell for the heat map.

As in the artifact register, the table model holds ids only and fetches rows in pages, so
10,000 risks stay quick; filters, sorting and the heat map's counts are SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workbench.models import (
    AcceptanceKind,
    ActionStatus,
    Asset,
    Person,
    Risk,
    RiskAcceptance,
    RiskAction,
    RiskAssetLink,
    RiskControl,
    RiskDocument,
    RiskStatus,
    TreatmentOption,
)
from workbench.services.risks.method import RiskMethod, current_method
from workbench.services.risks.records import control_ref
from workbench.services.store.workspace import Workspace, plain_rows


class View(StrEnum):
    """Which ratings the heat map (and a cell filter) uses."""

    INHERENT = "inherent"
    RESIDUAL = "residual"


class Column(StrEnum):
    REF = "ref"
    TITLE = "title"
    OWNER = "owner"
    LIKELIHOOD = "likelihood"
    IMPACT = "impact"
    LEVEL = "level"
    TREATMENT = "treatment"
    RESIDUAL_LIKELIHOOD = "residual_likelihood"
    RESIDUAL_IMPACT = "residual_impact"
    RESIDUAL_LEVEL = "residual_level"
    STATUS = "status"
    ACCEPTANCE = "acceptance"
    REVIEW = "review"


COLUMN_TITLES: dict[Column, str] = {
    Column.REF: "ID",
    Column.TITLE: "Title",
    Column.OWNER: "Owner",
    Column.LIKELIHOOD: "L",
    Column.IMPACT: "I",
    Column.LEVEL: "Inherent",
    Column.TREATMENT: "Treatment",
    Column.RESIDUAL_LIKELIHOOD: "Res. L",
    Column.RESIDUAL_IMPACT: "Res. I",
    Column.RESIDUAL_LEVEL: "Residual",
    Column.STATUS: "Status",
    Column.ACCEPTANCE: "Accepted",
    Column.REVIEW: "Review",
}


@dataclass(frozen=True)
class Cell:
    view: View
    likelihood: int
    impact: int


@dataclass(frozen=True)
class RiskFilter:
    text: str = ""
    level: int | None = None
    residual_level: int | None = None
    owner_id: int | None = None
    treatment: TreatmentOption | None = None
    status: RiskStatus | None = None
    asset_id: int | None = None
    control: str = ""
    cell: Cell | None = None
    include_closed: bool = True
    # Risks that refer to this register artifact (the way back from a document).
    document_id: int | None = None

    def without_cell(self) -> RiskFilter:
        return replace(self, cell=None)

    def describe(self, method: RiskMethod) -> str:
        parts: list[str] = []
        if self.cell is not None:
            parts.append(
                f"{self.cell.view.value} likelihood {self.cell.likelihood}, "
                f"impact {self.cell.impact}"
            )
        if self.level is not None:
            parts.append(f"inherent {method.level_name(self.level)}")
        if self.residual_level is not None:
            parts.append(f"residual {method.level_name(self.residual_level)}")
        if self.treatment is not None:
            parts.append(f"treatment {self.treatment.value}")
        if self.status is not None:
            parts.append(f"status {self.status.value.replace('_', ' ')}")
        if self.control:
            parts.append(f"control {self.control}")
        if self.document_id is not None:
            parts.append(f"linked to document {self.document_id}")
        return "; ".join(parts)


@dataclass(frozen=True)
class RiskRow:
    id: int
    ref: str
    title: str
    owner: str
    likelihood: int | None
    impact: int | None
    level: int | None
    treatment: TreatmentOption | None
    residual_likelihood: int | None
    residual_impact: int | None
    residual_level: int | None
    status: RiskStatus
    review_date: date | None
    accepted: bool
    open_actions: int


def _conditions(risk_filter: RiskFilter, *, sqlite: bool) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text = risk_filter.text.strip()
    if text:
        pattern = f"%{text}%"

        def like(column: Any) -> ColumnElement[bool]:
            found: ColumnElement[bool] = column.like(pattern) if sqlite else column.ilike(pattern)
            return found

        conditions.append(
            or_(
                like(col(Risk.ref)),
                like(col(Risk.title)),
                like(col(Risk.threat)),
                col(Risk.owner_id).in_(select(Person.id).where(like(col(Person.name)))),
            )
        )
    if risk_filter.level is not None:
        conditions.append(col(Risk.level) == risk_filter.level)
    if risk_filter.residual_level is not None:
        conditions.append(col(Risk.residual_level) == risk_filter.residual_level)
    if risk_filter.owner_id is not None:
        conditions.append(col(Risk.owner_id) == risk_filter.owner_id)
    if risk_filter.treatment is not None:
        conditions.append(col(Risk.treatment) == risk_filter.treatment)
    if risk_filter.status is not None:
        conditions.append(col(Risk.status) == risk_filter.status)
    elif not risk_filter.include_closed:
        conditions.append(col(Risk.status) != RiskStatus.CLOSED)
    if risk_filter.asset_id is not None:
        conditions.append(
            col(Risk.id).in_(
                select(RiskAssetLink.risk_id).where(RiskAssetLink.asset_id == risk_filter.asset_id)
            )
        )
    if risk_filter.control.strip():
        ref = control_ref(risk_filter.control)
        # A.8 also finds A.8.13, as the register's clause filter does.
        conditions.append(
            col(Risk.id).in_(
                select(RiskControl.risk_id).where(
                    or_(col(RiskControl.ref) == ref, col(RiskControl.ref).startswith(f"{ref}."))
                )
            )
        )
    if risk_filter.document_id is not None:
        conditions.append(
            col(Risk.id).in_(
                select(RiskDocument.risk_id).where(
                    RiskDocument.artifact_id == risk_filter.document_id
                )
            )
        )
    if risk_filter.cell is not None:
        cell = risk_filter.cell
        likelihood, impact = ratings(cell.view)
        conditions += [likelihood == cell.likelihood, impact == cell.impact]
    return conditions


def ratings(view: View) -> tuple[Any, Any]:
    """The likelihood and impact a view places a risk by. A risk whose residual risk is not
    rated stands at its inherent risk in the residual view: nothing has lowered it yet (and a
    retained risk stays where it is)."""
    if view is View.INHERENT:
        return col(Risk.likelihood), col(Risk.impact)
    return (
        func.coalesce(col(Risk.residual_likelihood), col(Risk.likelihood)),
        func.coalesce(col(Risk.residual_impact), col(Risk.impact)),
    )


def _owner_name() -> Any:
    return (
        select(Person.name).where(col(Person.id) == col(Risk.owner_id)).correlate(Risk)
    ).scalar_subquery()


def _sort_key(column: Column) -> Any:
    keys: dict[Column, Any] = {
        Column.REF: col(Risk.id),
        Column.TITLE: func.lower(col(Risk.title)),
        Column.OWNER: func.lower(_owner_name()),
        Column.LIKELIHOOD: col(Risk.likelihood),
        Column.IMPACT: col(Risk.impact),
        Column.LEVEL: col(Risk.level),
        Column.TREATMENT: col(Risk.treatment),
        Column.RESIDUAL_LIKELIHOOD: col(Risk.residual_likelihood),
        Column.RESIDUAL_IMPACT: col(Risk.residual_impact),
        Column.RESIDUAL_LEVEL: col(Risk.residual_level),
        Column.STATUS: col(Risk.status),
        Column.ACCEPTANCE: col(Risk.id).in_(
            select(RiskAcceptance.risk_id).where(RiskAcceptance.kind == AcceptanceKind.ACCEPTANCE)
        ),
        Column.REVIEW: col(Risk.review_date),
    }
    return keys[column]


def query_ids(
    workspace: Workspace,
    risk_filter: RiskFilter,
    *,
    sort: Column = Column.REF,
    descending: bool = False,
) -> list[int]:
    key = _sort_key(sort)
    statement = (
        sa_select(col(Risk.id))
        .where(*_conditions(risk_filter, sqlite=workspace.is_sqlite))
        .order_by(
            # Unrated risks go last either way, on SQLite and PostgreSQL alike.
            (key.desc() if descending else key.asc()).nulls_last(),
            col(Risk.id).asc(),
        )
    )
    with workspace.read() as session:
        return [int(row[0]) for row in plain_rows(session, statement)]


def count_all(workspace: Workspace) -> int:
    with workspace.read() as session:
        return int(session.exec(select(func.count()).select_from(Risk)).one())


def _accepted() -> Any:
    return (
        sa_select(func.count())
        .where(
            col(RiskAcceptance.risk_id) == col(Risk.id),
            col(RiskAcceptance.kind) == AcceptanceKind.ACCEPTANCE,
        )
        .correlate(Risk)
        .scalar_subquery()
    )


def _open_actions() -> Any:
    return (
        sa_select(func.count())
        .where(col(RiskAction.risk_id) == col(Risk.id), col(RiskAction.status) == ActionStatus.OPEN)
        .correlate(Risk)
        .scalar_subquery()
    )


def fetch_rows(workspace: Workspace, ids: Sequence[int]) -> dict[int, RiskRow]:
    """Rows for some risk ids, in one statement. ``accepted`` says a residual acceptance was
    signed (its state is for the detail view to check)."""
    if not ids:
        return {}
    statement = (
        sa_select(
            col(Risk.id),
            col(Risk.ref),
            col(Risk.title),
            col(Person.name),
            col(Risk.likelihood),
            col(Risk.impact),
            col(Risk.level),
            col(Risk.treatment),
            col(Risk.residual_likelihood),
            col(Risk.residual_impact),
            col(Risk.residual_level),
            col(Risk.status),
            col(Risk.review_date),
            _accepted(),
            _open_actions(),
        )  # fmt: skip
        .outerjoin(Person, col(Person.id) == col(Risk.owner_id))
        .where(col(Risk.id).in_(ids))
    )
    rows: dict[int, RiskRow] = {}
    with workspace.read() as session:
        for values in session.execute(statement):
            risk_id = int(values[0])
            rows[risk_id] = RiskRow(
                id=risk_id,
                ref=values[1],
                title=values[2],
                owner=values[3] or "",
                likelihood=values[4],
                impact=values[5],
                level=values[6],
                treatment=TreatmentOption(values[7]) if values[7] else None,
                residual_likelihood=values[8],
                residual_impact=values[9],
                residual_level=values[10],
                status=RiskStatus(values[11]),
                review_date=values[12],
                accepted=bool(values[13]),
                open_actions=int(values[14] or 0),
            )
    return rows


def export_rows(
    workspace: Workspace, risk_filter: RiskFilter | None = None, *, sort: Column = Column.REF
) -> list[RiskRow]:
    ids = query_ids(workspace, risk_filter or RiskFilter(), sort=sort)
    rows: list[RiskRow] = []
    for start in range(0, len(ids), 500):
        page = ids[start : start + 500]
        fetched = fetch_rows(workspace, page)
        rows.extend(fetched[risk_id] for risk_id in page if risk_id in fetched)
    return rows


def cell_text(row: RiskRow, column: Column, method: RiskMethod) -> str:
    """A cell as the table, the command line and the CSV export show it."""
    match column:
        case Column.REF:
            return row.ref
        case Column.TITLE:
            return row.title
        case Column.OWNER:
            return row.owner
        case Column.LIKELIHOOD:
            return "" if row.likelihood is None else str(row.likelihood)
        case Column.IMPACT:
            return "" if row.impact is None else str(row.impact)
        case Column.LEVEL:
            return method.level_name(row.level)
        case Column.TREATMENT:
            return row.treatment.value if row.treatment else ""
        case Column.RESIDUAL_LIKELIHOOD:
            return "" if row.residual_likelihood is None else str(row.residual_likelihood)
        case Column.RESIDUAL_IMPACT:
            return "" if row.residual_impact is None else str(row.residual_impact)
        case Column.RESIDUAL_LEVEL:
            return method.level_name(row.residual_level)
        case Column.STATUS:
            return row.status.value.replace("_", " ")
        case Column.ACCEPTANCE:
            return "signed" if row.accepted else ""
        case Column.REVIEW:
            return row.review_date.isoformat() if row.review_date else ""


def row_json(row: RiskRow, method: RiskMethod) -> dict[str, object]:
    return {
        "id": row.ref,
        "title": row.title,
        "owner": row.owner or None,
        "likelihood": row.likelihood,
        "impact": row.impact,
        "inherent_level": method.level_name(row.level) or None,
        "treatment": row.treatment.value if row.treatment else None,
        "residual_likelihood": row.residual_likelihood,
        "residual_impact": row.residual_impact,
        "residual_level": method.level_name(row.residual_level) or None,
        "status": row.status.value,
        "review_date": row.review_date.isoformat() if row.review_date else None,
        "acceptance_signed": row.accepted,
        "open_actions": row.open_actions,
    }


# --- the heat map ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatMap:
    """Risks per matrix cell: ``counts[(likelihood, impact)]``, in one view."""

    view: View
    method: RiskMethod
    counts: dict[tuple[int, int], int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, likelihood: int, impact: int) -> int:
        return self.counts.get((likelihood, impact), 0)

    def per_level(self) -> list[int]:
        totals = [0] * len(self.method.levels)
        for (likelihood, impact), count in self.counts.items():
            level = self.method.level_of(likelihood, impact)
            if level is not None:
                totals[level] += count
        return totals


def heat_map_counts(
    session: Session, risk_filter: RiskFilter, view: View, *, sqlite: bool = True
) -> dict[tuple[int, int], int]:
    likelihood, impact = ratings(view)
    statement = (
        sa_select(likelihood, impact, func.count())
        .where(
            likelihood.is_not(None),
            impact.is_not(None),
            *_conditions(risk_filter.without_cell(), sqlite=sqlite),
        )
        .group_by(likelihood, impact)
    )
    return {(int(row[0]), int(row[1])): int(row[2]) for row in plain_rows(session, statement)}


def heat_map(workspace: Workspace, risk_filter: RiskFilter, view: View) -> HeatMap:
    """The heat map of the risks a filter shows (its cell filter aside)."""
    with workspace.read() as session:
        method = current_method(session)
        counts = heat_map_counts(session, risk_filter, view, sqlite=workspace.is_sqlite)
    return HeatMap(view, method, counts)


# --- choices for the filters ----------------------------------------------------------------


def owners(workspace: Workspace) -> list[tuple[int, str]]:
    """The people who own at least one risk."""
    with workspace.read() as session:
        rows = session.exec(
            select(Person.id, Person.name)
            .where(col(Person.id).in_(select(Risk.owner_id).distinct()))
            .order_by(func.lower(Person.name))
        )
        return [(person_id, name) for person_id, name in rows if person_id is not None]


def assets(workspace: Workspace) -> list[tuple[int, str]]:
    with workspace.read() as session:
        rows = session.exec(select(Asset.id, Asset.name).order_by(func.lower(Asset.name)))
        return [(asset_id, name) for asset_id, name in rows if asset_id is not None]


def method_of(workspace: Workspace) -> RiskMethod:
    with workspace.read() as session:
        return current_method(session)
