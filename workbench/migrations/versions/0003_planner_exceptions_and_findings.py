"""planner: occurrence exceptions, audit findings, series time zone and end

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import workbench.models.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("planner_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tzid", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "recurrence_end", workbench.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_index(batch_op.f("ix_planner_event_start"), ["start"], unique=False)

    op.create_table(
        "event_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "original_start", workbench.models.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("start", workbench.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end", workbench.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column(
            "status", sa.Enum("PLANNED", "DONE", "CANCELLED", name="eventstatus"), nullable=True
        ),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["planner_event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "original_start"),
    )
    with op.batch_alter_table("event_exception", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_exception_event_id"), ["event_id"], unique=False)

    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column(
            "severity",
            sa.Enum("MAJOR", "MINOR", "OBSERVATION", "OPPORTUNITY", name="findingseverity"),
            nullable=False,
        ),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.Enum("OPEN", "CLOSED", name="findingstatus"), nullable=False),
        sa.Column("created_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["planner_event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_due"), ["due"], unique=False)
        batch_op.create_index(batch_op.f("ix_finding_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_finding_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_status"))
        batch_op.drop_index(batch_op.f("ix_finding_event_id"))
        batch_op.drop_index(batch_op.f("ix_finding_due"))

    op.drop_table("finding")
    with op.batch_alter_table("event_exception", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_exception_event_id"))

    op.drop_table("event_exception")
    with op.batch_alter_table("planner_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planner_event_start"))
        batch_op.drop_column("recurrence_end")
        batch_op.drop_column("tzid")
