"""The tables a copy carries, in an order that inserts every row after the rows it refers to."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, Table, select, text
from sqlmodel import SQLModel

import workbench.models  # noqa: F401  (registers the tables on SQLModel.metadata)

# A database's own bookkeeping of its check-outs, never carried to another one.
NOT_COPIED = frozenset({"workspace_lease"})
# Records nobody updates or deletes (triggers refuse it): check-in may only add to them. A test
# keeps this in step with the tables the migrations protect.
APPEND_ONLY = frozenset(
    {
        "version", "approval", "audit_log", "person_key", "person_key_retirement",
        "pack_export", "risk_method", "risk_acceptance", "blob", "blob_chunk", "evidence_revision",
    }
)  # fmt: skip
# The editor's unsaved text, scratch per database: check-in leaves the server's alone.
SCRATCH = frozenset({"draft_buffer"})
BATCH = 1000
# Stored evidence files travel in 1 MB chunks: a thousand of them at once would be a gigabyte.
CHUNK_BATCH = 16

Row = dict[str, Any]


def copied_tables() -> list[Table]:
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in NOT_COPIED]


def batch_size(table: Table) -> int:
    return CHUNK_BATCH if table.name == "blob_chunk" else BATCH


def key_of(table: Table, row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row[column.name] for column in table.primary_key.columns)


def rows(connection: Connection, table: Table) -> Iterator[Row]:
    """Every row of a table in key order, fetched in batches."""
    statement = (
        select(table)
        .order_by(*table.primary_key.columns)
        .execution_options(yield_per=batch_size(table))
    )
    result = connection.execute(statement)
    for row in result.mappings():
        yield dict(row)


def count(connection: Connection, table: Table) -> int:
    return int(connection.execute(text(f"SELECT COUNT(*) FROM {table.name}")).scalar_one())


def reset_sequences(connection: Connection) -> None:
    """After rows were inserted with their ids, PostgreSQL's id sequences must continue after
    them (SQLite takes the largest id plus one by itself)."""
    if connection.dialect.name != "postgresql":
        return
    for table in SQLModel.metadata.sorted_tables:
        if "id" not in table.primary_key.columns:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
            )
        )
