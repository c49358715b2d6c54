"""Documents for tests: a draft policy, and saving its next version."""

from __future__ import annotations

from workbench.models import ArtifactKind
from workbench.services.documents import editing
from workbench.services.register import artifacts
from workbench.services.store.workspace import Workspace


def draft_policy(workspace: Workspace, text: str = "# Policy\n") -> int:
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Policy", content=text
    )
    return artifact_id


def save(workspace: Workspace, artifact_id: int, text: str, comment: str = "edit") -> int:
    """Save ``text`` as the next version; returns its number."""
    _, info = editing.save_version(
        workspace, artifact_id=artifact_id, content=text, author="Mara", comment=comment
    )
    return info.number
