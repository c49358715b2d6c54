"""Which ISO/IEC 27001:2022 clauses and Annex A controls the register covers, and how."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import String, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import col

from workbench.models import Artifact, ArtifactLink, ArtifactStatus
from workbench.services.catalog.standards import Catalog, CatalogEntry, default_catalog
from workbench.services.store.workspace import Workspace, plain_rows

PACK = "ISO27001:2022"


@dataclass(frozen=True)
class CoveringArtifact:
    id: int
    title: str
    status: ArtifactStatus
    via: str  # the reference the artifact links to (the entry itself or a sub-clause)


@dataclass(frozen=True)
class CoverageRow:
    ref: str
    local_id: str
    title: str
    kind: str  # "clause" or "control"
    theme: str | None
    depth: int
    artifacts: tuple[CoveringArtifact, ...]  # the first ``listed`` of them, by id
    total: int
    status_counts: tuple[tuple[ArtifactStatus, int], ...]

    @property
    def covered(self) -> bool:
        return self.total > 0


def coverage(
    workspace: Workspace, catalog: Catalog | None = None, *, listed: int | None = None
) -> list[CoverageRow]:
    """Clauses 4-10 and the 93 controls, in the standard's order, with covering artifacts.

    A clause counts as covered when an artifact links to it or to one of its sub-clauses.
    Retired artifacts do not count. ``listed`` caps how many artifacts each row names (a
    register of 100,000 records would otherwise name thousands per control).
    """
    catalog = catalog or default_catalog()
    # Plain rows, the status as stored (the enum member's name): row objects and enum
    # conversion would cost more than the rest of this function.
    statement = (
        sa_select(
            col(ArtifactLink.ref),
            col(ArtifactLink.artifact_id),
            type_coerce(col(Artifact.status), String),
        )
        .join(Artifact, col(Artifact.id) == col(ArtifactLink.artifact_id))
        .where(col(Artifact.status) != ArtifactStatus.RETIRED)
    )
    by_ref: dict[str, dict[int, ArtifactStatus]] = {}
    with workspace.read() as session:
        for ref, artifact_id, stored in plain_rows(session, statement):
            by_ref.setdefault(ref, {})[artifact_id] = ArtifactStatus[stored]
    linked_refs = sorted(by_ref)

    covering_by_entry: list[tuple[CatalogEntry, dict[int, ArtifactStatus], dict[int, str]]] = []
    wanted: set[int] = set()
    for entry in catalog.entries_of(PACK):
        if entry.kind == "clause" and entry.local_id.startswith("A."):
            continue  # the theme headings of Annex A
        refs = [entry.ref]
        if entry.kind == "clause":
            refs += [ref for ref in linked_refs if ref.startswith(f"{entry.ref}.")]
        statuses: dict[int, ArtifactStatus] = {}
        via: dict[int, str] = {}
        for ref in refs:
            for artifact_id, status in by_ref.get(ref, {}).items():
                if artifact_id not in statuses:
                    statuses[artifact_id] = status
                    via[artifact_id] = ref
        covering_by_entry.append((entry, statuses, via))
        wanted.update(sorted(statuses)[:listed] if listed is not None else statuses)
    titles = _titles(workspace, wanted)

    rows: list[CoverageRow] = []
    for entry, statuses, via in covering_by_entry:
        shown = sorted(statuses)[:listed] if listed is not None else sorted(statuses)
        rows.append(
            CoverageRow(
                ref=entry.ref,
                local_id=entry.local_id,
                title=entry.title,
                kind=entry.kind,
                theme=entry.theme,
                depth=entry.local_id.removeprefix("A.").count("."),
                artifacts=tuple(
                    CoveringArtifact(i, titles.get(i, ""), statuses[i], via[i]) for i in shown
                ),
                total=len(statuses),
                status_counts=tuple(Counter(statuses.values()).most_common()),
            )
        )
    return rows


def _titles(workspace: Workspace, ids: set[int]) -> dict[int, str]:
    titles: dict[int, str] = {}
    ordered = sorted(ids)
    with workspace.read() as session:
        for start in range(0, len(ordered), 500):
            page = ordered[start : start + 500]
            statement = sa_select(col(Artifact.id), col(Artifact.title)).where(
                col(Artifact.id).in_(page)
            )
            for artifact_id, title in session.connection().execute(statement):
                if artifact_id is not None:
                    titles[int(artifact_id)] = str(title)
    return titles


def summary(rows: list[CoverageRow]) -> dict[str, tuple[int, int]]:
    """Covered and total, for clauses and for controls."""
    result: dict[str, tuple[int, int]] = {}
    for kind in ("clause", "control"):
        selected = [row for row in rows if row.kind == kind]
        result[kind] = (sum(row.covered for row in selected), len(selected))
    return result
