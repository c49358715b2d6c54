"""Evidence files and control records for tests: files of any size written without holding
them in memory, the walkthrough's decisions, and tampering with the file store."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from workbench.services.controls import evidence, records
from workbench.services.store.workspace import Workspace

APPEND_ONLY = ("blob", "blob_chunk", "evidence_revision")


def write_file(path: Path, size: int, seed: str = "evidence") -> str:
    """A file of ``size`` bytes that differ from any other seed's; returns its SHA-256."""
    digest = hashlib.sha256()
    block = hashlib.sha512(seed.encode()).digest() * 1024  # 64 KB, never the same twice
    written = 0
    with path.open("wb") as out:
        while written < size:
            piece = block[: size - written]
            out.write(piece)
            digest.update(piece)
            written += len(piece)
    return digest.hexdigest()


def add_file(
    workspace: Workspace,
    tmp_path: Path,
    name: str,
    *,
    to: str = "A.8.13",
    content: bytes | None = None,
    expires: date | None = None,
    title: str = "",
) -> int:
    """Store a small file as evidence of ``to``; returns the evidence id."""
    path = tmp_path / name
    path.write_bytes(content if content is not None else f"contents of {name}".encode())
    _, evidence_id = evidence.add_evidence(
        workspace, path, targets=[to], actor="Mara",
        draft=evidence.EvidenceDraft(title=title, expires=expires),
    )  # fmt: skip
    return evidence_id


def walkthrough_decisions(workspace: Workspace) -> None:
    """Step 9: A.7.4 excluded with its reason, A.8.13 implemented."""
    records.update_control(
        workspace, "A.7.4", actor="Mara", applicable=False,
        justification="Offices are leased; the landlord monitors the building",
    )  # fmt: skip
    records.update_control(
        workspace, "A.8.13", actor="Mara", status="implemented", reasons=["legal", "business"],
        owner="Jonas Weber",
    )  # fmt: skip
