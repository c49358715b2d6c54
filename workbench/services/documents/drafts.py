"""The editor's unsaved text, kept apart from versions so a crash loses at most a few seconds.

Autosaves are scratch, not ISMS records: they are not versions and do not go into the audit
log (an entry every few seconds would bury the writes an auditor looks for). Saving a version
or discarding the text clears the buffer.

A buffer belongs to the workspace that wrote it: it records that workspace's uuid and where
its file was. Text is offered back only in that workspace, so a copy never offers the text of
the workspace it was copied from:

- a copy the workbench makes (Back Up Workspace) gets a uuid of its own, so none of the
  buffers that came along with the bytes is offered there;
- a copy made outside the workbench has the same bytes, uuid included. It is told apart by
  place: text written in a file that still exists elsewhere belongs to that file. When the
  file it was written in is gone, the workspace was moved (or restored), and the text is
  offered where it is now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import col, select

from workbench.models import Artifact, DraftBuffer, WorkspaceProfile, utc_now
from workbench.services.register import versioning
from workbench.services.store.workspace import PROFILE_ID, Workspace


@dataclass(frozen=True)
class Draft:
    artifact_id: int
    base_version: int
    content: str
    updated_at: datetime


@dataclass(frozen=True)
class RecoverableDraft:
    """Unsaved text as the start-up recovery lists it."""

    artifact_id: int
    title: str
    base_version: int
    updated_at: datetime
    size: int  # characters

    @property
    def size_text(self) -> str:
        return f"{self.size} characters" if self.size != 1 else "1 character"


def _identity(workspace: Workspace) -> str:
    with workspace.read() as session:
        profile = session.get(WorkspaceProfile, PROFILE_ID)
    assert profile is not None, "opening a workspace makes its profile"
    return profile.uuid


def _location(workspace: Workspace) -> str:
    return str(workspace.path.resolve()) if workspace.path is not None else ""


def _belongs_here(buffer: DraftBuffer, identity: str, location: str) -> bool:
    if buffer.workspace_uuid != identity:
        return False
    if not buffer.location or not location or buffer.location == location:
        return True
    # Written in a file at another place: a copy of this workspace while that file exists.
    return not Path(buffer.location).exists()


def save_draft(workspace: Workspace, *, artifact_id: int, base_version: int, content: str) -> None:
    identity, location = _identity(workspace), _location(workspace)
    with workspace.write() as session:
        buffer = session.get(DraftBuffer, artifact_id)
        if buffer is None:
            buffer = DraftBuffer(
                artifact_id=artifact_id, base_version=base_version, content=content
            )
        buffer.base_version = base_version
        buffer.content = content
        buffer.updated_at = utc_now()
        buffer.workspace_uuid = identity
        buffer.location = location
        session.add(buffer)


def discard_draft(workspace: Workspace, artifact_id: int) -> None:
    with workspace.write() as session:
        buffer = session.get(DraftBuffer, artifact_id)
        if buffer is not None:
            session.delete(buffer)


def _own_buffer(workspace: Workspace, artifact_id: int) -> DraftBuffer | None:
    with workspace.read() as session:
        buffer = session.get(DraftBuffer, artifact_id)
    if buffer is None or not _belongs_here(buffer, _identity(workspace), _location(workspace)):
        return None
    return buffer


def recoverable_draft(workspace: Workspace, artifact_id: int) -> Draft | None:
    """Unsaved text left behind (by a crash, a kill, a dead battery) that differs from the
    latest version; None when there is nothing to offer."""
    buffer = _own_buffer(workspace, artifact_id)
    if buffer is None:
        return None
    latest = versioning.get_version(workspace, artifact_id)
    if buffer.content == latest.content:
        discard_draft(workspace, artifact_id)
        return None
    return Draft(artifact_id, buffer.base_version, buffer.content, buffer.updated_at)


def recoverable_drafts(workspace: Workspace) -> list[RecoverableDraft]:
    """Every document of this workspace with unsaved text to offer back, newest first."""
    identity, location = _identity(workspace), _location(workspace)
    with workspace.read() as session:
        rows = list(
            session.exec(
                select(DraftBuffer, Artifact.title)
                .join(Artifact, col(Artifact.id) == col(DraftBuffer.artifact_id))
                .order_by(col(DraftBuffer.updated_at).desc())
            )
        )
    found = []
    for buffer, title in rows:
        if not _belongs_here(buffer, identity, location):
            continue
        if recoverable_draft(workspace, buffer.artifact_id) is None:
            continue  # the text equals the latest version: nothing was lost
        found.append(
            RecoverableDraft(
                artifact_id=buffer.artifact_id,
                title=title,
                base_version=buffer.base_version,
                updated_at=buffer.updated_at,
                size=len(buffer.content),
            )
        )
    return found
