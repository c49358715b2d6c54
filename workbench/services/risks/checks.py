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
from workbench.services.store.workspace import Workspace


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


def _above(risk: Risk) -> bool:
    pairs = (
        (risk.residual_level, risk.level),
        (risk.residual_likelihood, risk.likelihood),
        (risk.residual_impact, risk.impact),
    )
    return any(
        after is not None and before is not None and after > before for after, before in pairs
    )


def _lowered(risk: Risk) -> bool:
    pairs = (
        (risk.residual_level, risk.level),
        (risk.residual_likelihood, risk.likelihood),
        (risk.residual_impact, risk.impact),
    )
    return any(
        after is not None and before is not None and after < before for after, before in pairs
    )


def _counts(
    session: Session, table: type[RiskControl] | type[RiskAction], ids: set[int]
) -> dict[int, int]:
    statement = select(table.risk_id, func.count()).where(col(table.risk_id).in_(ids))
    if table is RiskAction:
        statement = statement.where(col(RiskAction.status) != ActionStatus.CANCELLED)
    return dict(session.exec(statement.group_by(col(table.risk_id))).all())


def check_session(
    session: Session, today: date, *, refs: Iterable[str] | None = None
) -> list[RiskProblem]:
    """Every problem of the (chosen) open risks, in risk order."""
    method = current_method(session)
    statement = select(Risk).where(col(Risk.status) != RiskStatus.CLOSED).order_by(col(Risk.id))
    if refs is not None:
        statement = statement.where(col(Risk.ref).in_(list(refs)))
    risks = list(session.exec(statement))
    ids = {risk.id for risk in risks if risk.id is not None}
    if not ids:
        return []
    controls = _counts(session, RiskControl, ids)
    actions = _counts(session, RiskAction, ids)
    overdue: dict[int, list[RiskAction]] = {}
    for action in session.exec(
        select(RiskAction)
        .where(
            col(RiskAction.risk_id).in_(ids),
            RiskAction.status == ActionStatus.OPEN,
            col(RiskAction.due) < today,
        )
        .order_by(col(RiskAction.due))
    ):
        overdue.setdefault(action.risk_id, []).append(action)
    accepted = current_acceptances(session, ids)
    problems: list[RiskProblem] = []
    for risk in risks:
        assert risk.id is not None

        def add(check: Check, message: str, risk: Risk = risk) -> None:
            assert risk.id is not None
            problems.append(RiskProblem(risk.id, risk.ref, check, message))

        if _above(risk):
            add(
                Check.RESIDUAL_ABOVE_INHERENT,
                "the residual rating is above the inherent one; treatment does not raise a risk",
            )
        elif _lowered(risk) and not controls.get(risk.id) and not actions.get(risk.id):
            add(
                Check.RESIDUAL_WITHOUT_TREATMENT,
                "the residual level is lower than the inherent one, but no control or action is "
                "planned to lower it",
            )
        level = risk.residual_level if risk.residual_level is not None else risk.level
        acceptance = accepted.get((risk.id, AcceptanceKind.ACCEPTANCE))
        if (
            risk.treatment is TreatmentOption.RETAIN
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
