"""Cutting entries off the end of the audit log is noticed, and where it cannot be, the head
written down outside the workspace tells."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from tests.helpers.cli import run
from tests.helpers.packs import engagement
from tests.helpers.tamper import cut_log, rows, tamper
from workbench.services.audit import verify
from workbench.services.exports import audit_pack
from workbench.services.register import profile

POLICY = "artifact 1 'Access Control Policy'"


def _problems(workspace) -> list[str]:
    return [str(problem) for problem in verify.verify_workspace(workspace).problems]


def _entries(workspace) -> int:
    return int(rows(workspace, "SELECT count(*) FROM audit_log")[0][0])


def test_cutting_the_last_approval_off_the_log_is_named(workspace, approved_policy, capsys) -> None:
    assert verify.verify_workspace(workspace).ok
    cut_log(workspace, _entries(workspace) - 1)  # Priya's approval entry
    code, out, _ = run(capsys, "-w", str(workspace.path or workspace.url), "verify")
    assert code == 1
    assert out.splitlines()[0] == (
        f"approval 2 (by Priya Shah) of {POLICY} version 1: no audit log entry records it "
        "(entries were cut off the end of the log, or it was added behind the workbench's back)"
    )
    assert rows(workspace, "SELECT count(*) FROM approval") == [(2,)]  # nothing else was lost


def test_a_deeper_cut_is_named_by_every_record_and_signature_it_orphans(
    workspace, approved_policy
) -> None:
    total = _entries(workspace)
    cut_log(workspace, total - 3)  # the review request and both approvals
    found = _problems(workspace)
    # Jonas signed when the log held the entries up to the review request: that head is gone.
    assert (
        f"approval 1 (approved by Jonas Weber) of {POLICY} version 1: signature invalid: the "
        f"audit log was cut short: it held {total - 2} entries when this was signed"
    ) in found
    orphans = [p for p in found if "no audit log entry records it" in p]
    assert [p.split(":")[0] for p in orphans] == [
        f"approval 1 (by Jonas Weber) of {POLICY} version 1",
        f"approval 2 (by Priya Shah) of {POLICY} version 1",
        f"review request 1 (Jonas Weber) of {POLICY} version 1",
        f"review request 2 (Priya Shah) of {POLICY} version 1",
    ]


def test_a_rewritten_log_breaks_the_heads_the_signatures_hold(workspace, approved_policy) -> None:
    """A forger who edits an early entry and recomputes every hash after it keeps the chain
    intact, but not the heads signed into the approvals."""
    from workbench.services.store import audit_log

    tamper(workspace, "UPDATE audit_log SET actor = 'Mallory' WHERE id = 2")
    entries = rows(workspace, "SELECT id, at, actor, action, entity, entity_id, summary FROM "
                   "audit_log ORDER BY id")  # fmt: skip
    previous = audit_log.GENESIS_HASH
    for entry_id, at, actor, action, entity, entity_id, summary in entries:
        moment = datetime.fromisoformat(str(at)).replace(tzinfo=UTC)
        digest = audit_log.entry_digest(
            prev_hash=previous, at=moment.isoformat(), actor=str(actor), action=str(action),
            entity=str(entity), entity_id=str(entity_id), summary=str(summary),
        )  # fmt: skip
        tamper(workspace, "UPDATE audit_log SET prev_hash = ?, entry_hash = ? WHERE id = ?",
               previous, digest, entry_id)  # fmt: skip
        previous = digest
    found = _problems(workspace)
    assert not [p for p in found if p.startswith("audit log entry")]  # the chain holds...
    assert sum("the audit log was rewritten" in p for p in found) == 2  # ...the heads do not


def test_a_pack_anchors_the_head_and_records_itself(workspace, tmp_path: Path) -> None:
    engagement(workspace, tmp_path)
    target = tmp_path / "pack.zip"
    result = audit_pack.build_pack(
        workspace, target, actor="Mara", now=datetime(2026, 12, 1, tzinfo=UTC)
    )
    with zipfile.ZipFile(target) as pack:
        head = json.loads(pack.read("manifest.json"))["verify"]["audit_log_head"]
    assert head == result.report.head.to_json()
    assert head["hash"] == rows(workspace, "SELECT entry_hash FROM audit_log ORDER BY id LIMIT 1 "
                                "OFFSET ?", head["entries"] - 1)[0][0]  # fmt: skip
    assert verify.verify_workspace(workspace).ok

    cut_log(workspace, _entries(workspace) - 1)  # the pack's own entry
    (found,) = _problems(workspace)
    assert found.startswith("audit pack pack.zip (")
    assert found.endswith("no audit log entry records it (entries were cut off the end of the "
                          "log, or it was added behind the workbench's back)")  # fmt: skip


def test_a_consistent_cut_shows_only_against_a_head_kept_elsewhere(
    workspace, approved_policy, capsys
) -> None:
    """Entries that create no record (a profile change) can be cut with nothing in the file
    left to miss them: only the head the consultant wrote down tells. README says so."""
    profile.update_profile(workspace, actor="Mara", organisation_name="Acme Logistics")
    code, out, _ = run(capsys, "-w", str(workspace.path or workspace.url), "verify", "--json")
    anchored = json.loads(out)["audit_log_head"]
    cut_log(workspace, anchored["entries"] - 1)
    code, out, _ = run(capsys, "-w", str(workspace.path or workspace.url), "verify", "--json")
    now = json.loads(out)
    assert code == 0 and now["ok"] is True  # the file alone cannot tell...
    assert now["audit_log_head"]["entries"] == anchored["entries"] - 1  # ...the anchor can
