"""Saving and restoring versions as the editor does, the draft buffer, and comparing versions."""

from __future__ import annotations

import pytest

from tests.helpers.approvals import with_people
from tests.helpers.documents import draft_policy, save
from workbench.models import ArtifactStatus
from workbench.services.approvals import reviews
from workbench.services.documents import diffing, drafts, editing
from workbench.services.register import artifacts, versioning
from workbench.services.register.versioning import UnchangedContent


@pytest.fixture
def policy(workspace) -> int:
    return draft_policy(workspace)


def test_save_history_and_unchanged_text(workspace, policy: int) -> None:
    assert save(workspace, policy, "# Policy\n\nScope agreed.\n", "Scope agreed in kickoff") == 2
    with pytest.raises(UnchangedContent, match="same as version 2; no new version was saved"):
        save(workspace, policy, "# Policy\n\nScope agreed.\n")
    history = versioning.history(workspace, policy)
    assert [(v.number, v.comment) for v in history] == [
        (2, "Scope agreed in kickoff"),
        (1, "Created"),
    ]
    assert history[0].author == "Mara" and len(history[0].short_hash) == 12


def test_restore_writes_a_new_version(workspace, policy: int) -> None:
    save(workspace, policy, "second wording\n")
    save(workspace, policy, "third wording\n")
    _, info = editing.restore_version(workspace, artifact_id=policy, number=2, author="Mara")
    assert (info.number, info.comment) == (4, "Restored from version 2")
    assert versioning.get_version(workspace, policy).content == "second wording\n"
    assert versioning.get_version(workspace, policy, 3).content == "third wording\n"
    with pytest.raises(UnchangedContent, match="version 4"):
        editing.restore_version(workspace, artifact_id=policy, number=4, author="Mara")


def test_saving_during_a_review_cancels_it_in_the_same_write(workspace, policy: int) -> None:
    with_people(workspace)
    reviews.request_review(workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber"])
    changes, info = editing.save_version(
        workspace, artifact_id=policy, content="# Policy\n\nChanged.\n", author="Mara", comment=""
    )
    assert info.number == 2 and changes.notices and "was cancelled" in changes.notices[0]
    assert artifacts.get_details(workspace, policy).status is ArtifactStatus.DRAFT
    (round_,) = reviews.review_rounds(workspace, policy)
    assert round_.pending == ()


def test_a_draft_is_offered_back_until_saved_or_discarded(workspace, policy: int) -> None:
    drafts.save_draft(workspace, artifact_id=policy, base_version=1, content="# Policy\n\nUnsaved")
    draft = drafts.recoverable_draft(workspace, policy)
    assert draft is not None and draft.content.endswith("Unsaved") and draft.base_version == 1
    drafts.discard_draft(workspace, policy)
    assert drafts.recoverable_draft(workspace, policy) is None


def test_a_draft_equal_to_the_latest_version_is_not_offered(workspace, policy: int) -> None:
    drafts.save_draft(workspace, artifact_id=policy, base_version=1, content="# Policy\n")
    assert drafts.recoverable_draft(workspace, policy) is None


def test_unified_diff_and_change_blocks(workspace, policy: int) -> None:
    save(workspace, policy, "# Policy\n\nAccess is reviewed monthly.\n")
    save(workspace, policy, "# Policy\n\nAccess is reviewed quarterly.\n")
    old = versioning.get_version(workspace, policy, 2).content
    new = versioning.get_version(workspace, policy, 3).content
    text = diffing.unified(old, new, old_label="version 2", new_label="version 3")
    assert "-Access is reviewed monthly." in text and "+Access is reviewed quarterly." in text
    rows = diffing.side_by_side(old, new)
    assert len(diffing.block_starts(rows)) == 1
