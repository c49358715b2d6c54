"""Publishing an approved version: Word and PDF renderings with an approval block.

The approval block says who approved which exact text and when: the approvers with their roles,
the signing times, the version, the fingerprint of the content's SHA-256, and whether every
signature verifies now. A version whose signatures do not verify is not published, and neither
is one that still carries placeholders (``[TO COMPLETE ...]``, guidance notes) unless the user
overrides it explicitly; the override is recorded in the audit log.

The renderings are those of any exported version
(:mod:`workbench.services.exports.document_export`), labelled "published": the files the client
gets are byte for byte those the audit pack renders for the same version. This module adds the
checks and records the published version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from workbench.models import Artifact, ArtifactStatus, utc_now
from workbench.services.approvals import reviews
from workbench.services.common.errors import ServiceError
from workbench.services.exports import document_export
from workbench.services.exports.approval_block import APPROVER_HEADER, ApprovalBlock
from workbench.services.exports.document_export import ExportDocument, ExportError
from workbench.services.register import artifacts, placeholders
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

__all__ = [
    "APPROVER_HEADER", "ApprovalBlock", "PUBLISHED_FORMATS", "PublishDocument", "PublishError",
    "PublishResult", "Renderer", "prepare", "publish", "write_docx", "write_pdf",
]  # fmt: skip

# An approved version is rendered like any exported version; publishing adds the checks.
PublishDocument = ExportDocument
Renderer = Callable[[PublishDocument, Path], None]
PUBLISHED_FORMATS = ("docx", "pdf")


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


def write_pdf(document: PublishDocument, target: Path) -> None:
    """Render to a PDF, written whole or not at all."""
    document_export.write_pdf(document, target)


def check_placeholders(document: PublishDocument, *, allow: bool) -> int:
    """How many placeholders the version carries.

    Raises:
        PublishError: there are some and ``allow`` is False.
    """
    found = placeholders.count(document.content)
    if found and not allow:
        sentence = placeholders.remaining_sentence(document.title, document.version, found)
        raise PublishError(
            f"{sentence}; complete them, or publish anyway with --allow-placeholders"
        )
    return found.total


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
    allow_placeholders: bool = False,
) -> tuple[ChangeSet, PublishResult]:
    """Render the approved version as Word and PDF into ``out_dir``, then record it as the
    published version.

    Raises:
        PublishError: nothing approved to publish, invalid signatures, placeholders left (and
            not allowed), or a file cannot be written. Nothing is recorded then.
    """
    # Rendered as what it becomes: the published version, as the audit pack shows it.
    document = replace(prepare(workspace, artifact_id, version), status="published")
    left = check_placeholders(document, allow=allow_placeholders)
    writers: dict[str, Renderer] = {"docx": write_docx, "pdf": write_pdf}
    files: list[Path] = []
    for suffix, render in writers.items():
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
        if left:
            write.summary.update(placeholders=left, placeholders_allowed=True)
        write.changed(artifacts=[artifact_id])
    return write.changes, PublishResult(document.version, tuple(files), artifact.status)
