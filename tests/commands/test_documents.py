from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.helpers.cli import run
from workbench.models import ArtifactKind
from workbench.services.register import artifacts
from workbench.services.store.workspace import open_workspace


@pytest.fixture
def workspace_file(tmp_path: Path) -> Path:
    path = tmp_path / "acme.grcw"
    workspace = open_workspace(path)
    for title in ("ISMS Scope Statement", "Access Control Policy", "Backup Policy"):
        artifacts.create_artifact(
            workspace, actor="Mara", kind=ArtifactKind.POLICY, title=title, content=f"# {title}\n"
        )
    workspace.close()
    return path


def test_save_history_diff_restore_show(capsys, workspace_file: Path, tmp_path: Path) -> None:
    w = str(workspace_file)
    draft = tmp_path / "scope.md"
    draft.write_text("# ISMS Scope Statement\n\nWarehouse platform.\n", encoding="utf-8")
    code, out, _ = run(capsys, "-w", w, "doc", "save", "scope", "--file", str(draft),
                       "--comment", "Scope agreed in kickoff")  # fmt: skip
    assert code == 0 and out.startswith("ISMS Scope Statement: saved version 2 (")
    code, out, _ = run(capsys, "-w", w, "doc", "save", "1", "--file", str(draft), "--comment", "x")
    assert out.strip() == (
        "ISMS Scope Statement: the text is the same as version 2; no new version was saved"
    )
    code, out, _ = run(capsys, "-w", w, "doc", "history", "1", "--json")
    history = json.loads(out)
    assert [(v["version"], v["comment"]) for v in history] == [
        (2, "Scope agreed in kickoff"),
        (1, "Created"),
    ]
    code, out, _ = run(capsys, "-w", w, "doc", "diff", "1", "1", "2")
    assert out.splitlines()[:2] == ["--- version 1", "+++ version 2"]
    assert "+Warehouse platform." in out
    code, out, _ = run(capsys, "-w", w, "doc", "restore", "1", "1")
    assert out.strip() == "ISMS Scope Statement: version 1 restored as version 3"
    code, out, _ = run(capsys, "-w", w, "doc", "show", "1")
    assert out == "# ISMS Scope Statement\n"
    code, out, _ = run(capsys, "-w", w, "doc", "show", "1", "--version", "2")
    assert out == "# ISMS Scope Statement\n\nWarehouse platform.\n"


def test_save_from_stdin(capsys, workspace_file: Path, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("# Backup\n\nDaily.\n"))
    code, out, _ = run(capsys, "-w", str(workspace_file), "doc", "save", "backup", "--file", "-",
                       "--comment", "daily backups")  # fmt: skip
    assert code == 0 and out.startswith("Backup Policy: saved version 2")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["doc", "show", "42"], "workbench: there is no artifact 42\n"),
        (["doc", "show", "policy"],
         "workbench: 'policy' matches 2 artifacts (2 Access Control Policy, 3 Backup Policy); "
         "use the id\n"),
        (["doc", "show", "1", "--version", "9"], "workbench: artifact 1 has no version 9\n"),
        (["doc", "diff", "1", "1", "5"], "workbench: artifact 1 has no version 5\n"),
        (["doc", "save", "1", "--file", "/nonexistent.md", "--comment", "x"],
         "workbench: /nonexistent.md: no such file\n"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(capsys, workspace_file, argv, message) -> None:
    code, out, err = run(capsys, "-w", str(workspace_file), *argv)
    assert (code, err) == (2, message)
