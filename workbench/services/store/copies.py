"""Copies of a workspace that the workbench makes for the user (Back Up Workspace).

A copy is a workspace of its own: it gets a new uuid, and its audit log says whose copy it is
and who made it. What is bound to a workspace's identity, such as unsaved editor text, stays
with the original.
"""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from workbench.models import WorkspaceProfile
from workbench.services.store.workspace import PROFILE_ID, Workspace, open_workspace
from workbench.services.store.writes import run_write


def back_up(workspace: Workspace, destination: Path, *, actor: str) -> Path:
    """Copy the workspace to ``destination`` (safe while it is open) as a workspace of its own.

    Raises:
        WorkspaceError: the workspace is not a file, or the copy cannot be opened.
    """
    workspace.backup(destination)
    copy = open_workspace(destination, create=False)
    try:
        with run_write(
            copy, actor=actor, action="workspace.copy", entity="workspace", entity_id=PROFILE_ID
        ) as write:
            profile = write.session.get(WorkspaceProfile, PROFILE_ID)
            assert profile is not None, "opening a workspace makes its profile"
            original, profile.uuid = profile.uuid, uuid4().hex
            write.session.add(profile)
            write.summary.update(copy_of=original, uuid=profile.uuid, source=workspace.display_name)
            write.changed(profile=True)
    finally:
        copy.close()
    return destination
