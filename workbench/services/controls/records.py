"""Control records: applicability, reasons, justification, status, owner, target date, notes,
and what backs each control (register documents, evidence, the risks that plan it).

Every workspace holds a record for each of the 93 Annex A controls (the migration creates
them). Custom controls get their own ids; the ISO/IEC 27701 privacy controls are added on
request. An excluded control must say why (ISO/IEC 27001 6.1.3 d).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workbench.models import (
    Artifact,
    ArtifactLink,
    ArtifactStatus,
    Control,
    ControlDocument,
    ControlReason,
    ControlSource,
    ControlStatus,
    Evidence,
    EvidenceLink,
    EvidenceRevision,
    EvidenceTarget,
    utc_now,
)
from workbench.services.catalog.standards import default_catalog
from workbench.services.common.errors import NotFoundError, ServiceError
from workbench.services.controls import evidence as evidence_service
from workbench.services.controls import risk_links
from workbench.services.controls.lookup import control_title, find_control
from workbench.services.controls.risk_links import RiskLink
from workbench.services.controls.themes import (
    CUSTOM_PREFIX,
    CUSTOM_THEME,
    PRIVACY_PACK,
    THEMES,
)
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

EDITABLE = ("applicable", "reasons", "justification", "status", "owner", "target_date", "notes")
CUSTOM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
# Ids a custom control may not take: they read as catalog controls or as risk codes.
RESERVED_ID = re.compile(r"^(?:[AB]\.\d|\d|R-\d)", re.IGNORECASE)
PRIVACY_POSITION = 1000
CUSTOM_POSITION = 2000
EXPIRING = timedelta(days=evidence_service.EXPIRING_DAYS)


class ControlError(ServiceError):
    """A request about a control that cannot be met; the message is for the user."""


@dataclass(frozen=True)
class DocumentRef:
    """A register document behind a control. ``linked_here`` is False when the register links
    the document to the control's reference (edited in the register, not here)."""

    id: int
    title: str
    status: ArtifactStatus
    linked_here: bool


@dataclass(frozen=True)
class EvidenceRef:
    """A piece of evidence of a control, as of its newest revision."""

    id: int
    title: str
    revision: int
    file_name: str
    sha256: str
    size: int
    effective_from: date
    expires: date | None

    @property
    def label(self) -> str:
        return f"E-{self.id}"

    def expired(self, today: date) -> bool:
        return self.expires is not None and self.expires < today

    def expiring(self, today: date) -> bool:
        return self.expires is not None and today <= self.expires <= today + EXPIRING


