"""``verify`` rechecks every stored evidence file; a damaged or missing one is named, not fatal."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from tests.helpers.controls import add_file, write_file
from tests.helpers.tamper import tamper
from workbench.models import CHUNK_SIZE
from workbench.services.audit import verify
from workbench.services.controls import blobs, evidence, records
from workbench.services.exports import audit_pack


def problems(workspace) -> list[str]:
    return [str(problem) for problem in verify.verify_workspace(workspace).problems]


@pytest.fixture
def stored(workspace, tmp_path) -> tuple[int, str]:
    source = tmp_path / "firewall-rules.txt"
    digest = write_file(source, 2 * CHUNK_SIZE + 10)
    _, evidence_id = evidence.add_evidence(
        workspace, source, targets=["A.8.20"], actor="Mara",
        draft=evidence.EvidenceDraft(title="Firewall rule review"),
    )  # fmt: skip
    return evidence_id, digest


SUBJECT = "evidence E-1 'Firewall rule review' revision 1 (firewall-rules.txt)"


def test_a_clean_vault_verifies(workspace, stored) -> None:
    report = verify.verify_workspace(workspace)
    assert report.ok and report.stored_files == 1
    assert report.to_json()["checked"]["stored_files"] == 1  # type: ignore[index]
    assert ", 1 stored file(s) and " in report.summary()


def test_a_tampered_stored_file_is_caught(workspace, stored, tmp_path) -> None:
    _, digest = stored
    tamper(workspace, "UPDATE blob_chunk SET data = ? WHERE blob_sha256 = ? AND seq = 1",
           b"x" * CHUNK_SIZE, digest)  # fmt: skip
    assert problems(workspace) == [
        f"{SUBJECT}: its stored file was changed: its SHA-256 no longer matches"
    ]
    report = verify.verify_workspace(workspace)
    assert report.problems[0].area == "evidence"
    with pytest.raises(blobs.StoreError, match="is damaged: its content no longer matches"):
        evidence.export_evidence(workspace, 1, tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()


def test_a_shortened_file_is_caught(workspace, stored) -> None:
    _, digest = stored
    tamper(workspace, "UPDATE blob_chunk SET data = ? WHERE blob_sha256 = ? AND seq = 2",
           b"", digest)  # fmt: skip
    assert problems(workspace) == [
        f"{SUBJECT}: its stored file holds {2 * CHUNK_SIZE} bytes instead of {2 * CHUNK_SIZE + 10}"
    ]


def test_a_missing_part_is_reported(workspace, stored, tmp_path) -> None:
    _, digest = stored
    tamper(workspace, "DELETE FROM blob_chunk WHERE blob_sha256 = ? AND seq = 0", digest)
    assert problems(workspace) == [f"{SUBJECT}: its stored file has 2 of its 3 parts"]
    with pytest.raises(blobs.StoreError, match="part 1 of the stored file .* is missing"):
        evidence.export_evidence(workspace, 1, tmp_path / "out.txt")


def test_a_missing_stored_file_is_reported_not_crashing(workspace, stored, tmp_path) -> None:
    _, digest = stored
    tamper(workspace, "DELETE FROM blob_chunk WHERE blob_sha256 = ?", digest)
    tamper(workspace, "DELETE FROM blob WHERE sha256 = ?", digest)
    assert problems(workspace) == [f"{SUBJECT}: its stored file {digest[:12]} is missing"]
    # the record still lists, the file cannot be read back, and the audit pack says why
    assert records.get_control(workspace, "A.8.20").evidence[0].title == "Firewall rule review"
    with pytest.raises(blobs.StoreError, match="is missing from the workspace"):
        evidence.export_evidence(workspace, 1, tmp_path / "out.txt")
    result = audit_pack.build_pack(workspace, tmp_path / "pack.zip", actor="Mara")
    assert not result.report.ok
    with zipfile.ZipFile(tmp_path / "pack.zip") as pack:
        manifest = json.loads(pack.read("manifest.json"))
        assert not any(name.startswith("evidence/") for name in pack.namelist())
    assert {"artifact_id": 0, "title": "Evidence E-1 Firewall rule review",
            "reason": f"its stored file {digest[:12]} is missing or incomplete (see Integrity)"
            } in manifest["not_included"]  # fmt: skip


def test_the_pack_carries_each_evidence_file_with_its_hash(workspace, stored, tmp_path) -> None:
    _, digest = stored
    add_file(workspace, tmp_path, "cctv-contract.pdf", to="A.7.4", title="CCTV contract")
    records.update_control(workspace, "A.7.4", actor="Mara", applicable=False,
                           justification="The landlord monitors")  # fmt: skip
    audit_pack.build_pack(workspace, tmp_path / "pack.zip", actor="Mara")
    with zipfile.ZipFile(tmp_path / "pack.zip") as pack:
        manifest = json.loads(pack.read("manifest.json"))
        files = {entry["path"]: entry for entry in manifest["files"]}
        # only the applicable control's evidence
        assert [p for p in files if p.startswith("evidence/")] == [
            "evidence/E-1-r1-firewall-rules.txt"
        ]
        data = pack.read("evidence/E-1-r1-firewall-rules.txt")
        index = pack.read("index.html").decode()
    assert (
        hashlib.sha256(data).hexdigest()
        == digest
        == files["evidence/E-1-r1-firewall-rules.txt"]["sha256"]
    )
    assert files["evidence/E-1-r1-firewall-rules.txt"]["size"] == 2 * CHUNK_SIZE + 10
    assert "<h2>Evidence</h2>" in index and "Firewall rule review" in index
    assert "<h2>Readiness dashboard</h2>" in index and "<svg xmlns=" in index
