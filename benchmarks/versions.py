"""A long-lived document: 1,000 versions of a 100 KB Markdown file with small edits each time.

Figures: saving the next version (p50), reading the history, diffing two 100 KB versions,
opening the document in the editor, and the workspace file size.

Baselines: the same file kept in git, where saving a version is ``git commit`` of the file as a
process and the history is ``git log`` (the same 1,000 versions are imported first with
``git fast-import``); diffing is ``difflib.unified_diff`` of the same two texts; opening is
reading the file into a bare ``QPlainTextEdit`` and its ``markdown.markdown`` rendering into a
bare ``QTextBrowser`` (the editor's preview). Without git on the PATH the git figures are
printed without a baseline.
"""

from __future__ import annotations

import difflib
import os
import random
import shutil
import subprocess
import time
from pathlib import Path

import markdown

from benchmarks.common import Result, alternate, median, percentile, timed_ms
from workbench.models import ArtifactKind
from workbench.services.documents import diffing, editing
from workbench.services.register import artifacts, versioning
from workbench.services.store.workspace import open_workspace

VERSIONS = 1_000
TARGET_BYTES = 100_000
SAVES = 50
FILE = "soa.md"
GIT = "git commit of the same file as a process, in a repository holding the same versions"
GIT_LOG = "git log of the same file as a process, in that repository"
GIT_SIZE = "that git repository's .git folder, as fast-import and the commits left it"
DIFF = "difflib.unified_diff of the same two texts"
OPEN = (
    "the latest text read from a file into a bare QPlainTextEdit, and rendered by "
    "markdown.markdown into a bare QTextBrowser beside it"
)
NO_GIT = "git is not on the PATH: no baseline"
# About twice the worst of six runs on a shared 2-core machine: save 0.38-0.53x, history
# 0.32-0.43x, diff 7.9-11.7x (the side-by-side view also diffs within lines), open 2.4-2.9x.
# The size is not noisy (1.06x every run): half as much again.
RATIO_TARGETS = {"save": 1.1, "history": 1.0, "diff": 24.0, "open": 6.0, "size": 1.6}


def base_document(rng: random.Random) -> list[str]:
    words = ("control", "evidence", "supplier", "risk", "owner", "review", "backup", "access",
             "incident", "policy", "asset", "training", "audit", "record", "scope")  # fmt: skip
    lines: list[str] = ["# Statement of Applicability\n", "\n"]
    while sum(len(line) for line in lines) < TARGET_BYTES:
        number = len(lines)
        sentence = " ".join(rng.choice(words) for _ in range(9))
        lines.append(f"| A.{number % 8 + 5}.{number} | {sentence} | Yes | Planned |\n")
    return lines


class GitFile:
    """One file in a git repository of its own, written and committed the plainest way."""

    def __init__(self, folder: Path, git: str) -> None:
        self.folder, self.git = folder, git
        folder.mkdir(parents=True)
        # No user or system configuration (hooks, signing, automatic gc) may change the figure.
        self.env = {
            **os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": "Mara", "GIT_AUTHOR_EMAIL": "mara@example.org",
            "GIT_COMMITTER_NAME": "Mara", "GIT_COMMITTER_EMAIL": "mara@example.org",
        }  # fmt: skip
        self._git("init", "-q")
        self._git("symbolic-ref", "HEAD", "refs/heads/main")
        self._git("config", "gc.auto", "0")
        self._import = subprocess.Popen(
            [git, "fast-import", "--quiet"], cwd=folder, env=self.env, stdin=subprocess.PIPE
        )

    def _git(self, *arguments: str) -> str:
        completed = subprocess.run([self.git, *arguments], cwd=self.folder, env=self.env,
                                   check=True, capture_output=True, text=True)  # fmt: skip
        return completed.stdout

    def add_history(self, content: str) -> None:
        """One commit streamed to ``git fast-import``: setup, where a process each would be slow."""
        assert self._import.stdin is not None
        data = content.encode()
        self._import.stdin.write(
            b"commit refs/heads/main\ncommitter Mara <mara@example.org> 1764000000 +0000\n"
            b"data 4\nedit\nM 100644 inline " + FILE.encode() + b"\n"
            + f"data {len(data)}\n".encode() + data + b"\n"
        )  # fmt: skip

    def finish_history(self) -> None:
        assert self._import.stdin is not None
        self._import.stdin.close()
        if self._import.wait() != 0:
            raise RuntimeError("git fast-import failed")
        self._git("reset", "-q", "--hard", "main")

    def commit(self, content: str) -> None:
        (self.folder / FILE).write_text(content, encoding="utf-8")
        self._git("commit", "-q", "-m", "edit", "--", FILE)

    def log(self) -> list[str]:
        return self._git("log", "--format=%H %an %at %s", "--", FILE).splitlines()

    def size_mb(self) -> float:
        git_dir = self.folder / ".git"
        return sum(p.stat().st_size for p in git_dir.rglob("*") if p.is_file()) / 1_000_000


