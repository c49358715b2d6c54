"""Dates the planner shows from the control records and the evidence vault: each applicable
control's target date until it is implemented, and each piece of evidence's expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from workbench.models import Control, ControlStatus, Evidence


class DateKind(StrEnum):
    CONTROL_TARGET = "control"
    EVIDENCE_EXPIRY = "evidence"


@dataclass(frozen=True)
class DatedItem:
    kind: DateKind
    record_id: int
    title: str
    day: date


def dated_items(session: Session, first: date, last: date) -> list[DatedItem]:
    """Control target dates and evidence expiries from ``first`` to ``last`` (inclusive)."""
    controls = sa_select(col(Control.id), col(Control.local_id), col(Control.target_date)).where(
        col(Control.target_date) >= first,
        col(Control.target_date) <= last,
        col(Control.applicable).is_(True),
        col(Control.status) != ControlStatus.IMPLEMENTED,
    )
    evidence = sa_select(col(Evidence.id), col(Evidence.title), col(Evidence.expires)).where(
        col(Evidence.expires) >= first, col(Evidence.expires) <= last
    )
    connection = session.connection()
    found: list[DatedItem] = []
    for kind, statement, prefix in (
        (DateKind.CONTROL_TARGET, controls, "Control due"),
        (DateKind.EVIDENCE_EXPIRY, evidence, "Evidence expires"),
    ):
        for record_id, name, day in connection.execute(statement):
            if record_id is not None and day is not None:
                found.append(DatedItem(kind, int(record_id), f"{prefix}: {name}", day))
    return found
