"""Copying a workspace between a file and the server, record for record."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.documents import save
from tests.helpers.team import contents, engagement
from workbench.services.approvals import people
from workbench.services.audit.verify import verify_workspace
from workbench.services.store.workspace import WorkspaceError, open_workspace
from workbench.services.team.copying import copy_workspace


def test_round_trip_file_server_file_keeps_every_record_and_the_head(
    sqlite_workspace, pg_url: str, tmp_path: Path
) -> None:
    policy = engagement(sqlite_workspace)
    server = open_workspace(pg_url, initialise=False)
    back = open_workspace(tmp_path / "back.grcw", initialise=False)
    other = open_workspace(tmp_path / "other.grcw", initialise=False)
    try:
        there = copy_workspace(sqlite_workspace, server)
        again = copy_workspace(server, back)
        sideways = copy_workspace(sqlite_workspace, other)
        assert there.records == again.records == sideways.records > 20
        original = contents(sqlite_workspace)
        assert contents(server) == original
        assert contents(back) == original
        assert contents(other) == original
        reports = [verify_workspace(w) for w in (sqlite_workspace, server, back, other)]
        assert all(report.ok for report in reports), [r.problems for r in reports]
        assert len({(r.log_head, r.log_entries) for r in reports}) == 1
        assert reports[0].approvals == 2 and there.head == reports[0].log_head

        # The copy is a workspace like any other: its ids go on after the copied ones.
        save(server, policy, "# Policy\n\nOn the server now.\n")
        people.add_person(server, actor="Mara", name="Priya Rao", role="CEO")
        assert verify_workspace(server).ok
    finally:
        for workspace in (server, back, other):
            workspace.close()


def test_a_destination_with_records_is_refused_and_left_alone(workspace, tmp_path: Path) -> None:
    source = open_workspace(tmp_path / "source.grcw")
    try:
        engagement(source)
        before = contents(workspace)
        with pytest.raises(WorkspaceError, match="already holds a workspace"):
            copy_workspace(source, workspace)
        assert contents(workspace) == before
    finally:
        source.close()
