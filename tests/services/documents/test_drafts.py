"""Unsaved editor text belongs to the workspace that wrote it: listed for recovery there, and
never offered in a copy of the file (the workbench's backup, or a copy made outside it)."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from tests.helpers.store import workspace_at_revision
from workbench.models import ArtifactKind, AuditLogEntry
from workbench.services.audit import backup
from workbench.services.documents import drafts
from workbench.services.register import artifacts, profile
from workbench.services.store.workspace import Workspace, open_workspace


def new_document(workspace: Workspace, title: str) -> int:
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title=title, content=f"# {title}\n"
    )
    return artifact_id


def _lose_two(workspace: Workspace) -> tuple[int, int]:
    policy = new_document(workspace, "Access Control Policy")
    backup = new_document(workspace, "Backup Policy")
    untouched = new_document(workspace, "Crypto Policy")
    drafts.save_draft(workspace, artifact_id=policy, base_version=1, content="# Access\n\nLost")
    drafts.save_draft(workspace, artifact_id=backup, base_version=1, content="# Backup\n\nX")
    # Text equal to the latest version was not lost: it is not listed.
    drafts.save_draft(workspace, artifact_id=untouched, base_version=1, content="# Crypto Policy\n")
    return policy, backup


@pytest.fixture
def two_lost(workspace) -> tuple[int, int]:
    return _lose_two(workspace)


@pytest.fixture
def file_with_two_lost(sqlite_workspace: Workspace) -> tuple[Workspace, tuple[int, int]]:
    """Copies, backups and moves are of a file: the same two texts lost in a workspace file."""
    return sqlite_workspace, _lose_two(sqlite_workspace)


def offered(workspace: Workspace) -> list[str]:
    return [draft.title for draft in drafts.recoverable_drafts(workspace)]


def test_every_lost_text_is_listed_newest_first(workspace, two_lost) -> None:
    policy, backup = two_lost
    found = drafts.recoverable_drafts(workspace)
    assert [(d.artifact_id, d.title) for d in found] == [
        (backup, "Backup Policy"), (policy, "Access Control Policy"),
    ]  # fmt: skip
    assert found[1].size == len("# Access\n\nLost") and found[1].size_text == "14 characters"
    assert found[1].base_version == 1 and isinstance(found[1].updated_at, datetime)


def test_the_workbench_backup_is_a_workspace_of_its_own(file_with_two_lost, tmp_path) -> None:
    workspace, two_lost = file_with_two_lost
    copy_path = backup.backup_workspace(
        workspace, tmp_path / "backup.grcw", actor="Mara Tester"
    ).target
    copy = open_workspace(copy_path, create=False)
    try:
        assert profile.get_profile(copy).uuid != profile.get_profile(workspace).uuid
        assert offered(copy) == []
        assert drafts.recoverable_draft(copy, two_lost[0]) is None
        with copy.read() as session:
            entry = session.exec(
                select(AuditLogEntry).order_by(col(AuditLogEntry.id).desc())
            ).first()
        assert entry is not None and (entry.action, entry.actor) == (
            "workspace.copy",
            "Mara Tester",
        )
        assert profile.get_profile(workspace).uuid in entry.summary
    finally:
        copy.close()
    assert offered(workspace) == ["Backup Policy", "Access Control Policy"]


def test_a_plain_copy_does_not_offer_the_originals_text(file_with_two_lost, tmp_path) -> None:
    workspace, two_lost = file_with_two_lost
    assert workspace.path is not None
    source = workspace.path
    workspace.close()  # as a user copies a file: the workbench closed, the file complete
    copied = tmp_path / "elsewhere" / "client-copy.grcw"
    copied.parent.mkdir()
    shutil.copy(source, copied)
    original, copy = open_workspace(source, create=False), open_workspace(copied, create=False)
    try:
        # Same bytes, same uuid: told apart because the file the text was written in is there.
        assert profile.get_profile(copy).uuid == profile.get_profile(original).uuid
        assert offered(copy) == []
        assert drafts.recoverable_draft(copy, two_lost[0]) is None
        # Text written in the copy is the copy's own.
        drafts.save_draft(copy, artifact_id=two_lost[0], base_version=1, content="# In copy\n")
        assert offered(copy) == ["Access Control Policy"]
        assert offered(original) == ["Backup Policy", "Access Control Policy"]
    finally:
        original.close()
        copy.close()


def test_a_moved_workspace_still_offers_its_text(file_with_two_lost, tmp_path) -> None:
    workspace, two_lost = file_with_two_lost
    assert workspace.path is not None
    source = workspace.path
    workspace.close()
    moved = tmp_path / "moved" / "client.grcw"
    moved.parent.mkdir()
    source.rename(moved)
    again = open_workspace(moved, create=False)
    try:
        assert offered(again) == ["Backup Policy", "Access Control Policy"]
    finally:
        again.close()


def test_text_from_before_the_upgrade_stays_on_offer(tmp_path: Path) -> None:
    path = tmp_path / "old.grcw"
    workspace_at_revision(path, "0004")
    with closing(sqlite3.connect(path)) as db:
        db.execute("INSERT INTO workspace_profile (id, organisation_name, isms_scope, isms_owner, "
                   "locations, industry, created_at) VALUES (1, 'Acme', '', '', '', '', "
                   "'2026-01-01 00:00:00')")  # fmt: skip
        db.execute("INSERT INTO artifact (id, kind, title, owner, status, review_interval_months, "
                   "created_at, updated_at) VALUES (1, 'POLICY', 'Old Policy', '', 'DRAFT', 12, "
                   "'2026-01-01 00:00:00', '2026-01-01 00:00:00')")  # fmt: skip
        db.execute("INSERT INTO draft_buffer (artifact_id, base_version, content, updated_at) "
                   "VALUES (1, 0, 'typed before the upgrade', '2026-01-02 00:00:00')")  # fmt: skip
        db.commit()
    workspace = open_workspace(path)
    try:
        uuid = profile.get_profile(workspace).uuid
        assert len(uuid) == 32 and profile.get_profile(workspace).consultant == ""
        with workspace.read() as session:
            buffer = session.exec(select(drafts.DraftBuffer)).one()
        assert (buffer.workspace_uuid, buffer.location) == (uuid, "")
    finally:
        workspace.close()


def test_every_new_workspace_has_its_own_identity(tmp_path: Path) -> None:
    first, second = open_workspace(tmp_path / "a.grcw"), open_workspace(tmp_path / "b.grcw")
    try:
        assert profile.get_profile(first).uuid != profile.get_profile(second).uuid
    finally:
        first.close()
        second.close()
