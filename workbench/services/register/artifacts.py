"""Creating and maintaining register entries. Every write is one transaction and one log entry.

An artifact with versions is never deleted: retiring it takes it out of the live register and
keeps its history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from workbench.models import Artifact, ArtifactKind, ArtifactLink, ArtifactStatus, utc_now
from workbench.services.catalog.standards import Catalog, default_catalog
from workbench.services.common import text
from workbench.services.common.errors import ServiceError
from workbench.services.register import profile, templates, versioning
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

EDITABLE = ("title", "kind", "owner", "review_interval_months", "next_review")


class ArtifactError(ServiceError):
    """A request about an artifact that cannot be met; the message is for the user."""


@dataclass(frozen=True)
class ArtifactDetails:
    id: int
    title: str
    kind: ArtifactKind
    owner: str
    status: ArtifactStatus
    review_interval_months: int
    next_review: date | None
    template: str | None
    refs: tuple[str, ...]


def next_review_from(start: date, interval_months: int) -> date:
    return start + relativedelta(months=interval_months)


def check_refs(refs: Iterable[str], catalog: Catalog | None = None) -> tuple[str, ...]:
    """Normalise and check clause/control references; unknown ones are an error."""
    cleaned = tuple(dict.fromkeys(ref.strip() for ref in refs if ref.strip()))
    unknown = (catalog or default_catalog()).unknown(cleaned)
    if unknown:
        raise ArtifactError(f"unknown clause or control reference(s): {', '.join(unknown)}")
    return cleaned


def _check_fields(title: str, review_interval_months: int, owner: str = "") -> None:
    if not text.single_line(title, "title"):
        raise ArtifactError("an artifact needs a title")
    text.single_line(owner, "owner")
    if not 1 <= review_interval_months <= 120:
        raise ArtifactError("the review interval must be between 1 and 120 months")


def _details(session: Session, artifact: Artifact) -> ArtifactDetails:
    assert artifact.id is not None
    refs = session.exec(
        select(ArtifactLink.ref)
        .where(ArtifactLink.artifact_id == artifact.id)
        .order_by(col(ArtifactLink.ref))
    )
    return ArtifactDetails(
        id=artifact.id,
        title=artifact.title,
        kind=artifact.kind,
        owner=artifact.owner,
        status=artifact.status,
        review_interval_months=artifact.review_interval_months,
        next_review=artifact.next_review,
        template=artifact.template,
        refs=tuple(refs),
    )


def get_details(workspace: Workspace, artifact_id: int) -> ArtifactDetails:
    with workspace.read() as session:
        artifact = session.get(Artifact, artifact_id)
        if artifact is None:
            raise ArtifactError(f"there is no artifact {artifact_id}")
        return _details(session, artifact)


def resolve(workspace: Workspace, identifier: str) -> ArtifactDetails:
    """An artifact by register id, or by a title that matches exactly one (case-insensitive)."""
    text = identifier.strip()
    if text.isdigit():
        return get_details(workspace, int(text))
    with workspace.read() as session:
        exact = list(session.exec(select(Artifact).where(col(Artifact.title).ilike(text))))
        matches = exact or list(
            session.exec(select(Artifact).where(col(Artifact.title).ilike(f"%{text}%")))
        )
        if len(matches) == 1:
            return _details(session, matches[0])
    if not matches:
        raise ArtifactError(f"no artifact has the id or title '{identifier}'")
    names = ", ".join(f"{a.id} {a.title}" for a in matches[:5])
    raise ArtifactError(f"'{identifier}' matches {len(matches)} artifacts ({names}); use the id")


def insert_artifact(
    session: Session,
    *,
    actor: str,
    kind: ArtifactKind,
    title: str,
    owner: str,
    refs: Sequence[str],
    review_interval_months: int,
    content: str,
    template: str | None,
    today: date,
    comment: str,
) -> tuple[Artifact, dict[str, object]]:
    """Create an artifact, its links and version 1 as part of the caller's write.

    Returns the artifact and what the write's audit entry records of it.
    """
    artifact = Artifact(
        kind=kind,
        title=title.strip(),
        owner=owner.strip(),
        template=template,
        review_interval_months=review_interval_months,
        next_review=next_review_from(today, review_interval_months),
    )
    session.add(artifact)
    session.flush()
    assert artifact.id is not None
    for ref in refs:
        session.add(ArtifactLink(artifact_id=artifact.id, ref=ref))
    version = versioning.append_version(
        session, artifact=artifact, content=content, author=actor, comment=comment
    )
    return artifact, {
        "title": artifact.title,
        "kind": kind.value,
        "refs": list(refs),
        "template": template,
        "version": version.number,
        "content_sha256": version.content_sha256,
    }


def _create(workspace: Workspace, *, actor: str, **fields: Any) -> tuple[ChangeSet, int]:
    with run_write(
        workspace, actor=actor, action="artifact.create", entity="artifact", durable=True
    ) as write:
        artifact, write.summary = insert_artifact(write.session, actor=actor, **fields)
        assert artifact.id is not None
        write.entity_id = artifact.id
        write.changed(artifacts=[artifact.id])
    return write.changes, artifact.id


def create_artifact(
    workspace: Workspace,
    *,
    actor: str,
    kind: ArtifactKind,
    title: str,
    owner: str = "",
    refs: Sequence[str] = (),
    review_interval_months: int = 12,
    content: str | None = None,
    today: date | None = None,
) -> tuple[ChangeSet, int]:
    """A blank (or given) document as version 1."""
    _check_fields(title, review_interval_months, owner)
    checked = check_refs(refs)
    body = text.document_text(content if content is not None else f"# {title.strip()}\n\n")
    return _create(
        workspace,
        actor=actor,
        kind=kind,
        title=title,
        owner=owner,
        refs=checked,
        review_interval_months=review_interval_months,
        content=body,
        template=None,
        today=today or date.today(),
        comment="Created",
    )


def create_from_template(
    workspace: Workspace,
    *,
    actor: str,
    template_key: str,
    title: str | None = None,
    owner: str | None = None,
    review_interval_months: int | None = None,
    today: date | None = None,
) -> tuple[ChangeSet, int]:
    """Render a template with the workspace profile and store it as version 1."""
    template = templates.get_template(template_key)
    interval = review_interval_months or template.review_interval_months
    day = today or date.today()
    current = profile.get_profile(workspace)
    chosen_owner = owner if owner is not None else current.isms_owner
    with workspace.read() as session:
        risk_method = templates.stored_risk_method(session)
    content = templates.render(
        template,
        templates.template_context(
            current,
            document_owner=chosen_owner,
            review_interval_months=interval,
            today=day,
            risk_method=risk_method,
        ),  # fmt: skip
    )
    chosen_title = title or template.title
    _check_fields(chosen_title, interval, chosen_owner)
    return _create(
        workspace,
        actor=actor,
        kind=template.kind,
        title=chosen_title,
        owner=chosen_owner,
        refs=template.refs,
        review_interval_months=interval,
        content=content,
        template=template.key,
        today=day,
        comment=f"Created from the template {template.title}",
    )


def update_properties(
    workspace: Workspace,
    *,
    actor: str,
    artifact_id: int,
    refs: Sequence[str] | None = None,
    **changes: object,
) -> ChangeSet:
    """Change title, kind, owner, review interval, next review or clause links."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ArtifactError(f"cannot change {', '.join(sorted(unknown))} here")
    checked = check_refs(refs) if refs is not None else None
    with run_write(
        workspace, actor=actor, action="artifact.update", entity="artifact", entity_id=artifact_id
    ) as write:
        session = write.session
        artifact = session.get(Artifact, artifact_id)
        if artifact is None:
            raise ArtifactError(f"there is no artifact {artifact_id}")
        before = _details(session, artifact)
        for name, value in changes.items():
            if name == "kind":
                value = ArtifactKind(str(value))
            elif name in ("title", "owner"):
                value = text.single_line(str(value), name)
            setattr(artifact, name, value)
        _check_fields(artifact.title, artifact.review_interval_months, artifact.owner)
        summary = write.summary
        summary["before"] = {name: getattr(before, name) for name in changes}
        summary["after"] = dict(changes)
        if checked is not None and checked != before.refs:
            for link in session.exec(
                select(ArtifactLink).where(ArtifactLink.artifact_id == artifact_id)
            ):
                if link.ref not in checked:
                    session.delete(link)
            for ref in checked:
                if ref not in before.refs:
                    session.add(ArtifactLink(artifact_id=artifact_id, ref=ref))
            summary["refs"] = {"before": list(before.refs), "after": list(checked)}
        artifact.updated_at = utc_now()
        session.add(artifact)
        write.changed(artifacts=[artifact_id])
    return write.changes


