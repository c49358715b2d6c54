"""Risks as records: adding, changing and reading them, their links and treatment actions.

A risk's stable id (``ref``) is ``R-001``, ``R-002``, ... in the order risks are added; an
imported risk may keep the client's own id so that importing the same sheet again updates it.
Levels are computed from the method in force on every write, never taken from the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench.models import (
    ActionStatus,
    Artifact,
    Asset,
    Person,
    Risk,
    RiskAcceptance,
    RiskAction,
    RiskAssetLink,
    RiskControl,
    RiskDocument,
    RiskStatus,
    TreatmentOption,
    utc_now,
)
from workbench.services.approvals import people
from workbench.services.catalog.standards import default_catalog
from workbench.services.common.errors import NotFoundError, ServiceError
from workbench.services.risks.method import Axis, RiskMethod, current_method
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import Write, run_write

CONTROL_PACK = "ISO27001:2022"
REF_PREFIX = "R-"
OWN_REF = re.compile(r"^R-(\d+)$", re.IGNORECASE)
# What an imported id may look like: the client's own scheme, kept as it is.
FOREIGN_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$")
TEXT_FIELDS = ("title", "threat", "vulnerability", "consequence", "existing_controls")


class RiskError(ServiceError):
    """A request about a risk that cannot be met; the message is for the user."""


@dataclass(frozen=True)
class RiskDraft:
    """A risk as the user describes it. Names and refs are resolved when it is written."""

    title: str
    threat: str = ""
    vulnerability: str = ""
    consequence: str = ""
    owner: str = ""
    assets: tuple[str, ...] = ()
    existing_controls: str = ""
    likelihood: int | None = None
    impact: int | None = None
    treatment: TreatmentOption | None = None
    controls: tuple[str, ...] = ()
    documents: tuple[int, ...] = ()
    residual_likelihood: int | None = None
    residual_impact: int | None = None
    status: RiskStatus = RiskStatus.OPEN
    review_date: date | None = None
    source: str | None = None


DRAFT_FIELDS = tuple(f.name for f in fields(RiskDraft))


@dataclass(frozen=True)
class ActionInfo:
    id: int
    text: str
    owner: str
    due: date | None
    status: ActionStatus
    done_on: date | None

    def overdue(self, today: date) -> bool:
        return self.status is ActionStatus.OPEN and self.due is not None and self.due < today


@dataclass(frozen=True)
class DocumentLink:
    artifact_id: int
    title: str


@dataclass(frozen=True)
class RiskDetails:
    """Everything about one risk, levels computed, names resolved."""

    id: int
    ref: str
    draft: RiskDraft
    level: int | None
    residual_level: int | None
    method: RiskMethod
    documents: tuple[DocumentLink, ...]
    actions: tuple[ActionInfo, ...]
    created_at: datetime
    updated_at: datetime
    owner_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def title(self) -> str:
        return self.draft.title

    @property
    def level_name(self) -> str:
        return self.method.level_name(self.level)

    @property
    def residual_level_name(self) -> str:
        return self.method.level_name(self.residual_level)

    @property
    def effective_level(self) -> int | None:
        """The level the risk stands at once treated: residual when rated, else inherent."""
        return self.residual_level if self.residual_level is not None else self.level


# --- references -----------------------------------------------------------------------------


def format_ref(number: int) -> str:
    return f"{REF_PREFIX}{number:03d}"


def normal_ref(text: str) -> str:
    """``r-7``, ``R-007`` and ``7`` all name R-007; another scheme's id is kept as written."""
    cleaned = text.strip()
    if cleaned.isdigit():
        return format_ref(int(cleaned))
    own = OWN_REF.match(cleaned)
    if own:
        return format_ref(int(own.group(1)))
    return cleaned


def control_ref(text: str) -> str:
    """``A.8.13``, ``8.13`` or ``ISO27001:2022/A.8.13`` as the catalog reference."""
    cleaned = text.strip()
    if "/" in cleaned:
        return cleaned
    if not cleaned.upper().startswith("A."):
        cleaned = f"A.{cleaned}"
    return f"{CONTROL_PACK}/A.{cleaned[2:]}"


def short_control(ref: str) -> str:
    return ref.split("/", 1)[-1]


