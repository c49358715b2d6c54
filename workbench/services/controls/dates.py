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
    found = [
        DatedItem(DateKind.CONTROL_TARGET, record_id, f"Control due: {local_id}", day)
        for record_id, local_id, day in connection.execute(controls)
    ]
    found += [
        DatedItem(DateKind.EVIDENCE_EXPIRY, record_id, f"Evidence expires: {title}", day)
        for record_id, title, day in connection.execute(evidence)
    ]
    return found
