"""Every kind of change behind the app's back is caught and named."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from tests.helpers.approvals import (
    JONAS_PASS,
    tamper,
    with_people,
    with_policy,
)
from workbench.services.approvals import decisions, keystore, people, reviews, signing
from workbench.services.approvals.signing import SignatureState
from workbench.services.audit import verify
from workbench.services.store.workspace import open_workspace

POLICY = "artifact 1 'Access Control Policy'"


@pytest.fixture
def approved(approved_policy: int) -> int:
    return approved_policy


def problems(workspace) -> list[str]:
    return [str(problem) for problem in verify.verify_workspace(workspace).problems]


def test_a_clean_workspace_verifies(workspace, approved: int) -> None:
    report = verify.verify_workspace(workspace)
    assert report.ok and report.problems == ()
    assert (report.versions, report.approvals) == (1, 2)
    assert report.summary().startswith("verified 1 version(s), 2 signature(s) and ")
    assert report.to_json()["ok"] is True


def test_changed_version_content(workspace, approved: int) -> None:
    forged = zlib.compress(b"# Access Control Policy\n\nEveryone may access everything.\n")
    tamper(workspace, "UPDATE version SET content_z = ? WHERE id = 1", forged)
    found = problems(workspace)
    assert f"{POLICY} version 1: its content was changed" in found
    signature_problems = [p for p in found if p.startswith("approval ")]
    assert len(signature_problems) == 2
    assert signature_problems[0] == (
        f"approval 1 (approved by Jonas Weber) of {POLICY} version 1: signature invalid: "
        "the version's content was changed after it was signed"
    )
    # the badge sees it too, in the same process that wrote (and may have cached) the text
    status = signing.signature_status(workspace, approved, 1)
    assert status.state is SignatureState.INVALID
    assert "the version's content was changed after it was signed" in status.reason


def test_tampered_text_is_not_signed(workspace) -> None:
    with_people(workspace)
    artifact_id = with_policy(workspace)
    reviews.request_review(
        workspace, actor="Mara", artifact_id=artifact_id, approvers=["Jonas Weber"]
    )
    tamper(workspace, "UPDATE version SET content_z = ? WHERE id = 1", zlib.compress(b"# Forged"))
    with pytest.raises(reviews.ApprovalError, match="does not match its recorded hash"):
        decisions.approve(workspace, artifact_id=artifact_id, version=1, signer="Jonas Weber",
                          passphrase=JONAS_PASS)  # fmt: skip


def test_changed_version_hash_and_metadata(workspace, approved: int) -> None:
    tamper(workspace, "UPDATE version SET author = 'Mallory' WHERE id = 1")
    assert problems(workspace) == [
        f"{POLICY} version 1: its metadata or the chain before it was changed"
    ]
    tamper(workspace, "UPDATE version SET content_sha256 = ? WHERE id = 1", "ab" * 32)
    found = problems(workspace)
    assert f"{POLICY} version 1: its content was changed" in found
    assert any(p.endswith("the version's content hash was changed after it was signed")
               for p in found)  # fmt: skip
    status = signing.signature_status(workspace, approved, 1)
    assert status.state is SignatureState.INVALID
    assert "content hash was changed" in status.reason


def test_changed_approval_row(workspace, approved: int) -> None:
    tamper(workspace, "UPDATE approval SET comment = 'Rubber-stamped' WHERE id = 2")
    assert problems(workspace) == [
        f"approval 2 (approved by Priya Shah) of {POLICY} version 1: signature invalid: "
        "the approval row was changed (comment differs from what was signed)"
    ]
    status = signing.signature_status(workspace, approved, 1)
    assert status.state is SignatureState.INVALID
    assert status.reason == (
        "Priya Shah's approved signature: the approval row was changed (comment differs from "
        "what was signed)"
    )


def test_changed_signature(workspace, approved: int) -> None:
    tamper(workspace, "UPDATE approval SET signature = ? WHERE id = 1", bytes(64))
    assert problems(workspace) == [
        f"approval 1 (approved by Jonas Weber) of {POLICY} version 1: signature invalid: "
        "the signature was changed: it does not match what was signed"
    ]
    assert signing.signature_status(workspace, approved, 1).state is SignatureState.INVALID


def test_changed_payload_and_row_together(workspace, approved: int) -> None:
    # A careful forger edits the signed payload and the row alike: the signature still fails.
    tamper(
        workspace,
        "UPDATE approval SET comment = 'Changed', payload = replace(payload, '\"Fine\"', "
        "'\"Changed\"') WHERE id = 1",
    )
    found = problems(workspace)
    assert found == [
        f"approval 1 (approved by Jonas Weber) of {POLICY} version 1: signature invalid: "
        "the signature was changed: it does not match what was signed"
    ]


def test_swapped_public_key(workspace, approved: int) -> None:
    other = signing.raw_public_key(signing.generate_key())
    jonas_key = signing.short_fingerprint(
        people.get_person(workspace, "Jonas Weber").key_fingerprint or ""
    )
    tamper(workspace, "UPDATE person_key SET public_key = ?, fingerprint = ? WHERE id = 1",
           other, signing.fingerprint(other))  # fmt: skip
    found = problems(workspace)
    assert found == [
        f"approval 1 (approved by Jonas Weber) of {POLICY} version 1: signature invalid: "
        f"unknown key {jonas_key}: Jonas Weber never held this key in this workspace",
        f"Jonas Weber's key record 1: key {signing.short_fingerprint(signing.fingerprint(other))} "
        f"was changed: the audit log recorded the key {jonas_key} when it was added",
    ]
    tamper(workspace, "UPDATE person_key SET public_key = ? WHERE id = 2", other)
    assert any(
        p.startswith("Priya Shah's key record 2: ")
        and p.endswith("was changed: its public key does not have this fingerprint")
        for p in problems(workspace)
    )


def test_deleted_approval_and_hand_made_approval(workspace, approved: int) -> None:
    tamper(workspace, "DELETE FROM approval WHERE id = 2")
    found = problems(workspace)
    assert found[0] == (
        f"review request 2 (Priya Shah) of {POLICY} version 1: marked approved without a "
        "matching signed decision by Priya Shah"
    )
    assert found[1].startswith("audit log entry ")
    assert found[1].endswith(
        "(approval.approve by Priya Shah): records approval 2, which is not in the workspace "
        "(it was deleted behind the workbench's back)"
    )
    assert len(found) == 2


def test_request_marked_approved_by_hand(workspace) -> None:
    with_people(workspace)
    artifact_id = with_policy(workspace)
    reviews.request_review(
        workspace, actor="Mara", artifact_id=artifact_id, approvers=["Jonas Weber", "Priya Shah"]
    )
    decisions.approve(workspace, artifact_id=artifact_id, version=1, signer="Jonas Weber",
                      passphrase=JONAS_PASS)  # fmt: skip
    tamper(workspace, "UPDATE review_request SET status = 'APPROVED' WHERE id = 2")
    assert reviews.approved_version(workspace, artifact_id) == 1  # the register is fooled...
    assert problems(workspace) == [  # ...verify is not
        f"review request 2 (Priya Shah) of {POLICY} version 1: marked approved without a "
        "matching signed decision by Priya Shah"
    ]


def test_changed_audit_log_entry(workspace, approved: int) -> None:
    tamper(workspace, "UPDATE audit_log SET actor = 'Mallory' WHERE action = 'approval.approve'")
    found = problems(workspace)
    assert len(found) == 2
    assert all(p.startswith("audit log entry ") for p in found)
    assert "(approval.approve by Mallory, " in found[0]
    assert found[0].endswith("its content was changed after it was written")


def test_imported_public_key_verifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jonas signs on his own laptop; the consultant's laptop never sees his private key."""
    jonas_home, consultant_home = tmp_path / "jonas", tmp_path / "consultant"
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(jonas_home))
    scratch = open_workspace(tmp_path / "jonas-scratch.grcw")
    _, jonas = people.add_person(scratch, actor="Jonas", name="Jonas Weber", role="CISO",
                                 passphrase=JONAS_PASS)  # fmt: skip
    people.export_public_key(scratch, "Jonas Weber", tmp_path / "jonas.pem")
    scratch.close()

    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(consultant_home))
    client = tmp_path / "client.grcw"
    workspace = open_workspace(client)
    people.import_public_key(workspace, actor="Mara", name="Jonas Weber", role="CISO",
                             key_data=(tmp_path / "jonas.pem").read_bytes())  # fmt: skip
    artifact_id = with_policy(workspace)
    reviews.request_review(
        workspace, actor="Mara", artifact_id=artifact_id, approvers=["Jonas Weber"]
    )
    with pytest.raises(keystore.MissingPrivateKey, match="not on this computer"):
        decisions.approve(workspace, artifact_id=artifact_id, version=1, signer="Jonas Weber",
                          passphrase=JONAS_PASS)  # fmt: skip
    workspace.close()

    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(jonas_home))  # the file travels to Jonas
    on_his_laptop = open_workspace(client)
    decisions.approve(on_his_laptop, artifact_id=artifact_id, version=1, signer="Jonas Weber",
                      passphrase=JONAS_PASS, comment="Signed at home")  # fmt: skip
    on_his_laptop.close()

    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(consultant_home))  # and comes back
    workspace = open_workspace(client)
    try:
        assert verify.verify_workspace(workspace).ok
        status = signing.signature_status(workspace, artifact_id, 1)
        assert status.state is SignatureState.VALID
        assert status.checks[0].key_fingerprint == jonas.key_fingerprint
        assert not list((consultant_home / "keys").glob("*.pem"))
    finally:
        workspace.close()
