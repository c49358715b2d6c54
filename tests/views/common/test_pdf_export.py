from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from tests.helpers.approvals import POLICY_TEXT, approved_by_both, with_people, with_policy
from tests.helpers.readers import pdf_text, version_text
from workbench.services.documents import editing
from workbench.services.exports import publishing
from workbench.services.register import versioning
from workbench.views.common import pdf_export


@pytest.fixture
def approved(approved_policy: int) -> int:
    return approved_policy


def test_pdf_holds_the_approval_block_and_the_version_text(
    qapp, workspace, approved: int, tmp_path: Path
) -> None:
    _, result = publishing.publish(
        workspace, actor="Mara", artifact_id=approved, out_dir=tmp_path,
        renderers={"pdf": pdf_export.write_pdf},
    )  # fmt: skip
    pdf = tmp_path / "Access-Control-Policy-v1.pdf"
    assert result.files == (tmp_path / "Access-Control-Policy-v1.docx", pdf)
    pages, text = pdf_text(pdf)
    assert pages == 1
    assert version_text(POLICY_TEXT) in text
    digest = versioning.get_version(workspace, approved, 1).info.content_sha256.upper()
    for expected in (
        "Document approval",
        "Content SHA-256 " + " ".join(digest[i : i + 4] for i in range(0, 64, 4)),
        "valid (2 signatures verified)",
        "Jonas Weber CISO Approved",
        "Priya Shah CEO Approved",
        "Access Control Policy · version 1 · approved",  # header
        f"Content SHA-256 {digest[:4]} {digest[4:8]}",  # footer
        "Page 1 of 1",
    ):
        assert expected in text
    assert pypdf.PdfReader(pdf).metadata.title == "Access Control Policy, version 1"


def test_long_documents_get_numbered_pages(qapp, workspace, tmp_path: Path) -> None:
    with_people(workspace)
    paragraphs = "\n\n".join(f"Paragraph {n} of the long procedure." for n in range(1, 200))
    artifact_id = with_policy(workspace)
    editing.save_version(workspace, artifact_id=artifact_id, content=f"# Long\n\n{paragraphs}\n",
                            author="Mara", comment="long")  # fmt: skip
    approved_by_both(workspace, artifact_id, version=2)
    target = tmp_path / "long.pdf"
    pdf_export.write_pdf(publishing.prepare(workspace, artifact_id), target)
    pages, text = pdf_text(target)
    assert pages > 2
    assert f"Page {pages} of {pages}" in text
    assert "Paragraph 199 of the long procedure." in text


def test_command_line_gets_an_offscreen_application(tmp_path: Path) -> None:
    code = (
        "from workbench.views.common.pdf_export import ensure_gui_application\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "app = ensure_gui_application()\n"
        "assert ensure_gui_application() is app\n"
        "print(QGuiApplication.platformName())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == "offscreen"
