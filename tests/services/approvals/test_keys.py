"""Signing keys are history: rotated, retired, never overwritten; a swapped key signs nothing."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.helpers.approvals import (
    JONAS_PASS,
    PRIYA_PASS,
    approved_by_both,
    with_people,
    with_policy,
)
from tests.helpers.cli import run
from tests.helpers.store import LEGACY_PASS, LEGACY_TEXT, legacy_signed_workspace
from tests.helpers.tamper import execute_directly, rows, swap_key, tamper
from workbench.models import Approval, AuditLogEntry, Decision
from workbench.services.approvals import decisions, keys, keystore, people, reviews, signing
from workbench.services.approvals.people import PersonError
from workbench.services.approvals.reviews import ApprovalError
from workbench.services.approvals.signing import SignatureState
from workbench.services.audit import verify
from workbench.services.documents import editing
from workbench.services.store.workspace import open_workspace

NEW_PASS = "new laptop passphrase"


def _counts(workspace) -> tuple[int, int]:
    with workspace.read() as session:
        approvals = session.exec(select(func.count()).select_from(Approval)).one()
        entries = session.exec(select(func.count()).select_from(AuditLogEntry)).one()
    return int(approvals), int(entries)


def _asked(workspace, *approvers: str) -> int:
    with_people(workspace)
    artifact_id = with_policy(workspace)
    reviews.request_review(workspace, actor="Mara", artifact_id=artifact_id, approvers=approvers)
    return artifact_id


def test_a_key_swapped_in_the_file_before_signing_signs_nothing(workspace, capsys) -> None:
    """The forger puts Priya's public key in Jonas's key record, then signs as Jonas with
    Priya's passphrase: the record no longer matches what the log recorded when Jonas's key
    was added, so nothing is signed, and verify names the swap."""
    artifact_id = _asked(workspace, "Jonas Weber")
    jonas = people.get_person(workspace, "Jonas Weber")
    priya = people.get_person(workspace, "Priya Shah")
    swap_key(workspace, "Jonas Weber", with_key_of="Priya Shah")
    before = _counts(workspace)

    with pytest.raises(ApprovalError) as refused:
        decisions.approve(workspace, artifact_id=artifact_id, version=1, signer="Jonas Weber",
                          passphrase=PRIYA_PASS)  # fmt: skip
    assert str(refused.value) == (
        "Jonas Weber's signing key in this workspace cannot be trusted (key "
        f"{signing.short_fingerprint(priya.key_fingerprint or '')} was changed: the audit log "
        f"recorded the key {signing.short_fingerprint(jonas.key_fingerprint or '')} when it was "
        "added); nothing was signed: run workbench verify"
    )
    assert _counts(workspace) == before  # nothing saved, nothing lost

    code, out, _ = run(capsys, "-w", str(workspace.path or workspace.url), "verify")
    assert code == 1
    assert out.splitlines()[0] == (
        f"Jonas Weber's key record 1: key {signing.short_fingerprint(priya.key_fingerprint or '')}"
        " was changed: the audit log recorded the key "
        f"{signing.short_fingerprint(jonas.key_fingerprint or '')} when it was added"
    )


def test_a_key_added_behind_the_back_signs_nothing(workspace) -> None:
    artifact_id = _asked(workspace, "Jonas Weber")
    priya = people.get_person(workspace, "Priya Shah")
    key = rows(workspace, "SELECT public_key FROM person_key WHERE person_id = ?", priya.id)[0][0]
    # Inserting needs no dropped trigger: the forger's key becomes Jonas's newest.
    tamper(workspace, "INSERT INTO person_key (person_id, public_key, fingerprint, created_at, "
           "created_by) VALUES (1, ?, ?, '2026-01-01 00:00:00.000000', 'Jonas Weber')",
           key, priya.key_fingerprint)  # fmt: skip
    with pytest.raises(ApprovalError, match="no audit entry records it"):
        decisions.approve(workspace, artifact_id=artifact_id, version=1, signer="Jonas Weber",
                          passphrase=PRIYA_PASS)  # fmt: skip
    found = [str(p) for p in verify.verify_workspace(workspace).problems]
    assert found == [
        f"Jonas Weber's key record 3: key {signing.short_fingerprint(priya.key_fingerprint or '')} "
        "was added behind the workbench's back: no audit entry records it"
    ]


def test_key_records_refuse_updates_and_deletes(workspace) -> None:
    with_people(workspace)
    for statement in ("UPDATE person_key SET fingerprint = 'X'", "DELETE FROM person_key"):
        with pytest.raises(Exception, match="person_key rows are append-only"):
            execute_directly(workspace, statement)


def test_rotation_keeps_what_the_old_key_signed_valid(workspace) -> None:
    with_people(workspace)
    artifact_id = with_policy(workspace)
    approved_by_both(workspace, artifact_id)
    old = people.get_person(workspace, "Jonas Weber")

    changes, jonas = people.rotate_key(workspace, actor="Mara", name="Jonas Weber",
                                       passphrase=NEW_PASS, reason="laptop replaced")  # fmt: skip
    assert changes.people == {jonas.id} and jonas.key_fingerprint != old.key_fingerprint
    assert signing.signature_status(workspace, artifact_id, 1).state is SignatureState.VALID
    assert verify.verify_workspace(workspace).ok
    history = people.list_keys(workspace, "Jonas Weber")
    assert [(k.fingerprint, k.status, k.signatures) for k in history] == [
        (old.key_fingerprint, keys.KeyStatus.RETIRED, 1),
        (jonas.key_fingerprint, keys.KeyStatus.CURRENT, 0),
    ]
    assert history[0].reason == "laptop replaced" and history[0].retired_by == "Mara"

    # The next approval is signed with the new key; the old passphrase opens nothing now.
    editing.save_version(workspace, artifact_id=artifact_id, content="# Policy v2\n",
                         author="Mara", comment="v2")  # fmt: skip
    reviews.request_review(workspace, actor="Mara", artifact_id=artifact_id,
                           approvers=["Jonas Weber"])  # fmt: skip
    with pytest.raises(keystore.WrongPassphrase):
        decisions.approve(workspace, artifact_id=artifact_id, version=2, signer="Jonas Weber",
                          passphrase=JONAS_PASS)  # fmt: skip
    _, outcome = decisions.approve(workspace, artifact_id=artifact_id, version=2,
                                   signer="Jonas Weber", passphrase=NEW_PASS)  # fmt: skip
    assert outcome.key_fingerprint == jonas.key_fingerprint
    report = verify.verify_workspace(workspace)
    assert report.ok, report.problems
    assert report.keys == 3


def test_a_signature_dated_after_its_key_was_retired_is_invalid(workspace) -> None:
    with_people(workspace)
    artifact_id = with_policy(workspace)
    approved_by_both(workspace, artifact_id)
    people.retire_key(workspace, actor="Mara", name="Priya Shah", reason="left the company")
    assert verify.verify_workspace(workspace).ok  # signed while the key was in use
    # Backdate the retirement, as someone hiding that Priya had already left might.
    tamper(workspace, "UPDATE person_key_retirement SET retired_at = '2020-01-01 00:00:00.000000'")
    (found,) = [str(p) for p in verify.verify_workspace(workspace).problems]
    assert "signature invalid: Priya Shah's key " in found
    assert "was not in use when this was signed" in found


def test_retired_or_missing_keys_cannot_sign_or_be_asked(workspace) -> None:
    artifact_id = _asked(workspace, "Jonas Weber")
    people.retire_key(workspace, actor="Mara", name="Jonas Weber")
    with pytest.raises(ApprovalError, match="Jonas Weber has no signing identity"):
        decisions.approve(workspace, artifact_id=artifact_id, version=1, signer="Jonas Weber",
                          passphrase=JONAS_PASS)  # fmt: skip
    with pytest.raises(PersonError, match="no signing key to retire"):
        people.retire_key(workspace, actor="Mara", name="Jonas Weber")
    with pytest.raises(PersonError, match="no signing key to rotate"):
        people.rotate_key(workspace, actor="Mara", name="Jonas Weber", passphrase=NEW_PASS)
    _, jonas = people.create_identity(workspace, actor="Mara", name="Jonas Weber",
                                      passphrase=NEW_PASS)  # fmt: skip
    with pytest.raises(PersonError, match="rotate the key to replace it"):
        people.create_identity(workspace, actor="Mara", name="Jonas Weber", passphrase=NEW_PASS)
    _, outcome = decisions.approve(workspace, artifact_id=artifact_id, version=1,
                                   signer="Jonas Weber", passphrase=NEW_PASS,
                                   decision=Decision.APPROVED)  # fmt: skip
    assert outcome.key_fingerprint == jonas.key_fingerprint
    assert verify.verify_workspace(workspace).ok


def test_rotate_to_an_imported_key_and_the_cli(workspace, capsys, monkeypatch, tmp_path) -> None:
    with_people(workspace)
    ws = str(workspace.path or workspace.url)
    remote = signing.generate_key()
    pem = tmp_path / "priya-new.pem"
    pem.write_bytes(signing.public_key_pem(signing.raw_public_key(remote)))
    fingerprint = signing.fingerprint(signing.raw_public_key(remote))

    priya = people.get_person(workspace, "Priya Shah")
    code, out, err = run(capsys, "-w", ws, "person", "import-key", "Priya Shah", str(pem))
    assert (code, err) == (2, "workbench: Priya Shah already has the signing key "
            f"{signing.short_fingerprint(priya.key_fingerprint or '')}; rotate the key to replace "
            "it (workbench person rotate-key)\n")  # fmt: skip
    code, out, _ = run(capsys, "-w", ws, "person", "rotate-key", "Priya Shah", "--import",
                       str(pem), "--fingerprint", fingerprint[:16], "--reason",
                       "new laptop")  # fmt: skip
    assert code == 0 and signing.format_fingerprint(fingerprint) in out
    code, out, _ = run(capsys, "-w", ws, "person", "keys", "Priya Shah")
    assert code == 0
    retired, current = out.splitlines()[1:]
    assert " retired " in retired and " current " in current and "0 signature(s)" in current
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", NEW_PASS)
    code, out, _ = run(capsys, "-w", ws, "person", "rotate-key", "Jonas Weber")
    assert code == 0 and "the previous key is retired" in out
    code, out, _ = run(capsys, "-w", ws, "person", "retire-key", "Jonas Weber", "--reason", "gone")
    assert code == 0
    code, out, _ = run(capsys, "-w", ws, "verify")
    assert code == 0, out


def test_a_workspace_from_before_key_records_keeps_its_keys_and_signatures(tmp_path) -> None:
    path = tmp_path / "legacy.grcw"
    fingerprint = legacy_signed_workspace(path)
    workspace = open_workspace(path)  # backs up, then migrates
    try:
        assert list(tmp_path.glob("legacy.before-migration-0004-*.grcw"))
        columns = {row[1] for row in rows(path, "PRAGMA table_info(person)")}
        assert "public_key" not in columns and "key_fingerprint" not in columns
        (key,) = people.list_keys(workspace, "Jonas Weber")
        # dated and attributed from the audit entry that recorded the key
        assert (key.fingerprint, key.status, key.signatures) == (
            fingerprint,
            keys.KeyStatus.CURRENT,
            1,
        )
        assert (
            key.created_by == "Mara" and key.created_at.isoformat() == "2026-01-10T09:02:00+00:00"
        )
        report = verify.verify_workspace(workspace)
        assert report.ok, report.problems
        status = signing.signature_status(workspace, 1, 1)
        assert status.state is SignatureState.VALID  # a format-1 payload, checked as signed

        # The migrated key signs on, now covering the log's head (format 2).
        editing.save_version(workspace, artifact_id=1, content=LEGACY_TEXT + "\nv2\n",
                             author="Mara", comment="v2")  # fmt: skip
        reviews.request_review(workspace, actor="Mara", artifact_id=1, approvers=["Jonas Weber"])
        decisions.approve(workspace, artifact_id=1, version=2, signer="Jonas Weber",
                          passphrase=LEGACY_PASS)  # fmt: skip
        assert verify.verify_workspace(workspace).ok
        payloads = [row[0] for row in rows(path, "SELECT payload FROM approval ORDER BY id")]
        assert [signing.SignedPayload.parse(p).format for p in payloads] == [1, 2]
    finally:
        workspace.close()
