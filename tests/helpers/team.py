"""An engagement with a bit of everything, and a table-by-table view of a whole workspace."""

from __future__ import annotations

from typing import Any

from tests.helpers.approvals import approved_by_both, with_people, with_policy
from tests.helpers.planner import create_event
from workbench.services.documents import drafts
from workbench.services.register import profile
from workbench.services.store.workspace import Workspace
from workbench.services.team.tables import copied_tables, key_of, rows


def engagement(workspace: Workspace) -> int:
    """People with keys, a signed and approved policy, an event with a link, a draft buffer."""
    profile.update_profile(workspace, actor="Mara", organisation_name="Acme Logistics")
    with_people(workspace)
    policy = with_policy(workspace)
    approved_by_both(workspace, policy)
    create_event(
        workspace,
        title="Internal audit: access",
        refs=("ISO27001:2022/9.2",),
        artifact_ids=(policy,),
    )
    drafts.save_draft(workspace, artifact_id=policy, base_version=1, content="# Unsaved\n")
    return policy


def contents(workspace: Workspace, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every row of every copied table, keyed by primary key."""
    with workspace.read() as session:
        connection = session.connection()
        return {
            table.name: {key_of(table, row): row for row in rows(connection, table)}
            for table in copied_tables()
            if table.name not in skip
        }
