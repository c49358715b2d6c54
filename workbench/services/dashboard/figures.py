"""The dashboard's figures, computed in one pass over the workspace.

Every figure a person can act on carries a :class:`Link` (a pane and what to show there), so
the dashboard pane turns counts into ways in, and ``workbench dashboard --json`` carries the
same figures for scripts. The risk register adds its own: heat maps before and after
treatment, overdue treatment actions and expiring risk acceptances (see :func:`risk_figures`).
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workbench.models import (
    Artifact,
    ArtifactStatus,
    Control,
    ControlSource,
    ControlStatus,
    Finding,
    FindingStatus,
    Risk,
    Version,
)
from workbench.services.controls import evidence
from workbench.services.controls.themes import ANNEX_A_THEMES, theme_label
from workbench.services.dashboard.placeholders import count_placeholders
from workbench.services.register import coverage, profile, versioning
from workbench.services.risks import deadlines
from workbench.services.risks.deadlines import Deadline, DeadlineKind
from workbench.services.risks.listing import RiskFilter, View, heat_map_counts
from workbench.services.risks.method import RiskMethod, current_method
from workbench.services.store.workspace import Workspace, session_cache

APPROVED = "approved"
IN_REVIEW = "in review"
DRAFT = "draft"
APPROVAL_STATES = (APPROVED, IN_REVIEW, DRAFT)


@dataclass(frozen=True)
class Link:
    """Where a figure leads: a pane (``register``, ``controls``, ``planner``, ``documents``)
    and what to show there (a filter name, or a document id)."""

    pane: str
    target: str


@dataclass(frozen=True)
class ThemeProgress:
    key: str
    label: str
    clause: str
    controls: int
    applicable: int
    implemented: int
    partial: int
    planned: int

    @property
    def percent(self) -> int | None:
        """Applicable controls implemented, in percent (None when none is applicable)."""
        if not self.applicable:
            return None
        return round(100 * self.implemented / self.applicable)


@dataclass(frozen=True)
class DocumentState:
    id: int
    title: str
    state: str  # one of APPROVAL_STATES
    placeholders: int


@dataclass(frozen=True)
class ClauseDocuments:
    clause: str
    title: str
    documents: tuple[DocumentState, ...]

    def count(self, state: str) -> int:
        return sum(document.state == state for document in self.documents)


@dataclass(frozen=True)
class Attention:
    """A count of things that need doing, what they are, and where to do them."""

    key: str
    label: str
    count: int
    link: Link
    items: tuple[tuple[str, Link], ...] = ()


@dataclass(frozen=True)
class HeatMap:
    """Risks by likelihood (rows, highest first) and impact (columns), with each cell's colour."""

    title: str
    likelihoods: tuple[str, ...]
    impacts: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    colours: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Readiness:
    as_of: date
    organisation: str
    themes: tuple[ThemeProgress, ...]
    overall: ThemeProgress
    clauses: tuple[ClauseDocuments, ...]
    attention: tuple[Attention, ...]
    heat_maps: tuple[HeatMap, ...] = ()
    other_controls: tuple[ThemeProgress, ...] = field(default=())

    def attention_item(self, key: str) -> Attention | None:
        return next((item for item in self.attention if item.key == key), None)

    def to_json(self) -> dict[str, Any]:
        def progress(item: ThemeProgress) -> dict[str, Any]:
            return {**asdict(item), "percent": item.percent}

        return {
            "as_of": self.as_of.isoformat(),
            "organisation": self.organisation,
            "controls": {
                "overall": progress(self.overall),
                "themes": [progress(theme) for theme in self.themes],
                "other": [progress(theme) for theme in self.other_controls],
            },
            "clauses": [
                {
                    "clause": clause.clause,
                    "title": clause.title,
                    **{state.replace(" ", "_"): clause.count(state) for state in APPROVAL_STATES},
                    "documents": [asdict(document) for document in clause.documents],
                }
                for clause in self.clauses
            ],
            "attention": {
                item.key: {
                    "label": item.label,
                    "count": item.count,
                    "link": asdict(item.link),
                    "items": [label for label, _ in item.items],
                }
                for item in self.attention
            },
            "heat_maps": [asdict(heat_map) for heat_map in self.heat_maps],
        }


# --- controls -------------------------------------------------------------------------------


