"""The risk register, treatment plan and methodology as documents generated from the records:
a new version each time the records change, readable and with the structured snapshot."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.helpers.risks import JONAS, JONAS_PASS, add, with_owners
from workbench.models import AcceptanceKind, ArtifactKind
from workbench.models import TreatmentOption as T
from workbench.services.documents import editing
from workbench.services.documents.diffing import unified
from workbench.services.register import isms_build, versioning
from workbench.services.register.listing import RegisterFilter, export_rows
from workbench.services.risks import acceptance, records, relevel
from workbench.services.risks.documents import DocumentError, update_document
from workbench.services.risks.documents import GeneratedDocument as G
from workbench.services.risks.method import RiskLevel, preset

TODAY = date(2026, 12, 1)


@pytest.fixture
def built(workspace):
    """The core ISMS documents, as Build ISMS Components makes them, and two risks."""
    with_owners(workspace)
    plan = isms_build.with_owner(isms_build.plan_build(workspace), JONAS)
    isms_build.build_isms(
        workspace, actor="Mara", items=plan.selected, today=TODAY,
        profile_changes={"organisation_name": "Acme Logistics", "isms_scope": "Hamburg depot",
                         "isms_owner": JONAS},
    )  # fmt: skip
    add(workspace, "Ransomware | WMS", likelihood=4, impact=5, treatment=T.MODIFY,
        controls=("A.8.13",), residual_likelihood=2, residual_impact=3,
        threat="Criminals encrypt the warehouse system.")  # fmt: skip
    records.add_action(workspace, actor="Mara", ref="R-001", text="Offline backups",
                       owner="Lena", due=TODAY + timedelta(days=30))  # fmt: skip
    add(workspace, "Flood", likelihood=3, impact=4, treatment=T.RETAIN, controls=("A.7.5",))
    return workspace


def _artifact(workspace, kind: ArtifactKind) -> int:
    (row,) = [r for r in export_rows(workspace, RegisterFilter()) if r.kind is kind]
    return row.id


def _snapshot(text: str) -> dict[str, object]:
    block = text.split("```json\n", 1)[1].split("\n```", 1)[0]
    data: dict[str, object] = json.loads(block)
    return data


def test_update_from_risks_writes_the_register_as_a_new_version(built) -> None:
    artifact = _artifact(built, ArtifactKind.RISK_REGISTER)
    result = update_document(built, actor="Mara", which=G.REGISTER, today=TODAY)
    assert (result.artifact_id, result.version, result.created) == (artifact, 2, False)
    text = versioning.get_version(built, artifact).content
    assert "| R-001 | Ransomware \\| WMS | Jonas Weber |" in text  # a pipe stays in its cell
    assert "| 4 Likely | 5 Severe | Critical | Modify | A.8.13 |" in text
    assert "- **Threat:** Criminals encrypt the warehouse system." in text
    snapshot = _snapshot(text)
    assert snapshot["document"] == "risk-register"
    assert snapshot["method"] == {"version": 1, "sha256": preset().sha256, "size": "5x5"}
    risks = snapshot["risks"]
    assert isinstance(risks, list) and [r["id"] for r in risks] == ["R-001", "R-002"]
    assert risks[0]["inherent_level"] == "Critical" and risks[0]["residual_level"] == "Medium"
    # Nothing changed: nothing written.
    with pytest.raises(versioning.UnchangedContent, match="already shows the records"):
        update_document(built, actor="Mara", which=G.REGISTER, today=TODAY)


def test_two_versions_differ_where_the_records_did(built) -> None:
    artifact = _artifact(built, ArtifactKind.RISK_REGISTER)
    update_document(built, actor="Mara", which=G.REGISTER, today=TODAY)
    records.update_risk(built, actor="Mara", ref="R-002", changes={"likelihood": 4, "impact": 5})
    update_document(built, actor="Mara", which=G.REGISTER, today=TODAY)
    old = versioning.get_version(built, artifact, 2).content
    new = versioning.get_version(built, artifact, 3).content
    changed = [
        line for line in unified(old, new, old_label="v2", new_label="v3").splitlines()
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]  # fmt: skip
    assert any('"impact": 5' in line for line in changed)
    assert any('"inherent_level": "Critical"' in line for line in changed)
    assert not any("R-001" in line for line in changed)


def test_the_treatment_plan_lists_actions_and_the_owners_signatures(built) -> None:
    acceptance.sign(built, ref="R-002", signer=JONAS, passphrase=JONAS_PASS,
                    kind=AcceptanceKind.PLAN_APPROVAL, today=TODAY)  # fmt: skip
    acceptance.sign(built, ref="R-002", signer=JONAS, passphrase=JONAS_PASS,
                    expires=date.today() + timedelta(days=365))  # fmt: skip
    result = update_document(built, actor="Mara", which=G.TREATMENT_PLAN, today=TODAY)
    text = versioning.get_version(built, result.artifact_id).content
    assert "| R-001-A1 | R-001 | Offline backups | A.8.13 | Lena |" in text
    line = next(line for line in text.splitlines() if line.startswith("| R-002 | High |"))
    assert line.count(": valid") == 2
    assert _snapshot(text)["document"] == "risk-treatment-plan"


def test_the_register_artifact_is_made_when_there_is_none(workspace) -> None:
    with_owners(workspace)
    add(workspace, "Only risk", likelihood=1, impact=1)
    result = update_document(workspace, actor="Mara", which=G.REGISTER, today=TODAY)
    assert result.created and result.version == 1
    (row,) = export_rows(workspace, RegisterFilter())
    assert (row.kind, row.title) == (
        ArtifactKind.RISK_REGISTER,
        "Information Security Risk Register",
    )
    # The ISMS build does not offer the risk register a second time.
    assert "risk-register" not in {i.template_key for i in isms_build.plan_build(workspace).items}


def test_a_pending_review_is_cancelled_by_an_update_as_by_any_new_version(built) -> None:
    from workbench.services.approvals import reviews

    artifact = _artifact(built, ArtifactKind.RISK_REGISTER)
    reviews.request_review(built, actor="Mara", artifact_id=artifact, approvers=[JONAS])
    result = update_document(built, actor="Mara", which=G.REGISTER, today=TODAY)
    assert result.changes.notices and "cancel" in result.changes.notices[0].lower()


def test_the_methodology_gets_the_new_criteria_and_keeps_the_rest_of_its_text(built) -> None:
    artifact = _artifact(built, ArtifactKind.RISK_METHODOLOGY)
    original = versioning.get_version(built, artifact).content
    assert "| **5** Almost certain | Medium | High | High | Critical | Critical |" in original
    edited = original.replace("## 9. Records", "## 9. Records\n\nKept in the DMS, folder ISMS/R.")
    editing.save_version(built, artifact_id=artifact, content=edited, author="Mara",
                         comment="Where records are kept")  # fmt: skip
    base = preset(4, 4)
    method = replace(base, levels=(*base.levels[:3], RiskLevel("Severe", "#7b1fa2")))
    relevel.set_method(built, actor="Mara", method=method, confirmed=True)
    update_document(built, actor="Mara", which=G.METHODOLOGY, today=TODAY)
    text = versioning.get_version(built, artifact).content
    assert "Kept in the DMS, folder ISMS/R." in text
    assert "| Likelihood ↓ / Impact → | 1 Minor | 2 Moderate | 3 Major | 4 Severe |" in text
    assert "| **4** Almost certain |" in text and "Severe" in text
    assert "risk method, version 2" in text
    assert re.search(r"\| Severe \| No \| \[TO COMPLETE", text)


def test_a_methodology_without_its_criteria_headings_is_not_overwritten(built) -> None:
    artifact = _artifact(built, ArtifactKind.RISK_METHODOLOGY)
    editing.save_version(built, artifact_id=artifact, content="# Our own method\n",
                         author="Mara", comment="Rewritten")  # fmt: skip
    with pytest.raises(DocumentError, match="no sections '### 5.1' to '### 5.5'"):
        update_document(built, actor="Mara", which=G.METHODOLOGY, today=TODAY)
    assert versioning.get_version(built, artifact).content == "# Our own method\n"
