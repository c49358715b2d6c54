"""The evidence vault: files that show a control (or a document, finding or risk) at work.

A piece of evidence has a title, the records it is attached to, an expiry or next collection
date, and revisions: each revision is one collected file with the period it demonstrates (its
effective dates, apart from when it was added) and who collected it. A new file for the same
evidence is a new revision; the old ones stay. Files live in the workspace's file store
(:mod:`workbench.services.controls.blobs`), so the same file attached twice is stored once.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workbench.models import (
    Artifact,
    Control,
    Evidence,
    EvidenceLink,
    EvidenceRevision,
    EvidenceTarget,
    Finding,
    utc_now,
)
from workbench.services.common.errors import NotFoundError, ServiceError
from workbench.services.common.fileio import atomic_path
from workbench.services.controls import blobs, risk_links
from workbench.services.controls.blobs import Progress
from workbench.services.controls.lookup import control_title, find_control
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

EXPIRING_DAYS = 30
RISK_CODE = re.compile(r"^R-\d+$", re.IGNORECASE)
EVIDENCE_ID = re.compile(r"^(?:E-?)?(\d+)$", re.IGNORECASE)


class EvidenceError(ServiceError):
    """A request about evidence that cannot be met; the message is for the user."""


@dataclass(frozen=True)
class Attachment:
    """A record evidence is attached to, with how people name it."""

    target: EvidenceTarget
    target_id: int
    label: str


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    sha256: str
    file_name: str
    size: int
    effective_from: date
    effective_to: date | None
    collected_by: str
    comment: str
    added_by: str
    added_at: datetime

    @property
    def effective_text(self) -> str:
        start = self.effective_from.isoformat()
        return f"{start} to {self.effective_to.isoformat()}" if self.effective_to else start


@dataclass(frozen=True)
class EvidenceRecord:
    id: int
    title: str
    expires: date | None
    created_by: str
    updated_at: datetime
    revisions: tuple[RevisionInfo, ...]  # newest first
    attachments: tuple[Attachment, ...]

    @property
    def label(self) -> str:
        return f"E-{self.id}"

    @property
    def current(self) -> RevisionInfo:
        return self.revisions[0]

    def expired(self, today: date) -> bool:
        return self.expires is not None and self.expires < today

    def expiring(self, today: date, days: int = EXPIRING_DAYS) -> bool:
        """Still valid, but not for more than ``days`` days."""
        return self.expires is not None and today <= self.expires <= today + timedelta(days=days)


@dataclass(frozen=True)
class EvidenceDraft:
    """What is asked when a file is added: for a new piece of evidence or a new revision."""

    title: str = ""
    effective_from: date | None = None  # None: the day it is added
    effective_to: date | None = None
    expires: date | None = None
    collected_by: str = ""
    comment: str = ""


def evidence_id(text: str | int) -> int:
    """``12`` or ``E-12`` as the evidence id 12."""
    match = EVIDENCE_ID.match(str(text).strip())
    if match is None:
        raise NotFoundError(f"'{text}' is not an evidence id (such as E-12 or 12)")
    return int(match.group(1))


# --- what evidence is attached to -----------------------------------------------------------


def parse_target(session: Session, text: str) -> tuple[EvidenceTarget, int]:
    """The record a person names: ``A.8.13`` (a control), ``R-003`` (a risk), ``doc:12`` (a
    register document) or ``finding:4``; ``control:``, ``risk:`` and ``document:`` also work.

    Raises:
        NotFoundError: nothing of that name is in the workspace.
    """
    wanted = text.strip()
    prefix, separator, rest = wanted.partition(":")
    kind = prefix.strip().lower() if separator and "/" not in prefix else ""
    rest = rest.strip() if kind else wanted
    if kind in ("doc", "document", "artifact"):
        return EvidenceTarget.ARTIFACT, _existing(session, Artifact, rest, "document")
    if kind == "finding":
        return EvidenceTarget.FINDING, _existing(session, Finding, rest, "finding")
    if kind == "risk" or (not kind and RISK_CODE.match(rest)):
        return EvidenceTarget.RISK, risk_links.find_risk(session, rest)
    if kind not in ("", "control"):
        raise NotFoundError(
            f"cannot attach evidence to '{text}': name a control (A.8.13), a risk (R-003), "
            "a document (doc:12) or a finding (finding:4)"
        )
    control = find_control(session, rest)
    assert control.id is not None
    return EvidenceTarget.CONTROL, control.id


def resolve_targets(workspace: Workspace, texts: Sequence[str]) -> list[tuple[EvidenceTarget, int]]:
    """Check what a person typed names records (see :func:`parse_target`), before any file is
    read; the same list can then go to :func:`add_evidence` as ``attach``."""
    with workspace.read() as session:
        return list(dict.fromkeys(parse_target(session, text) for text in texts if text.strip()))


def _existing(session: Session, table: type[Artifact] | type[Finding], text: str, noun: str) -> int:
    if not text.isdigit() or session.get(table, int(text)) is None:
        raise NotFoundError(f"there is no {noun} {text}")
    return int(text)


def _labels(
    session: Session, links: Iterable[EvidenceLink]
) -> dict[tuple[EvidenceTarget, int], str]:
    wanted: dict[EvidenceTarget, set[int]] = {}
    for link in links:
        wanted.setdefault(link.target, set()).add(link.target_id)
    labels: dict[tuple[EvidenceTarget, int], str] = {}
    ids = wanted.get(EvidenceTarget.CONTROL, set())
    for control in session.exec(select(Control).where(col(Control.id).in_(ids))):
        assert control.id is not None
        labels[EvidenceTarget.CONTROL, control.id] = f"{control.local_id} {control_title(control)}"
    ids = wanted.get(EvidenceTarget.ARTIFACT, set())
    for artifact_id, title in session.exec(
        select(Artifact.id, Artifact.title).where(col(Artifact.id).in_(ids))
    ):
        assert artifact_id is not None
        labels[EvidenceTarget.ARTIFACT, artifact_id] = f"document {artifact_id} {title}"
    ids = wanted.get(EvidenceTarget.FINDING, set())
    for finding_id, text in session.exec(
        select(Finding.id, Finding.text).where(col(Finding.id).in_(ids))
    ):
        assert finding_id is not None
        labels[EvidenceTarget.FINDING, finding_id] = f"finding {finding_id} {text}"
    risks = risk_links.risk_labels(session, wanted.get(EvidenceTarget.RISK, set()))
    for risk_id, label in risks.items():
        labels[EvidenceTarget.RISK, risk_id] = label
    return labels


# --- reading --------------------------------------------------------------------------------


def _revision(row: EvidenceRevision) -> RevisionInfo:
    return RevisionInfo(
        number=row.number,
        sha256=row.blob_sha256,
        file_name=row.file_name,
        size=row.size,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        collected_by=row.collected_by,
        comment=row.comment,
        added_by=row.added_by,
        added_at=row.added_at,
    )


def load_records(session: Session, ids: Collection[int] | None = None) -> list[EvidenceRecord]:
    """Evidence records (all, or those of ``ids``) by id, with revisions and attachments."""
    statement = select(Evidence).order_by(col(Evidence.id))
    revisions_statement = select(EvidenceRevision)
    links_statement = select(EvidenceLink)
    if ids is not None:
        statement = statement.where(col(Evidence.id).in_(ids))
        revisions_statement = revisions_statement.where(col(EvidenceRevision.evidence_id).in_(ids))
        links_statement = links_statement.where(col(EvidenceLink.evidence_id).in_(ids))
    revisions: dict[int, list[RevisionInfo]] = {}
    for row in session.exec(revisions_statement.order_by(col(EvidenceRevision.number).desc())):
        revisions.setdefault(row.evidence_id, []).append(_revision(row))
    links = list(session.exec(links_statement.order_by(col(EvidenceLink.id))))
    labels = _labels(session, links)
    attached: dict[int, list[Attachment]] = {}
    for link in links:
        label = labels.get((link.target, link.target_id), f"{link.target.value} {link.target_id}")
        attached.setdefault(link.evidence_id, []).append(
            Attachment(link.target, link.target_id, label)
        )
    return [
        EvidenceRecord(
            id=row.id,
            title=row.title,
            expires=row.expires,
            created_by=row.created_by,
            updated_at=row.updated_at,
            revisions=tuple(revisions[row.id]),
            attachments=tuple(attached.get(row.id, ())),
        )
        for row in session.exec(statement)
        if row.id is not None and row.id in revisions
    ]


def get_evidence(workspace: Workspace, identifier: str | int) -> EvidenceRecord:
    wanted = evidence_id(identifier)
    with workspace.read() as session:
        found = load_records(session, [wanted])
    if not found:
        raise NotFoundError(f"there is no evidence E-{wanted}")
    return found[0]


def attached_to(
    session: Session, target: EvidenceTarget, target_ids: Collection[int]
) -> dict[int, list[int]]:
    """The evidence ids attached to each of ``target_ids`` (records of kind ``target``)."""
    statement = select(EvidenceLink.target_id, EvidenceLink.evidence_id).where(
        col(EvidenceLink.target) == target, col(EvidenceLink.target_id).in_(target_ids)
    )
    found: dict[int, list[int]] = {}
    for target_id, evidence in session.exec(statement.order_by(col(EvidenceLink.evidence_id))):
        found.setdefault(target_id, []).append(evidence)
    return found


def list_evidence(
    workspace: Workspace,
    *,
    control: str | None = None,
    expired: bool = False,
    expiring: bool = False,
    today: date | None = None,
) -> list[EvidenceRecord]:
    """Every piece of evidence, or those of one control, or only the expired (or expiring)."""
    day = today or date.today()
    with workspace.read() as session:
        ids: list[int] | None = None
        if control is not None:
            found = find_control(session, control)
            assert found.id is not None
            ids = attached_to(session, EvidenceTarget.CONTROL, [found.id]).get(found.id, [])
        records = load_records(session, ids)
    if expired:
        records = [record for record in records if record.expired(day)]
    if expiring:
        records = [record for record in records if record.expiring(day)]
    return records


def expiry_counts(session: Session, today: date, days: int = EXPIRING_DAYS) -> tuple[int, int]:
    """How many pieces of evidence have expired, and how many expire within ``days`` days."""
    expired = session.exec(
        select(func.count()).select_from(Evidence).where(col(Evidence.expires) < today)
    ).one()
    expiring = session.exec(
        select(func.count())
        .select_from(Evidence)
        .where(
            and_(col(Evidence.expires) >= today, col(Evidence.expires) <= today + timedelta(days))
        )
    ).one()
    return int(expired), int(expiring)


# --- writing --------------------------------------------------------------------------------


def _check_dates(draft: EvidenceDraft, today: date) -> tuple[date, date | None]:
    start = draft.effective_from or today
    if draft.effective_to is not None and draft.effective_to < start:
        raise EvidenceError("the evidence's period ends before it starts")
    return start, draft.effective_to


def _add_revision(
    session: Session,
    evidence: Evidence,
    path: Path,
    *,
    sha256: str,
    draft: EvidenceDraft,
    actor: str,
    today: date,
    progress: Progress | None,
) -> tuple[EvidenceRevision, blobs.StoredFile]:
    assert evidence.id is not None
    start, end = _check_dates(draft, today)
    latest = session.exec(
        select(func.max(EvidenceRevision.number)).where(
            col(EvidenceRevision.evidence_id) == evidence.id
        )
    ).one()
    stored = blobs.store_file(session, path, sha256=sha256, progress=progress)
    revision = EvidenceRevision(
        evidence_id=evidence.id,
        number=(latest or 0) + 1,
        blob_sha256=stored.sha256,
        file_name=path.name,
        size=stored.size,
        effective_from=start,
        effective_to=end,
        collected_by=draft.collected_by.strip() or actor,
        comment=draft.comment.strip(),
        added_by=actor,
        added_at=utc_now(),
    )
    session.add(revision)
    evidence.updated_at = revision.added_at
    session.add(evidence)
    session.flush()
    return revision, stored


def _summary(revision: EvidenceRevision, stored: blobs.StoredFile) -> dict[str, object]:
    return {
        "revision": revision.number,
        "file": revision.file_name,
        "sha256": stored.sha256,
        "size": stored.size,
        "stored_before": not stored.new,
        "effective_from": revision.effective_from,
        "effective_to": revision.effective_to,
        "collected_by": revision.collected_by,
    }


def _duplicate_notice(session: Session, sha256: str, evidence_id: int) -> str | None:
    others = session.exec(
        select(Evidence.id, Evidence.title)
        .join(EvidenceRevision, col(EvidenceRevision.evidence_id) == col(Evidence.id))
        .where(col(EvidenceRevision.blob_sha256) == sha256, col(Evidence.id) != evidence_id)
    ).first()
    if others is None:
        return None
    return f"The same file is already evidence E-{others[0]} “{others[1]}”; it is stored once."


def add_evidence(
    workspace: Workspace,
    path: Path,
    *,
    targets: Sequence[str] = (),
    attach: Sequence[tuple[EvidenceTarget, int]] = (),
    draft: EvidenceDraft = EvidenceDraft(),  # noqa: B008 (frozen)
    actor: str,
    today: date | None = None,
    progress: Progress | None = None,
) -> tuple[ChangeSet, int]:
    """Put a file in the vault as a new piece of evidence attached to ``targets`` (as typed:
    ``A.8.13``, ``R-003``, ``doc:12``, ``finding:4``) and to ``attach`` (kind and id).

    Raises:
        EvidenceError, NotFoundError, blobs.StoreError: bad input; nothing was stored.
        blobs.StoreCancelled: ``progress`` returned False; nothing was stored.
    """
    day = today or date.today()
    size = blobs.checked_size(path)
    title = draft.title.strip() or path.stem
    with workspace.read() as session:
        wanted = list(dict.fromkeys([*attach, *(parse_target(session, t) for t in targets)]))
    if not wanted:
        raise EvidenceError("say what the evidence shows: attach it to a control or another record")
    _check_dates(draft, day)
    # Hashed before the write begins: reading a large file must not hold the write lock.
    sha256 = blobs.hash_file(path, progress=progress, total=2 * size)
    with run_write(workspace, actor=actor, action="evidence.add", entity="evidence") as write:
        session = write.session
        evidence = Evidence(title=title, expires=draft.expires, created_by=actor)
        session.add(evidence)
        session.flush()
        assert evidence.id is not None
        for target, target_id in wanted:
            session.add(EvidenceLink(evidence_id=evidence.id, target=target, target_id=target_id))
        revision, stored = _add_revision(
            session, evidence, path, sha256=sha256, draft=draft, actor=actor, today=day,
            progress=progress,
        )  # fmt: skip
        write.entity_id = evidence.id
        write.summary = {
            "title": title,
            "expires": draft.expires,
            "attached_to": [f"{target.value} {target_id}" for target, target_id in wanted],
            **_summary(revision, stored),
        }
        notice = _duplicate_notice(session, stored.sha256, evidence.id)
        if notice:
            write.notice(notice)
        write.changed(evidence=[evidence.id], controls=_control_ids(wanted))
    return write.changes, evidence.id


def _control_ids(attachments: Iterable[tuple[EvidenceTarget, int]]) -> list[int]:
    return [target_id for target, target_id in attachments if target is EvidenceTarget.CONTROL]


def add_revision(
    workspace: Workspace,
    identifier: str | int,
    path: Path,
    *,
    draft: EvidenceDraft = EvidenceDraft(),  # noqa: B008 (frozen)
    keep_expiry: bool = False,
    actor: str,
    today: date | None = None,
    progress: Progress | None = None,
) -> ChangeSet:
    """A new file for existing evidence: its next revision. The expiry becomes the draft's
    (cleared when the draft has none) unless ``keep_expiry``; a new title renames it."""
    wanted = evidence_id(identifier)
    day = today or date.today()
    size = blobs.checked_size(path)
    _check_dates(draft, day)
    sha256 = blobs.hash_file(path, progress=progress, total=2 * size)
    with run_write(
        workspace, actor=actor, action="evidence.revise", entity="evidence", entity_id=wanted
    ) as write:
        session = write.session
        evidence = session.get(Evidence, wanted)
        if evidence is None:
            raise NotFoundError(f"there is no evidence E-{wanted}")
        current = session.exec(
            select(EvidenceRevision)
            .where(col(EvidenceRevision.evidence_id) == wanted)
            .order_by(col(EvidenceRevision.number).desc())
        ).first()
        if current is not None and current.blob_sha256 == sha256:
            raise EvidenceError(
                f"this file is already revision {current.number} of E-{wanted} “{evidence.title}”"
            )
        before = {"title": evidence.title, "expires": evidence.expires}
        if draft.title.strip():
            evidence.title = draft.title.strip()
        if not keep_expiry:
            evidence.expires = draft.expires
        revision, stored = _add_revision(
            session, evidence, path, sha256=sha256, draft=draft, actor=actor, today=day,
            progress=progress,
        )  # fmt: skip
        write.summary = {
            "before": before,
            "after": {"title": evidence.title, "expires": evidence.expires},
            **_summary(revision, stored),
        }
        links = attached_to_evidence(session, wanted)
        write.changed(evidence=[wanted], controls=_control_ids(links))
    return write.changes


def attached_to_evidence(session: Session, evidence: int) -> list[tuple[EvidenceTarget, int]]:
    statement = select(EvidenceLink.target, EvidenceLink.target_id).where(
        col(EvidenceLink.evidence_id) == evidence
    )
    return [(EvidenceTarget(target), target_id) for target, target_id in session.exec(statement)]


def update_evidence(
    workspace: Workspace,
    identifier: str | int,
    *,
    actor: str,
    title: str | None = None,
    expires: date | None = None,
    clear_expiry: bool = False,
) -> ChangeSet:
    """Rename evidence or move its expiry (the revisions, the files, stay as they are)."""
    wanted = evidence_id(identifier)
    with run_write(
        workspace, actor=actor, action="evidence.update", entity="evidence", entity_id=wanted
    ) as write:
        session = write.session
        evidence = session.get(Evidence, wanted)
        if evidence is None:
            raise NotFoundError(f"there is no evidence E-{wanted}")
        before = {"title": evidence.title, "expires": evidence.expires}
        if title is not None:
            if not title.strip():
                raise EvidenceError("evidence needs a title")
            evidence.title = title.strip()
        if expires is not None or clear_expiry:
            evidence.expires = expires
        evidence.updated_at = utc_now()
        session.add(evidence)
        write.summary = {
            "before": before,
            "after": {"title": evidence.title, "expires": evidence.expires},
        }
        write.changed(
            evidence=[wanted], controls=_control_ids(attached_to_evidence(session, wanted))
        )
    return write.changes


def set_attachment(
    workspace: Workspace,
    identifier: str | int,
    target: str,
    *,
    actor: str,
    attached: bool = True,
) -> ChangeSet:
    """Attach evidence to one more record, or (``attached=False``) detach it from one."""
    wanted = evidence_id(identifier)
    action = "evidence.attach" if attached else "evidence.detach"
    with run_write(
        workspace, actor=actor, action=action, entity="evidence", entity_id=wanted
    ) as write:
        session = write.session
        if session.get(Evidence, wanted) is None:
            raise NotFoundError(f"there is no evidence E-{wanted}")
        kind, target_id = parse_target(session, target)
        link = session.exec(
            select(EvidenceLink).where(
                col(EvidenceLink.evidence_id) == wanted,
                col(EvidenceLink.target) == kind,
                col(EvidenceLink.target_id) == target_id,
            )
        ).first()
        if attached and link is None:
            session.add(EvidenceLink(evidence_id=wanted, target=kind, target_id=target_id))
        elif not attached and link is not None:
            if len(attached_to_evidence(session, wanted)) == 1:
                raise EvidenceError(
                    "evidence must stay attached to at least one record; attach it elsewhere first"
                )
            session.delete(link)
        else:
            state = "already" if attached else "not"
            raise EvidenceError(f"E-{wanted} is {state} attached to {target.strip()}")
        write.summary = {"target": kind.value, "target_id": target_id}
        controls = [target_id] if kind is EvidenceTarget.CONTROL else []
        write.changed(evidence=[wanted], controls=controls)
    return write.changes


# --- files out ------------------------------------------------------------------------------


def _revision_row(session: Session, evidence: int, number: int | None) -> EvidenceRevision:
    statement = select(EvidenceRevision).where(col(EvidenceRevision.evidence_id) == evidence)
    if number is not None:
        statement = statement.where(col(EvidenceRevision.number) == number)
    row = session.exec(statement.order_by(col(EvidenceRevision.number).desc())).first()
    if row is None:
        which = f"revision {number}" if number is not None else "file"
        raise NotFoundError(f"evidence E-{evidence} has no {which}")
    return row


def export_evidence(
    workspace: Workspace,
    identifier: str | int,
    target: Path,
    *,
    revision: int | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write a revision's file (the latest by default) to ``target``, or into ``target`` under
    its own name when ``target`` is a folder. Returns the path written.

    Raises:
        blobs.StoreError: the stored file is missing or damaged (nothing is left behind).
    """
    wanted = evidence_id(identifier)
    with workspace.read() as session:
        row = _revision_row(session, wanted, revision)
        destination = target / row.file_name if target.is_dir() else target
        try:
            with atomic_path(destination) as temporary, temporary.open("wb") as out:
                written = blobs.copy_to(session, row.blob_sha256, out, progress=progress)
                if written != row.blob_sha256:
                    raise blobs.StoreError(
                        f"the stored file of E-{wanted} revision {row.number} is damaged: its "
                        "content no longer matches its SHA-256 (run workbench verify)"
                    )
        except OSError as error:
            raise EvidenceError(f"cannot write {destination}: {error.strerror or error}") from error
    return destination


def current_revisions(
    session: Session, evidence_ids: Collection[int]
) -> dict[int, EvidenceRevision]:
    """The newest revision of each of ``evidence_ids``."""
    newest = (
        sa_select(
            col(EvidenceRevision.evidence_id).label("evidence_id"),
            func.max(EvidenceRevision.number).label("number"),
        )
        .where(col(EvidenceRevision.evidence_id).in_(evidence_ids))
        .group_by(col(EvidenceRevision.evidence_id))
        .subquery()
    )
    statement = select(EvidenceRevision).join(
        newest,
        and_(
            col(EvidenceRevision.evidence_id) == newest.c.evidence_id,
            col(EvidenceRevision.number) == newest.c.number,
        ),
    )
    return {row.evidence_id: row for row in session.exec(statement)}
