"""workspace identity and consultant, drafts bound to their workspace, retired people

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00

A workspace that exists gets its uuid here, so a copy made from now on can be told apart; the
unsaved text it holds is bound to it.
"""

from collections.abc import Sequence
from uuid import uuid4

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import workbench.models.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")


def upgrade() -> None:
    identity = uuid4().hex
    with op.batch_alter_table("workspace_profile", schema=None) as batch_op:
        batch_op.add_column(_text("consultant"))
        batch_op.add_column(_text("uuid"))
    profile = sa.table("workspace_profile", sa.column("uuid", sa.String()))
    op.execute(profile.update().values(uuid=identity))

    # Unsaved text already waiting belongs to this workspace: it stays on offer.
    with op.batch_alter_table("draft_buffer", schema=None) as batch_op:
        batch_op.add_column(_text("workspace_uuid"))
        batch_op.add_column(_text("location"))
    buffers = sa.table("draft_buffer", sa.column("workspace_uuid", sa.String()))
    op.execute(buffers.update().values(workspace_uuid=identity))

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "retired_at", workbench.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
    with op.batch_alter_table("draft_buffer", schema=None) as batch_op:
        batch_op.drop_column("location")
        batch_op.drop_column("workspace_uuid")
    with op.batch_alter_table("workspace_profile", schema=None) as batch_op:
        batch_op.drop_column("uuid")
        batch_op.drop_column("consultant")
