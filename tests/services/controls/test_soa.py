"""The SoA generated from the control records: snapshot, comparison, approval and publishing."""

from __future__ import annotations

import re
import zlib
from datetime import date
from pathlib import Path

import pytest

from tests.helpers.approvals import JONAS_PASS, PRIYA_PASS, tamper, with_people
from tests.helpers.controls import add_file, walkthrough_decisions
from tests.helpers.readers import docx_text
from workbench.models import ArtifactKind
from workbench.services.approvals import decisions, reviews, signing
from workbench.services.approvals.signing import SignatureState
from workbench.services.audit import verify
from workbench.services.common.markup import render_markdown
from workbench.services.controls import records, soa
from workbench.services.controls.soa import SoaError
from workbench.services.documents import diffing
from workbench.services.exports import publishing
from workbench.services.register import artifacts, isms_build, profile, versioning

CONTROL_LINE = re.compile(r'^\[soa-control:(?P<id>[^\]]+)\]: # "\{.*\}"$')


@pytest.fixture
def acme(workspace):
    """Acme after "Build ISMS Components": the SoA from the template is version 1."""
    profile.update_profile(
        workspace, actor="Mara", organisation_name="Acme Logistics",
        isms_scope="Warehouse management platform and Hamburg depot", isms_owner="Jonas Weber",
    )  # fmt: skip
    plan = isms_build.plan_build(workspace)
    isms_build.build_isms(workspace, actor="Mara", items=plan.items)
    return workspace


def soa_id(workspace) -> int:
    found = soa.soa_artifact_id(workspace)
    assert found is not None
    return found


def test_update_writes_the_records_as_the_next_version_of_the_soa(acme, tmp_path) -> None:
    walkthrough_decisions(acme)
    add_file(acme, tmp_path, "restore-test.pdf", title="Restore test report",
             expires=date(2027, 11, 30))  # fmt: skip
    template_text = versioning.get_version(acme, soa_id(acme), 1).content
    changes, update = soa.update_soa(acme, actor="Mara")
    assert (update.artifact_id, update.version, update.created) == (soa_id(acme), 2, False)
    assert update.changes == (
        "93 controls (the previous version was not generated from the control records)",
    )
    assert changes.artifacts == {update.artifact_id}
    # the template's text stays as version 1
    assert versioning.get_version(acme, update.artifact_id, 1).content == template_text
    text = versioning.get_version(acme, update.artifact_id, 2).content
    snapshot = soa.parse_snapshot(text)
    assert snapshot is not None and snapshot == soa.build_snapshot(acme)
    assert len(snapshot.controls) == 93
    assert [m.group("id") for m in map(CONTROL_LINE.match, text.splitlines()) if m][:2] == [
        "A.5.1", "A.5.2",
    ]  # fmt: skip
    excluded = snapshot.control("A.7.4")
    assert excluded is not None and not excluded.applicable
    assert excluded.justification == "Offices are leased; the landlord monitors the building"
    backup = snapshot.control("A.8.13")
    assert backup is not None
    assert (backup.status, backup.reasons, backup.owner) == (
        "implemented", ("legal", "business"), "Jonas Weber",
    )  # fmt: skip
    assert [(e.title, e.revision, e.expires) for e in backup.evidence] == [
        ("Restore test report", 1, date(2027, 11, 30)),
    ]  # fmt: skip
    scope = next(c for c in snapshot.clauses if c.id == "4.3")
    assert [d.title for d in scope.documents] == ["ISMS Scope Statement"]


def test_the_version_reads_as_tables_and_hides_the_snapshot(acme) -> None:
    walkthrough_decisions(acme)
    _, update = soa.update_soa(acme, actor="Mara")
    html = render_markdown(versioning.get_version(acme, update.artifact_id, 2).content)
    assert "<h2>A.7 Physical controls (14)</h2>" in html
    assert "<td>A.7.4</td>\n<td>Physical security monitoring</td>\n<td>No</td>" in html
    assert "<td>LR, BP</td>" in html
    assert "Offices are leased; the landlord monitors the building" in html
    assert "soa-control" not in html and '"applicable"' not in html
    assert html.count("<table>") == 2 + 4  # summary, clauses, one per Annex A theme


def test_comparing_two_versions_shows_only_what_changed(acme) -> None:
    soa.update_soa(acme, actor="Mara")
    records.update_control(acme, "A.5.15", actor="Mara", status="partial", owner="IT")
    _, update = soa.update_soa(acme, actor="Mara")
    assert update.changes == (
        "A.5.15 Access control: status not_started → partial; owner none → IT",
    )
    assert update.summary() == "version 3, 1 control(s) changed"
    old = versioning.get_version(acme, update.artifact_id, update.version - 1).content
    new = versioning.get_version(acme, update.artifact_id, update.version).content
    new_lines = new.splitlines()
    changed = [
        new_lines[row.right_number - 1]
        for row in diffing.side_by_side(old, new)
        if row.change is not diffing.Change.EQUAL and row.right_number is not None
    ]
    # the theme's summary row, the control's table row, the control's snapshot line
    assert len(changed) == 3
    assert changed[0].startswith("| Organizational controls | 37 | 37 | 0 | 0 | 1 | 0 | 36 |")
    assert changed[1].startswith(
        "| A.5.15 | Access control | Yes |  |  | Partially implemented | IT"
    )
    assert changed[2].startswith('[soa-control:A.5.15]: # "{')


def test_an_unchanged_soa_makes_no_version(acme) -> None:
    soa.update_soa(acme, actor="Mara")
    with pytest.raises(versioning.UnchangedContent, match="already matches the control records"):
        soa.update_soa(acme, actor="Mara")


