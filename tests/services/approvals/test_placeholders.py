"""Placeholders do not go out signed: counted, warned about, refused at approval and publishing
unless overridden, and every override recorded in the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import col, select

from tests.helpers.approvals import JONAS_PASS, with_people
from tests.helpers.cli import run
from workbench.models import ArtifactKind, ArtifactStatus, AuditLogEntry
from workbench.services.approvals import decisions, reviews
from workbench.services.approvals.reviews import ApprovalError
from workbench.services.exports import publishing
from workbench.services.exports.publishing import PublishError
from workbench.services.register import artifacts, placeholders

DRAFT = """# Backup Policy

## Document control

| Field | Value |
|---|---|
| Owner | [TO COMPLETE: name] |

> **Guidance:** Auditors ask for a restore test record.

Backups run daily to [TO COMPLETE: e.g. an immutable bucket].
"""


def test_counting() -> None:
    found = placeholders.count(DRAFT)
    assert (found.markers, found.guidance, found.total) == (2, 1, 3)
    assert found.describe() == "3 placeholders ([TO COMPLETE] markers: 2, guidance notes: 1)"
    assert not placeholders.count("# Done\n\nA quote:\n\n> Guidance is good.\n")
    assert placeholders.count("[to complete] and [TO COMPLETE:x]").markers == 2


@pytest.fixture
def in_review(workspace) -> int:
    with_people(workspace)
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Backup Policy", content=DRAFT
    )
    return artifact_id


def _entries(workspace, action: str) -> list[dict[str, object]]:
    with workspace.read() as session:
        rows = session.exec(
            select(AuditLogEntry)
            .where(AuditLogEntry.action == action)
            .order_by(col(AuditLogEntry.id))
        ).all()
    return [json.loads(row.summary) for row in rows]


def test_requesting_a_review_warns(workspace, in_review: int) -> None:
    changes, review = reviews.request_review(
        workspace, actor="Mara", artifact_id=in_review, approvers=["Jonas Weber"]
    )
    assert review.pending == ("Jonas Weber",)
    assert changes.artifacts == {in_review}
    (notice,) = changes.notices
    assert notice.startswith("Warning: version 1 of 'Backup Policy' still has 3 placeholders")


def test_approving_refuses_then_records_the_override(workspace, in_review: int) -> None:
    reviews.request_review(workspace, actor="Mara", artifact_id=in_review,
                           approvers=["Jonas Weber"])  # fmt: skip
    with pytest.raises(ApprovalError, match="still has 3 placeholders .*--allow-placeholders"):
        decisions.approve(workspace, artifact_id=in_review, version=1, signer="Jonas Weber",
                          passphrase=JONAS_PASS)  # fmt: skip
    assert artifacts.get_details(workspace, in_review).status is ArtifactStatus.IN_REVIEW
    assert _entries(workspace, "approval.approve") == []
    decisions.approve(workspace, artifact_id=in_review, version=1, signer="Jonas Weber",
                      passphrase=JONAS_PASS, allow_placeholders=True)  # fmt: skip
    (entry,) = _entries(workspace, "approval.approve")
    assert (entry["placeholders"], entry["placeholders_allowed"]) == (3, True)


def test_rejecting_needs_no_override(workspace, in_review: int) -> None:
    reviews.request_review(workspace, actor="Mara", artifact_id=in_review,
                           approvers=["Jonas Weber"])  # fmt: skip
    decisions.approve(workspace, artifact_id=in_review, version=1, signer="Jonas Weber",
                      passphrase=JONAS_PASS, decision=decisions.Decision.REJECTED,
                      comment="Fill in the owner")  # fmt: skip
    assert artifacts.get_details(workspace, in_review).status is ArtifactStatus.DRAFT


def test_publishing_refuses_then_records_the_override(
    workspace, in_review: int, tmp_path: Path
) -> None:
    reviews.request_review(workspace, actor="Mara", artifact_id=in_review,
                           approvers=["Jonas Weber"])  # fmt: skip
    decisions.approve(workspace, artifact_id=in_review, version=1, signer="Jonas Weber",
                      passphrase=JONAS_PASS, allow_placeholders=True)  # fmt: skip
    out = tmp_path / "out"
    with pytest.raises(PublishError, match="still has 3 placeholders .*--allow-placeholders"):
        publishing.publish(workspace, actor="Mara", artifact_id=in_review, out_dir=out)
    assert not out.exists()
    assert artifacts.get_details(workspace, in_review).status is ArtifactStatus.APPROVED
    _, result = publishing.publish(workspace, actor="Mara", artifact_id=in_review, out_dir=out,
                                   allow_placeholders=True)  # fmt: skip
    assert [path.suffix for path in result.files] == [".docx", ".pdf"]
    (entry,) = _entries(workspace, "artifact.publish")
    assert (entry["placeholders"], entry["placeholders_allowed"]) == (3, True)


def test_command_line_refuses_before_asking_the_passphrase(
    capsys, workspace, in_review: int, tmp_path: Path, monkeypatch
) -> None:
    reviews.request_review(workspace, actor="Mara", artifact_id=in_review,
                           approvers=["Jonas Weber"])  # fmt: skip
    path = str(workspace.path or workspace.url)

    def no_prompt(prompt: str) -> str:
        raise AssertionError("the passphrase must not be asked for")

    monkeypatch.setattr("getpass.getpass", no_prompt)
    code, _, err = run(capsys, "-w", path, "approve", "1", "--version", "1", "--as",
                       "Jonas Weber", "--comment", "ok")  # fmt: skip
    assert code == 2
    assert "still has 3 placeholders" in err and "--allow-placeholders" in err
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", JONAS_PASS)
    code, out, err = run(capsys, "-w", path, "approve", "1", "--version", "1", "--as",
                         "Jonas Weber", "--comment", "ok", "--allow-placeholders")  # fmt: skip
    assert code == 0 and "version 1 is approved" in out
    assert "approving with 3 placeholder(s) left" in err
    code, _, err = run(capsys, "-w", path, "publish", "1", "-o", str(tmp_path / "p"))
    assert code == 2 and "still has 3 placeholders" in err
    code, out, _ = run(capsys, "-w", path, "publish", "1", "-o", str(tmp_path / "p"),
                       "--allow-placeholders")  # fmt: skip
    assert code == 0 and out.strip().endswith("version 1 published")


def test_command_line_review_request_warns(capsys, workspace, in_review: int) -> None:
    location = str(workspace.path or workspace.url)
    code, out, err = run(capsys, "-w", location, "review", "request", "1",
                         "--approver", "Jonas Weber")  # fmt: skip
    assert code == 0 and "is in review" in out
    assert "warning: version 1 of 'Backup Policy' still has 3 placeholders" in err
