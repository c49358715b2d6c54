"""``workbench doc export``: every format, version and page size; bad input is one line."""

from __future__ import annotations

from pathlib import Path

import docx
import pypdf
import pytest

from tests.helpers.approvals import POLICY_TEXT, approved_by_both, with_people, with_policy
from tests.helpers.cli import run
from tests.helpers.readers import docx_text, normalise, read_page, title_then_body
from workbench.services.documents import editing
from workbench.services.store.workspace import open_workspace


@pytest.fixture
def workspace_file(tmp_path: Path) -> Path:
    path = tmp_path / "acme.grcw"
    workspace = open_workspace(path)
    with_people(workspace)
    artifact_id = with_policy(workspace)
    approved_by_both(workspace, artifact_id)
    editing.save_version(workspace, artifact_id=artifact_id, content="# Policy\n\nDraft two.\n",
                            author="Lena", comment="two")  # fmt: skip
    workspace.close()
    return path


def test_each_format(capsys, workspace_file: Path, tmp_path: Path) -> None:
    w = str(workspace_file)
    out = tmp_path / "out"
    code, stdout, _ = run(capsys, "-w", w, "doc", "export", "access", "--version", "1",
                          "-o", str(out / "policy.md"))  # fmt: skip
    assert code == 0
    assert stdout == f"Access Control Policy: version 1 (approved) written to {out / 'policy.md'}\n"
    assert (out / "policy.md").read_text("utf-8") == POLICY_TEXT

    code, _, _ = run(capsys, "-w", w, "doc", "export", "1", "--format", "html",
                     "-o", str(out / "latest.html"))  # fmt: skip
    page = read_page(out / "latest.html")
    assert code == 0 and page.text("main") == "Policy Draft two."
    assert "version 2 · draft" in page.text("header")

    code, _, _ = run(capsys, "-w", w, "doc", "export", "1", "--version", "1", "--format", "docx",
                     "--page-size", "letter", "-o", str(out / "policy.docx"))  # fmt: skip
    assert code == 0 and title_then_body(POLICY_TEXT, docx_text(out / "policy.docx"))
    section = docx.Document(str(out / "policy.docx")).sections[0]
    assert round(section.page_width.mm, 1) == 215.9

    code, stdout, _ = run(capsys, "-w", w, "doc", "export", "1", "--version", "1",
                          "--format", "pdf", "-o", str(out))  # fmt: skip
    pdf = out / "Access-Control-Policy-v1.pdf"
    assert code == 0 and stdout.endswith(f"written to {pdf}\n")
    reader = pypdf.PdfReader(pdf)
    text = normalise(" ".join(p.extract_text() for p in reader.pages))
    assert "Document approval" in text and "Page 1 of 1" in text
    assert title_then_body(POLICY_TEXT, text)

    code, stdout, _ = run(capsys, "-w", w, "doc", "export", "1", "--format", "md",
                          "-o", f"{out / 'new'}/")  # fmt: skip
    assert code == 0 and (out / "new" / "Access-Control-Policy-v2.md").is_file()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["1", "-o", "x.txt"], "say which format to write: --format md|html|pdf|docx"),
        (["1", "--format", "rtf", "-o", "x"], "unknown format 'rtf' (choose md, html, pdf, docx)"),
        (["1", "--page-size", "A5", "-o", "x.pdf"], "unknown page size 'A5' (choose A4 or Letter)"),
        (["1", "--version", "9", "-o", "x.md"], "artifact 1 has no version 9"),
        (["42", "-o", "x.md"], "there is no artifact 42"),
        (["1", "-o", "acme.grcw/x.md"], "cannot write acme.grcw/x.md: acme.grcw is not a folder"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys, monkeypatch, workspace_file: Path, argv: list[str], message: str
) -> None:
    monkeypatch.chdir(workspace_file.parent)
    code, out, err = run(capsys, "-w", str(workspace_file), "doc", "export", *argv)
    assert (code, out, err) == (2, "", f"workbench: {message}\n")
    assert sorted(p.name for p in workspace_file.parent.iterdir() if "grcw" not in p.name) == []
