"""The ISMS register: querying artifacts by filter and sort, fetching rows by id.

The table model holds ids only and asks for row data in pages, so the register stays quick at
any size; sorting and filtering happen here, in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Mapped, aliased
from sqlmodel import col, select

from workbench.models import (
    Artifact,
    ArtifactKind,
    ArtifactLink,
    ArtifactStatus,
    ReviewRequest,
    ReviewStatus,
    Version,
)
from workbench.services.store.workspace import Workspace, plain_rows


class RegisterScope(StrEnum):
    """Named slices of the register that card actions open (``open_register`` targets)."""

    ALL = ""
    ISMS_ARTIFACTS = "isms_artifacts"


class Column(StrEnum):
    ID = "id"
    TITLE = "title"
    KIND = "kind"
    REFS = "refs"
    OWNER = "owner"
    STATUS = "status"
    VERSION = "version"
    APPROVED_VERSION = "approved_version"
    NEXT_REVIEW = "next_review"
    UPDATED = "updated"


COLUMN_TITLES: dict[Column, str] = {
    Column.ID: "ID",
    Column.TITLE: "Title",
    Column.KIND: "Kind",
    Column.REFS: "Clauses / controls",
    Column.OWNER: "Owner",
    Column.STATUS: "Status",
    Column.VERSION: "Version",
    Column.APPROVED_VERSION: "Approved",
    Column.NEXT_REVIEW: "Next review",
    Column.UPDATED: "Last changed",
}


@dataclass(frozen=True)
class RegisterFilter:
    text: str = ""
    kinds: tuple[ArtifactKind, ...] = ()
    statuses: tuple[ArtifactStatus, ...] = ()
    refs: tuple[str, ...] = ()
    scope: RegisterScope = RegisterScope.ALL
    review_overdue: bool = False
    awaiting_approval: bool = False
    include_retired: bool = True

    def describe(self) -> str:
        parts: list[str] = []
        if self.scope is RegisterScope.ISMS_ARTIFACTS:
            parts.append("ISMS artifacts")
        if self.refs:
            parts.append("linked to " + ", ".join(self.refs))
        if self.kinds:
            parts.append("kind " + ", ".join(k.value for k in self.kinds))
        if self.statuses:
            parts.append("status " + ", ".join(s.value for s in self.statuses))
        if self.review_overdue:
            parts.append("review overdue")
        if self.awaiting_approval:
            parts.append("awaiting approval")
        return "; ".join(parts)


@dataclass(frozen=True)
class RegisterRow:
    id: int
    title: str
    kind: ArtifactKind
    refs: tuple[str, ...]
    owner: str
    status: ArtifactStatus
    version: int | None
    approved_version: int | None
    next_review: date | None
    updated: datetime
    published_version: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def _current_version() -> Any:
    return (
        select(func.max(Version.number))
        .where(Version.artifact_id == Artifact.id)
        .correlate(Artifact)
        .scalar_subquery()
    )


def _approved_version() -> Any:
    """The newest version every requested approver of its review round approved."""
    request, other = aliased(ReviewRequest), aliased(ReviewRequest)
    unanimous = ~exists().where(
        col(other.artifact_id) == col(request.artifact_id),
        col(other.review_round) == col(request.review_round),
        col(other.status) != ReviewStatus.APPROVED,
    )
    return (
        sa_select(func.max(col(request.version_number)))
        .where(
            col(request.artifact_id) == col(Artifact.id),
            col(request.status) == ReviewStatus.APPROVED,
            unanimous,
        )
        .correlate(Artifact)
        .scalar_subquery()
    )


def _ref_matches(refs: Sequence[str]) -> ColumnElement[bool]:
    # A clause filter also finds its sub-clauses: 6.1 matches 6.1.2.
    conditions = [
        or_(col(ArtifactLink.ref) == ref, col(ArtifactLink.ref).startswith(f"{ref}."))
        for ref in refs
    ]
    return col(Artifact.id).in_(select(ArtifactLink.artifact_id).where(or_(*conditions)))


def _contains(column: Mapped[str], pattern: str, *, sqlite: bool) -> ColumnElement[bool]:
    # SQLite's LIKE already ignores ASCII case (and its lower() folds nothing more), while
    # ILIKE is rendered there as lower(x) LIKE lower(y), at twice the cost on a big register.
    return column.like(pattern) if sqlite else column.ilike(pattern)


def _conditions(
    register_filter: RegisterFilter, today: date, *, sqlite: bool = True
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text = register_filter.text.strip()
    if text:
        pattern = f"%{text}%"
        conditions.append(
            or_(
                _contains(col(Artifact.title), pattern, sqlite=sqlite),
                _contains(col(Artifact.owner), pattern, sqlite=sqlite),
                # One pass over the links, not one correlated lookup per artifact.
                col(Artifact.id).in_(
                    select(ArtifactLink.artifact_id).where(
                        _contains(col(ArtifactLink.ref), pattern, sqlite=sqlite)
                    )
                ),
            )
        )
    if register_filter.kinds:
        conditions.append(col(Artifact.kind).in_(register_filter.kinds))
    if register_filter.statuses:
        conditions.append(col(Artifact.status).in_(register_filter.statuses))
    if (
        not register_filter.include_retired
        and ArtifactStatus.RETIRED not in register_filter.statuses
    ):
        conditions.append(col(Artifact.status) != ArtifactStatus.RETIRED)
    if register_filter.scope is RegisterScope.ISMS_ARTIFACTS:
        conditions.append(col(Artifact.status) != ArtifactStatus.RETIRED)
    if register_filter.refs:
        conditions.append(_ref_matches(register_filter.refs))
    if register_filter.review_overdue:
        conditions.append(
            and_(col(Artifact.next_review).is_not(None), col(Artifact.next_review) < today)
        )
    if register_filter.awaiting_approval:
        conditions.append(col(Artifact.status) == ArtifactStatus.IN_REVIEW)
    return conditions


def _sort_key(column: Column) -> Any:
    return {
        Column.ID: Artifact.id,
        Column.TITLE: func.lower(Artifact.title),
        Column.KIND: Artifact.kind,
        Column.REFS: (
            select(func.min(ArtifactLink.ref))
            .where(ArtifactLink.artifact_id == Artifact.id)
            .correlate(Artifact)
            .scalar_subquery()
        ),
        Column.OWNER: func.lower(Artifact.owner),
        Column.STATUS: Artifact.status,
        Column.VERSION: _current_version(),
        Column.APPROVED_VERSION: _approved_version(),
        Column.NEXT_REVIEW: Artifact.next_review,
        Column.UPDATED: Artifact.updated_at,
    }[column]


def query_ids(
    workspace: Workspace,
    register_filter: RegisterFilter,
    *,
    sort: Column = Column.ID,
    descending: bool = False,
    today: date | None = None,
) -> list[int]:
    key = _sort_key(sort)
    statement = (
        sa_select(col(Artifact.id))
        .where(*_conditions(register_filter, today or date.today(), sqlite=workspace.is_sqlite))
        .order_by(key.desc() if descending else key.asc(), col(Artifact.id).asc())
    )
    with workspace.read() as session:
        return [int(row[0]) for row in plain_rows(session, statement)]


def count_all(workspace: Workspace) -> int:
    with workspace.read() as session:
        return int(session.exec(select(func.count()).select_from(Artifact)).one())


def fetch_rows(workspace: Workspace, ids: Sequence[int]) -> dict[int, RegisterRow]:
    if not ids:
        return {}
    statement = select(Artifact, _current_version(), _approved_version()).where(
        col(Artifact.id).in_(ids)
    )
    links = select(ArtifactLink.artifact_id, ArtifactLink.ref).where(
        col(ArtifactLink.artifact_id).in_(ids)
    )
    with workspace.read() as session:
        refs: dict[int, list[str]] = {}
        for artifact_id, ref in session.exec(links.order_by(col(ArtifactLink.ref))):
            refs.setdefault(artifact_id, []).append(ref)
        rows: dict[int, RegisterRow] = {}
        for artifact, version, approved in session.exec(statement):
            assert artifact.id is not None
            rows[artifact.id] = RegisterRow(
                id=artifact.id,
                title=artifact.title,
                kind=artifact.kind,
                refs=tuple(refs.get(artifact.id, ())),
                owner=artifact.owner,
                status=artifact.status,
                version=version,
                approved_version=approved,
                next_review=artifact.next_review,
                updated=artifact.updated_at,
                published_version=artifact.published_version,
            )
    return rows


def export_rows(
    workspace: Workspace,
    register_filter: RegisterFilter,
    *,
    sort: Column = Column.ID,
    descending: bool = False,
) -> list[RegisterRow]:
    ids = query_ids(workspace, register_filter, sort=sort, descending=descending)
    rows: list[RegisterRow] = []
    for start in range(0, len(ids), 500):
        page = ids[start : start + 500]
        fetched = fetch_rows(workspace, page)
        rows.extend(fetched[artifact_id] for artifact_id in page if artifact_id in fetched)
    return rows


def cell_text(row: RegisterRow, column: Column) -> str:
    """A cell as the table, the CLI and the exports show it."""
    match column:
        case Column.ID:
            return str(row.id)
        case Column.TITLE:
            return row.title
        case Column.KIND:
            return row.kind.value.replace("_", " ")
        case Column.REFS:
            return ", ".join(ref.split("/", 1)[-1] for ref in row.refs)
        case Column.OWNER:
            return row.owner
        case Column.STATUS:
            return row.status.value.replace("_", " ")
        case Column.VERSION:
            return "" if row.version is None else str(row.version)
        case Column.APPROVED_VERSION:
            return "" if row.approved_version is None else str(row.approved_version)
        case Column.NEXT_REVIEW:
            return row.next_review.isoformat() if row.next_review else ""
        case Column.UPDATED:
            return row.updated.astimezone().strftime("%Y-%m-%d %H:%M")


def row_json(row: RegisterRow) -> dict[str, object]:
    return {
        "id": row.id,
        "title": row.title,
        "kind": row.kind.value,
        "refs": list(row.refs),
        "owner": row.owner,
        "status": row.status.value,
        "version": row.version,
        "approved_version": row.approved_version,
        "published_version": row.published_version,
        "next_review": row.next_review.isoformat() if row.next_review else None,
        "updated": row.updated.isoformat(),
    }