def test_without_an_soa_in_the_register_one_is_created(workspace) -> None:
    with pytest.raises(SoaError, match="holds no Statement of Applicability"):
        soa.generated_version(workspace)
    _, update = soa.update_soa(workspace, actor="Mara", today=date(2026, 12, 1))
    assert (update.version, update.created) == (1, True)
    details = artifacts.get_details(workspace, update.artifact_id)
    assert (details.kind, details.title, details.refs) == (
        ArtifactKind.SOA, "Statement of Applicability", ("ISO27001:2022/6.1.3",),
    )  # fmt: skip


def test_approval_signs_the_exact_snapshot_and_publishing_renders_it(acme, tmp_path) -> None:
    with_people(acme)
    walkthrough_decisions(acme)
    _, update = soa.update_soa(acme, actor="Mara")
    artifact_id = update.artifact_id
    reviews.request_review(acme, actor="Mara", artifact_id=artifact_id, approvers=["Jonas Weber"])
    decisions.approve(acme, artifact_id=artifact_id, version=update.version, signer="Jonas Weber",
                      passphrase=JONAS_PASS, comment="SoA agreed")  # fmt: skip
    status = signing.signature_status(acme, artifact_id, update.version)
    assert status.state is SignatureState.VALID
    generated = soa.generated_version(acme)
    assert generated.version == update.version

    # a later update leaves the approved snapshot as it was signed
    records.update_control(acme, "A.5.1", actor="Mara", status="implemented")
    _, later = soa.update_soa(acme, actor="Mara")
    assert soa.generated_version(acme, update.version).snapshot == generated.snapshot
    assert soa.generated_version(acme).version == later.version

    _, result = publishing.publish(acme, actor="Mara", artifact_id=artifact_id, out_dir=tmp_path,
                                   version=update.version)  # fmt: skip
    assert result.version == update.version
    word = docx_text(next(p for p in result.files if p.suffix == ".docx"))
    assert "Physical security monitoring No" in word
    assert "soa-control" not in word
    with acme.read() as session:
        from workbench.models import Artifact

        published = session.get(Artifact, artifact_id)
        assert published is not None and published.published_version == update.version


def test_an_update_cancels_a_review_of_the_previous_version(acme) -> None:
    with_people(acme)
    _, update = soa.update_soa(acme, actor="Mara")
    reviews.request_review(
        acme, actor="Mara", artifact_id=update.artifact_id, approvers=["Jonas Weber", "Priya Shah"]
    )
    decisions.approve(acme, artifact_id=update.artifact_id, version=update.version,
                      signer="Priya Shah", passphrase=PRIYA_PASS)  # fmt: skip
    records.update_control(acme, "A.5.1", actor="Mara", owner="Jonas Weber")
    changes, _ = soa.update_soa(acme, actor="Mara")
    assert changes.notices and "cancelled" in changes.notices[0]


def test_a_changed_snapshot_breaks_the_signature_and_verify_names_it(acme, tmp_path) -> None:
    with_people(acme)
    _, update = soa.update_soa(acme, actor="Mara")
    artifact_id = update.artifact_id
    reviews.request_review(acme, actor="Mara", artifact_id=artifact_id, approvers=["Jonas Weber"])
    decisions.approve(acme, artifact_id=artifact_id, version=update.version, signer="Jonas Weber",
                      passphrase=JONAS_PASS)  # fmt: skip
    text = versioning.get_version(acme, artifact_id, update.version).content
    forged = text.replace('"applicable":true', '"applicable":false', 1)
    assert forged != text
    with acme.read() as session:
        from sqlmodel import select

        from workbench.models import Version

        version_id = session.exec(
            select(Version.id).where(
                Version.artifact_id == artifact_id, Version.number == update.version
            )  # fmt: skip
        ).one()
    tamper(acme, "UPDATE version SET content_z = ? WHERE id = ?", zlib.compress(forged.encode()),
           version_id)  # fmt: skip
    problems = [str(p) for p in verify.verify_workspace(acme).problems]
    assert any(p.endswith(f"version {update.version}: its content was changed") for p in problems)
    assert any("signature invalid" in p for p in problems)


def test_a_version_not_generated_is_not_exported_as_one(acme) -> None:
    with pytest.raises(SoaError, match="no version generated from the control records yet"):
        soa.generated_version(acme)
    with pytest.raises(SoaError, match="version 1 of the Statement of Applicability was not"):
        soa.generated_version(acme, 1)


def test_an_unreadable_snapshot_line_is_named() -> None:
    text = '[soa]: # "{"format":"grc-workbench-soa/1"}"\n[soa-control:A.5.1]: # "{broken}"\n'
    with pytest.raises(SoaError, match="line for A.5.1 cannot be read"):
        soa.parse_snapshot(text)
    assert soa.parse_snapshot("# An SoA written by hand\n") is None


def test_custom_and_privacy_controls_follow_annex_a(acme, tmp_path: Path) -> None:
    records.add_custom_control(acme, actor="Mara", local_id="ACME-01", title="Tachograph data")
    records.add_privacy_controls(acme, actor="Mara")
    _, update = soa.update_soa(acme, actor="Mara")
    text = versioning.get_version(acme, update.artifact_id, update.version).content
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[3:9] == [
        "## A.6 People controls (8)", "## A.7 Physical controls (14)",
        "## A.8 Technological controls (34)", "## Additional controls (1)",
        "## Privacy controls for PII controllers, ISO/IEC 27701:2019 (31)",
        "## Privacy controls for PII processors, ISO/IEC 27701:2019 (18)",
    ]  # fmt: skip
    snapshot = soa.parse_snapshot(text)
    assert snapshot is not None and len(snapshot.controls) == 93 + 1 + 49