def run(scratch: Path) -> list[Result]:
    from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextBrowser

    from workbench.views.documents.view import DocumentEditor

    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / "versions.grcw"
    workspace = open_workspace(path)
    rng = random.Random(1000)
    lines = base_document(rng)
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.SOA, title="SoA", content="".join(lines)
    )
    git_path = shutil.which("git")
    repo = GitFile(scratch / "git", git_path) if git_path else None
    if repo is not None:
        repo.add_history("".join(lines))

    edits = iter(range(10**9))

    def edit() -> str:
        row = rng.randrange(2, len(lines))
        status = rng.choice(["Implemented", "Partial", "Planned"])
        lines[row] = lines[row].rsplit("|", 2)[0] + f"| {status} (review {next(edits)}) |\n"
        return "".join(lines)

    def save(content: str) -> None:
        editing.save_version(
            workspace, artifact_id=artifact_id, content=content, author="Mara", comment="edit"
        )

    for _ in range(VERSIONS - 1):
        content = edit()
        save(content)
        if repo is not None:
            repo.add_history(content)
    if repo is not None:
        repo.finish_history()

    current = [""]

    def next_edit() -> None:
        current[0] = edit()

    if repo is not None:
        saves, git_saves = alternate(
            timed_ms(lambda: save(current[0])),
            timed_ms(lambda: repo.commit(current[0])),
            runs=SAVES,
            before_each=next_edit,
        )
        histories, git_logs = alternate(
            timed_ms(lambda: versioning.history(workspace, artifact_id)),
            timed_ms(repo.log),
            runs=10,
            warm=1,
        )
        assert len(repo.log()) == len(versioning.history(workspace, artifact_id))
    else:
        saves, git_saves, git_logs = [], [], []
        for _ in range(SAVES):
            next_edit()
            saves.append(timed_ms(lambda: save(current[0]))())
        histories = [timed_ms(lambda: versioning.history(workspace, artifact_id))()
                     for _ in range(10)]  # fmt: skip
    old = versioning.get_version(workspace, artifact_id, 500).content
    new = versioning.get_version(workspace, artifact_id).content
    diffs, plain_diffs = alternate(
        timed_ms(lambda: diffing.side_by_side(old, new)),
        timed_ms(lambda: list(difflib.unified_diff(old.splitlines(True), new.splitlines(True)))),
        runs=5,
    )
    workspace.close()

    app = QApplication.instance() or QApplication([])
    plain_file = scratch / "latest.md"
    plain_file.write_text(new, encoding="utf-8")

    def open_in_editor() -> float:
        reopened = open_workspace(path)  # a new workspace has cold caches: text from storage
        editor = DocumentEditor()
        editor.set_workspace(reopened)
        began = time.perf_counter()
        editor.open_artifact(artifact_id)
        app.processEvents()
        elapsed = (time.perf_counter() - began) * 1000
        editor.deleteLater()
        reopened.close()
        return elapsed

    def open_plain() -> float:
        editor, preview = QPlainTextEdit(), QTextBrowser()
        began = time.perf_counter()
        text = plain_file.read_text(encoding="utf-8")
        editor.setPlainText(text)
        preview.setHtml(markdown.markdown(text, extensions=["tables"]))
        app.processEvents()
        elapsed = (time.perf_counter() - began) * 1000
        editor.deleteLater()
        preview.deleteLater()
        return elapsed

    opens, plain_opens = alternate(open_in_editor, open_plain, runs=5)
    size_mb = sum(p.stat().st_size for p in scratch.glob("versions.grcw*")) / 1_000_000

    git_save = percentile(git_saves, 0.5) if repo is not None else None
    git_log = median(git_logs) if repo is not None else None
    git_size = repo.size_mb() if repo is not None else None
    git_name, git_note = (GIT, "") if repo is not None else ("", NO_GIT)
    saved = VERSIONS + SAVES
    return [
        Result(f"save a version, 100 KB doc with {VERSIONS:,} versions (p50 of {SAVES})",
               percentile(saves, 0.5), "ms", 10, baseline=git_save, baseline_name=git_name,
               ratio_target=RATIO_TARGETS["save"], note=git_note),
        Result(f"open the history of {VERSIONS:,} versions", median(histories), "ms", 50,
               baseline=git_log, baseline_name=git_name and GIT_LOG,
               ratio_target=RATIO_TARGETS["history"], note=git_note),
        Result("diff two 100 KB versions", median(diffs), "ms", 150,
               baseline=median(plain_diffs), baseline_name=DIFF,
               ratio_target=RATIO_TARGETS["diff"]),
        Result("open the document in the editor", median(opens), "ms", 100,
               baseline=median(plain_opens), baseline_name=OPEN,
               ratio_target=RATIO_TARGETS["open"]),
        Result(f"workspace size with {saved:,} versions of 100 KB", size_mb, "MB", 30,
               baseline=git_size, baseline_name=git_name and GIT_SIZE,
               ratio_target=RATIO_TARGETS["size"], note=git_note),
    ]  # fmt: skip
