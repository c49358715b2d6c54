"""append-only triggers on versions, approvals and the audit log

The services never update or delete these rows; the triggers make the database refuse it too,
so a slip in code or a hand-edited SQL session cannot rewrite history silently.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 06:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("version", "approval", "audit_log")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # a server database gets its own protection (revoked UPDATE/DELETE grants)
    for table in APPEND_ONLY_TABLES:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
            )


def downgrade() -> None:
    for table in APPEND_ONLY_TABLES:
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation.lower()}")
