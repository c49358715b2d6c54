"""controls: control records, the evidence vault and its content-addressed file store

Every workspace gets one control record per ISO/IEC 27001:2022 Annex A control, undecided
details left empty. The Statement of Applicability already in the register keeps its versions;
the next "Update SoA" adds a version generated from these records.

Blobs, their chunks and evidence revisions are append-only, on SQLite and on PostgreSQL.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import workbench.models.types
from workbench.migrations import append_only

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("blob", "blob_chunk", "evidence_revision")
ANNEX_A = "ISO27001:2022"


def upgrade() -> None:
    op.create_table(
        "blob",
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("created_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("local_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column(
            "source", sa.Enum("ANNEX_A", "PRIVACY", "CUSTOM", name="controlsource"), nullable=False
        ),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("applicable", sa.Boolean(), nullable=False),
        sa.Column("reasons", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("justification", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("NOT_STARTED", "PLANNED", "PARTIAL", "IMPLEMENTED", name="controlstatus"),
            nullable=False,
        ),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_control_local_id"), ["local_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_control_ref"), ["ref"], unique=True)
        batch_op.create_index(batch_op.f("ix_control_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_control_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_control_target_date"), ["target_date"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_expires"), ["expires"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_title"), ["title"], unique=False)

    op.create_table(
        "blob_chunk",
        sa.Column("blob_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["blob.sha256"],
        ),
        sa.PrimaryKeyConstraint("blob_sha256", "seq"),
    )
    op.create_table(
        "control_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("artifact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["artifact_id"],
            ["artifact.id"],
        ),
        sa.ForeignKeyConstraint(["control_id"], ["control.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("control_id", "artifact_id"),
    )
    with op.batch_alter_table("control_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_control_document_artifact_id"), ["artifact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_control_document_control_id"), ["control_id"], unique=False
        )

    op.create_table(
        "evidence_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column(
            "target",
            sa.Enum("CONTROL", "ARTIFACT", "FINDING", "RISK", name="evidencetarget"),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("evidence_id", "target", "target_id"),
    )
    with op.batch_alter_table("evidence_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_link_evidence_id"), ["evidence_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evidence_link_target"), ["target"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_link_target_id"), ["target_id"], unique=False)

    op.create_table(
        "evidence_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("blob_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("collected_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("added_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["blob.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("evidence_id", "number"),
    )
    with op.batch_alter_table("evidence_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_revision_blob_sha256"), ["blob_sha256"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evidence_revision_evidence_id"), ["evidence_id"], unique=False
        )

    _annex_a_controls()
    append_only.protect(APPEND_ONLY_TABLES)


def downgrade() -> None:
    append_only.unprotect(APPEND_ONLY_TABLES)
    with op.batch_alter_table("evidence_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_revision_evidence_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_revision_blob_sha256"))

    op.drop_table("evidence_revision")
    with op.batch_alter_table("evidence_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_link_target_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_link_target"))
        batch_op.drop_index(batch_op.f("ix_evidence_link_evidence_id"))

    op.drop_table("evidence_link")
    with op.batch_alter_table("control_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_document_control_id"))
        batch_op.drop_index(batch_op.f("ix_control_document_artifact_id"))

    op.drop_table("control_document")
    op.drop_table("blob_chunk")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_title"))
        batch_op.drop_index(batch_op.f("ix_evidence_expires"))

    op.drop_table("evidence")
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_target_date"))
        batch_op.drop_index(batch_op.f("ix_control_status"))
        batch_op.drop_index(batch_op.f("ix_control_source"))
        batch_op.drop_index(batch_op.f("ix_control_ref"))
        batch_op.drop_index(batch_op.f("ix_control_local_id"))

    op.drop_table("control")
    op.drop_table("blob")


def _annex_a_controls() -> None:
    """One record per Annex A control, in the standard's order."""
    from workbench.models import utc_now
    from workbench.services.catalog.standards import default_catalog

    control = sa.table(
        "control",
        sa.column("ref", sa.String()),
        sa.column("local_id", sa.String()),
        # The enums' own types, so a server database casts the names to them.
        sa.column("source", sa.Enum("ANNEX_A", "PRIVACY", "CUSTOM", name="controlsource")),
        sa.column("title", sa.String()),
        sa.column("theme", sa.String()),
        sa.column("position", sa.Integer()),
        sa.column("applicable", sa.Boolean()),
        sa.column("reasons", sa.String()),
        sa.column("justification", sa.String()),
        sa.column(
            "status",
            sa.Enum("NOT_STARTED", "PLANNED", "PARTIAL", "IMPLEMENTED", name="controlstatus"),
        ),
        sa.column("owner", sa.String()),
        sa.column("notes", sa.String()),
        sa.column("created_at", workbench.models.types.UTCDateTime()),
        sa.column("updated_at", workbench.models.types.UTCDateTime()),
    )
    now = utc_now()
    entries = default_catalog().entries_of(ANNEX_A, kind="control")
    op.bulk_insert(
        control,
        [
            {
                "ref": entry.ref, "local_id": entry.local_id, "source": "ANNEX_A", "title": "",
                "theme": entry.theme or "", "position": position, "applicable": True,
                "reasons": "", "justification": "", "status": "NOT_STARTED", "owner": "",
                "notes": "", "created_at": now, "updated_at": now,
            }
            for position, entry in enumerate(entries, start=1)
        ],
    )  # fmt: skip
