"""The risk assessment's tables: the risk method's versions, assets, risks, their links and
treatment actions, and the risk owners' signed acceptances.

Levels are stored beside the ratings they come from so the register can filter, sort and count
them in SQL, but they are never typed: the services compute them from the method, and verify
recomputes them. Method versions and acceptances are append-only (triggers back it up).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from workbench.models.tables import utc_now
from workbench.models.types import UTCDateTime


def _utc_column(*, nullable: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class TreatmentOption(StrEnum):
    """ISO/IEC 27005's four options (6.1.3 a)."""

    MODIFY = "modify"
    RETAIN = "retain"
    AVOID = "avoid"
    SHARE = "share"


class RiskStatus(StrEnum):
    OPEN = "open"
    IN_TREATMENT = "in_treatment"
    MONITORED = "monitored"
    CLOSED = "closed"


class AssetType(StrEnum):
    INFORMATION = "information"
    SERVICE = "service"
    PROCESS = "process"
    SYSTEM = "system"
    SITE = "site"
    PEOPLE = "people"
    SUPPLIER = "supplier"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class AcceptanceKind(StrEnum):
    """What a risk owner signs: the residual risk, or the treatment plan (6.1.3 f)."""

    ACCEPTANCE = "acceptance"
    PLAN_APPROVAL = "plan_approval"


class RiskMethodVersion(SQLModel, table=True):
    """One version of the workspace's risk method (scales, matrix, levels, threshold) as
    canonical JSON. The newest is in force; older ones stay for the acceptances signed on them."""

    __tablename__ = "risk_method"

    id: int | None = Field(default=None, primary_key=True)
    data: str
    sha256: str
    author: str
    comment: str = ""
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class Asset(SQLModel, table=True):
    """Something of value a risk can affect. Ratings run 1 (low) to 3 (high); None: not rated."""

    __tablename__ = "asset"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    type: AssetType
    owner: str = ""
    description: str = ""
    confidentiality: int | None = None
    integrity: int | None = None
    availability: int | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class Risk(SQLModel, table=True):
    """One risk scenario with its assessment and treatment decision.

    ``ref`` (``R-001``) is the stable id people and spreadsheets use; ``level`` and
    ``residual_level`` are indexes into the method's levels, computed from the ratings.
    """

    __tablename__ = "risk"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(index=True, unique=True)
    title: str = Field(index=True)
    threat: str = ""
    vulnerability: str = ""
    consequence: str = ""
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    existing_controls: str = ""
    likelihood: int | None = None
    impact: int | None = None
    level: int | None = Field(default=None, index=True)
    treatment: TreatmentOption | None = Field(default=None, index=True)
    residual_likelihood: int | None = None
    residual_impact: int | None = None
    residual_level: int | None = Field(default=None, index=True)
    status: RiskStatus = Field(default=RiskStatus.OPEN, index=True)
    review_date: date | None = None
    # The starter-library scenario it was created from (LIB-012), if any.
    source: str | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class RiskAssetLink(SQLModel, table=True):
    __tablename__ = "risk_asset_link"
    __table_args__ = (UniqueConstraint("risk_id", "asset_id"),)

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True, ondelete="CASCADE")
    asset_id: int = Field(foreign_key="asset.id", index=True)


class RiskControl(SQLModel, table=True):
    """A planned control of a risk's treatment, as a catalog reference (ISO27001:2022/A.8.13)."""

    __tablename__ = "risk_control"
    __table_args__ = (UniqueConstraint("risk_id", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True, ondelete="CASCADE")
    ref: str = Field(index=True)


class RiskDocument(SQLModel, table=True):
    """A register artifact a risk refers to (a procedure that treats it, a test report, ...)."""

    __tablename__ = "risk_document"
    __table_args__ = (UniqueConstraint("risk_id", "artifact_id"),)

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True, ondelete="CASCADE")
    artifact_id: int = Field(foreign_key="artifact.id", index=True)


class RiskAction(SQLModel, table=True):
    """A treatment action: what is to be done, by whom, by when."""

    __tablename__ = "risk_action"

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True, ondelete="CASCADE")
    text: str
    owner: str = ""
    due: date | None = Field(default=None, index=True)
    status: ActionStatus = Field(default=ActionStatus.OPEN, index=True)
    done_on: date | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())


class RiskAcceptance(SQLModel, table=True):
    """A risk owner's signed acceptance of a residual risk, or approval of its treatment plan.

    ``snapshot`` is the canonical JSON of the risk as signed; ``payload`` (what the signature
    covers) holds its SHA-256 and the method version. An edit to the risk afterwards makes the
    acceptance stale; the row stays.
    """

    __tablename__ = "risk_acceptance"

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    kind: AcceptanceKind = Field(index=True)
    signer_id: int = Field(foreign_key="person.id")
    key_fingerprint: str
    method_version: int = Field(foreign_key="risk_method.id")
    snapshot: str
    snapshot_sha256: str
    expires: date | None = Field(default=None, index=True)
    comment: str = ""
    payload: str
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    signed_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
