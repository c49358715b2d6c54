from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from sqlmodel import select

from tests.helpers.tamper import stored_bytes
from workbench.models import AuditLogEntry, PersonKey
from workbench.services.approvals import keystore, people, signing
from workbench.services.approvals.keystore import KeyStoreError
from workbench.services.approvals.people import PersonError
from workbench.services.common.paths import config_dir


def test_signing_identity_keeps_the_private_key_outside_the_workspace(workspace) -> None:
    changes, jonas = people.add_person(
        workspace, actor="Mara", name="  Jonas   Weber ", role="CISO",
        email="jonas@acme.example", passphrase="correct horse",
    )  # fmt: skip
    assert changes.people == {jonas.id}
    assert jonas.name == "Jonas Weber"
    assert jonas.key_fingerprint is not None and len(jonas.key_fingerprint) == 64
    assert jonas.can_sign_here and jonas.can_be_verified
    assert jonas.fingerprint_text.count(" ") == 15  # 16 groups of four

    key_file = config_dir() / "keys" / f"{jonas.key_fingerprint}.pem"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    stored = key_file.read_bytes()
    assert stored.startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----")
    body = base64.b64decode(b"".join(stored.splitlines()[1:-1]))
    assert b"bcrypt" in body and b"aes256-ctr" in body  # passphrase-derived, not plain
    assert not list(key_file.parent.glob("*.partial"))

    with workspace.read() as session:
        key = session.exec(select(PersonKey)).one()
        entry = session.exec(
            select(AuditLogEntry).where(AuditLogEntry.action == "person.add")
        ).one()
    assert len(key.public_key) == 32 and key.person_id == jonas.id
    assert signing.fingerprint(key.public_key) == jonas.key_fingerprint == key.fingerprint
    assert json.loads(entry.summary)["key_fingerprint"] == jonas.key_fingerprint
    assert json.loads(entry.summary)["key_id"] == key.id
    assert b"PRIVATE KEY" not in stored_bytes(workspace)
    assert key.public_key in stored_bytes(workspace)  # the reading is not blind


def test_names_are_unique_ignoring_case_and_passphrases_need_length(workspace) -> None:
    people.add_person(workspace, actor="Mara", name="Jonas Weber", role="CISO")
    with pytest.raises(PersonError, match="already a person named 'jonas weber'"):
        people.add_person(workspace, actor="Mara", name="jonas weber")
    with pytest.raises(KeyStoreError, match="at least 8 characters"):
        people.add_person(workspace, actor="Mara", name="Priya", passphrase="short")
    with pytest.raises(PersonError, match="not an e-mail address"):
        people.add_person(workspace, actor="Mara", name="Priya", email="priya")
    assert [p.name for p in people.list_people(workspace)] == ["Jonas Weber"]
    assert not (config_dir() / "keys").exists() or not list((config_dir() / "keys").iterdir())


def test_identity_for_an_existing_person(workspace) -> None:
    people.add_person(workspace, actor="Mara", name="Jonas Weber", role="CISO")
    assert not people.get_person(workspace, "jonas weber").can_be_verified
    _, jonas = people.create_identity(
        workspace, actor="Mara", name="Jonas Weber", passphrase="correct horse"
    )
    assert jonas.can_sign_here
    key = keystore.load_private_key(jonas.key_fingerprint or "", "correct horse", owner="Jonas")
    assert signing.fingerprint(signing.raw_public_key(key)) == jonas.key_fingerprint
    with pytest.raises(keystore.WrongPassphrase, match="passphrase for Jonas's signing key"):
        keystore.load_private_key(jonas.key_fingerprint or "", "wrong horse", owner="Jonas")


def test_a_key_file_holding_someone_elses_key_is_refused(workspace) -> None:
    _, jonas = people.add_person(
        workspace, actor="Mara", name="Jonas Weber", role="CISO", passphrase="correct horse"
    )
    _, priya = people.add_person(
        workspace, actor="Mara", name="Priya Shah", role="CEO", passphrase="correct horse"
    )
    assert jonas.key_fingerprint and priya.key_fingerprint
    # Priya's key file copied over Jonas's: it opens with the passphrase, but it is not his key.
    keystore.key_path(jonas.key_fingerprint).write_bytes(
        keystore.key_path(priya.key_fingerprint).read_bytes()
    )
    with pytest.raises(KeyStoreError, match="does not match Jonas Weber's public key"):
        keystore.load_private_key(jonas.key_fingerprint, "correct horse", owner="Jonas Weber")