def control_order(ref: str) -> tuple[object, ...]:
    """Sorts controls as the standard lists them: A.8.7 before A.8.13."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"[./]", ref))


def check_controls(values: Iterable[str]) -> tuple[str, ...]:
    refs = tuple(dict.fromkeys(control_ref(v) for v in values if v.strip()))
    catalog = default_catalog()
    wrong = [ref for ref in refs if not (entry := catalog.get(ref)) or not entry.is_control]
    if wrong:
        listed = ", ".join(short_control(ref) for ref in wrong)
        raise RiskError(f"not a control of the catalog: {listed} (expected ids like A.8.13)")
    return refs


def _next_number(session: Session) -> int:
    numbers = [
        int(match.group(1))
        for ref in session.exec(select(Risk.ref).where(col(Risk.ref).like(f"{REF_PREFIX}%")))
        if (match := OWN_REF.match(ref))
    ]
    return max(numbers, default=0) + 1


def find_risk(session: Session, ref: str) -> Risk | None:
    wanted = normal_ref(ref)
    found = session.exec(select(Risk).where(Risk.ref == wanted)).first()
    if found is None and wanted != ref.strip():
        found = session.exec(select(Risk).where(Risk.ref == ref.strip())).first()
    if found is None:
        found = session.exec(
            select(Risk).where(func.lower(Risk.ref) == ref.strip().lower())
        ).first()
    return found


def require_risk(session: Session, ref: str) -> Risk:
    risk = find_risk(session, ref)
    if risk is None:
        raise NotFoundError(f"there is no risk {ref.strip()} in this workspace")
    return risk


# --- checking a draft -----------------------------------------------------------------------


def _rating(method: RiskMethod, axis: Axis, value: int | None, what: str) -> None:
    if value is None:
        return
    size = len(method.scale(axis))
    if not 1 <= value <= size:
        raise RiskError(f"the {what} must be 1 to {size} on this method's {axis.value} scale")


def _check_draft(method: RiskMethod, draft: RiskDraft) -> RiskDraft:
    title = " ".join(draft.title.split())
    if not title:
        raise RiskError("a risk needs a title")
    for axis, value, what in (
        (Axis.LIKELIHOOD, draft.likelihood, "likelihood"),
        (Axis.IMPACT, draft.impact, "impact"),
        (Axis.LIKELIHOOD, draft.residual_likelihood, "residual likelihood"),
        (Axis.IMPACT, draft.residual_impact, "residual impact"),
    ):
        _rating(method, axis, value, what)
    if (draft.likelihood is None) != (draft.impact is None):
        raise RiskError("rate both the likelihood and the impact, or neither")
    if (draft.residual_likelihood is None) != (draft.residual_impact is None):
        raise RiskError("rate both the residual likelihood and the residual impact, or neither")
    return replace(
        draft,
        title=title,
        threat=draft.threat.strip(),
        vulnerability=draft.vulnerability.strip(),
        consequence=draft.consequence.strip(),
        existing_controls=draft.existing_controls.strip(),
        owner=" ".join(draft.owner.split()),
        controls=check_controls(draft.controls),
        assets=tuple(dict.fromkeys(" ".join(a.split()) for a in draft.assets if a.strip())),
        documents=tuple(dict.fromkeys(draft.documents)),
    )


def _owner_id(session: Session, name: str) -> int | None:
    if not name:
        return None
    person = people.find(session, name)
    if person is None:
        raise RiskError(
            f"there is no person named '{name}' in this workspace; add the risk owner first"
        )
    return person.id


def _asset_ids(session: Session, names: Sequence[str]) -> list[int]:
    ids: list[int] = []
    for name in names:
        asset = session.exec(select(Asset).where(func.lower(Asset.name) == name.lower())).first()
        if asset is None or asset.id is None:
            raise RiskError(f"there is no asset named '{name}'; add it first")
        ids.append(asset.id)
    return ids


def _check_documents(session: Session, ids: Sequence[int]) -> None:
    for artifact_id in ids:
        if session.get(Artifact, artifact_id) is None:
            raise RiskError(f"there is no register artifact {artifact_id}")


# --- writing --------------------------------------------------------------------------------


def _apply(session: Session, risk: Risk, draft: RiskDraft, method: RiskMethod) -> None:
    """Put a checked draft on a risk row and its links (the risk has an id)."""
    assert risk.id is not None
    risk.title, risk.threat = draft.title, draft.threat
    risk.vulnerability, risk.consequence = draft.vulnerability, draft.consequence
    risk.existing_controls = draft.existing_controls
    risk.owner_id = _owner_id(session, draft.owner)
    risk.likelihood, risk.impact = draft.likelihood, draft.impact
    risk.residual_likelihood, risk.residual_impact = (
        draft.residual_likelihood,
        draft.residual_impact,
    )
    risk.level = method.level_of(draft.likelihood, draft.impact)
    risk.residual_level = method.level_of(draft.residual_likelihood, draft.residual_impact)
    risk.treatment, risk.status, risk.review_date = draft.treatment, draft.status, draft.review_date
    risk.source = draft.source
    risk.updated_at = utc_now()
    session.add(risk)
    _replace_links(session, risk.id, draft)


def _replace_links(session: Session, risk_id: int, draft: RiskDraft) -> None:
    assets = set(_asset_ids(session, draft.assets))
    for link in session.exec(select(RiskAssetLink).where(RiskAssetLink.risk_id == risk_id)):
        if link.asset_id not in assets:
            session.delete(link)
        assets.discard(link.asset_id)
    session.add_all(RiskAssetLink(risk_id=risk_id, asset_id=asset_id) for asset_id in assets)
    controls = set(draft.controls)
    for control in session.exec(select(RiskControl).where(RiskControl.risk_id == risk_id)):
        if control.ref not in controls:
            session.delete(control)
        controls.discard(control.ref)
    session.add_all(RiskControl(risk_id=risk_id, ref=ref) for ref in sorted(controls))
    _check_documents(session, draft.documents)
    documents = set(draft.documents)
    for document in session.exec(select(RiskDocument).where(RiskDocument.risk_id == risk_id)):
        if document.artifact_id not in documents:
            session.delete(document)
        documents.discard(document.artifact_id)
    session.add_all(RiskDocument(risk_id=risk_id, artifact_id=a) for a in sorted(documents))
    session.flush()


def _summary(draft: RiskDraft) -> dict[str, object]:
    values = {name: getattr(draft, name) for name in DRAFT_FIELDS}
    return {
        name: [str(v) for v in value] if isinstance(value, tuple) else value
        for name, value in values.items()
        if value not in (None, "", ())
    }


def insert_risk(
    session: Session, draft: RiskDraft, method: RiskMethod, *, ref: str | None = None
) -> Risk:
    """Add a checked draft inside the caller's write; ``ref`` keeps an imported id."""
    chosen = ref or format_ref(_next_number(session))
    if find_risk(session, chosen) is not None and ref is not None:
        raise RiskError(f"there is already a risk {chosen}")
    risk = Risk(ref=chosen, title=draft.title)
    session.add(risk)
    session.flush()
    _apply(session, risk, draft, method)
    return risk


