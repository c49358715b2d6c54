"""Workspaces as an older release left them, for migration tests."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from workbench.services.approvals import keystore, signing
from workbench.services.register import versioning
from workbench.services.store import audit_log
from workbench.services.store.workspace import APPLICATION_ID, _alembic_config


def workspace_at_revision(path: Path, revision: str) -> Path:
    """A workspace file migrated only up to ``revision``, marked as ours as every release does."""
    config = _alembic_config()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
    engine.dispose()
    return path


LEGACY_PASS = "legacy passphrase"
LEGACY_TEXT = "# Access Control Policy\n\nAccess is granted on a need-to-know basis.\n"


class _Log:
    """Appends hash-chained audit entries to a raw database, as the write path does."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.prev = audit_log.GENESIS_HASH
        self.minute = 0

    def append(
        self, actor: str, action: str, entity: str, entity_id: int, **summary: object
    ) -> None:
        self.minute += 1
        at = datetime(2026, 1, 10, 9, self.minute, tzinfo=UTC)
        text = audit_log.canonical_json(summary)
        digest = audit_log.entry_digest(
            prev_hash=self.prev, at=at.isoformat(), actor=actor, action=action, entity=entity,
            entity_id=str(entity_id), summary=text,
        )  # fmt: skip
        self.db.execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, summary, prev_hash, "
            "entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_stored(at), actor, action, entity, str(entity_id), text, self.prev, digest),
        )
        self.prev = digest


def _stored(moment: datetime) -> str:
    """A UTC time as SQLAlchemy stores it in SQLite."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def legacy_signed_workspace(path: Path) -> str:
    """A workspace at schema 0004, as the release before key records left it: Jonas Weber's
    public key in his person row, a policy, and his approval of it signed in payload format 1.
    His private key is in this computer's key store (passphrase :data:`LEGACY_PASS`).
    Returns his key's fingerprint."""
    workspace_at_revision(path, "0004")
    key = signing.generate_key()
    raw = signing.raw_public_key(key)
    fingerprint = signing.fingerprint(raw)
    keystore.store_private_key(key, fingerprint, LEGACY_PASS)
    digest = versioning.content_sha256(LEGACY_TEXT)
    created = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    signed_at = datetime(2026, 1, 11, 10, 0, tzinfo=UTC)
    chain = versioning.chain_digest(
        prev_chain=versioning.GENESIS_CHAIN, content_hash=digest, artifact_id=1, number=1,
        author="Mara", created_at=created, comment="Created",
    )  # fmt: skip
    payload = signing.SignedPayload(
        artifact_id=1, version=1, content_sha256=digest, decision="approved",
        signer="Jonas Weber", signer_fingerprint=fingerprint, signed_at=signed_at.isoformat(),
        comment="Fine",
    ).to_json()  # fmt: skip
    assert '"format":1' in payload
    with closing(sqlite3.connect(path)) as db:
        log = _Log(db)
        db.execute("INSERT INTO workspace_profile (id, organisation_name, isms_scope, isms_owner, "
                   "locations, industry, created_at) VALUES (1, '', '', '', '', '', ?)",
                   (_stored(created),))  # fmt: skip
        log.append("Mara", "workspace.create", "workspace", 1, location=path.name)
        db.execute(
            "INSERT INTO person (id, name, role, email, public_key, key_fingerprint, created_at) "
            "VALUES (1, 'Jonas Weber', 'CISO', '', ?, ?, ?)",
            (raw, fingerprint, _stored(created)),
        )
        log.append("Mara", "person.add", "person", 1, name="Jonas Weber", role="CISO", email="",
                   key_fingerprint=fingerprint)  # fmt: skip
        db.execute(
            "INSERT INTO artifact (id, kind, title, owner, status, template, "
            "review_interval_months, next_review, created_at, updated_at, published_version) "
            "VALUES (1, 'POLICY', 'Access Control Policy', 'Jonas Weber', 'APPROVED', NULL, 12, "
            "'2027-01-11', ?, ?, NULL)",
            (_stored(created), _stored(signed_at)),
        )
        db.execute(
            "INSERT INTO version (id, artifact_id, number, content_z, content_sha256, chain_hash, "
            "author, comment, created_at) VALUES (1, 1, 1, ?, ?, ?, 'Mara', 'Created', ?)",
            (versioning.compress(LEGACY_TEXT), digest, chain, _stored(created)),
        )
        log.append("Mara", "artifact.create", "artifact", 1, title="Access Control Policy",
                   kind="policy", refs=[], template=None, version=1,
                   content_sha256=digest)  # fmt: skip
        db.execute(
            "INSERT INTO approval (id, artifact_id, version_id, version_number, content_sha256, "
            "decision, signer_id, key_fingerprint, comment, payload, signature, signed_at) "
            "VALUES (1, 1, 1, 1, ?, 'APPROVED', 1, ?, 'Fine', ?, ?, ?)",
            (digest, fingerprint, payload, signing.sign(key, payload), _stored(signed_at)),
        )
        db.execute(
            "INSERT INTO review_request (id, artifact_id, review_round, version_id, "
            "version_number, approver_id, status, requested_by, requested_at, closed_at, reason, "
            "approval_id) VALUES (1, 1, 1, 1, 1, 1, 'APPROVED', 'Mara', ?, ?, '', 1)",
            (_stored(created), _stored(signed_at)),
        )
        log.append("Mara", "review.request", "artifact", 1, version=1, content_sha256=digest,
                   round=1, approvers=["Jonas Weber"], note="",
                   status={"before": "draft", "after": "in_review"})  # fmt: skip
        log.append("Jonas Weber", "approval.approve", "artifact", 1, approval_id=1, version=1,
                   content_sha256=digest, decision="approved", key_fingerprint=fingerprint,
                   comment="Fine", waiting_for=[],
                   status={"before": "in_review", "after": "approved"},
                   next_review="2027-01-11")  # fmt: skip
        db.commit()
    return fingerprint
