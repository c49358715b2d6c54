from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from workbench.models import Artifact, ArtifactKind, ArtifactStatus, AuditLogEntry, Version
from workbench.services.documents import editing
from workbench.services.register import artifacts, profile, versioning
from workbench.services.register.artifacts import ArtifactError
from workbench.services.register.templates import TemplateRenderError
from workbench.services.store import audit_log


def acme(workspace) -> None:
    profile.update_profile(
        workspace,
        actor="Mara",
        organisation_name="Acme Logistics",
        isms_scope="Warehouse management platform and Hamburg depot",
        isms_owner="Jonas Weber",
    )


def test_blank_artifact_gets_version_1_links_and_review_date(workspace) -> None:
    changes, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.PROCEDURE, title="Patch procedure",
        owner="Priya", refs=["ISO27001:2022/A.8.8", " ISO27001:2022/A.8.8 "],
        review_interval_months=6, today=date(2026, 11, 28),
    )  # fmt: skip
    assert changes.artifacts == {artifact_id}
    details = artifacts.get_details(workspace, artifact_id)
    assert details.refs == ("ISO27001:2022/A.8.8",)
    assert details.next_review == date(2027, 5, 28)
    assert details.status is ArtifactStatus.DRAFT
    version = versioning.get_version(workspace, artifact_id)
    assert version.info.number == 1
    assert version.content == "# Patch procedure\n\n"


def test_from_template_uses_the_profile(workspace) -> None:
    acme(workspace)
    _, artifact_id = artifacts.create_from_template(
        workspace, actor="Mara", template_key="isms-scope"
    )
    details = artifacts.get_details(workspace, artifact_id)
    assert details.owner == "Jonas Weber"
    assert details.template == "isms-scope"
    assert "ISO27001:2022/4.3" in details.refs
    text = versioning.get_version(workspace, artifact_id).content
    assert "Warehouse management platform and Hamburg depot" in text


def test_template_without_profile_writes_nothing(workspace) -> None:
    with pytest.raises(TemplateRenderError, match="needs the organisation name"):
        artifacts.create_from_template(workspace, actor="Mara", template_key="isms-scope")
    with workspace.read() as session:
        assert list(session.exec(select(Artifact))) == []


def test_bad_input_is_refused_before_writing(workspace) -> None:
    with pytest.raises(ArtifactError, match="unknown clause or control reference"):
        artifacts.create_artifact(
            workspace, actor="Mara", kind=ArtifactKind.POLICY, title="X", refs=["ISO27001:2022/4.9"]
        )
    with pytest.raises(ArtifactError, match="needs a title"):
        artifacts.create_artifact(workspace, actor="Mara", kind=ArtifactKind.POLICY, title="  ")
    with pytest.raises(ArtifactError, match="between 1 and 120"):
        artifacts.create_artifact(
            workspace, actor="Mara", kind=ArtifactKind.POLICY, title="X", review_interval_months=0
        )
    with workspace.read() as session:
        assert list(session.exec(select(Artifact))) == []


def test_update_properties_and_links_are_logged(workspace) -> None:
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Policy",
        refs=["ISO27001:2022/5.2"],
    )  # fmt: skip
    artifacts.update_properties(
        workspace, actor="Mara", artifact_id=artifact_id, title="Information security policy",
        owner="Jonas", refs=["ISO27001:2022/5.2", "ISO27001:2022/A.5.1"],
    )  # fmt: skip
    details = artifacts.get_details(workspace, artifact_id)
    assert (details.title, details.owner) == ("Information security policy", "Jonas")
    assert details.refs == ("ISO27001:2022/5.2", "ISO27001:2022/A.5.1")
    with workspace.read() as session:
        last = audit_log.recent(session, limit=1)[0]
        assert last.action == "artifact.update"
        assert audit_log.verify_chain(session) == []
    with pytest.raises(ArtifactError, match="cannot change status"):
        artifacts.update_properties(workspace, actor="Mara", artifact_id=artifact_id, status="x")


def test_duplicate_copies_current_text_as_a_new_draft(workspace) -> None:
    _, original = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Policy", content="# v1\n"
    )
    editing.save_version(
        workspace, artifact_id=original, content="# v2\n", author="Mara", comment="edit"
    )
    _, copy = artifacts.duplicate(workspace, actor="Mara", artifact_id=original)
    assert artifacts.get_details(workspace, copy).title == "Copy of Policy"
    assert versioning.get_version(workspace, copy).content == "# v2\n"
    assert versioning.get_version(workspace, copy).info.number == 1


def test_retire_keeps_versions_and_cannot_repeat(workspace) -> None:
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.RECORD, title="Old record"
    )
    artifacts.retire(workspace, actor="Mara", artifact_id=artifact_id, reason="superseded")
    assert artifacts.get_details(workspace, artifact_id).status is ArtifactStatus.RETIRED
    with workspace.read() as session:
        assert len(list(session.exec(select(Version)))) == 1
        entry = session.exec(
            select(AuditLogEntry).where(AuditLogEntry.action == "artifact.retire")
        ).one()
        assert '"reason":"superseded"' in entry.summary
    with pytest.raises(ArtifactError, match="already retired"):
        artifacts.retire(workspace, actor="Mara", artifact_id=artifact_id)


def test_resolve_by_id_title_or_fragment(workspace) -> None:
    for title in ("Access Control Policy", "Backup Policy", "Backup Procedure"):
        artifacts.create_artifact(workspace, actor="M", kind=ArtifactKind.POLICY, title=title)
    assert artifacts.resolve(workspace, "1").title == "Access Control Policy"
    assert artifacts.resolve(workspace, "backup policy").id == 2
    assert artifacts.resolve(workspace, "access").id == 1
    with pytest.raises(ArtifactError, match="matches 2 artifacts"):
        artifacts.resolve(workspace, "backup")
    with pytest.raises(ArtifactError, match="no artifact has the id or title 'ghost'"):
        artifacts.resolve(workspace, "ghost")
    with pytest.raises(ArtifactError, match="there is no artifact 99"):
        artifacts.resolve(workspace, "99")