def add_risk(
    workspace: Workspace, *, actor: str, draft: RiskDraft, ref: str | None = None
) -> tuple[ChangeSet, str]:
    """Add a risk; returns the change set and its id (R-001, ...)."""
    with run_write(workspace, actor=actor, action="risk.add", entity="risk") as write:
        method = current_method(write.session)
        checked = _check_draft(method, draft)
        risk = insert_risk(write.session, checked, method, ref=ref)
        _logged(write, risk, method, after=_summary(checked))
    return write.changes, risk.ref


def _logged(
    write: Write,
    risk: Risk,
    method: RiskMethod,
    *,
    after: Mapping[str, object],
    before: Mapping[str, object] | None = None,
) -> None:
    assert risk.id is not None
    write.entity_id = risk.ref
    write.summary.update(ref=risk.ref, method_version=method.version)
    if before is not None:
        write.summary["before"] = dict(before)
    write.summary["after"] = dict(after)
    write.summary["level"] = method.level_name(risk.level) or None
    write.summary["residual_level"] = method.level_name(risk.residual_level) or None
    write.changed(risks=[risk.id])


def update_risk(
    workspace: Workspace, *, actor: str, ref: str, changes: Mapping[str, object]
) -> ChangeSet:
    """Change some of a risk's fields (names as in :class:`RiskDraft`); levels follow."""
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise RiskError(f"a risk has no field {', '.join(sorted(unknown))}")
    with run_write(workspace, actor=actor, action="risk.update", entity="risk") as write:
        session = write.session
        risk = require_risk(session, ref)
        method = current_method(session)
        current = draft_of(session, risk)
        values: dict[str, Any] = dict(changes)
        for name in ("assets", "controls", "documents"):
            if name in values:
                values[name] = tuple(values[name])
        checked = _check_draft(method, replace(current, **values))
        before, after = _differences(current, checked)
        if not after:
            write.entity_id = risk.ref
            write.summary.update(ref=risk.ref, unchanged=True)
            raise RiskError(f"{risk.ref} already says that; nothing was changed")
        _apply(session, risk, checked, method)
        _logged(write, risk, method, before=before, after=after)
    return write.changes


