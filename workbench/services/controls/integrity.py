"""Checking the evidence vault: every stored file against its SHA-256, every revision against
the file it names. ``workbench verify`` runs :func:`evidence_problems`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from workbench.models import Blob, Evidence, EvidenceRevision
from workbench.services.controls import blobs


@dataclass(frozen=True)
class EvidenceProblem:
    subject: str
    message: str


@dataclass(frozen=True)
class VaultCheck:
    files: int
    problems: tuple[EvidenceProblem, ...]


def _users(session: Session) -> dict[str, list[str]]:
    """For each stored file, the evidence revisions that hold it (``E-3 'Title' revision 2``)."""
    titles = {row.id: row.title for row in session.exec(select(Evidence))}
    found: dict[str, list[str]] = {}
    statement = select(EvidenceRevision).order_by(
        col(EvidenceRevision.evidence_id), col(EvidenceRevision.number)
    )
    for revision in session.exec(statement):
        title = titles.get(revision.evidence_id, "")
        found.setdefault(revision.blob_sha256, []).append(
            f"evidence E-{revision.evidence_id} '{title}' revision {revision.number} "
            f"({revision.file_name})"
        )
    return found


def evidence_problems(session: Session) -> VaultCheck:
    """Recompute every stored file's hash and name each revision whose file is missing,
    incomplete or changed. Reads one chunk at a time, whatever the files' sizes."""
    users = _users(session)
    problems: list[EvidenceProblem] = []
    stored = list(session.exec(select(Blob).order_by(col(Blob.sha256))))
    known = {blob.sha256 for blob in stored}
    for blob in stored:
        message = blobs.check_blob(session, blob)
        if message is None:
            continue
        for subject in users.get(blob.sha256, [f"stored file {blob.sha256[:12]}"]):
            problems.append(EvidenceProblem(subject, f"its stored file {message}"))
    for sha256, subjects in users.items():
        if sha256 not in known:
            problems.extend(
                EvidenceProblem(subject, f"its stored file {sha256[:12]} is missing")
                for subject in subjects
            )
    return VaultCheck(len(stored), tuple(sorted(problems, key=lambda p: p.subject)))
