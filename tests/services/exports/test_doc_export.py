from __future__ import annotations

import hashlib
import re
from pathlib import Path

import docx
import pytest

from tests.helpers.approvals import (
    JONAS_PASS,
    POLICY_TEXT,
    with_people,
    with_policy,
)
from tests.helpers.readers import body_text, docx_text, read_page, title_then_body, version_text
from workbench.services.approvals import decisions, reviews
from workbench.services.documents import editing
from workbench.services.exports import document_export, publishing
from workbench.services.exports.document_export import ExportError
from workbench.services.register import artifacts, versioning

DRAFT_TEXT = "# Access Control Policy\n\nDraft: access is *reviewed* monthly.\n"


@pytest.fixture
def policy(approved_policy: int) -> int:
    return approved_policy


def export(workspace, artifact_id: int, fmt: str, target: Path, **options) -> Path:
    document_export.export_document(workspace, artifact_id, fmt=fmt, target=target, **options)
    assert not list(target.parent.glob("*.partial"))
    return target


def test_markdown_is_the_stored_text_byte_for_byte(workspace, policy: int, tmp_path: Path) -> None:
    target = export(workspace, policy, "md", tmp_path / "policy.md")
    assert target.read_text("utf-8") == POLICY_TEXT
    digest = versioning.get_version(workspace, policy, 1).info.content_sha256
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest


def test_html_of_an_approved_version(workspace, policy: int, tmp_path: Path) -> None:
    page = read_page(export(workspace, policy, "html", tmp_path / "policy.html"))
    assert page.text("main") == version_text(POLICY_TEXT)
    assert page.text("title") == "Access Control Policy, version 1"
    assert re.fullmatch(
        r"Access Control Policy Register id 1 · version 1 · approved "
        r"Saved \d{4}-\d\d-\d\d \d\d:\d\d UTC by Mara · owner Jonas Weber",
        page.text("header"),
    )
    approval = page.text("section")
    for expected in (
        "Document approval",
        "Signatures valid (2 signatures verified)",
        "Jonas Weber CISO Approved",
        "Priya Shah CEO Approved",
    ):
        assert expected in approval
    digest = versioning.get_version(workspace, policy, 1).info.content_sha256.upper()
    grouped = " ".join(digest[i : i + 4] for i in range(0, 64, 4))
    assert f"Content SHA-256 {grouped}" in page.text("footer")
    assert page.meta["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script" not in page.tags and "@media print" in page.text("all")


def test_html_of_a_draft_has_no_approval_block(workspace, policy: int, tmp_path: Path) -> None:
    editing.save_version(workspace, artifact_id=policy, content=DRAFT_TEXT, author="Lena",
                            comment="monthly")  # fmt: skip
    page = read_page(export(workspace, policy, "html", tmp_path / "draft.html"))
    assert page.text("main") == version_text(DRAFT_TEXT)
    assert "version 2 · draft" in page.text("header")
    assert "DRAFT: this version has not been approved." in page.text("all")
    assert "Document approval" not in page.text("all")
    # the approved version keeps its block
    page = read_page(export(workspace, policy, "html", tmp_path / "v1.html", version=1))
    assert "Document approval" in page.text("all") and "version 1 · approved" in page.text("all")


def test_html_keeps_hostile_markdown_inert(workspace, tmp_path: Path) -> None:
    from workbench.models import ArtifactKind

    hostile = (
        "# <script>alert(1)</script>\n\n[click](javascript:alert(2)) <img src=x onerror=y>\n\n"
        "[fine](https://example.org)\n"
    )
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.RECORD, title="<b>Evil</b> & co",
        content=hostile,
    )  # fmt: skip
    target = export(workspace, artifact_id, "html", tmp_path / "evil.html")
    page = read_page(target)
    assert not {"script", "img", "b"} & page.tags
    assert page.links == ["https://example.org"]
    assert "<script>alert(1)</script>" in page.text("main")  # shown as text
    assert page.text("title") == "<b>Evil</b> & co, version 1"


def test_docx_structure_properties_and_block(workspace, policy: int, tmp_path: Path) -> None:
    target = export(workspace, policy, "docx", tmp_path / "policy.docx", page_size="Letter")
    text = docx_text(target)
    assert title_then_body(POLICY_TEXT, text)
    assert "Document approval" in text and "Jonas Weber CISO Approved" in text
    word = docx.Document(str(target))
    properties = word.core_properties
    assert (properties.title, properties.author, properties.version, properties.revision) == (
        "Access Control Policy", "Mara", "1", 1,
    )  # fmt: skip
    assert properties.content_status == "approved"
    digest = versioning.get_version(workspace, policy, 1).info.content_sha256
    assert properties.comments == f"Content SHA-256 {digest}"
    assert properties.category == "policy"
    header = [p.text for p in word.sections[0].header.paragraphs]
    assert header == ["Access Control Policy · version 1 · approved", "Register id 1"]
    footer = word.sections[0].footer.paragraphs[0].text
    assert footer == f"{document_export.prepare(workspace, policy).footer_text} · page 1 of 1"
    assert footer.startswith(f"Content SHA-256 {digest[:4].upper()} {digest[4:8].upper()} ")
    section = word.sections[0]
    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (215.9, 279.4)
    styles = [p.style.name for p in word.paragraphs if p.text]
    assert styles[:2] == ["Heading 1", "Heading 2"]  # the title, then the approval block
    assert word.paragraphs[0].text == "Access Control Policy"
    assert styles.count("List Paragraph") == 2
    emphasis = [run for p in word.paragraphs for run in p.runs if run.text == "need-to-know"]
    assert emphasis and emphasis[0].italic


