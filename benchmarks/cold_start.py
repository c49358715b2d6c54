"""Cold start: a new process until the main window is shown (and rendered) on a real workspace.

Measured as the wall time of ``workbench -w WS --screenshot OUT.png``, which starts Python,
opens the workspace, loads and indexes the question bank, builds and shows the window, renders
it and writes the PNG: an upper bound of "start to window shown".
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.common import Result
from workbench.models import (
    Artifact,
    ArtifactKind,
    ArtifactLink,
    EventKind,
    PlannerEvent,
    Version,
)
from workbench.services.catalog.standards import default_catalog
from workbench.services.store import audit_log
from workbench.services.store.workspace import open_workspace

ARTIFACTS = 300
VERSIONS_PER_ARTIFACT = 8
EVENTS = 400
RUNS = 5


def build_realistic_workspace(path: Path) -> None:
    """A busy engagement: hundreds of artifacts, thousands of versions and log entries."""
    rng = random.Random(27001)
    refs = [entry.ref for entry in default_catalog()]
    workspace = open_workspace(path)
    with workspace.write() as session:
        for number in range(ARTIFACTS):
            artifact = Artifact(
                kind=rng.choice(list(ArtifactKind)),
                title=f"Artifact {number}",
                owner=rng.choice(["Mara", "Jonas", "Priya"]),
                next_review=date(2027, 1, 1) + timedelta(days=rng.randint(0, 365)),
            )
            session.add(artifact)
            session.flush()
            assert artifact.id is not None
            for ref in rng.sample(refs, 3):
                session.add(ArtifactLink(artifact_id=artifact.id, ref=ref))
            for version in range(1, VERSIONS_PER_ARTIFACT + 1):
                content = f"# Artifact {number}\n\nVersion {version}\n" * 200
                session.add(
                    Version(
                        artifact_id=artifact.id,
                        number=version,
                        content_z=zlib.compress(content.encode()),
                        content_sha256="0" * 64,
                        chain_hash="0" * 64,
                        author="Mara",
                    )
                )
            audit_log.append(
                session, actor="Mara", action="artifact.create", entity="artifact",
                entity_id=artifact.id,
            )  # fmt: skip
        start = datetime(2027, 1, 4, 9, tzinfo=UTC)
        for number in range(EVENTS):
            session.add(
                PlannerEvent(
                    uid=f"bench-{number}@workbench",
                    kind=rng.choice(list(EventKind)),
                    title=f"Event {number}",
                    start=start + timedelta(days=rng.randint(0, 1000)),
                )
            )
    workspace.close()


def run(scratch: Path) -> list[Result]:
    scratch.mkdir(parents=True, exist_ok=True)
    workspace = scratch / "busy.grcw"
    build_realistic_workspace(workspace)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "WORKBENCH_DATA_DIR": str(scratch / "data"),
        "WORKBENCH_CONFIG_DIR": str(scratch / "config"),
    }
    command = [sys.executable, "-m", "workbench", "-w", str(workspace), "--view", "register",
               "--screenshot", str(scratch / "shot.png")]  # fmt: skip
    subprocess.run(command, env=env, check=True, capture_output=True)  # warm the OS file cache
    samples = []
    for _ in range(RUNS):
        began = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - began)
    samples.sort()
    return [
        Result("cold start to main window shown (p50 of 5)", samples[len(samples) // 2], "s", 1.0)
    ]
