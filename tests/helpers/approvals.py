"""A workspace with two approvers and a policy, shared by the approval tests."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from tests.helpers.tamper import tamper as tamper  # where the approval tests import it
from workbench.models import ArtifactKind
from workbench.services.approvals import decisions, people, reviews
from workbench.services.register import artifacts
from workbench.services.store.workspace import Workspace

JONAS_PASS = "correct horse battery"
PRIYA_PASS = "staple lamp orbit"
POLICY_TEXT = """# Access Control Policy

Access to information is granted on a *need-to-know* basis.

## Rules

- Accounts are **personal**.
- Reviews happen quarterly.

| Role | Access |
|---|---|
| Admin | Full |
| User | Read |
"""


class Setup(NamedTuple):
    workspace: Workspace
    artifact_id: int


def with_people(workspace: Workspace) -> None:
    people.add_person(workspace, actor="Mara", name="Jonas Weber", role="CISO",
                      email="jonas@acme.example", passphrase=JONAS_PASS)  # fmt: skip
    people.add_person(workspace, actor="Mara", name="Priya Shah", role="CEO",
                      passphrase=PRIYA_PASS)  # fmt: skip


def with_policy(workspace: Workspace) -> int:
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Access Control Policy",
        owner="Jonas Weber", content=POLICY_TEXT, review_interval_months=12,
        today=date(2026, 1, 10),
    )  # fmt: skip
    return artifact_id


def approved_by_both(workspace: Workspace, artifact_id: int, version: int = 1) -> None:
    reviews.request_review(
        workspace, actor="Mara", artifact_id=artifact_id, approvers=["Jonas Weber", "Priya Shah"]
    )
    for signer, passphrase, comment in (
        ("Jonas Weber", JONAS_PASS, "Fine"),
        ("Priya Shah", PRIYA_PASS, "Agreed"),
    ):
        decisions.approve(
            workspace, artifact_id=artifact_id, version=version, signer=signer,
            passphrase=passphrase, comment=comment, today=date(2026, 11, 28),
        )  # fmt: skip