def _differences(old: RiskDraft, new: RiskDraft) -> tuple[dict[str, object], dict[str, object]]:
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for name in DRAFT_FIELDS:
        first, second = getattr(old, name), getattr(new, name)
        if first != second:
            before[name] = list(first) if isinstance(first, tuple) else first
            after[name] = list(second) if isinstance(second, tuple) else second
    return before, after


def delete_risk(workspace: Workspace, *, actor: str, ref: str) -> ChangeSet:
    """Remove a risk added by mistake. A risk someone signed for is closed instead, never
    deleted: the signature must keep the record it was about."""
    with run_write(workspace, actor=actor, action="risk.delete", entity="risk") as write:
        session = write.session
        risk = require_risk(session, ref)
        assert risk.id is not None
        signed = session.exec(select(func.count()).where(RiskAcceptance.risk_id == risk.id)).one()
        if signed:
            raise RiskError(f"{risk.ref} has signed acceptances; set its status to closed instead")
        write.entity_id = risk.ref
        write.summary.update(ref=risk.ref, title=risk.title)
        for table in (RiskAssetLink, RiskControl, RiskDocument, RiskAction):
            for row in session.exec(select(table).where(table.risk_id == risk.id)):
                session.delete(row)
        session.delete(risk)
        write.changed(risks=[risk.id])
    return write.changes


# --- treatment actions ----------------------------------------------------------------------


