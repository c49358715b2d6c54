"""Publishing an approved version: Word and PDF renderings with an approval block.

The approval block says who approved which exact text and when: the approvers with their roles,
the signing times, the version, the fingerprint of the content's SHA-256, and whether every
signature verifies now. A version whose signatures do not verify is not published.

The renderings are those of any exported version
(:mod:`workbench.services.exports.document_export`); this module adds the checks and records the
published version. PDF needs Qt's text layout, so it is rendered in
``workbench.views.common.pdf_export`` and handed to :func:`publish` as a renderer: the service layer
never imports Qt."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from workbench.models import Artifact, ArtifactStatus, utc_now
from workbench.services.approvals import reviews
from workbench.services.common.errors import ServiceError
from workbench.services.exports import document_export
from workbench.services.exports.approval_block import APPROVER_HEADER, ApprovalBlock
from workbench.services.exports.approval_block import to_html as approval_block_html
from workbench.services.exports.document_export import ExportDocument, ExportError
from workbench.services.register import artifacts
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

__all__ = [
    "APPROVER_HEADER", "ApprovalBlock", "PublishDocument", "PublishError", "PublishResult",
    "Renderer", "approval_block_html", "prepare", "publish", "write_docx",
]  # fmt: skip

# An approved version is rendered like any exported version; publishing adds the checks.
PublishDocument = ExportDocument
Renderer = Callable[[PublishDocument, Path], None]


class PublishError(ServiceError):
    """A version that cannot be published; the message is for the user."""


def prepare(workspace: Workspace, artifact_id: int, version: int | None = None) -> PublishDocument:
    """The approved version (the newest when ``version`` is None) with its approval block.

    Raises:
        PublishError: there is no such approved version, or its signatures do not verify.
    """
    details = artifacts.get_details(workspace, artifact_id)
    if details.status is ArtifactStatus.RETIRED:
        raise PublishError(f"'{details.title}' is retired; it is no longer published")
    approved = reviews.approved_versions(workspace, artifact_id)
    if not approved:
        raise PublishError(f"'{details.title}' has no approved version to publish")
    chosen = approved[-1] if version is None else version
    if chosen not in approved:
        raise PublishError(f"version {chosen} of '{details.title}' is not approved")
    try:
        document = document_export.prepare(workspace, artifact_id, chosen)
    except ExportError as error:
        raise PublishError(str(error)) from error
    assert document.block is not None
    status = document.block.status
    if not status.valid:
        raise PublishError(
            f"version {chosen} of '{details.title}' cannot be published: its signatures do not "
            f"verify ({status.reason or status.describe()})"
        )
    return document


def write_docx(document: PublishDocument, target: Path) -> None:
    """Render to a Word file, written whole or not at all."""
    document_export.write_docx(document, target)


@dataclass(frozen=True)
class PublishResult:
    version: int
    files: tuple[Path, ...]
    status: ArtifactStatus


def publish(
    workspace: Workspace,
    *,
    actor: str,
    artifact_id: int,
    out_dir: Path,
    version: int | None = None,
    renderers: Mapping[str, Renderer] | None = None,
) -> tuple[ChangeSet, PublishResult]:
    """Render the approved version (DOCX, and e.g. ``{"pdf": write_pdf}``) into ``out_dir``,
    then record it as the published version.

    Raises:
        PublishError: nothing approved to publish, invalid signatures, or a file cannot be
            written. Nothing is recorded then.
    """
    document = prepare(workspace, artifact_id, version)
    files: list[Path] = []
    for suffix, render in {"docx": write_docx, **(renderers or {})}.items():
        target = out_dir / f"{document.file_stem}.{suffix}"
        try:
            render(document, target)
        except OSError as error:
            raise PublishError(f"cannot write {target}: {error.strerror or error}") from error
        files.append(target)
    with run_write(
        workspace,
        actor=actor,
        action="artifact.publish",
        entity="artifact",
        entity_id=artifact_id,
        durable=True,
    ) as write:
        session = write.session
        artifact = session.get(Artifact, artifact_id)
        assert artifact is not None
        if artifact.status is ArtifactStatus.RETIRED:  # retired while the files were written
            raise PublishError(f"'{artifact.title}' is retired; it is no longer published")
        before = (artifact.status, artifact.published_version)
        artifact.published_version = document.version
        if artifact.status is ArtifactStatus.APPROVED:
            # A newer draft or review keeps its own status; the published version is still set.
            artifact.status = ArtifactStatus.PUBLISHED
        artifact.updated_at = utc_now()
        session.add(artifact)
        write.summary = {
            "version": document.version,
            "content_sha256": document.content_sha256,
            "files": [path.name for path in files],
            "status": {"before": before[0].value, "after": artifact.status.value},
            "published_version": {"before": before[1], "after": document.version},
        }
        write.changed(artifacts=[artifact_id])
    return write.changes, PublishResult(document.version, tuple(files), artifact.status)
