"""The register at 100,000 artifacts: first paint, sorting, filtering, and memory.

First paint is the time from handing the view the workspace to the table having painted its
first screen of rows (the coverage panel fills in just after, timed on its own). Each sort and
filter is warmed once and the median of three runs kept: steady state, not the first-use
compilation of a statement. Memory is the process's peak resident set, minus what it held
before the register was opened.
"""

from __future__ import annotations

import random
import resource
import statistics
import time
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from benchmarks.common import Result
from workbench.models import Artifact, ArtifactKind, ArtifactLink, ArtifactStatus, Version
from workbench.services.catalog.standards import default_catalog
from workbench.services.register.listing import RegisterFilter
from workbench.services.store.workspace import Workspace, open_workspace

ARTIFACTS = 100_000
BATCH = 10_000


def build(path: Path) -> Workspace:
    rng = random.Random(100_000)
    refs = [entry.ref for entry in default_catalog()]
    kinds = list(ArtifactKind)
    statuses = [ArtifactStatus.DRAFT, ArtifactStatus.APPROVED, ArtifactStatus.PUBLISHED]
    workspace = open_workspace(path)
    now = datetime(2026, 11, 28, tzinfo=UTC)
    blob = zlib.compress(b"# Record\n\nEvidence of the control in operation.\n")
    with workspace.write() as session:
        for start in range(1, ARTIFACTS + 1, BATCH):
            numbers = range(start, min(start + BATCH, ARTIFACTS + 1))
            session.execute(
                insert(Artifact),
                [
                    {
                        "id": n,
                        "kind": rng.choice(kinds),
                        "title": f"{rng.choice(['Access', 'Backup', 'Supplier', 'Incident'])} "
                        f"record {n:06d}",
                        "owner": rng.choice(["Mara", "Jonas", "Priya", "Lena"]),
                        "status": rng.choice(statuses),
                        "review_interval_months": 12,
                        "next_review": date(2026, 6, 1) + timedelta(days=rng.randint(0, 700)),
                        "created_at": now,
                        "updated_at": now - timedelta(minutes=n),
                    }
                    for n in numbers
                ],
            )
            session.execute(
                insert(ArtifactLink),
                [{"artifact_id": n, "ref": ref} for n in numbers for ref in rng.sample(refs, 2)],
            )
            session.execute(
                insert(Version),
                [
                    {"artifact_id": n, "number": 1, "content_z": blob, "content_sha256": "0" * 64,
                     "chain_hash": "0" * 64, "author": "Mara", "comment": "", "created_at": now}
                    for n in numbers
                ],
            )  # fmt: skip
    return workspace


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(scratch: Path) -> list[Result]:
    from PySide6.QtWidgets import QApplication

    from workbench.views.register.view import RegisterView

    scratch.mkdir(parents=True, exist_ok=True)
    workspace = build(scratch / "register.grcw")
    app = QApplication.instance() or QApplication([])
    before = _peak_rss_mb()
    view = RegisterView()
    view.resize(1280, 800)
    view.show()
    app.processEvents()

    began = time.perf_counter()
    view.set_workspace(workspace)
    view.table.viewport().repaint()
    first_paint = (time.perf_counter() - began) * 1000

    def timed(action: object) -> float:
        assert callable(action)
        start = time.perf_counter()
        action()
        view.table.viewport().repaint()
        return (time.perf_counter() - start) * 1000

    coverage_ms = timed(view.refresh_coverage)

    def steady(action: object) -> float:
        timed(action)  # warm the statement cache
        return statistics.median(timed(action) for _ in range(3))

    sorts = [steady(lambda c=column: view.model.sort(c)) for column in (1, 2, 5, 6, 8)]
    filters = [
        steady(lambda: view.set_filter(RegisterFilter(text="backup"))),
        steady(lambda: view.set_filter(RegisterFilter(statuses=(ArtifactStatus.DRAFT,)))),
        steady(lambda: view.set_filter(RegisterFilter(refs=("ISO27001:2022/A.8",)))),
        steady(lambda: view.set_filter(RegisterFilter(review_overdue=True))),
    ]
    memory = _peak_rss_mb() - before
    view.close()
    workspace.close()
    return [
        Result("register first paint, 100,000 artifacts", first_paint, "ms", 300),
        Result("register coverage panel, after first paint", coverage_ms, "ms"),
        Result("register sort (worst of 5 columns)", max(sorts), "ms", 150),
        Result("register filter (worst of 4 filters)", max(filters), "ms", 150),
        Result("register memory while open", memory, "MB", 150),
    ]
