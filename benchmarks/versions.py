"""A long-lived document: 1,000 versions of a 100 KB Markdown file with small edits each time.

Figures: saving the next version (p50), reading the history, diffing two 100 KB versions,
opening the document in the editor, and the workspace file size.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

from benchmarks.common import Result, percentile, timings_ms
from workbench.models import ArtifactKind
from workbench.services.documents import diffing, editing
from workbench.services.register import artifacts, versioning
from workbench.services.store.workspace import open_workspace

VERSIONS = 1_000
TARGET_BYTES = 100_000


def base_document(rng: random.Random) -> list[str]:
    words = ("control", "evidence", "supplier", "risk", "owner", "review", "backup", "access",
             "incident", "policy", "asset", "training", "audit", "record", "scope")  # fmt: skip
    lines: list[str] = ["# Statement of Applicability\n", "\n"]
    while sum(len(line) for line in lines) < TARGET_BYTES:
        number = len(lines)
        sentence = " ".join(rng.choice(words) for _ in range(9))
        lines.append(f"| A.{number % 8 + 5}.{number} | {sentence} | Yes | Planned |\n")
    return lines


def run(scratch: Path) -> list[Result]:
    from PySide6.QtWidgets import QApplication

    from workbench.views.documents.view import DocumentEditor

    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / "versions.grcw"
    workspace = open_workspace(path)
    rng = random.Random(1000)
    lines = base_document(rng)
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.SOA, title="SoA", content="".join(lines)
    )

    edits = iter(range(10**9))

    def edit_and_save() -> None:
        row = rng.randrange(2, len(lines))
        status = rng.choice(["Implemented", "Partial", "Planned"])
        lines[row] = lines[row].rsplit("|", 2)[0] + f"| {status} (review {next(edits)}) |\n"
        editing.save_version(
            workspace,
            artifact_id=artifact_id,
            content="".join(lines),
            author="Mara",
            comment="edit",
        )

    for _ in range(VERSIONS - 1):
        edit_and_save()
    saves = timings_ms(edit_and_save, repeat=50)
    history = timings_ms(lambda: versioning.history(workspace, artifact_id), repeat=10)
    old = versioning.get_version(workspace, artifact_id, 500).content
    new = versioning.get_version(workspace, artifact_id).content
    diffs = timings_ms(lambda: diffing.side_by_side(old, new), repeat=5)
    workspace.close()

    app = QApplication.instance() or QApplication([])
    opens = []
    for _ in range(5):
        reopened = open_workspace(path)  # a new workspace has cold caches: text from storage
        editor = DocumentEditor()
        editor.set_workspace(reopened)
        began = time.perf_counter()
        editor.open_artifact(artifact_id)
        app.processEvents()
        opens.append((time.perf_counter() - began) * 1000)
        editor.deleteLater()
        reopened.close()
    size_mb = sum(p.stat().st_size for p in scratch.glob("versions.grcw*")) / 1_000_000
    return [
        Result(
            "save a version, 100 KB doc with 1,000 versions (p50)", percentile(saves, 0.5), "ms", 10
        ),
        Result("open the history of 1,000 versions", statistics.median(history), "ms", 50),
        Result("diff two 100 KB versions", statistics.median(diffs), "ms", 150),
        Result("open the document in the editor", statistics.median(opens), "ms", 100),
        Result("workspace size with 1,050 versions of 100 KB", size_mb, "MB", 30),
    ]