def test_docx_of_a_draft(workspace, policy: int, tmp_path: Path) -> None:
    editing.save_version(workspace, artifact_id=policy, content=DRAFT_TEXT, author="Lena",
                            comment="monthly")  # fmt: skip
    target = export(workspace, policy, "docx", tmp_path / "draft.docx")
    text = docx_text(target)
    assert text.startswith("Access Control Policy DRAFT: this version has not been approved.")
    assert body_text(DRAFT_TEXT) in text and "Document approval" not in text
    assert "Document status" in text and "Status draft" in text
    assert "Approved by not approved" in text
    word = docx.Document(str(target))
    assert (word.core_properties.author, word.core_properties.version) == ("Lena", "2")
    assert word.core_properties.content_status == "draft"
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_docx_links_are_clickable(workspace, tmp_path: Path) -> None:
    from workbench.models import ArtifactKind

    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.PROCEDURE, title="Links",
        content="See [the standard](https://www.iso.org/standard/27001) now.\n\n"
        "| Contact |\n|---|\n| [Security desk](mailto:sec@acme.example) |\n",
    )  # fmt: skip
    target = export(workspace, artifact_id, "docx", tmp_path / "links.docx")
    word = docx.Document(str(target))
    paragraph = next(p for p in word.paragraphs if "standard" in p.text)
    assert paragraph.text == "See the standard now."
    assert 'HYPERLINK "https://www.iso.org/standard/27001"' in paragraph._p.xml
    link = next(run for run in paragraph.runs if run.text == "the standard")
    assert link.underline
    table = word.tables[-1]  # after the document status block
    assert table.rows[1].cells[0].text == "Security desk"
    assert 'HYPERLINK "mailto:sec@acme.example"' in table._tbl.xml


def test_status_of_each_version(workspace, tmp_path: Path) -> None:
    with_people(workspace)
    artifact_id = with_policy(workspace)

    def status(version: int | None = None) -> str:
        return document_export.prepare(workspace, artifact_id, version).status

    assert status() == "draft"
    reviews.request_review(workspace, actor="Mara", artifact_id=artifact_id,
                             approvers=["Jonas Weber"])  # fmt: skip
    assert status() == "in review"
    decisions.approve(workspace, artifact_id=artifact_id, version=1, signer="Jonas Weber",
                      passphrase=JONAS_PASS)  # fmt: skip
    assert status() == "approved"
    publishing.publish(workspace, actor="Mara", artifact_id=artifact_id, out_dir=tmp_path)
    assert status() == "published"
    editing.save_version(workspace, artifact_id=artifact_id, content=DRAFT_TEXT, author="Mara",
                            comment="next")  # fmt: skip
    assert (status(1), status(2)) == ("published", "draft")
    editing.save_version(workspace, artifact_id=artifact_id, content=DRAFT_TEXT + "More.\n",
                            author="Mara", comment="again")  # fmt: skip
    assert status(2) == "superseded"
    artifacts.retire(workspace, actor="Mara", artifact_id=artifact_id)
    document = document_export.prepare(workspace, artifact_id, 1)
    assert document.status == "retired" and document.block is not None
    assert document.notice == "RETIRED: this document is no longer in force."


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fmt": "rtf"}, "unknown format 'rtf' (choose md, html, pdf, docx)"),
        ({"fmt": "md", "page_size": "A3"}, "unknown page size 'A3' (choose A4 or Letter)"),
        ({"fmt": "md", "version": 7}, "artifact 1 has no version 7"),
        ({"fmt": "pdf", "version": 7}, "artifact 1 has no version 7"),
    ],
)
def test_bad_requests(workspace, policy: int, tmp_path: Path, options, message) -> None:
    with pytest.raises(ExportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        document_export.export_document(workspace, policy, target=tmp_path / "out" / "x", **options)
    assert not (tmp_path / "out").exists()


def test_unwritable_target_leaves_nothing(workspace, policy: int, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    blocker = out / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match="cannot write"):
        export(workspace, policy, "docx", blocker / "policy.docx")
    with pytest.raises(ExportError, match="no artifact 99"):
        export(workspace, 99, "md", out / "x.md")
    assert sorted(p.name for p in out.iterdir()) == ["file"]


def test_format_from_suffix() -> None:
    names = ("a.PDF", "b.htm", "c.markdown", "d.txt")
    assert [document_export.format_for(Path(n)) for n in names] == [
        "pdf", "html", "md", None,
    ]  # fmt: skip
