"""Saving and restoring versions as the editor does: a new version, and, because an approval
binds to one exact text, the cancellation of a review pending on the old one, in one write.
"""

from __future__ import annotations

from workbench.models import Artifact
from workbench.services.approvals import reviews
from workbench.services.common import text
from workbench.services.register.versioning import (
    UnchangedContent,
    VersionError,
    VersionInfo,
    _info,
    _latest,
    append_version,
    content_sha256,
    get_version,
)
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write


def save_version(
    workspace: Workspace, *, artifact_id: int, content: str, author: str, comment: str
) -> tuple[ChangeSet, VersionInfo]:
    """Write the next version. Raises UnchangedContent when the text equals the latest version,
    TextError when the text or comment holds a character a document may not."""
    content = text.document_text(content)
    comment = text.single_line(comment, "comment")
    with run_write(
        workspace, actor=author, action="version.save", entity="artifact", entity_id=artifact_id,
        durable=True,
    ) as write:  # fmt: skip
        session = write.session
        artifact = session.get(Artifact, artifact_id)
        if artifact is None:
            raise VersionError(f"there is no artifact {artifact_id}")
        latest = _latest(session, artifact_id)
        if latest is not None and latest.content_sha256 == content_sha256(content):
            raise UnchangedContent(
                f"the text is the same as version {latest.number}; no new version was saved"
            )
        version = append_version(
            session, artifact=artifact, content=content, author=author, comment=comment
        )
        # An approval binds to one exact text, so a pending review of the old one is cancelled.
        cancelled = reviews.cancel_for_new_version(session, artifact=artifact, version=version)
        write.summary.update(
            version=version.number,
            content_sha256=version.content_sha256,
            comment=version.comment,
        )
        assert version.id is not None
        write.changed(artifacts=[artifact_id], versions=[version.id])
        if cancelled is not None:
            write.summary["review_cancelled"] = cancelled.summary()
            write.notice(cancelled.message)
        info = _info(version)
    return write.changes, info


def restore_version(
    workspace: Workspace, *, artifact_id: int, number: int, author: str
) -> tuple[ChangeSet, VersionInfo]:
    """Write a new version carrying version ``number``'s text."""
    source = get_version(workspace, artifact_id, number)
    try:
        return save_version(
            workspace,
            artifact_id=artifact_id,
            content=source.content,
            author=author,
            comment=f"Restored from version {number}",
        )
    except UnchangedContent as error:
        raise UnchangedContent(
            f"version {number} is already the current text; nothing to restore"
        ) from error
