from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from workbench.models import Artifact, ArtifactLink, ArtifactStatus, Version
from workbench.services.register import artifacts, isms_build, profile
from workbench.services.register.templates import TemplateRenderError, load_templates

ACME = {
    "organisation_name": "Acme Logistics",
    "isms_scope": "Warehouse management platform and Hamburg depot",
    "isms_owner": "Jonas Weber",
}


def test_plan_preselects_the_core_set(workspace) -> None:
    plan = isms_build.plan_build(workspace)
    core = {t.key for t in load_templates().values() if t.core}
    assert {item.template_key for item in plan.selected} == core
    assert {i.template_key for i in plan.items if not i.selected} == set(load_templates()) - core


def test_build_creates_everything_in_one_go(workspace) -> None:
    plan = isms_build.plan_build(workspace)
    changes, created = isms_build.build_isms(
        workspace, actor="Mara", items=plan.selected, profile_changes=ACME, today=date(2026, 11, 28)
    )
    assert len(created) == len(plan.selected)
    assert changes.artifacts == set(created) and changes.profile
    assert profile.get_profile(workspace).organisation_name == "Acme Logistics"
    with workspace.read() as session:
        rows = list(session.exec(select(Artifact)))
        assert {a.status for a in rows} == {ArtifactStatus.DRAFT}
        assert len(list(session.exec(select(Version)))) == len(created)
        scope = session.exec(select(Artifact).where(Artifact.template == "isms-scope")).one()
        links = {
            link.ref for link in session.exec(select(ArtifactLink)) if link.artifact_id == scope.id
        }
    assert "ISO27001:2022/4.3" in links
    assert scope.owner == "Jonas Weber"


def test_second_run_offers_only_what_is_missing_and_never_duplicates(workspace) -> None:
    first = isms_build.plan_build(workspace)
    isms_build.build_isms(workspace, actor="Mara", items=first.selected[:3], profile_changes=ACME)
    second = isms_build.plan_build(workspace)
    assert len(second.already_present) == 3
    assert not {i.template_key for i in second.items} & set(second.already_present)
    # building the full first plan again creates only the missing ones
    _, created = isms_build.build_isms(workspace, actor="Mara", items=first.selected)
    assert len(created) == len(first.selected) - 3
    with workspace.read() as session:
        keys = [a.template for a in session.exec(select(Artifact))]
    assert len(keys) == len(set(keys))


def test_retired_component_is_offered_again(workspace) -> None:
    plan = isms_build.plan_build(workspace)
    _, created = isms_build.build_isms(
        workspace, actor="Mara", items=plan.selected[:1], profile_changes=ACME
    )
    artifacts.retire(workspace, actor="Mara", artifact_id=created[0])
    assert plan.selected[0].template_key in {
        i.template_key for i in isms_build.plan_build(workspace).items
    }


def test_all_or_nothing_when_a_template_cannot_render(workspace) -> None:
    plan = isms_build.plan_build(workspace)
    with pytest.raises(TemplateRenderError, match="needs the organisation name"):
        isms_build.build_isms(
            workspace, actor="Mara", items=plan.selected,
            profile_changes={"isms_scope": "x", "isms_owner": "y"},
        )  # fmt: skip
    with workspace.read() as session:
        assert list(session.exec(select(Artifact))) == []
    assert profile.get_profile(workspace).isms_scope == ""  # the profile was not half-written
