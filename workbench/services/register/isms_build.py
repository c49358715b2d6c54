"""The "Build ISMS Components" workflow: the core ISMS documents from templates, in one go.

Everything is rendered first, then written in one transaction: either all the chosen
artifacts exist afterwards, with their clause links and version 1, or none do. Running it
again offers only what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from workbench.models import WorkspaceProfile
from workbench.services.common import text
from workbench.services.register import artifacts, profile, templates
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import PROFILE_ID, Workspace
from workbench.services.store.writes import run_write


@dataclass(frozen=True)
class BuildItem:
    template_key: str
    title: str
    owner: str
    review_interval_months: int
    core: bool
    selected: bool
    refs: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class BuildPlan:
    items: tuple[BuildItem, ...]
    already_present: tuple[str, ...]

    @property
    def selected(self) -> tuple[BuildItem, ...]:
        return tuple(item for item in self.items if item.selected)


def plan_build(workspace: Workspace, *, include_topic_policies: bool = False) -> BuildPlan:
    """What the wizard offers: every template without a live artifact, core ones selected."""
    with workspace.read() as session:
        present = artifacts.live_template_keys(session)
        current = session.get(WorkspaceProfile, PROFILE_ID)
    owner = current.isms_owner if current else ""
    items = tuple(
        BuildItem(
            template_key=template.key,
            title=template.title,
            owner=owner,
            review_interval_months=template.review_interval_months,
            core=template.core,
            selected=template.core or include_topic_policies,
            refs=template.refs,
            description=template.description,
        )
        for template in templates.load_templates().values()
        if template.key not in present
    )
    return BuildPlan(items, tuple(sorted(present)))


def with_owner(plan: BuildPlan, owner: str) -> BuildPlan:
    """Give every item without an owner of its own the ISMS owner."""
    return replace(plan, items=tuple(replace(i, owner=i.owner or owner) for i in plan.items))


def build_isms(
    workspace: Workspace,
    *,
    actor: str,
    items: Sequence[BuildItem],
    profile_changes: Mapping[str, object] | None = None,
    today: date | None = None,
) -> tuple[ChangeSet, list[int]]:
    """Update the profile and create the chosen artifacts, all in one transaction.

    Raises:
        templates.TemplateRenderError: a template needs a profile field that is empty; nothing
            has been written.
        artifacts.ArtifactError: an item's title or interval is invalid; nothing written.
    """
    day = today or date.today()
    changes = dict(profile_changes or {})
    profile.check_fields(changes)
    with workspace.read() as session:
        current = session.get(WorkspaceProfile, PROFILE_ID)
        risk_method = templates.stored_risk_method(session)
    assert current is not None
    proposed = current.model_copy(update=changes)
    rendered: list[tuple[BuildItem, templates.Template, str]] = []
    for item in items:
        if not item.selected:
            continue
        item = replace(
            item,
            title=text.single_line(item.title, "title"),
            owner=text.single_line(item.owner, "owner"),
        )
        if not item.owner:
            item = replace(item, owner=proposed.isms_owner)
        template = templates.get_template(item.template_key)
        context = templates.template_context(
            proposed,
            document_owner=item.owner,
            review_interval_months=item.review_interval_months,
            today=day,
            risk_method=risk_method,
        )
        rendered.append((item, template, templates.render(template, context)))
        if not item.title.strip() or not 1 <= item.review_interval_months <= 120:
            raise artifacts.ArtifactError(
                f"'{item.title or template.title}' needs a title and an interval of 1 to 120 months"
            )

    created: list[int] = []
    with run_write(
        workspace, actor=actor, action="isms.build", entity="workspace", entity_id=PROFILE_ID,
        durable=True,
    ) as write:  # fmt: skip
        session = write.session
        if changes:
            write.summary["profile"] = profile.apply_changes(session, changes)
            write.changed(profile=True)
        records: list[dict[str, object]] = []
        present = artifacts.live_template_keys(session)
        for item, template, content in rendered:
            if template.key in present:
                continue  # created meanwhile (another window, a second run): never duplicate
            artifact, record = artifacts.insert_artifact(
                session,
                actor=actor,
                kind=template.kind,
                title=item.title,
                owner=item.owner,
                refs=template.refs,
                review_interval_months=item.review_interval_months,
                content=content,
                template=template.key,
                today=day,
                comment=f"Created by Build ISMS Components from {template.title}",
            )
            assert artifact.id is not None
            created.append(artifact.id)
            records.append({"artifact": artifact.id, **record})
        write.summary["created"] = created
        write.summary["artifacts"] = records
        write.changed(artifacts=created)
    return write.changes, created