def _progress(
    key: str, label: str, clause: str, rows: list[tuple[bool, ControlStatus]]
) -> ThemeProgress:
    applicable = [status for is_applicable, status in rows if is_applicable]
    return ThemeProgress(
        key=key,
        label=label,
        clause=clause,
        controls=len(rows),
        applicable=len(applicable),
        implemented=applicable.count(ControlStatus.IMPLEMENTED),
        partial=applicable.count(ControlStatus.PARTIAL),
        planned=applicable.count(ControlStatus.PLANNED),
    )


def _controls(session: Session) -> tuple[list[ThemeProgress], ThemeProgress, list[ThemeProgress]]:
    statement = select(Control.source, Control.theme, Control.applicable, Control.status)
    by_theme: dict[str, list[tuple[bool, ControlStatus]]] = {}
    others: dict[str, list[tuple[bool, ControlStatus]]] = {}
    for source, theme, applicable, status in session.exec(statement):
        target = by_theme if source is ControlSource.ANNEX_A else others
        key = theme if source is not ControlSource.CUSTOM else "custom"
        target.setdefault(key, []).append((applicable, ControlStatus(status)))
    themes = [
        _progress(theme.key, theme.label, theme.clause, by_theme.get(theme.key, []))
        for theme in ANNEX_A_THEMES
    ]
    every = [row for theme in ANNEX_A_THEMES for row in by_theme.get(theme.key, [])]
    overall = _progress("annex_a", "All Annex A controls", "A", every)
    other = [_progress(key, theme_label(key), "", rows) for key, rows in sorted(others.items())]
    return themes, overall, other


# --- documents ------------------------------------------------------------------------------


def _state(status: ArtifactStatus) -> str:
    if status in (ArtifactStatus.APPROVED, ArtifactStatus.PUBLISHED):
        return APPROVED
    return IN_REVIEW if status is ArtifactStatus.IN_REVIEW else DRAFT


def _placeholder_counts(session: Session) -> dict[int, int]:
    """Placeholders in the latest version of each live document, counted once per version."""
    counted: dict[str, int] = session_cache(session, "placeholder_counts", dict)
    latest = (
        sa_select(col(Version.artifact_id), func.max(Version.number).label("number"))
        .group_by(col(Version.artifact_id))
        .subquery()
    )
    statement = (
        select(Version)
        .join(
            latest,
            (col(Version.artifact_id) == latest.c.artifact_id)
            & (col(Version.number) == latest.c.number),
        )
        .join(Artifact, col(Artifact.id) == col(Version.artifact_id))
        .where(col(Artifact.status) != ArtifactStatus.RETIRED)
    )
    counts: dict[int, int] = {}
    for version in session.exec(statement):
        if version.chain_hash not in counted:
            try:
                text = versioning._text_of(session, version)
            except (ValueError, KeyError, UnicodeDecodeError, zlib.error):
                text = ""  # a damaged version is verify's to report, not the dashboard's
            counted[version.chain_hash] = count_placeholders(text)
        counts[version.artifact_id] = counted[version.chain_hash]
    return counts


def _clauses(workspace: Workspace, placeholders: dict[int, int]) -> list[ClauseDocuments]:
    return [
        ClauseDocuments(
            clause=row.local_id,
            title=row.title,
            documents=tuple(
                DocumentState(a.id, a.title, _state(a.status), placeholders.get(a.id, 0))
                for a in row.artifacts
            ),
        )
        for row in coverage.coverage(workspace)
        if row.kind == "clause" and row.depth == 0
    ]


# --- what needs attention -------------------------------------------------------------------


def _document_items(rows: list[tuple[int | None, str]]) -> tuple[tuple[str, Link], ...]:
    return tuple(
        (title, Link("documents", str(artifact_id))) for artifact_id, title in rows if artifact_id
    )


