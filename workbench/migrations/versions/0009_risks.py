"""risks: the risk method, assets, risks, treatment actions and signed acceptances

A new workspace (and one upgraded to this revision) starts with the workbench's 5x5 method as
version 1, so every risk is levelled against a stored method from the first one on. Method
versions and acceptances are append-only: triggers refuse UPDATE and DELETE on both back ends.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:00:00
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import workbench.models.types
from workbench.migrations import append_only

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("risk_method", "risk_acceptance")
# The method a workspace starts with, frozen here as it was when this revision was written.
DEFAULT_METHOD = {
    "likelihood": [
        {
            "label": "Rare",
            "description": (
                "Requires unusual circumstances; no known occurrence in the sector. "
                "Less than once in 10 years."
            ),
        },
        {
            "label": "Unlikely",
            "description": (
                "Could happen; has happened elsewhere in the sector. Once in 5 to 10 years."
            ),
        },
        {
            "label": "Possible",
            "description": "Plausible given current threats and controls. Once in 1 to 5 years.",
        },
        {
            "label": "Likely",
            "description": "Expected to occur; has happened here before. About once a year.",
        },
        {
            "label": "Almost certain",
            "description": "Occurs regularly or is already occurring. Several times a year.",
        },
    ],
    "impact": [
        {
            "label": "Negligible",
            "description": (
                "Under 0.1 % of annual revenue; disruption under 1 hour with no "
                "customer effect; no breach of obligations; no external attention."
            ),
        },
        {
            "label": "Minor",
            "description": (
                "0.1 to 0.5 % of revenue; core service degraded up to 4 hours; isolated"
                " complaints; minor internal policy breach; limited local attention."
            ),
        },
        {
            "label": "Moderate",
            "description": (
                "0.5 to 2 % of revenue; core service down 4 to 24 hours; SLA breach for"
                " some customers; a personal data incident notifiable to the authority;"
                " regional or sector press."
            ),
        },
        {
            "label": "Major",
            "description": (
                "2 to 5 % of revenue; core service down 1 to 3 days; a key customer "
                "lost or penalties; a breach affecting many data subjects or a "
                "regulatory investigation; national press."
            ),
        },
        {
            "label": "Severe",
            "description": (
                "Over 5 % of revenue; core service down more than 3 days; several key "
                "customers lost; significant fines, sanctions or criminal liability; "
                "long-term damage to the brand."
            ),
        },
    ],
    "levels": [
        {
            "name": "Low",
            "colour": "#2e7d32",
            "description": "May be retained without further treatment; reviewed yearly.",
        },
        {
            "name": "Medium",
            "colour": "#f9a825",
            "description": (
                "Treat where cost-effective, otherwise retain with a documented reason;"
                " reviewed every 6 months."
            ),
        },
        {
            "name": "High",
            "colour": "#ef6c00",
            "description": (
                "Must be treated: a plan within 1 month, done within 6 months; "
                "retaining it needs the risk owner's signed acceptance; reviewed "
                "quarterly."
            ),
        },
        {
            "name": "Critical",
            "colour": "#c62828",
            "description": (
                "Not acceptable: immediate action, a plan within 5 working days; only a"
                " temporary signed acceptance while treatment is under way; reviewed "
                "monthly."
            ),
        },
    ],
    "matrix": [
        [0, 0, 0, 0, 1],
        [0, 0, 1, 1, 2],
        [0, 1, 1, 2, 2],
        [0, 1, 2, 3, 3],
        [1, 2, 2, 3, 3],
    ],
    "threshold": 1,
}


def upgrade() -> None:
    op.create_table(
        "asset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "INFORMATION",
                "SERVICE",
                "PROCESS",
                "SYSTEM",
                "SITE",
                "PEOPLE",
                "SUPPLIER",
                name="assettype",
            ),
            nullable=False,
        ),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("confidentiality", sa.Integer(), nullable=True),
        sa.Column("integrity", sa.Integer(), nullable=True),
        sa.Column("availability", sa.Integer(), nullable=True),
        sa.Column("created_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_name"), ["name"], unique=True)

    op.create_table(
        "risk_method",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "risk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("threat", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("vulnerability", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("consequence", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("existing_controls", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=True),
        sa.Column("impact", sa.Integer(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column(
            "treatment",
            sa.Enum("MODIFY", "RETAIN", "AVOID", "SHARE", name="treatmentoption"),
            nullable=True,
        ),
        sa.Column("residual_likelihood", sa.Integer(), nullable=True),
        sa.Column("residual_impact", sa.Integer(), nullable=True),
        sa.Column("residual_level", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("OPEN", "IN_TREATMENT", "MONITORED", "CLOSED", name="riskstatus"),
            nullable=False,
        ),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_ref"), ["ref"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_risk_residual_level"), ["residual_level"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_risk_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_title"), ["title"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_treatment"), ["treatment"], unique=False)

    op.create_table(
        "risk_acceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("ACCEPTANCE", "PLAN_APPROVAL", name="acceptancekind"), nullable=False
        ),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("key_fingerprint", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("method_version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("snapshot_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("payload", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("signed_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["method_version"],
            ["risk_method.id"],
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"],
            ["risk.id"],
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("risk_acceptance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_acceptance_expires"), ["expires"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_acceptance_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_acceptance_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "risk_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column(
            "status", sa.Enum("OPEN", "DONE", "CANCELLED", name="actionstatus"), nullable=False
        ),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("risk_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_action_due"), ["due"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_action_risk_id"), ["risk_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_action_status"), ["status"], unique=False)

    op.create_table(
        "risk_asset_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["asset.id"],
        ),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("risk_id", "asset_id"),
    )
    with op.batch_alter_table("risk_asset_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_asset_link_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_asset_link_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "risk_control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("risk_id", "ref"),
    )
    with op.batch_alter_table("risk_control", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_control_ref"), ["ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_control_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "risk_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("artifact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["artifact_id"],
            ["artifact.id"],
        ),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("risk_id", "artifact_id"),
    )
    with op.batch_alter_table("risk_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_document_artifact_id"), ["artifact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_risk_document_risk_id"), ["risk_id"], unique=False)

    _insert_default_method()
    append_only.protect(APPEND_ONLY_TABLES)


SHIPPED_METHOD_DATE = datetime(2026, 12, 1, tzinfo=UTC)


def _insert_default_method() -> None:
    data = json.dumps(DEFAULT_METHOD, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    table = sa.table(
        "risk_method",
        sa.column("id", sa.Integer()),
        sa.column("data", sa.String()),
        sa.column("sha256", sa.String()),
        sa.column("author", sa.String()),
        sa.column("comment", sa.String()),
        sa.column("created_at", workbench.models.types.UTCDateTime(timezone=True)),
    )
    op.bulk_insert(
        table,
        [
            {
                "id": 1,
                "data": data,
                "sha256": hashlib.sha256(data.encode("utf-8")).hexdigest(),
                "author": "workbench",
                "comment": "The workbench's 5x5 method",
                # The shipped method's own date, the same in every workspace: copies of a
                # workspace between back ends find the same row on both sides.
                "created_at": SHIPPED_METHOD_DATE,
            }
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # The row was given its id: the id sequence must go on after it.
        op.execute("SELECT setval(pg_get_serial_sequence('risk_method', 'id'), 1)")


def downgrade() -> None:
    append_only.unprotect(APPEND_ONLY_TABLES)
    with op.batch_alter_table("risk_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_document_risk_id"))
        batch_op.drop_index(batch_op.f("ix_risk_document_artifact_id"))

    op.drop_table("risk_document")
    with op.batch_alter_table("risk_control", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_control_risk_id"))
        batch_op.drop_index(batch_op.f("ix_risk_control_ref"))

    op.drop_table("risk_control")
    with op.batch_alter_table("risk_asset_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_asset_link_risk_id"))
        batch_op.drop_index(batch_op.f("ix_risk_asset_link_asset_id"))

    op.drop_table("risk_asset_link")
    with op.batch_alter_table("risk_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_action_status"))
        batch_op.drop_index(batch_op.f("ix_risk_action_risk_id"))
        batch_op.drop_index(batch_op.f("ix_risk_action_due"))

    op.drop_table("risk_action")
    with op.batch_alter_table("risk_acceptance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_acceptance_risk_id"))
        batch_op.drop_index(batch_op.f("ix_risk_acceptance_kind"))
        batch_op.drop_index(batch_op.f("ix_risk_acceptance_expires"))

    op.drop_table("risk_acceptance")
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_treatment"))
        batch_op.drop_index(batch_op.f("ix_risk_title"))
        batch_op.drop_index(batch_op.f("ix_risk_status"))
        batch_op.drop_index(batch_op.f("ix_risk_residual_level"))
        batch_op.drop_index(batch_op.f("ix_risk_ref"))
        batch_op.drop_index(batch_op.f("ix_risk_owner_id"))
        batch_op.drop_index(batch_op.f("ix_risk_level"))

    op.drop_table("risk")
    op.drop_table("risk_method")
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_name"))

    op.drop_table("asset")
