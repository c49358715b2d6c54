"""append-only triggers on versions, approvals and the audit log

The services never update or delete these rows; the triggers make the database refuse it too,
so a slip in code or a hand-edited SQL session cannot rewrite history silently.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 06:40:00
"""

from collections.abc import Sequence

from workbench.migrations import append_only

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("version", "approval", "audit_log")


def upgrade() -> None:
    append_only.protect(APPEND_ONLY_TABLES)


def downgrade() -> None:
    append_only.unprotect(APPEND_ONLY_TABLES)
