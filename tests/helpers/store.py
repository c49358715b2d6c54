"""Workspaces as an older release left them, for migration tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

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
