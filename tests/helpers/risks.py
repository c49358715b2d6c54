"""A workspace with a risk owner who can sign, and a few risks, shared by the risk tests."""

from __future__ import annotations

from tests.helpers.tamper import tamper as tamper  # where the risk tests import it
from workbench.models import TreatmentOption
from workbench.services.approvals import people
from workbench.services.risks import records
from workbench.services.risks.records import RiskDraft
from workbench.services.store.workspace import Workspace

JONAS = "Jonas Weber"
JONAS_PASS = "correct horse battery"
PRIYA = "Priya Shah"
PRIYA_PASS = "staple lamp orbit"


def with_owners(workspace: Workspace) -> None:
    people.add_person(workspace, actor="Mara", name=JONAS, role="CISO", passphrase=JONAS_PASS)
    people.add_person(workspace, actor="Mara", name=PRIYA, role="CEO", passphrase=PRIYA_PASS)


def add(
    workspace: Workspace, title: str = "Ransomware encrypts the file server", **fields: object
) -> str:
    values: dict[str, object] = {"owner": JONAS, **fields}
    _, ref = records.add_risk(
        workspace,
        actor="Mara",
        draft=RiskDraft(title=title, **values),  # type: ignore[arg-type]
    )
    return ref


def retained_high(workspace: Workspace) -> str:
    """A risk retained at High (above the default threshold, Medium), with a planned control."""
    return add(
        workspace,
        "Flood in the server room",
        likelihood=3,
        impact=4,
        treatment=TreatmentOption.RETAIN,
        controls=("A.7.5",),
    )
