"""The editor's unsaved text, kept apart from versions so a crash loses at most a few seconds.

Autosaves are scratch, not ISMS records: they are not versions and do not go into the audit
log (an entry every few seconds would bury the writes an auditor looks for). Saving a version
or discarding the text clears the buffer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workbench.models import DraftBuffer, utc_now
from workbench.services.register import versioning
from workbench.services.store.workspace import Workspace


@dataclass(frozen=True)
class Draft:
    artifact_id: int
    base_version: int
    content: str
    updated_at: datetime


def save_draft(workspace: Workspace, *, artifact_id: int, base_version: int, content: str) -> None:
    with workspace.write() as session:
        buffer = session.get(DraftBuffer, artifact_id)
        if buffer is None:
            buffer = DraftBuffer(
                artifact_id=artifact_id, base_version=base_version, content=content
            )
        buffer.base_version = base_version
        buffer.content = content
        buffer.updated_at = utc_now()
        session.add(buffer)


def discard_draft(workspace: Workspace, artifact_id: int) -> None:
    with workspace.write() as session:
        buffer = session.get(DraftBuffer, artifact_id)
        if buffer is not None:
            session.delete(buffer)


def recoverable_draft(workspace: Workspace, artifact_id: int) -> Draft | None:
    """Unsaved text left behind (by a crash, a kill, a dead battery) that differs from the
    latest version; None when there is nothing to offer."""
    with workspace.read() as session:
        buffer = session.get(DraftBuffer, artifact_id)
    if buffer is None:
        return None
    latest = versioning.get_version(workspace, artifact_id)
    if buffer.content == latest.content:
        discard_draft(workspace, artifact_id)
        return None
    return Draft(artifact_id, buffer.base_version, buffer.content, buffer.updated_at)
