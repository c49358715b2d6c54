"""Revision 0003 (planner exceptions and findings) matches the models and upgrades old files."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from tests.helpers.store import workspace_at_revision
from workbench.services.planner import events, schedule
from workbench.services.store.workspace import open_workspace


def test_migrations_match_the_models(workspace) -> None:
    with workspace.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_a_0002_workspace_with_events_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "old.grcw"
    workspace_at_revision(path, "0002")
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "INSERT INTO planner_event (uid, kind, title, start, all_day, rrule, location, notes,"
            " status, outcome, created_at, updated_at) VALUES ('u1@x', 'INTERNAL_AUDIT',"
            " 'Internal audit', '2027-03-01 09:00:00.000000', 0, 'FREQ=YEARLY', '', '',"
            " 'PLANNED', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
        db.commit()
    workspace = open_workspace(path)
    try:
        (found,) = schedule.occurrences(workspace, date(2028, 1, 1), date(2028, 12, 31))
        assert found.start == datetime(2028, 3, 1, 9, tzinfo=UTC)
        events.cancel_occurrence(workspace, found.event_id, found.start, actor="Mara")
        assert schedule.occurrences(workspace, date(2028, 1, 1), date(2028, 12, 31)) == []
    finally:
        workspace.close()