def _check_action(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise RiskError("a treatment action needs to say what is to be done")
    return cleaned


def add_action(
    workspace: Workspace,
    *,
    actor: str,
    ref: str,
    text: str,
    owner: str = "",
    due: date | None = None,
) -> tuple[ChangeSet, int]:
    with run_write(workspace, actor=actor, action="risk.action.add", entity="risk") as write:
        session = write.session
        risk = require_risk(session, ref)
        assert risk.id is not None
        action = RiskAction(risk_id=risk.id, text=_check_action(text), owner=owner.strip(), due=due)
        session.add(action)
        risk.updated_at = utc_now()
        session.add(risk)
        session.flush()
        assert action.id is not None
        write.entity_id = risk.ref
        write.summary.update(action=action.id, text=action.text, owner=action.owner, due=due)
        write.changed(risks=[risk.id])
    return write.changes, action.id


ACTION_FIELDS = ("text", "owner", "due", "status", "done_on")


def update_action(
    workspace: Workspace, *, actor: str, action_id: int, **changes: object
) -> ChangeSet:
    """Change an action's text, owner, due date or status (done records the day)."""
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise RiskError(f"a treatment action has no field {', '.join(sorted(unknown))}")
    with run_write(workspace, actor=actor, action="risk.action.update", entity="risk") as write:
        session = write.session
        action = session.get(RiskAction, action_id)
        if action is None:
            raise NotFoundError(f"there is no treatment action {action_id}")
        risk = session.get(Risk, action.risk_id)
        assert risk is not None and risk.id is not None
        before = {name: getattr(action, name) for name in changes}
        for name, value in changes.items():
            if name == "status":
                value = ActionStatus(str(value))
            if name == "text":
                value = _check_action(str(value))
            setattr(action, name, value)
        if "status" in changes and action.status is ActionStatus.DONE and action.done_on is None:
            action.done_on = date.today()
        if action.status is not ActionStatus.DONE:
            action.done_on = None
        action.updated_at = risk.updated_at = utc_now()
        session.add_all((action, risk))
        write.entity_id = risk.ref
        write.summary.update(action=action_id, before=before, after=dict(changes))
        write.changed(risks=[risk.id])
    return write.changes


def complete_action(
    workspace: Workspace, *, actor: str, action_id: int, done_on: date | None = None
) -> ChangeSet:
    return update_action(
        workspace,
        actor=actor,
        action_id=action_id,
        status=ActionStatus.DONE,
        done_on=done_on or date.today(),
    )


# --- reading --------------------------------------------------------------------------------


def draft_of(session: Session, risk: Risk) -> RiskDraft:
    assert risk.id is not None
    owner = session.get(Person, risk.owner_id) if risk.owner_id is not None else None
    assets = session.exec(
        select(Asset.name)
        .join(RiskAssetLink, col(RiskAssetLink.asset_id) == col(Asset.id))
        .where(RiskAssetLink.risk_id == risk.id)
        .order_by(func.lower(Asset.name))
    )
    controls = sorted(
        session.exec(select(RiskControl.ref).where(RiskControl.risk_id == risk.id)),
        key=control_order,
    )
    documents = session.exec(
        select(RiskDocument.artifact_id)
        .where(RiskDocument.risk_id == risk.id)
        .order_by(col(RiskDocument.artifact_id))
    )
    return RiskDraft(
        title=risk.title,
        threat=risk.threat,
        vulnerability=risk.vulnerability,
        consequence=risk.consequence,
        owner=owner.name if owner else "",
        assets=tuple(assets),
        existing_controls=risk.existing_controls,
        likelihood=risk.likelihood,
        impact=risk.impact,
        treatment=risk.treatment,
        controls=tuple(controls),
        documents=tuple(documents),
        residual_likelihood=risk.residual_likelihood,
        residual_impact=risk.residual_impact,
        status=risk.status,
        review_date=risk.review_date,
        source=risk.source,
    )


def actions_of(session: Session, risk_id: int) -> tuple[ActionInfo, ...]:
    rows = session.exec(
        select(RiskAction).where(RiskAction.risk_id == risk_id).order_by(col(RiskAction.id))
    )
    return tuple(
        ActionInfo(a.id, a.text, a.owner, a.due, a.status, a.done_on)
        for a in rows
        if a.id is not None
    )


def details_of(session: Session, risk: Risk, method: RiskMethod | None = None) -> RiskDetails:
    assert risk.id is not None
    chosen = method or current_method(session)
    draft = draft_of(session, risk)
    titles = dict(
        session.exec(
            select(Artifact.id, Artifact.title).where(col(Artifact.id).in_(draft.documents))
        ).all()
    )
    return RiskDetails(
        id=risk.id,
        ref=risk.ref,
        draft=draft,
        level=risk.level,
        residual_level=risk.residual_level,
        method=chosen,
        documents=tuple(DocumentLink(a, titles.get(a, "")) for a in draft.documents),
        actions=actions_of(session, risk.id),
        created_at=risk.created_at,
        updated_at=risk.updated_at,
        owner_id=risk.owner_id,
    )


def get_risk(workspace: Workspace, ref: str) -> RiskDetails:
    with workspace.read() as session:
        return details_of(session, require_risk(session, ref))


def risks_for_control(workspace: Workspace, control: str) -> list[tuple[str, str]]:
    """(ref, title) of the risks planning a control: the way back from a control."""
    ref = control_ref(control)
    with workspace.read() as session:
        rows = session.exec(
            select(Risk.ref, Risk.title)
            .join(RiskControl, col(RiskControl.risk_id) == col(Risk.id))
            .where(RiskControl.ref == ref)
            .order_by(col(Risk.id))
        )
        return [(r, t) for r, t in rows]


def risks_for_artifact(workspace: Workspace, artifact_id: int) -> list[tuple[str, str]]:
    """(ref, title) of the risks that refer to a register artifact."""
    with workspace.read() as session:
        rows = session.exec(
            select(Risk.ref, Risk.title)
            .join(RiskDocument, col(RiskDocument.risk_id) == col(Risk.id))
            .where(RiskDocument.artifact_id == artifact_id)
            .order_by(col(Risk.id))
        )
        return [(r, t) for r, t in rows]
