"""The risk register's dates for the planner: treatment actions' due dates and the expiry of
the risk owners' acceptances. The planner shows them on its calendar and in its upcoming list;
it reads them here rather than from the tables, so what counts (an open action of a risk that
is not closed, the newest acceptance of each kind) is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench.models import ActionStatus, Risk, RiskAcceptance, RiskAction, RiskStatus
from workbench.services.risks.acceptance import KIND_TITLES


class DeadlineKind(StrEnum):
    ACTION = "risk_action"
    ACCEPTANCE = "acceptance"


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    item_id: int  # the action's or the acceptance's id
    risk_id: int
    ref: str
    day: date
    title: str
    detail: str


def _open_risk() -> object:
    return col(Risk.status) != RiskStatus.CLOSED


def _actions(session: Session, *conditions: object) -> list[Deadline]:
    statement = (
        select(RiskAction, Risk.ref, Risk.title)
        .join(Risk, col(Risk.id) == col(RiskAction.risk_id))
        .where(
            RiskAction.status == ActionStatus.OPEN,
            col(RiskAction.due).is_not(None),
            _open_risk(),  # type: ignore[arg-type]
            *conditions,  # type: ignore[arg-type]
        )
    )
    found = []
    for action, ref, title in session.exec(statement):
        assert action.id is not None and action.due is not None
        owner = f", owner {action.owner}" if action.owner else ""
        found.append(
            Deadline(
                DeadlineKind.ACTION,
                action.id,
                action.risk_id,
                ref,
                action.due,
                f"Risk action due: {action.text} ({ref})",
                f"treatment of {ref} {title}{owner}",
            )
        )
    return found


def _acceptances(session: Session, *conditions: object) -> list[Deadline]:
    latest = (
        select(func.max(RiskAcceptance.id))
        .group_by(col(RiskAcceptance.risk_id), col(RiskAcceptance.kind))
        .scalar_subquery()
    )
    statement = (
        select(RiskAcceptance, Risk.ref, Risk.title)
        .join(Risk, col(Risk.id) == col(RiskAcceptance.risk_id))
        .where(
            col(RiskAcceptance.id).in_(latest),
            col(RiskAcceptance.expires).is_not(None),
            _open_risk(),  # type: ignore[arg-type]
            *conditions,  # type: ignore[arg-type]
        )
    )
    found = []
    for row, ref, title in session.exec(statement):
        assert row.id is not None and row.expires is not None
        what = KIND_TITLES[row.kind]
        found.append(
            Deadline(
                DeadlineKind.ACCEPTANCE,
                row.id,
                row.risk_id,
                ref,
                row.expires,
                f"{what.capitalize()} expires: {ref} {title}",
                f"signed {row.signed_at:%Y-%m-%d}; sign again before it expires",
            )
        )
    return found


def between(session: Session, first: date, last: date) -> list[Deadline]:
    """Open actions due, and current acceptances expiring, from ``first`` to ``last``."""
    return _actions(
        session, col(RiskAction.due) >= first, col(RiskAction.due) <= last
    ) + _acceptances(
        session, col(RiskAcceptance.expires) >= first, col(RiskAcceptance.expires) <= last
    )


def overdue(session: Session, today: date) -> list[Deadline]:
    """Open actions past their due date and current acceptances past their expiry."""
    return _actions(session, col(RiskAction.due) < today) + _acceptances(
        session, col(RiskAcceptance.expires) < today
    )
