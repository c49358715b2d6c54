"""Control records, the evidence vault and its content-addressed file store.

A stored file is a :class:`Blob` named by the SHA-256 of its bytes, held in chunks of at most
``CHUNK_SIZE`` bytes so no file is ever read or written whole. Blobs, their chunks and evidence
revisions are append-only (triggers from the migrations refuse updates and deletes); an
evidence record and a control record are edited in place, and every edit is in the audit log.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from workbench.models.tables import _utc_column, utc_now

CHUNK_SIZE = 1024 * 1024


class ControlSource(StrEnum):
    """Where a control comes from: ISO/IEC 27001 Annex A, ISO/IEC 27701, or the organisation."""

    ANNEX_A = "annex_a"
    PRIVACY = "privacy"
    CUSTOM = "custom"


class ControlStatus(StrEnum):
    NOT_STARTED = "not_started"
    PLANNED = "planned"
    PARTIAL = "partial"
    IMPLEMENTED = "implemented"


class ControlReason(StrEnum):
    """Why a control is included (ISO/IEC 27001 6.1.3 d asks for the justification)."""

    RISK = "risk"
    LEGAL = "legal"
    CONTRACT = "contract"
    BUSINESS = "business"


class EvidenceTarget(StrEnum):
    """What a piece of evidence can be attached to; the link names the record by kind and id."""

    CONTROL = "control"
    ARTIFACT = "artifact"
    FINDING = "finding"
    RISK = "risk"


class Control(SQLModel, table=True):
    """One control of the workspace: an Annex A or privacy control, or a custom one.

    Catalog controls take their title from the catalog (``ref`` names the entry); ``title`` is
    kept for custom controls, whose ``ref`` is ``custom/<id>``.
    """

    __tablename__ = "control"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(index=True, unique=True)
    local_id: str = Field(index=True, unique=True)
    source: ControlSource = Field(index=True)
    title: str = ""
    theme: str = ""
    position: int = 0
    applicable: bool = True
    # Stored as comma-separated ControlReason values, in that enum's order.
    reasons: str = ""
    justification: str = ""
    status: ControlStatus = Field(default=ControlStatus.NOT_STARTED, index=True)
    owner: str = ""
    target_date: date | None = Field(default=None, index=True)
    notes: str = ""
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class ControlDocument(SQLModel, table=True):
    """A register document that implements or describes a control, linked from the control."""

    __tablename__ = "control_document"
    __table_args__ = (UniqueConstraint("control_id", "artifact_id"),)

    id: int | None = Field(default=None, primary_key=True)
    control_id: int = Field(foreign_key="control.id", index=True, ondelete="CASCADE")
    artifact_id: int = Field(foreign_key="artifact.id", index=True)


class Blob(SQLModel, table=True):
    """A stored file's bytes, named by their SHA-256; stored once however often attached."""

    __tablename__ = "blob"

    sha256: str = Field(primary_key=True, max_length=64)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    chunks: int
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class BlobChunk(SQLModel, table=True):
    """Bytes ``seq * CHUNK_SIZE`` onwards of a blob."""

    __tablename__ = "blob_chunk"

    blob_sha256: str = Field(foreign_key="blob.sha256", primary_key=True, max_length=64)
    seq: int = Field(primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Evidence(SQLModel, table=True):
    """A piece of evidence: a title, what it is attached to, and its revisions (files).

    ``expires`` is the date the evidence goes stale (or the next collection is due); a new
    revision usually moves it on.
    """

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(index=True)
    expires: date | None = Field(default=None, index=True)
    created_by: str = ""
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class EvidenceRevision(SQLModel, table=True):
    """One collected file of a piece of evidence; never changed once written.

    ``effective_from``..``effective_to`` is the period the file demonstrates, apart from
    ``added_at``, when it was put in the vault.
    """

    __tablename__ = "evidence_revision"
    __table_args__ = (UniqueConstraint("evidence_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", index=True)
    number: int
    blob_sha256: str = Field(foreign_key="blob.sha256", index=True, max_length=64)
    file_name: str
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    effective_from: date
    effective_to: date | None = None
    collected_by: str = ""
    comment: str = ""
    added_by: str
    added_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class EvidenceLink(SQLModel, table=True):
    """Evidence attached to a record of another kind (a control, document, finding or risk)."""

    __tablename__ = "evidence_link"
    __table_args__ = (UniqueConstraint("evidence_id", "target", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", index=True, ondelete="CASCADE")
    target: EvidenceTarget = Field(index=True)
    target_id: int = Field(index=True)
