"""person keys as append-only records, key retirements, audit pack exports

A person's public key was a column anyone with a SQLite tool could overwrite, and verify then
checked signatures against whatever it held. Keys become records that are never updated or
deleted: rotating a key retires the old record and adds a new one, so each signature stays
verifiable with the key that made it. Each existing key becomes its person's first key record,
dated and attributed from the audit entry that recorded it.

Audit packs get a record too (with the audit log head their manifest anchors), so cutting a
pack's entry off the end of the log leaves a record without its entry.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00
"""

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import workbench.models.types
from workbench.migrations import append_only

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("person_key", "person_key_retirement", "pack_export")
MIGRATED_BY = "workspace upgrade"
# The writes that gave a person a key before keys were records.
KEY_ACTIONS = ("person.add", "person.create_key", "person.import_key")


def upgrade() -> None:
    op.create_table(
        "person_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("person_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_key_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_person_key_fingerprint"), ["fingerprint"], unique=False
        )

    op.create_table(
        "person_key_retirement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("retired_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["key_id"], ["person_key.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_id"),
    )
    op.create_table(
        "pack_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("manifest_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("log_entries", sa.Integer(), nullable=False),
        sa.Column("log_head", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", workbench.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _move_keys_into_records()
    _drop_key_columns()
    append_only.protect(APPEND_ONLY_TABLES)


# --- moving the keys ------------------------------------------------------------------------

_person = sa.table(
    "person",
    sa.column("id", sa.Integer()),
    sa.column("public_key", sa.LargeBinary()),
    sa.column("key_fingerprint", sa.String()),
    sa.column("created_at", workbench.models.types.UTCDateTime(timezone=True)),
)
_audit_log = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", workbench.models.types.UTCDateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.String()),
    sa.column("summary", sa.String()),
)
_person_key = sa.table(
    "person_key",
    sa.column("id", sa.Integer()),
    sa.column("person_id", sa.Integer()),
    sa.column("public_key", sa.LargeBinary()),
    sa.column("fingerprint", sa.String()),
    sa.column("created_at", workbench.models.types.UTCDateTime(timezone=True)),
    sa.column("created_by", sa.String()),
)


def _recorded(connection: sa.Connection) -> dict[tuple[str, str], tuple[datetime, str]]:
    """(person id, fingerprint) -> when and by whom the audit log recorded the key."""
    found: dict[tuple[str, str], tuple[datetime, str]] = {}
    entries = connection.execute(
        sa.select(_audit_log.c.entity_id, _audit_log.c.at, _audit_log.c.actor, _audit_log.c.summary)
        .where(_audit_log.c.entity == "person", _audit_log.c.action.in_(KEY_ACTIONS))
        .order_by(_audit_log.c.id)
    )
    for entity_id, at, actor, summary in entries:
        try:
            fingerprint = json.loads(summary).get("key_fingerprint")
        except (ValueError, AttributeError):
            continue  # verify names a damaged entry; the key still moves
        if isinstance(fingerprint, str):
            found[(entity_id, fingerprint)] = (at, actor)
    return found


def _move_keys_into_records() -> None:
    connection = op.get_bind()
    recorded = _recorded(connection)
    people = connection.execute(
        sa.select(
            _person.c.id, _person.c.public_key, _person.c.key_fingerprint, _person.c.created_at
        )
        .where(_person.c.public_key.is_not(None), _person.c.key_fingerprint.is_not(None))
        .order_by(_person.c.id)
    )
    rows = []
    for person_id, public_key, fingerprint, created_at in people:
        at, actor = recorded.get(
            (str(person_id), fingerprint), (created_at or datetime.now(UTC), MIGRATED_BY)
        )
        rows.append(
            {
                "person_id": person_id,
                "public_key": public_key,
                "fingerprint": fingerprint,
                "created_at": at,
                "created_by": actor,
            }
        )
    if rows:
        connection.execute(_person_key.insert(), rows)


def _drop_key_columns() -> None:
    if op.get_bind().dialect.name != "sqlite":
        with op.batch_alter_table("person", schema=None) as batch_op:
            batch_op.drop_column("key_fingerprint")
            batch_op.drop_column("public_key")
        return
    # Recreating the table (Alembic's batch mode) would drop a table that approvals and review
    # requests point at, which SQLite refuses with foreign keys on; SQLite 3.35 drops a column
    # in place. An older SQLite keeps the columns, emptied: nothing reads them any more.
    if sqlite3.sqlite_version_info >= (3, 35):
        op.execute("ALTER TABLE person DROP COLUMN key_fingerprint")
        op.execute("ALTER TABLE person DROP COLUMN public_key")
    else:
        op.execute("UPDATE person SET public_key = NULL, key_fingerprint = NULL")


# --- append-only ----------------------------------------------------------------------------


def downgrade() -> None:
    append_only.unprotect(APPEND_ONLY_TABLES)
    columns = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("person")}
    if "public_key" not in columns:
        op.add_column("person", sa.Column("public_key", sa.LargeBinary(), nullable=True))
        op.add_column(
            "person",
            sa.Column("key_fingerprint", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        )
    # Each person gets back their current key: the newest that was not retired.
    op.execute(
        "UPDATE person SET public_key = (SELECT k.public_key FROM person_key k "
        "WHERE k.person_id = person.id AND k.id NOT IN (SELECT key_id FROM person_key_retirement) "
        "ORDER BY k.id DESC LIMIT 1), key_fingerprint = (SELECT k.fingerprint FROM person_key k "
        "WHERE k.person_id = person.id AND k.id NOT IN (SELECT key_id FROM person_key_retirement) "
        "ORDER BY k.id DESC LIMIT 1)"
    )
    op.drop_table("pack_export")
    op.drop_table("person_key_retirement")
    with op.batch_alter_table("person_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_key_fingerprint"))
        batch_op.drop_index(batch_op.f("ix_person_key_person_id"))
    op.drop_table("person_key")
