"""The risks behind a control: "included because of R-012".

A risk's planned controls are catalog references (``ISO27001:2022/A.8.13``) kept by the risk
register (``workbench.services.risks``). The functions here are the only place the controls
package reads risks, so the control records, the SoA, the evidence vault and the dashboard
see a risk the same way.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session, col, select

from workbench.models import Risk, RiskControl
from workbench.services.risks import records


@dataclass(frozen=True)
class RiskLink:
    """A risk that plans a control: its record id, its code (``R-012``) and its title."""

    risk_id: int
    code: str
    title: str


def risk_links(session: Session, refs: Collection[str]) -> dict[str, tuple[RiskLink, ...]]:
    """The risks whose planned controls include each of ``refs``, keyed by ref, by risk code.

    Refs no risk plans are left out of the result.
    """
    wanted = set(refs)
    if not wanted:
        return {}
    statement = (
        select(RiskControl.ref, Risk.id, Risk.ref, Risk.title)
        .join(Risk, col(Risk.id) == col(RiskControl.risk_id))
        .order_by(col(Risk.ref))
    )
    found: dict[str, list[RiskLink]] = {}
    for control, risk_id, code, title in session.exec(statement):
        if control in wanted and risk_id is not None:
            found.setdefault(control, []).append(RiskLink(risk_id, code, title))
    return {ref: tuple(links) for ref, links in found.items()}


def risk_labels(session: Session, risk_ids: Collection[int]) -> dict[int, str]:
    """``R-012 Ransomware on the warehouse system`` for each risk id the register holds."""
    if not risk_ids:
        return {}
    statement = select(Risk.id, Risk.ref, Risk.title).where(col(Risk.id).in_(list(risk_ids)))
    return {
        risk_id: f"{code} {title}"
        for risk_id, code, title in session.exec(statement)
        if risk_id is not None
    }


def find_risk(session: Session, code: str) -> int:
    """The record id of the risk with this code (``R-012``, ``r-12`` or ``12``), for attaching
    evidence to it.

    Raises:
        NotFoundError: no risk has this code.
    """
    risk = records.require_risk(session, code)
    assert risk.id is not None
    return risk.id
