"""The workspace's tables. Behaviour lives in ``workbench.services``; these only hold data.

Timestamps are timezone-aware UTC. Versions are immutable: nothing in the services updates or
deletes them, and triggers created by the migrations reject both at the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from workbench.models.enums import (
    ArtifactKind,
    ArtifactStatus,
    Decision,
    EventKind,
    EventStatus,
    FindingSeverity,
    FindingStatus,
    ReviewStatus,
)
from workbench.models.types import UTCDateTime


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_workspace_uuid() -> str:
    return uuid4().hex


def _utc_column(*, nullable: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class WorkspaceProfile(SQLModel, table=True):
    """The client organisation the workspace is about; a single row with id 1."""

    __tablename__ = "workspace_profile"

    id: int = Field(default=1, primary_key=True)
    organisation_name: str = ""
    isms_scope: str = ""
    isms_owner: str = ""
    certification_target: date | None = None
    locations: str = ""
    industry: str = ""
    # The IANA zone the engagement's dates and times are shown in (the planner in the audit
    # pack, .ics exports, the register's times); empty: the zone of the computer in use.
    time_zone: str = ""
    # Who works on this workspace for the client: the consultant's name as they gave it.
    consultant: str = ""
    # The workspace's own identity: a copy the workbench makes gets a new one, so scratch data
    # such as unsaved editor text stays with the workspace it was written in.
    uuid: str = Field(default_factory=new_workspace_uuid)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class Person(SQLModel, table=True):
    """Someone who owns, reviews or approves artifacts. Their signing keys are
    :class:`PersonKey` records, so a key is history, never a field someone can overwrite."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    role: str = ""
    email: str = ""
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    # A retired person is kept (their signatures must stay verifiable) but asked for nothing new.
    retired_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class PersonKey(SQLModel, table=True):
    """A public signing key a person held from ``created_at``. Append-only: rotating a key
    retires it (:class:`PersonKeyRetirement`) and adds a new record, so every signature stays
    verifiable with the key that made it. A person's current key is their newest key that is
    not retired."""

    __tablename__ = "person_key"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    public_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    fingerprint: str = Field(index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    created_by: str


class PersonKeyRetirement(SQLModel, table=True):
    """The end of a key's use: signatures made after ``retired_at`` with it are not valid."""

    __tablename__ = "person_key_retirement"

    id: int | None = Field(default=None, primary_key=True)
    key_id: int = Field(foreign_key="person_key.id", unique=True)
    retired_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    retired_by: str
    reason: str = ""


class Artifact(SQLModel, table=True):
    """One entry of the ISMS register: a policy, procedure, record, ..."""

    __tablename__ = "artifact"

    id: int | None = Field(default=None, primary_key=True)
    kind: ArtifactKind = Field(index=True)
    title: str = Field(index=True)
    owner: str = ""
    status: ArtifactStatus = Field(default=ArtifactStatus.DRAFT, index=True)
    template: str | None = None
    review_interval_months: int = 12
    next_review: date | None = Field(default=None, index=True)
    # The version in force for readers; a newer draft or review round never changes it.
    published_version: int | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class ArtifactLink(SQLModel, table=True):
    """A clause or control reference (``ISO27001:2022/6.1.2``) an artifact covers."""

    __tablename__ = "artifact_link"
    __table_args__ = (UniqueConstraint("artifact_id", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    artifact_id: int = Field(foreign_key="artifact.id", index=True, ondelete="CASCADE")
    ref: str = Field(index=True)


class Version(SQLModel, table=True):
    """An immutable version of an artifact's Markdown content, stored zlib-compressed."""

    __tablename__ = "version"
    __table_args__ = (UniqueConstraint("artifact_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    artifact_id: int = Field(foreign_key="artifact.id", index=True)
    number: int
    content_z: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    content_sha256: str
    chain_hash: str
    author: str
    comment: str = ""
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class DraftBuffer(SQLModel, table=True):
    """The editor's unsaved text for an artifact, kept apart from versions for crash recovery."""

    __tablename__ = "draft_buffer"

    artifact_id: int = Field(foreign_key="artifact.id", primary_key=True)
    base_version: int
    content: str
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    # Which workspace wrote the text (its uuid) and where that file was: the text is offered
    # back only there, never in a backup or a copy of the file.
    workspace_uuid: str = ""
    location: str = ""


class Approval(SQLModel, table=True):
    """A signed decision on one exact version."""

    __tablename__ = "approval"

    id: int | None = Field(default=None, primary_key=True)
    artifact_id: int = Field(foreign_key="artifact.id", index=True)
    version_id: int = Field(foreign_key="version.id", index=True)
    version_number: int
    content_sha256: str
    decision: Decision
    signer_id: int = Field(foreign_key="person.id")
    key_fingerprint: str
    comment: str = ""
    payload: str
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    signed_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class ReviewRequest(SQLModel, table=True):
    """One approver asked to approve one exact version, in a numbered review round.

    A version is approved when every request of its round is approved. Saving a new version,
    a rejection or a withdrawal cancels the round's pending requests.
    """

    __tablename__ = "review_request"

    id: int | None = Field(default=None, primary_key=True)
    artifact_id: int = Field(foreign_key="artifact.id", index=True)
    review_round: int
    version_id: int = Field(foreign_key="version.id")
    version_number: int
    approver_id: int = Field(foreign_key="person.id", index=True)
    status: ReviewStatus = Field(default=ReviewStatus.PENDING, index=True)
    requested_by: str
    requested_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    closed_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    reason: str = ""
    approval_id: int | None = Field(default=None, foreign_key="approval.id")


class PlannerEvent(SQLModel, table=True):
    """An audit, review, certification milestone or other dated ISMS activity."""

    __tablename__ = "planner_event"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(index=True, unique=True)
    kind: EventKind = Field(index=True)
    title: str
    start: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    end: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    all_day: bool = False
    rrule: str | None = None
    location: str = ""
    notes: str = ""
    status: EventStatus = EventStatus.PLANNED
    outcome: str = ""
    reminder_minutes: int | None = None
    # The IANA zone a timed series repeats in (its wall-clock time survives daylight saving);
    # None repeats in UTC. All-day events ignore it.
    tzid: str | None = None
    # When a finite series ends (None: never, or not recurring), so queries can skip it.
    recurrence_end: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class EventException(SQLModel, table=True):
    """One occurrence of a recurring event that was moved, changed or cancelled.

    ``original_start`` names the occurrence as the series rule produces it; the other fields
    replace the series' values for that occurrence (None keeps the series' value).
    """

    __tablename__ = "event_exception"
    __table_args__ = (UniqueConstraint("event_id", "original_start"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="planner_event.id", index=True, ondelete="CASCADE")
    original_start: datetime = Field(sa_column=_utc_column())
    cancelled: bool = False
    start: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    end: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    title: str | None = None
    location: str | None = None
    notes: str | None = None
    status: EventStatus | None = None
    outcome: str | None = None


class Finding(SQLModel, table=True):
    """An audit finding: a nonconformity, observation or opportunity, with its corrective action."""

    __tablename__ = "finding"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="planner_event.id", index=True, ondelete="CASCADE")
    text: str
    ref: str = ""
    severity: FindingSeverity = FindingSeverity.MINOR
    owner: str = ""
    due: date | None = Field(default=None, index=True)
    status: FindingStatus = Field(default=FindingStatus.OPEN, index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class EventLink(SQLModel, table=True):
    """Links a planner event to an artifact or to a clause/control reference."""

    __tablename__ = "event_link"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="planner_event.id", index=True, ondelete="CASCADE")
    artifact_id: int | None = Field(default=None, foreign_key="artifact.id")
    ref: str | None = None


class PackExport(SQLModel, table=True):
    """An audit pack handed out: its manifest's hash and the audit log head it recorded.
    Append-only, so cutting the pack's entry off the log leaves a record without one."""

    __tablename__ = "pack_export"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str
    manifest_sha256: str
    log_entries: int
    log_head: str
    created_by: str
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class AuditLogEntry(SQLModel, table=True):
    """One write to the workspace. Append-only; each entry hashes the one before it."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    actor: str
    action: str = Field(index=True)
    entity: str
    entity_id: str
    summary: str = "{}"
    prev_hash: str
    entry_hash: str


class WorkspaceLease(SQLModel, table=True):
    """A check-out of a team workspace to a file, for work away from the server.

    On the server (``role`` "leased") an open lease, one whose ``released_at`` is empty, makes
    the workspace read-only for everyone; the checked-out file holds the same row with ``role``
    "copy", which is how check-in knows the file it is given is the one that was checked out.
    Leases are the database's own bookkeeping: copying a workspace leaves them behind.
    """

    __tablename__ = "workspace_lease"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(index=True)
    role: str
    holder: str
    since: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    # Where the copy was written, and the public URL (no password) of the server it came from.
    file_path: str
    server: str
    # The server's audit-log head when it was checked out: the file's log must extend it.
    server_head: str
    server_entries: int
    released_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    released_by: str | None = None
    release_reason: str | None = None
