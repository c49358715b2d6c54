"""Revision 0004 (review requests, published version) upgrades a 0003 workspace with data."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.helpers.store import workspace_at_revision
from workbench.services.approvals import people, reviews
from workbench.services.register import artifacts, listing
from workbench.services.register.listing import RegisterFilter
from workbench.services.store.workspace import open_workspace


def test_a_0003_workspace_with_an_artifact_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "old.grcw"
    workspace_at_revision(path, "0003")
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "INSERT INTO artifact (id, kind, title, owner, status, review_interval_months,"
            " created_at, updated_at) VALUES (1, 'POLICY', 'Backup policy', '', 'DRAFT', 12,"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
        db.commit()
    workspace = open_workspace(path)
    try:
        (row,) = listing.export_rows(workspace, RegisterFilter())
        assert (row.title, row.approved_version, row.published_version) == (
            "Backup policy",
            None,
            None,
        )
        assert reviews.review_rounds(workspace, 1) == []
        assert artifacts.get_details(workspace, 1).title == "Backup policy"
        assert people.list_people(workspace) == []
    finally:
        workspace.close()
