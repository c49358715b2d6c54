"""Append-only protection for a table, in the dialect of the database being migrated.

The services never update or delete rows of an append-only table; these triggers make the
database refuse it too, so a slip in code or a hand-typed SQL statement cannot rewrite history
silently. SQLite gets the triggers every workspace file has had since revision 0002;
PostgreSQL gets row triggers calling one shared function, and a statement trigger against
TRUNCATE, which bypasses row triggers.
"""

from __future__ import annotations

from collections.abc import Iterable

from alembic import op

PG_FUNCTION = "workbench_append_only"


def protect(tables: Iterable[str]) -> None:
    """Make each table refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in tables:
            for operation in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        for table in tables:
            for operation in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
                )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
            )
    else:
        raise NotImplementedError(f"no append-only triggers for {dialect}")


def unprotect(tables: Iterable[str]) -> None:
    dialect = op.get_bind().dialect.name
    for table in tables:
        for operation in ("update", "delete", "truncate"):
            if dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation} ON {table}")
            elif operation != "truncate":
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