def _attention(session: Session, today: date, placeholders: dict[int, int]) -> list[Attention]:
    overdue = list(
        session.exec(
            select(Artifact.id, Artifact.title)
            .where(
                col(Artifact.next_review) < today, col(Artifact.status) != ArtifactStatus.RETIRED
            )
            .order_by(col(Artifact.next_review))
        )
    )
    findings = list(
        session.execute(
            sa_select(col(Finding.id), col(Finding.text), col(Finding.due))
            .where(col(Finding.status) == FindingStatus.OPEN)
            .order_by(col(Finding.id))
        )
    )
    expired, expiring = evidence.expiry_counts(session, today)
    late_controls = list(
        session.exec(
            select(Control.local_id)
            .where(
                col(Control.target_date) < today,
                col(Control.applicable).is_(True),
                col(Control.status) != ControlStatus.IMPLEMENTED,
            )
            .order_by(col(Control.position))
        )
    )
    with_placeholders = [
        (artifact_id, count) for artifact_id, count in placeholders.items() if count
    ]
    titles = dict(
        session.exec(
            select(Artifact.id, Artifact.title).where(
                col(Artifact.id).in_([artifact_id for artifact_id, _ in with_placeholders])
            )
        ).all()
    )
    planner = Link("planner", "findings")
    return [
        Attention("overdue_reviews", "Document reviews overdue", len(overdue),
                  Link("register", "review_overdue"), _document_items(overdue)),
        Attention("open_findings", "Open audit findings", len(findings), planner,
                  tuple((f"{text} (due {due})" if due else text, planner)
                        for _, text, due in findings)),
        Attention("controls_overdue", "Controls past their target date", len(late_controls),
                  Link("controls", "overdue"),
                  tuple((local_id, Link("controls", local_id)) for local_id in late_controls)),
        Attention("evidence_expired", "Evidence expired", expired,
                  Link("controls", "evidence_expired")),
        Attention("evidence_expiring", f"Evidence expiring within {evidence.EXPIRING_DAYS} days",
                  expiring, Link("controls", "evidence_expiring")),
        Attention("documents_with_placeholders", "Documents with placeholders",
                  len(with_placeholders), Link("register", ""),
                  tuple((f"{titles.get(artifact_id, artifact_id)} ({count})",
                         Link("documents", str(artifact_id)))
                        for artifact_id, count in sorted(with_placeholders))),
    ]  # fmt: skip


def _heat_map(method: RiskMethod, view: View, counts: dict[tuple[int, int], int]) -> HeatMap:
    rows = range(len(method.likelihood), 0, -1)
    columns = range(1, len(method.impact) + 1)
    return HeatMap(
        title="Inherent risk" if view is View.INHERENT else "Residual risk",
        likelihoods=tuple(f"{n} {method.likelihood[n - 1].label}" for n in rows),
        impacts=tuple(f"{n} {method.impact[n - 1].label}" for n in columns),
        counts=tuple(tuple(counts.get((row, column), 0) for column in columns) for row in rows),
        colours=tuple(
            tuple(method.level_colour(method.level_of(row, column)) or "#dddddd"
                  for column in columns)
            for row in rows
        ),
    )  # fmt: skip


def risk_figures(
    session: Session, today: date, *, sqlite: bool = True
) -> tuple[list[Attention], tuple[HeatMap, ...]]:
    """The risk register's part of the dashboard: overdue treatment actions and risk
    acceptances that have expired or expire soon (as :class:`Attention`), and the heat maps
    before and after treatment. A workspace without risk records has none."""
    if not session.exec(select(func.count()).select_from(Risk)).one():
        return [], ()
    late = deadlines.overdue(session, today)
    soon = deadlines.between(session, today, today + timedelta(days=evidence.EXPIRING_DAYS))
    actions = [d for d in late if d.kind is DeadlineKind.ACTION]
    acceptances = [d for d in late + soon if d.kind is DeadlineKind.ACCEPTANCE]
    acceptances.sort(key=lambda d: d.day)

    def items(found: list[Deadline]) -> tuple[tuple[str, Link], ...]:
        return tuple((f"{d.title} ({d.day.isoformat()})", Link("risks", d.ref)) for d in found)

    attention = [
        Attention("risk_actions_overdue", "Risk treatment actions overdue", len(actions),
                  Link("risks", ""), items(actions)),
        Attention("risk_acceptances_expiring",
                  "Risk acceptances expired or expiring",
                  len(acceptances), Link("risks", ""), items(acceptances)),
    ]  # fmt: skip
    method = current_method(session)
    maps = tuple(
        _heat_map(method, view, heat_map_counts(session, RiskFilter(), view, sqlite=sqlite))
        for view in (View.INHERENT, View.RESIDUAL)
    )
    return attention, maps


def readiness(workspace: Workspace, *, today: date | None = None) -> Readiness:
    """Every figure of the dashboard as of ``today``."""
    day = today or date.today()
    organisation = profile.get_profile(workspace).organisation_name
    with workspace.read() as session:
        themes, overall, other = _controls(session)
        placeholders = _placeholder_counts(session)
        attention = _attention(session, day, placeholders)
        risk_attention, heat_maps = risk_figures(session, day, sqlite=workspace.is_sqlite)
    return Readiness(
        as_of=day,
        organisation=organisation,
        themes=tuple(themes),
        overall=overall,
        clauses=tuple(_clauses(workspace, placeholders)),
        attention=tuple(attention + risk_attention),
        heat_maps=heat_maps,
        other_controls=tuple(other),
    )
