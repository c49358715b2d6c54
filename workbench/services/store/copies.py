"""Copies of a workspace that the workbench makes for the user (Back Up Workspace).

A copy is a workspace of its own: it gets a new uuid, and its audit log says whose copy it is
and who made it. What is bound to a workspace's identity, such as unsaved editor text, stays
with the original.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from uuid import uuid4

from workbench.models import WorkspaceProfile
from workbench.services.store.workspace import PROFILE_ID, open_workspace
from workbench.services.store.writes import run_write


def make_own(copy_path: Path, *, source: str, actor: str) -> None:
    """Give a fresh byte copy of a workspace its own identity, recorded in its audit log.

    Raises:
        WorkspaceError: the copy cannot be opened or written.
    """
    copy = open_workspace(copy_path, create=False)
    try:
        with run_write(
            copy, actor=actor, action="workspace.copy", entity="workspace", entity_id=PROFILE_ID
        ) as write:
            profile = write.session.get(WorkspaceProfile, PROFILE_ID)
            assert profile is not None, "opening a workspace makes its profile"
            original, profile.uuid = profile.uuid, uuid4().hex
            write.session.add(profile)
            write.summary.update(copy_of=original, uuid=profile.uuid, source=source)
            write.changed(profile=True)
    finally:
        copy.close()
    # Opening it made it a WAL database; a copy to keep or hand over is one file.
    with closing(sqlite3.connect(copy_path)) as db:
        db.execute("PRAGMA journal_mode=DELETE")
