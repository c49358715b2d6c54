"""A team on one workspace: 4 writer processes x 250 version saves of one document, on a
PostgreSQL server (started privately with pgserver) and on a SQLite file; then the check-in of
an engagement that gained 1,000 versions offline.

Figures per back end: throughput, p50/p95 latency of a save, lost writes (saves that did not
end up as a version, or numbers missing or doubled: must be 0) and audit-chain problems found
by verify afterwards (must be 0).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from benchmarks.common import Result, percentile

WRITERS = 4
SAVES = 250
OFFLINE_VERSIONS = 1_000
REPO = Path(__file__).resolve().parents[1]


def worker(location: str, artifact_id: int, count: int, name: str) -> None:
    """One writer process: waits for a line on stdin, saves, prints its latencies as JSON."""
    from workbench.services.common.errors import ServiceError
    from workbench.services.documents import editing
    from workbench.services.store.workspace import open_workspace

    workspace = open_workspace(location, create=False)
    print("ready", flush=True)
    sys.stdin.readline()
    latencies: list[float] = []
    failures: list[str] = []
    for number in range(count):
        start = time.perf_counter()
        try:
            editing.save_version(
                workspace, artifact_id=artifact_id, author=name, comment=f"{name} {number}",
                content=f"# Supplier policy\n\nEdited by {name}, edit {number}.\n",
            )  # fmt: skip
        except ServiceError as error:
            failures.append(str(error))
        latencies.append((time.perf_counter() - start) * 1000)
    workspace.close()
    print(json.dumps({"latencies": latencies, "failures": failures}), flush=True)


def _writers(location: str, artifact_id: int) -> tuple[float, list[float], int]:
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.team",
                "worker",
                location,
                str(artifact_id),
                str(SAVES),
                f"writer{n}",
            ],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(WRITERS)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    outputs = [child.communicate(timeout=900)[0] for child in children]
    elapsed = time.perf_counter() - start
    latencies: list[float] = []
    failures = 0
    for output in outputs:
        data = json.loads(output.strip().splitlines()[-1])
        latencies += data["latencies"]
        failures += len(data["failures"])
    return elapsed, latencies, failures


def _concurrent(label: str, location: str) -> list[Result]:
    from sqlmodel import select

    from workbench.models import ArtifactKind, Version
    from workbench.services.audit.verify import verify_workspace
    from workbench.services.register import artifacts
    from workbench.services.store.workspace import open_workspace

    workspace = open_workspace(location)
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Supplier policy",
        content="# Supplier policy\n",
    )  # fmt: skip
    elapsed, latencies, _failures = _writers(workspace.url, artifact_id)
    with workspace.read() as session:
        numbers = list(
            session.exec(select(Version.number).where(Version.artifact_id == artifact_id))
        )
    expected = list(range(1, WRITERS * SAVES + 2))
    lost = len(expected) - len(set(numbers)) + (len(numbers) - len(set(numbers)))
    report = verify_workspace(workspace)
    workspace.close()
    total = WRITERS * SAVES
    return [
        Result(
            f"{label}: {WRITERS} writers x {SAVES} saves, throughput", total / elapsed, "saves/s"
        ),
        Result(f"{label}: save latency p50", percentile(latencies, 0.50), "ms"),
        Result(f"{label}: save latency p95", percentile(latencies, 0.95), "ms", target=1000),
        Result(f"{label}: lost writes", float(lost), "saves", limit=0),
        Result(f"{label}: audit chain problems", float(len(report.problems)), "problems", limit=0),
    ]


def _checkin(server_url: str, scratch: Path) -> list[Result]:
    from workbench.models import ArtifactKind
    from workbench.services.documents import editing
    from workbench.services.register import artifacts
    from workbench.services.store.workspace import open_workspace
    from workbench.services.team import checkin, lease

    server = open_workspace(server_url)
    ids = [
        artifacts.create_artifact(
            server, actor="Mara", kind=ArtifactKind.POLICY, title=f"Policy {n}",
            content=f"# Policy {n}\n",
        )[1]
        for n in range(20)
    ]  # fmt: skip
    file = open_workspace(scratch / "laptop.grcw", initialise=False)
    lease.checkout(server, file, actor="Mara")
    for number in range(OFFLINE_VERSIONS):
        editing.save_version(
            file, artifact_id=ids[number % len(ids)], author="Mara", comment="on the train",
            content=f"# Policy\n\nRevision {number} written offline.\n",
        )  # fmt: skip
    start = time.perf_counter()
    result = checkin.checkin(file, server, actor="Mara")
    elapsed = time.perf_counter() - start
    file.close()
    server.close()
    return [
        Result(f"check-in of {OFFLINE_VERSIONS:,} offline versions", elapsed, "s", target=30),
        Result(
            "check-in: server problems after",
            float(len(result.report.problems)),
            "problems",
            limit=0,
        ),  # fmt: skip
    ]


def run(scratch: Path) -> list[Result]:
    import psycopg2

    scratch.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs, when XDG_RUNTIME_DIR is unset
        import pgserver

        folder = Path(tempfile.mkdtemp(prefix="workbench-bench-pg-"))
        server = pgserver.get_server(folder / "data", cleanup_mode="delete")
    try:
        admin = psycopg2.connect(server.get_uri())
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("CREATE DATABASE bench_writers")
            cursor.execute("CREATE DATABASE bench_checkin")
        admin.close()
        results = _concurrent("PostgreSQL", server.get_uri("bench_writers"))
        results += _concurrent("SQLite file", str(scratch / "team.grcw"))
        results += _checkin(server.get_uri("bench_checkin"), scratch)
    finally:
        server.cleanup()
    return results


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "worker":
        worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        for result in run(Path(tempfile.mkdtemp(prefix="workbench-bench-team-"))):
            print(f"{result.name}: {result.figure} (target {result.target_text})")