def test_export_then_import_on_another_workspace(workspace, tmp_path: Path) -> None:
    from workbench.services.store.workspace import open_workspace

    _, jonas = people.add_person(
        workspace, actor="Mara", name="Jonas Weber", role="CISO", passphrase="correct horse"
    )
    exported = tmp_path / "jonas.pub.pem"
    people.export_public_key(workspace, "Jonas Weber", exported)
    assert exported.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")

    other = open_workspace(tmp_path / "other.grcw")
    try:
        _, imported = people.import_public_key(
            other, actor="Lena", name="Jonas Weber", key_data=exported.read_bytes(),
            role="CISO", expected_fingerprint=jonas.fingerprint_text[:19],
        )  # fmt: skip
        assert imported.key_fingerprint == jonas.key_fingerprint
        with pytest.raises(PersonError, match="already has this public key"):
            people.import_public_key(
                other, actor="Lena", name="Jonas Weber", key_data=exported.read_bytes()
            )
        with pytest.raises(PersonError, match="not the one given"):
            people.import_public_key(
                other, actor="Lena", name="Someone", key_data=exported.read_bytes(),
                expected_fingerprint="0000 0000 0000 0000",
            )  # fmt: skip
    finally:
        other.close()


def test_import_refuses_what_is_not_an_ed25519_public_key(workspace, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ec_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    ec_pem = ec_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(PersonError, match="not an Ed25519 signing key"):
        people.import_public_key(workspace, actor="Mara", name="X", key_data=ec_pem)
    with pytest.raises(PersonError, match="does not hold a public key"):
        people.import_public_key(workspace, actor="Mara", name="X", key_data=b"hello")
    assert people.list_people(workspace) == []


def test_export_without_identity_is_refused(workspace, tmp_path: Path) -> None:
    people.add_person(workspace, actor="Mara", name="Priya Shah")
    with pytest.raises(PersonError, match="no signing identity"):
        people.export_public_key(workspace, "Priya Shah", tmp_path / "p.pem")
    with pytest.raises(PersonError, match="no person named 'Ghost'"):
        people.export_public_key(workspace, "Ghost", tmp_path / "p.pem")


def test_keys_written_by_the_first_release_still_open(workspace) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from workbench.services.approvals import keystore

    key = Ed25519PrivateKey.generate()
    fingerprint = signing.fingerprint(signing.raw_public_key(key))
    legacy = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"old passphrase"),
    )
    keystore.key_path(fingerprint).parent.mkdir(parents=True, exist_ok=True)
    keystore.key_path(fingerprint).write_bytes(legacy)
    opened = keystore.load_private_key(fingerprint, "old passphrase", owner="Jonas")
    assert signing.raw_public_key(opened) == signing.raw_public_key(key)
    with pytest.raises(keystore.WrongPassphrase):
        keystore.load_private_key(fingerprint, "wrong passphrase", owner="Jonas")


def test_a_retired_person_stays_verifiable_but_is_asked_nothing_new(workspace) -> None:
    from tests.helpers.approvals import approved_by_both, with_people, with_policy
    from workbench.services.approvals import reviews
    from workbench.services.approvals.reviews import ApprovalError
    from workbench.services.audit import verify

    with_people(workspace)
    policy = with_policy(workspace)
    reviews.request_review(workspace, actor="Mara", artifact_id=policy, approvers=["Priya Shah"])
    with pytest.raises(PersonError, match="1 review request\\(s\\) still wait for Priya Shah"):
        people.retire_person(workspace, actor="Mara", name="priya shah")
    reviews.withdraw_review(workspace, actor="Mara", artifact_id=policy)
    approved_by_both(workspace, policy)

    changes, priya = people.retire_person(
        workspace, actor="Mara", name="Priya Shah", reason="left the company"
    )
    assert changes.people == {priya.id} and priya.retired and priya.retired_at is not None
    assert [p.name for p in people.list_people(workspace) if p.retired] == ["Priya Shah"]
    with workspace.read() as session:
        entry = session.exec(
            select(AuditLogEntry).where(AuditLogEntry.action == "person.retire")
        ).one()
    assert entry.actor == "Mara" and "left the company" in entry.summary
    assert verify.verify_workspace(workspace).ok  # her signatures still verify

    with pytest.raises(PersonError, match="Priya Shah is already retired"):
        people.retire_person(workspace, actor="Mara", name="Priya Shah")
    with pytest.raises(ApprovalError, match="Priya Shah is retired and approves nothing new"):
        reviews.request_review(
            workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber", "Priya Shah"]
        )