def duplicate(workspace: Workspace, *, actor: str, artifact_id: int) -> tuple[ChangeSet, int]:
    """A new draft artifact with the same properties and the current text as its version 1."""
    source = get_details(workspace, artifact_id)
    text = versioning.get_version(workspace, artifact_id).content
    return _create(
        workspace,
        actor=actor,
        kind=source.kind,
        title=f"Copy of {source.title}",
        owner=source.owner,
        refs=source.refs,
        review_interval_months=source.review_interval_months,
        content=text,
        template=source.template,
        today=date.today(),
        comment=f"Duplicated from artifact {artifact_id}",
    )


def retire(workspace: Workspace, *, actor: str, artifact_id: int, reason: str = "") -> ChangeSet:
    """Take an artifact out of the live register; its versions and approvals stay."""
    with run_write(
        workspace, actor=actor, action="artifact.retire", entity="artifact", entity_id=artifact_id
    ) as write:
        artifact = write.session.get(Artifact, artifact_id)
        if artifact is None:
            raise ArtifactError(f"there is no artifact {artifact_id}")
        if artifact.status is ArtifactStatus.RETIRED:
            raise ArtifactError(f"'{artifact.title}' is already retired")
        before = artifact.status
        artifact.status = ArtifactStatus.RETIRED
        artifact.updated_at = utc_now()
        write.session.add(artifact)
        write.summary.update(before=before.value, reason=text.multi_line(reason, "reason"))
        write.changed(artifacts=[artifact_id])
    return write.changes


def live_template_keys(session: Session) -> set[str]:
    """Templates that already have a live (not retired) artifact."""
    rows = session.exec(
        select(Artifact.template).where(
            col(Artifact.template).is_not(None), col(Artifact.status) != ArtifactStatus.RETIRED
        )
    )
    return {key for key in rows if key}