@dataclass(frozen=True)
class ControlRecord:
    id: int
    ref: str
    local_id: str
    title: str
    source: ControlSource
    theme: str
    applicable: bool
    reasons: tuple[ControlReason, ...]  # as chosen; see all_reasons
    justification: str
    status: ControlStatus
    owner: str
    target_date: date | None
    notes: str
    updated_at: datetime
    documents: tuple[DocumentRef, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    risks: tuple[RiskLink, ...] = ()
    position: int = field(default=0, compare=False)

    @property
    def all_reasons(self) -> tuple[ControlReason, ...]:
        """The chosen reasons, with risk treatment whenever a risk plans the control."""
        chosen = set(self.reasons) | ({ControlReason.RISK} if self.risks else set())
        return tuple(reason for reason in ControlReason if reason in chosen)

    @property
    def included_because(self) -> str:
        """``included because of R-012, R-014`` or ""."""
        if not self.risks:
            return ""
        return "included because of " + ", ".join(risk.code for risk in self.risks)

    def evidence_expired(self, today: date) -> bool:
        return any(item.expired(today) for item in self.evidence)

    def evidence_expiring(self, today: date) -> bool:
        return any(item.expiring(today) for item in self.evidence)

    def past_target(self, today: date) -> bool:
        """Applicable, not implemented, and its target date has passed."""
        return (
            self.applicable
            and self.status is not ControlStatus.IMPLEMENTED
            and self.target_date is not None
            and self.target_date < today
        )

    @property
    def implemented(self) -> bool:
        return self.applicable and self.status is ControlStatus.IMPLEMENTED


@dataclass(frozen=True)
class ControlFilter:
    text: str = ""
    theme: str = ""
    status: ControlStatus | None = None
    applicable: bool | None = None
    owner: str = ""
    source: ControlSource | None = None
    no_evidence: bool = False
    evidence_expired: bool = False
    evidence_expiring: bool = False
    past_target: bool = False

    def matches(self, record: ControlRecord, today: date) -> bool:
        text = self.text.strip().lower()
        return (
            (not text or text in f"{record.local_id} {record.title} {record.owner}".lower())
            and (not self.theme or record.theme == self.theme)
            and (self.status is None or record.status is self.status)
            and (self.applicable is None or record.applicable is self.applicable)
            and (not self.owner or record.owner.lower() == self.owner.strip().lower())
            and (self.source is None or record.source is self.source)
            and (not self.no_evidence or not record.evidence)
            and (not self.evidence_expired or record.evidence_expired(today))
            and (not self.evidence_expiring or record.evidence_expiring(today))
            and (not self.past_target or record.past_target(today))
        )


def parse_reasons(stored: str) -> tuple[ControlReason, ...]:
    chosen = {part for part in stored.split(",") if part}
    return tuple(reason for reason in ControlReason if reason.value in chosen)


def _store_reasons(reasons: Collection[ControlReason | str]) -> str:
    chosen = {ControlReason(str(reason)) for reason in reasons}
    return ",".join(reason.value for reason in ControlReason if reason in chosen)


# --- reading --------------------------------------------------------------------------------


def _documents(session: Session, controls: Sequence[Control]) -> dict[int, list[DocumentRef]]:
    by_ref = {control.ref: control.id for control in controls}
    found: dict[int, dict[int, DocumentRef]] = {}
    explicit = session.exec(
        select(ControlDocument.control_id, Artifact.id, Artifact.title, Artifact.status).join(
            Artifact, col(Artifact.id) == col(ControlDocument.artifact_id)
        )
    )
    for control_id, artifact_id, title, status in explicit:
        assert artifact_id is not None
        found.setdefault(control_id, {})[artifact_id] = DocumentRef(
            artifact_id, title, ArtifactStatus(status), True
        )
    via_register = session.exec(
        select(ArtifactLink.ref, Artifact.id, Artifact.title, Artifact.status)
        .join(Artifact, col(Artifact.id) == col(ArtifactLink.artifact_id))
        .where(
            col(ArtifactLink.ref).in_(list(by_ref)), col(Artifact.status) != ArtifactStatus.RETIRED
        )
    )
    for ref, artifact_id, title, status in via_register:
        linked = by_ref[ref]
        assert linked is not None and artifact_id is not None
        found.setdefault(linked, {}).setdefault(
            artifact_id, DocumentRef(artifact_id, title, ArtifactStatus(status), False)
        )
    return {key: sorted(value.values(), key=lambda d: d.id) for key, value in found.items()}


def _evidence(session: Session, control_ids: Collection[int]) -> dict[int, list[EvidenceRef]]:
    """Each control's evidence at its newest revision, in one query of plain columns (a table
    of controls with thousands of files must still paint at once)."""
    newest = (
        sa_select(
            col(EvidenceRevision.evidence_id).label("evidence_id"),
            func.max(EvidenceRevision.number).label("number"),
        )
        .group_by(col(EvidenceRevision.evidence_id))
        .subquery()
    )
    statement = (
        sa_select(
            col(EvidenceLink.target_id), col(Evidence.id), col(Evidence.title),
            col(Evidence.expires), col(EvidenceRevision.number), col(EvidenceRevision.file_name),
            col(EvidenceRevision.blob_sha256), col(EvidenceRevision.size),
            col(EvidenceRevision.effective_from),
        )
        .join(Evidence, col(Evidence.id) == col(EvidenceLink.evidence_id))
        .join(newest, newest.c.evidence_id == col(Evidence.id))
        .join(
            EvidenceRevision,
            (col(EvidenceRevision.evidence_id) == newest.c.evidence_id)
            & (col(EvidenceRevision.number) == newest.c.number),
        )
        .where(
            col(EvidenceLink.target) == EvidenceTarget.CONTROL,
            col(EvidenceLink.target_id).in_(list(control_ids)),
        )
        .order_by(col(EvidenceLink.target_id), col(Evidence.id))
    )  # fmt: skip
    refs: dict[int, list[EvidenceRef]] = {}
    for row in session.connection().execute(statement):
        control_id, evidence_id, title, expires, number, file_name, sha256, size, start = row
        assert evidence_id is not None
        refs.setdefault(control_id, []).append(
            EvidenceRef(evidence_id, title, number, file_name, sha256, size, start, expires)
        )
    return refs


def _record(
    control: Control,
    documents: dict[int, list[DocumentRef]],
    evidence: dict[int, list[EvidenceRef]],
    risks: dict[str, tuple[RiskLink, ...]],
) -> ControlRecord:
    assert control.id is not None
    return ControlRecord(
        id=control.id,
        ref=control.ref,
        local_id=control.local_id,
        title=control_title(control),
        source=control.source,
        theme=control.theme,
        applicable=control.applicable,
        reasons=parse_reasons(control.reasons),
        justification=control.justification,
        status=control.status,
        owner=control.owner,
        target_date=control.target_date,
        notes=control.notes,
        updated_at=control.updated_at,
        documents=tuple(documents.get(control.id, ())),
        evidence=tuple(evidence.get(control.id, ())),
        risks=risks.get(control.ref, ()),
        position=control.position,
    )


def load_records(
    session: Session, controls: Sequence[Control] | None = None
) -> list[ControlRecord]:
    """Records of ``controls`` (default: every control), in the standard's order."""
    if controls is None:
        controls = list(session.exec(select(Control)))
    ordered = sorted(controls, key=lambda control: (control.position, control.local_id))
    ids = [control.id for control in ordered if control.id is not None]
    documents = _documents(session, ordered)
    evidence = _evidence(session, ids)
    risks = risk_links.risk_links(session, [control.ref for control in ordered])
    return [_record(control, documents, evidence, risks) for control in ordered]


def list_controls(
    workspace: Workspace,
    control_filter: ControlFilter = ControlFilter(),  # noqa: B008 (frozen)
    *,
    today: date | None = None,
) -> list[ControlRecord]:
    day = today or date.today()
    with workspace.read() as session:
        records = load_records(session)
    return [record for record in records if control_filter.matches(record, day)]


def get_control(workspace: Workspace, identifier: str) -> ControlRecord:
    with workspace.read() as session:
        return load_records(session, [find_control(session, identifier)])[0]


def owners(workspace: Workspace) -> list[str]:
    """Every owner named on a control, for the owner filter."""
    with workspace.read() as session:
        found = session.exec(select(Control.owner).where(col(Control.owner) != "").distinct())
        return sorted(set(found), key=str.lower)


# --- writing --------------------------------------------------------------------------------


def _clean(name: str, value: object) -> Any:
    if name == "applicable":
        return bool(value)
    if name == "reasons":
        if isinstance(value, str):
            raise ControlError("give the reasons as a list")
        try:
            return _store_reasons(value)  # type: ignore[arg-type]
        except ValueError as error:
            known = ", ".join(reason.value for reason in ControlReason)
            raise ControlError(f"unknown reason ({error}); choose from {known}") from error
    if name == "status":
        try:
            return ControlStatus(str(value))
        except ValueError as error:
            known = ", ".join(status.value for status in ControlStatus)
            raise ControlError(f"unknown status '{value}'; choose from {known}") from error
    if name == "target_date":
        if value is not None and not isinstance(value, date):
            raise ControlError("the target date must be a date")
        return value
    return str(value).strip()


def _state(control: Control, names: Collection[str]) -> dict[str, object]:
    return {name: getattr(control, name) for name in names}


def update_control(
    workspace: Workspace, identifier: str, *, actor: str, **changes: object
) -> ChangeSet:
    """Change a control's applicability, reasons, justification, status, owner, target date
    (None clears it) or notes.

    Raises:
        ControlError: an unknown field or value, or a control excluded without a justification.
        NotFoundError: no such control.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ControlError(f"cannot change {', '.join(sorted(unknown))} of a control")
    cleaned = {name: _clean(name, value) for name, value in changes.items()}
    with run_write(workspace, actor=actor, action="control.update", entity="control") as write:
        session = write.session
        control = find_control(session, identifier)
        assert control.id is not None
        write.entity_id = control.id
        changed = [name for name, value in cleaned.items() if getattr(control, name) != value]
        before = _state(control, changed)
        for name in changed:
            setattr(control, name, cleaned[name])
        if not control.applicable and not control.justification.strip():
            raise ControlError(
                f"{control.local_id} cannot be excluded without a justification: say why the "
                "control is not needed (--justification TEXT)"
            )
        control.updated_at = utc_now()
        session.add(control)
        write.summary = {
            "control": control.local_id,
            "before": before,
            "after": _state(control, changed),
        }
        write.changed(controls=[control.id])
    return write.changes


def move_target_date(workspace: Workspace, control_id: int, day: date, *, actor: str) -> ChangeSet:
    """Move a control's target date (dragging it on the planner)."""
    with workspace.read() as session:
        control = session.get(Control, control_id)
    if control is None:
        raise NotFoundError(f"there is no control {control_id}")
    return update_control(workspace, control.local_id, actor=actor, target_date=day)


def set_document(
    workspace: Workspace, identifier: str, artifact_id: int, *, actor: str, linked: bool = True
) -> ChangeSet:
    """Link a register document to a control, or (``linked=False``) remove that link."""
    action = "control.link_document" if linked else "control.unlink_document"
    with run_write(workspace, actor=actor, action=action, entity="control") as write:
        session = write.session
        control = find_control(session, identifier)
        assert control.id is not None
        write.entity_id = control.id
        artifact = session.get(Artifact, artifact_id)
        if artifact is None:
            raise NotFoundError(f"there is no document {artifact_id}")
        link = session.exec(
            select(ControlDocument).where(
                col(ControlDocument.control_id) == control.id,
                col(ControlDocument.artifact_id) == artifact_id,
            )
        ).first()
        if linked and link is None:
            session.add(ControlDocument(control_id=control.id, artifact_id=artifact_id))
        elif not linked and link is not None:
            session.delete(link)
        elif linked:
            raise ControlError(f"“{artifact.title}” is already linked to {control.local_id}")
        else:
            raise ControlError(
                f"“{artifact.title}” is not linked from {control.local_id}; a document the "
                "register links to the control is unlinked in the register"
            )
        write.summary = {
            "control": control.local_id,
            "artifact": artifact_id,
            "title": artifact.title,
        }
        write.changed(controls=[control.id])
    return write.changes


def add_custom_control(
    workspace: Workspace, *, actor: str, local_id: str, title: str, theme: str = CUSTOM_THEME.key
) -> tuple[ChangeSet, int]:
    """A control of the organisation's own (from a sector standard, a customer, ...)."""
    wanted = local_id.strip()
    if not CUSTOM_ID.match(wanted) or RESERVED_ID.match(wanted):
        raise ControlError(
            f"'{wanted}' cannot be a custom control id: use letters, digits, dots and dashes, "
            "not starting like an Annex A id (A.5), a number or a risk code (R-1), e.g. ACME-01"
        )
    if not title.strip():
        raise ControlError("a custom control needs a title")
    if theme not in THEMES:
        raise ControlError(f"unknown theme '{theme}'; choose from {', '.join(THEMES)}")
    with run_write(workspace, actor=actor, action="control.add", entity="control") as write:
        session = write.session
        clash = session.exec(
            select(Control).where(func.lower(col(Control.local_id)) == wanted.lower())
        ).first()
        if clash is not None:
            raise ControlError(f"there is already a control {clash.local_id}")
        last = session.exec(select(func.max(Control.position))).one() or 0
        control = Control(
            ref=f"{CUSTOM_PREFIX}{wanted}",
            local_id=wanted,
            source=ControlSource.CUSTOM,
            title=title.strip(),
            theme=theme,
            position=max(CUSTOM_POSITION, last + 1),
        )
        session.add(control)
        session.flush()
        assert control.id is not None
        write.entity_id = control.id
        write.summary = {"control": wanted, "title": control.title, "theme": theme}
        write.changed(controls=[control.id])
    return write.changes, control.id


def add_privacy_controls(workspace: Workspace, *, actor: str) -> ChangeSet:
    """Add a record for each ISO/IEC 27701:2019 control (Annex A for controllers, Annex B for
    processors) the workspace does not have yet."""
    entries = default_catalog().entries_of(PRIVACY_PACK, kind="control")
    with run_write(
        workspace, actor=actor, action="control.add_privacy", entity="workspace", entity_id=1
    ) as write:
        session = write.session
        present = set(
            session.exec(select(Control.ref).where(col(Control.ref).in_([e.ref for e in entries])))
        )
        missing = [entry for entry in entries if entry.ref not in present]
        if not missing:
            raise ControlError("the ISO/IEC 27701 privacy controls are already in this workspace")
        added = []
        for position, entry in enumerate(entries, start=PRIVACY_POSITION):
            if entry.ref in present:
                continue
            control = Control(
                ref=entry.ref,
                local_id=entry.local_id,
                source=ControlSource.PRIVACY,
                theme=entry.theme or "",
                position=position,
            )
            session.add(control)
            added.append(control)
        session.flush()
        write.summary = {"added": len(added), "catalog": PRIVACY_PACK}
        write.changed(controls=[control.id for control in added if control.id is not None])
    return write.changes
