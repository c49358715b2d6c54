"""Quality checks on the risk register: what an auditor sampling it would question.

- a residual rating above the inherent one;
- a residual level lowered with no planned control or action to lower it;
- treatment "retain" above the acceptance threshold without a valid signed acceptance;
- an acceptance (or plan approval) that has expired, gone stale, or does not verify;
- a risk with no owner;
- a treatment action past its due date.

Closed risks are not checked. ``workbench risk check`` and the Risks pane show the same list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workbench.models import (
    AcceptanceKind,
    ActionStatus,
    Risk,
    RiskAction,
    RiskControl,
    RiskStatus,
    TreatmentOption,
)
from workbench.services.risks.acceptance import KIND_TITLES, AcceptanceState, current_acceptances
from workbench.services.risks.method import current_method
from workbench.services.store.workspace import Workspace, plain_rows


class Check(StrEnum):
    RESIDUAL_ABOVE_INHERENT = "residual_above_inherent"
    RESIDUAL_WITHOUT_TREATMENT = "residual_without_treatment"
    RETAINED_WITHOUT_ACCEPTANCE = "retained_without_acceptance"
    ACCEPTANCE_EXPIRED = "acceptance_expired"
    ACCEPTANCE_STALE = "acceptance_stale"
    ACCEPTANCE_INVALID = "acceptance_invalid"
    NO_OWNER = "no_owner"
    ACTION_OVERDUE = "action_overdue"


CHECK_TITLES = {
    Check.RESIDUAL_ABOVE_INHERENT: "Residual above inherent",
    Check.RESIDUAL_WITHOUT_TREATMENT: "Residual lowered without treatment",
    Check.RETAINED_WITHOUT_ACCEPTANCE: "Retained without acceptance",
    Check.ACCEPTANCE_EXPIRED: "Acceptance expired",
    Check.ACCEPTANCE_STALE: "Acceptance stale",
    Check.ACCEPTANCE_INVALID: "Acceptance invalid",
    Check.NO_OWNER: "No risk owner",
    Check.ACTION_OVERDUE: "Action overdue",
}


@dataclass(frozen=True)
class RiskProblem:
    risk_id: int
    ref: str
    check: Check
    message: str

    def __str__(self) -> str:
        return f"{self.ref}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {"risk": self.ref, "check": self.check.value, "message": self.message}


@dataclass(frozen=True)
class _Row:
    """The columns of a risk the checks read (plain values: 10,000 ORM objects cost seconds)."""

    id: int
    ref: str
    owner_id: int | None
    likelihood: int | None
    impact: int | None
    level: int | None
    treatment: str | None
    residual_likelihood: int | None
    residual_impact: int | None
    residual_level: int | None


_COLUMNS = [
    col(column)
    for column in (
        Risk.id, Risk.ref, Risk.owner_id, Risk.likelihood, Risk.impact, Risk.level,
        Risk.treatment, Risk.residual_likelihood, Risk.residual_impact, Risk.residual_level,
    )
]  # fmt: skip


def _pairs(risk: _Row) -> list[tuple[int, int]]:
    """(residual, inherent) of the level and of each rating, where both are set."""
    pairs = (
        (risk.residual_level, risk.level),
        (risk.residual_likelihood, risk.likelihood),
        (risk.residual_impact, risk.impact),
    )
    return [(after, before) for after, before in pairs if after is not None and before is not None]


def _above(risk: _Row) -> bool:
    return any(after > before for after, before in _pairs(risk))


def _lowered(risk: _Row) -> bool:
    return any(after < before for after, before in _pairs(risk))


def _counts(session: Session, table: type[RiskControl] | type[RiskAction]) -> dict[int, int]:
    statement = sa_select(col(table.risk_id), func.count())
    if table is RiskAction:
        statement = statement.where(col(RiskAction.status) != ActionStatus.CANCELLED)
    rows = plain_rows(session, statement.group_by(col(table.risk_id)))
    return {int(risk_id): int(count) for risk_id, count in rows}


def check_session(
    session: Session, today: date, *, refs: Iterable[str] | None = None
) -> list[RiskProblem]:
    """Every problem of the (chosen) open risks, in risk order."""
    method = current_method(session)
    statement = (
        sa_select(*_COLUMNS).where(col(Risk.status) != RiskStatus.CLOSED).order_by(col(Risk.id))
    )
    if refs is not None:
        statement = statement.where(col(Risk.ref).in_(list(refs)))
    risks = [_Row(*row) for row in plain_rows(session, statement)]
    if not risks:
        return []
    ids = {risk.id for risk in risks}
    controls = _counts(session, RiskControl)
    actions = _counts(session, RiskAction)
    overdue: dict[int, list[RiskAction]] = {}
    for action in session.exec(
        select(RiskAction)
        .where(RiskAction.status == ActionStatus.OPEN, col(RiskAction.due) < today)
        .order_by(col(RiskAction.due))
    ):
        if action.risk_id in ids:
            overdue.setdefault(action.risk_id, []).append(action)
    # Acceptances are few: all of them, rather than an IN over thousands of risk ids.
    accepted = current_acceptances(session, ids if refs is not None else None)
    problems: list[RiskProblem] = []
    for risk in risks:

        def add(check: Check, message: str, risk: _Row = risk) -> None:
            problems.append(RiskProblem(risk.id, risk.ref, check, message))

        if _above(risk):
            add(
                Check.RESIDUAL_ABOVE_INHERENT,
                "the residual rating is above the inherent one; treatment does not raise a risk",
            )
        elif _lowered(risk) and not controls.get(risk.id) and not actions.get(risk.id):
            add(
                Check.RESIDUAL_WITHOUT_TREATMENT,
                "the residual rating is lower than the inherent one, but no control or action is "
                "planned to lower it",
            )
        level = risk.residual_level if risk.residual_level is not None else risk.level
        acceptance = accepted.get((risk.id, AcceptanceKind.ACCEPTANCE))
        if (
            risk.treatment in (TreatmentOption.RETAIN.name, TreatmentOption.RETAIN.value)
            and level is not None
            and not method.acceptable(level)
            and (acceptance is None or acceptance.state(today) is not AcceptanceState.VALID)
        ):
            add(
                Check.RETAINED_WITHOUT_ACCEPTANCE,
                f"retained at {method.level_name(level)}, above the acceptance threshold "
                f"({method.level_name(method.threshold)}), without the risk owner's valid "
                "signed acceptance",
            )
        for kind in AcceptanceKind:
            check = accepted.get((risk.id, kind))
            if check is None:
                continue
            state = check.state(today)
            title = KIND_TITLES[kind]
            if state is AcceptanceState.EXPIRED:
                assert check.expires is not None
                add(Check.ACCEPTANCE_EXPIRED, f"the {title} expired on {check.expires.isoformat()}")
            elif state is AcceptanceState.STALE:
                add(Check.ACCEPTANCE_STALE, f"the {title} is stale: {check.stale_reason}")
            elif state is AcceptanceState.INVALID:
                add(
                    Check.ACCEPTANCE_INVALID,
                    f"the {title} does not verify ({'; '.join(check.problems)})",
                )
        if risk.owner_id is None:
            add(Check.NO_OWNER, "the risk has no owner")
        for action in overdue.get(risk.id, []):
            assert action.due is not None
            who = f" ({action.owner})" if action.owner else ""
            add(
                Check.ACTION_OVERDUE,
                f"the action '{action.text}'{who} was due on {action.due.isoformat()}",
            )
    return problems


def check_risks(
    workspace: Workspace, *, today: date | None = None, refs: Iterable[str] | None = None
) -> list[RiskProblem]:
    with workspace.read() as session:
        return check_session(session, today or date.today(), refs=refs)
