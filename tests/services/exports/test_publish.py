from __future__ import annotations

from pathlib import Path

import docx
import pytest
from sqlmodel import select

from tests.helpers.approvals import (
    JONAS_PASS,
    POLICY_TEXT,
    approved_by_both,
    tamper,
    with_people,
    with_policy,
)
from tests.helpers.readers import docx_text, title_then_body
from workbench.models import ArtifactStatus, AuditLogEntry
from workbench.services.approvals import decisions, reviews
from workbench.services.documents import editing
from workbench.services.exports import docx_render, publishing
from workbench.services.exports.publishing import PublishError
from workbench.services.register import artifacts, listing, versioning


@pytest.fixture
def approved(approved_policy: int) -> int:
    return approved_policy


def test_docx_holds_the_approval_block_and_the_version_text(
    workspace, approved: int, tmp_path: Path
) -> None:
    changes, result = publishing.publish(
        workspace, actor="Mara", artifact_id=approved, out_dir=tmp_path / "out"
    )
    assert changes.artifacts == {approved}
    assert result.files == (
        tmp_path / "out" / "Access-Control-Policy-v1.docx",
        tmp_path / "out" / "Access-Control-Policy-v1.pdf",
    )
    assert result.status is ArtifactStatus.PUBLISHED
    text = docx_text(result.files[0])
    assert title_then_body(POLICY_TEXT, text)
    digest = versioning.get_version(workspace, approved, 1).info.content_sha256.upper()
    grouped = " ".join(digest[i : i + 4] for i in range(0, 64, 4))
    for expected in (
        "Document approval",
        f"Content SHA-256 {grouped}",
        "Signatures valid (2 signatures verified)",
        "Jonas Weber CISO Approved",
        "Priya Shah CEO Approved",
    ):
        assert expected in text
    document = docx.Document(str(result.files[0]))
    styles = [p.style.name for p in document.paragraphs if p.text]
    assert styles[:2] == ["Heading 1", "Heading 2"]  # the document's own title, then the block
    assert styles.count("List Paragraph") == 2
    header = document.sections[0].header.paragraphs[0].text
    # labelled as what it is once published, as the audit pack labels it
    assert header == "Access Control Policy · version 1 · published"
    assert not list((tmp_path / "out").glob("*.partial"))

    assert artifacts.get_details(workspace, approved).status is ArtifactStatus.PUBLISHED
    with workspace.read() as session:
        entry = session.exec(
            select(AuditLogEntry).where(AuditLogEntry.action == "artifact.publish")
        ).one()
    files = '"files":["Access-Control-Policy-v1.docx","Access-Control-Policy-v1.pdf"]'
    assert files in entry.summary
    assert "placeholders" not in entry.summary


def test_edit_after_publishing_keeps_the_published_version(
    workspace, approved: int, tmp_path: Path
) -> None:
    publishing.publish(workspace, actor="Mara", artifact_id=approved, out_dir=tmp_path)
    editing.save_version(workspace, artifact_id=approved, content="# Draft 2\n\nNew rules.\n",
                            author="Mara", comment="Revision")  # fmt: skip
    reviews.request_review(workspace, actor="Mara", artifact_id=approved, approvers=["Jonas Weber"])
    row = listing.fetch_rows(workspace, [approved])[approved]
    assert (row.status, row.version, row.approved_version, row.published_version) == (
        ArtifactStatus.IN_REVIEW, 2, 1, 1,
    )  # fmt: skip
    assert listing.row_json(row)["published_version"] == 1
    # the version in force is still the approved text
    document = publishing.prepare(workspace, approved)
    assert document.block.version == 1 and document.content == POLICY_TEXT
    decisions.approve(workspace, artifact_id=approved, version=2, signer="Jonas Weber",
                      passphrase=JONAS_PASS)  # fmt: skip
    _, result = publishing.publish(workspace, actor="Mara", artifact_id=approved, out_dir=tmp_path)
    assert result.version == 2
    row = listing.fetch_rows(workspace, [approved])[approved]
    assert (row.status, row.approved_version, row.published_version) == (
        ArtifactStatus.PUBLISHED, 2, 2,
    )  # fmt: skip


def test_nothing_approved_is_not_published(workspace, tmp_path: Path) -> None:
    with_people(workspace)
    artifact_id = with_policy(workspace)
    with pytest.raises(PublishError, match="has no approved version to publish"):
        publishing.publish(workspace, actor="Mara", artifact_id=artifact_id, out_dir=tmp_path)
    approved_by_both(workspace, artifact_id)
    with pytest.raises(PublishError, match="version 2 of 'Access Control Policy' is not approved"):
        publishing.prepare(workspace, artifact_id, 2)
    assert not list(tmp_path.glob("*.docx"))
    artifacts.retire(workspace, actor="Mara", artifact_id=artifact_id)
    with pytest.raises(PublishError, match="is retired; it is no longer published"):
        publishing.publish(workspace, actor="Mara", artifact_id=artifact_id, out_dir=tmp_path)
    assert not list(tmp_path.glob("*.docx"))


def test_invalid_signatures_are_not_published(workspace, approved: int, tmp_path: Path) -> None:
    tamper(workspace, "UPDATE approval SET comment = 'Rubber-stamped' WHERE id = 1")
    with pytest.raises(
        PublishError, match="its signatures do not verify .*approval row was changed"
    ):
        publishing.publish(workspace, actor="Mara", artifact_id=approved, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert artifacts.get_details(workspace, approved).status is ArtifactStatus.APPROVED


def test_markdown_to_word_keeps_structure(tmp_path: Path) -> None:
    source = (
        "# Title\n\nSome *italic*, **bold**, `code` and [a link](https://example.org).\n\n"
        "1. first\n2. second\n    - nested bullet\n3. third\n\n"
        "Between lists.\n\n1. again one\n\n"
        "> A quoted line.\n\n```\nline 1\n  line 2\n```\n\n---\n\n"
        "| Left | Right |\n|:--|--:|\n| a | **b** |\n"
    )
    document = docx.Document()
    docx_render.add_markdown(document, source)
    document.save(str(tmp_path / "x.docx"))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert paragraphs == [
        ("Heading 1", "Title"),
        ("Normal", "Some italic, bold, code and a link."),
        ("List Paragraph", "first"),
        ("List Paragraph", "second"),
        ("List Paragraph", "nested bullet"),
        ("List Paragraph", "third"),
        ("Normal", "Between lists."),
        ("List Paragraph", "again one"),
        ("Quote", "A quoted line."),
        ("No Spacing", "line 1\n  line 2"),
    ]
    runs = {run.text: run for run in document.paragraphs[1].runs}
    assert runs["italic"].italic and runs["bold"].bold and runs["code"].font.name == "Consolas"
    assert runs["a link"].underline
    (table,) = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Left", "Right"],
        ["a", "b"],
    ]
    assert table.rows[1].cells[1].paragraphs[0].runs[0].bold
