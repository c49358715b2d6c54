"""PDF export of any version through the Qt renderer: page size, header, footer, block."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from tests.helpers.approvals import POLICY_TEXT
from tests.helpers.readers import normalise, pdf_text, version_text
from tests.services.exports.test_doc_export import DRAFT_TEXT
from workbench.services.documents import editing
from workbench.services.exports import document_export
from workbench.views.common import pdf_export

POINTS = {"A4": (595, 842), "Letter": (612, 792)}


@pytest.fixture
def policy(approved_policy: int) -> int:
    return approved_policy


def export_pdf(workspace, artifact_id: int, target: Path, **options) -> Path:
    document_export.export_document(
        workspace, artifact_id, fmt="pdf", target=target, pdf_renderer=pdf_export.write_pdf,
        **options,
    )  # fmt: skip
    return target


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_approved_version(qapp, workspace, policy: int, tmp_path: Path, page_size: str) -> None:
    target = export_pdf(workspace, policy, tmp_path / "policy.pdf", page_size=page_size)
    pages, text = pdf_text(target)
    assert pages == 1
    assert version_text(POLICY_TEXT) in text
    for expected in (
        "Access Control Policy · version 1 · approved",
        "Register id 1",
        "Document approval",
        "Jonas Weber CISO Approved",
        "Page 1 of 1",
    ):
        assert expected in text
    reader = pypdf.PdfReader(target)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == POINTS[page_size]
    assert reader.metadata.title == "Access Control Policy, version 1"
    assert not list(tmp_path.glob("*.partial"))


def test_draft_has_a_notice_and_no_block(qapp, workspace, policy: int, tmp_path: Path) -> None:
    editing.save_version(workspace, artifact_id=policy, content=DRAFT_TEXT, author="Lena",
                            comment="monthly")  # fmt: skip
    _, text = pdf_text(export_pdf(workspace, policy, tmp_path / "draft.pdf"))
    assert version_text(DRAFT_TEXT) in text
    assert "Access Control Policy · version 2 · draft" in text
    assert "DRAFT: this version has not been approved." in text
    assert "Document approval" not in text


def test_every_page_numbered(qapp, workspace, policy: int, tmp_path: Path) -> None:
    body = "\n\n".join(f"Clause {n}: the organisation shall keep records." for n in range(150))
    editing.save_version(workspace, artifact_id=policy, content=f"# Long\n\n{body}\n",
                            author="Mara", comment="long")  # fmt: skip
    target = export_pdf(workspace, policy, tmp_path / "long.pdf", page_size="Letter")
    reader = pypdf.PdfReader(target)
    pages = len(reader.pages)
    assert pages > 2
    for number, page in enumerate(reader.pages, start=1):
        page_text = normalise(page.extract_text())
        assert f"Page {number} of {pages}" in page_text
        assert "Access Control Policy · version 2 · draft" in page_text
        assert "Register id 1" in page_text
