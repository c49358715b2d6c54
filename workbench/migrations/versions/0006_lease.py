"""team workspaces: the lease of a check-out

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import workbench.models.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace_lease",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("since", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("file_path", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("server", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("server_head", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("server_entries", sa.Integer(), nullable=False),
        sa.Column("released_at", workbench.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("release_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("workspace_lease", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workspace_lease_token"), ["token"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workspace_lease", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workspace_lease_token"))
    op.drop_table("workspace_lease")
