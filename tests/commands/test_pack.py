"""``workbench pack``: a summary line and exit 0; exit 1 with a warning when verify finds
problems (the pack is still written); bad input is one line and exit 2."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.helpers.approvals import tamper
from tests.helpers.cli import run
from tests.helpers.packs import check_manifest, engagement
from workbench.services.store.workspace import open_workspace


@pytest.fixture
def workspace_file(tmp_path: Path) -> Path:
    path = tmp_path / "acme.grcw"
    workspace = open_workspace(path)
    engagement(workspace, tmp_path)
    workspace.close()
    return path


def test_pack(capsys, workspace_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "acme.zip"
    code, out, err = run(capsys, "-w", str(workspace_file), "pack", "-o", str(target))
    assert (code, err) == (0, "")
    with zipfile.ZipFile(target) as archive:
        data = check_manifest(archive)
        assert not any(name.startswith("drafts/") for name in archive.namelist())
    assert data["verify"]["ok"] is True
    assert out.startswith(f"wrote {target}: 2 published document(s), 14 files; manifest SHA-256 ")
    assert len(out.splitlines()) == 1

    code, out, _ = run(capsys, "-w", str(workspace_file), "pack", "-o", str(target),
                       "--include-drafts")  # fmt: skip
    assert code == 0 and "2 published document(s) and 1 draft(s), 16 files" in out
    with zipfile.ZipFile(target) as archive:
        assert "drafts/DRAFT-003-Backup-Procedure-v1.docx" in archive.namelist()


def test_problems_still_pack_but_exit_1(capsys, workspace_file: Path, tmp_path: Path) -> None:
    workspace = open_workspace(workspace_file)
    tamper(workspace, "UPDATE approval SET comment = 'Rubber-stamped' WHERE id = 1")
    workspace.close()
    target = tmp_path / "acme.zip"
    code, out, err = run(capsys, "-w", str(workspace_file), "pack", "-o", str(target))
    assert code == 1
    assert out.startswith(f"wrote {target}: ")
    assert err == (
        "workbench: warning: verify found 1 problem(s); the pack's manifest.json and index.html "
        "list them (workbench verify shows them too)\n"
    )
    with zipfile.ZipFile(target) as archive:
        problems = check_manifest(archive)["verify"]["problems"]
    assert len(problems) == 1 and "approval row was changed" in problems[0]


def test_a_folder_is_bad_input(capsys, workspace_file: Path, tmp_path: Path) -> None:
    code, out, err = run(capsys, "-w", str(workspace_file), "pack", "-o", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == f"workbench: {tmp_path} is a folder; name the zip file to write\n"
