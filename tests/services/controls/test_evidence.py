"""The evidence vault: files stored once by SHA-256, in chunks, with revisions and attachments."""

from __future__ import annotations

import hashlib
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import func, select

from tests.helpers.controls import add_file, write_file
from tests.helpers.risks import add as add_risk
from tests.helpers.risks import with_owners
from workbench.models import (
    CHUNK_SIZE,
    ArtifactKind,
    Blob,
    BlobChunk,
    EvidenceRevision,
    EvidenceTarget,
)
from workbench.services.common.errors import NotFoundError
from workbench.services.controls import blobs, evidence, records
from workbench.services.controls.evidence import EvidenceDraft, EvidenceError
from workbench.services.register import artifacts

TODAY = date(2026, 12, 1)


def count(workspace, table: type[Blob] | type[BlobChunk]) -> int:
    with workspace.read() as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def test_a_file_is_stored_in_chunks_and_comes_back_byte_for_byte(workspace, tmp_path) -> None:
    source = tmp_path / "restore-test.pdf"
    digest = write_file(source, 2 * CHUNK_SIZE + 123)
    changes, evidence_id = evidence.add_evidence(
        workspace, source, targets=["A.8.13"], actor="Mara", today=TODAY,
        draft=EvidenceDraft(title="Restore test report", expires=date(2027, 11, 30),
                            effective_from=date(2026, 10, 1), effective_to=date(2026, 10, 31)),
    )  # fmt: skip
    control = records.get_control(workspace, "A.8.13")
    assert changes.evidence == {evidence_id} and changes.controls == {control.id}
    assert (count(workspace, Blob), count(workspace, BlobChunk)) == (1, 3)
    record = evidence.get_evidence(workspace, f"E-{evidence_id}")
    assert (record.title, record.expires, record.created_by) == (
        "Restore test report", date(2027, 11, 30), "Mara",
    )  # fmt: skip
    current = record.current
    assert (current.number, current.sha256, current.size, current.file_name) == (
        1, digest, 2 * CHUNK_SIZE + 123, "restore-test.pdf",
    )  # fmt: skip
    assert current.effective_text == "2026-10-01 to 2026-10-31"
    assert [a.label for a in record.attachments] == ["A.8.13 Information backup"]
    out = evidence.export_evidence(workspace, evidence_id, tmp_path / "out")
    assert out.read_bytes() == source.read_bytes()
    assert [e.id for e in control.evidence] == [evidence_id]


def test_the_same_file_attached_twice_is_stored_once(workspace, tmp_path) -> None:
    source = tmp_path / "policy-acks.csv"
    write_file(source, CHUNK_SIZE + 5)
    _, first = evidence.add_evidence(workspace, source, targets=["A.5.1"], actor="Mara")
    copy = tmp_path / "copy-of-acks.csv"
    copy.write_bytes(source.read_bytes())
    changes, second = evidence.add_evidence(workspace, copy, targets=["A.6.3"], actor="Mara")
    assert first != second
    assert (count(workspace, Blob), count(workspace, BlobChunk)) == (1, 2)
    assert changes.notices == (
        f"The same file is already evidence E-{first} “policy-acks”; it is stored once.",
    )
    assert evidence.get_evidence(workspace, second).current.file_name == "copy-of-acks.csv"


def test_a_new_file_for_the_same_evidence_is_a_new_revision(workspace, tmp_path) -> None:
    evidence_id = add_file(workspace, tmp_path, "q1.log", expires=date(2026, 12, 31))
    second = tmp_path / "q2.log"
    second.write_bytes(b"second quarter")
    evidence.add_revision(
        workspace, evidence_id, second, actor="Mara",
        draft=EvidenceDraft(expires=date(2027, 3, 31), collected_by="Jonas Weber"),
    )  # fmt: skip
    record = evidence.get_evidence(workspace, evidence_id)
    assert [r.number for r in record.revisions] == [2, 1]
    assert (record.current.file_name, record.current.collected_by) == ("q2.log", "Jonas Weber")
    assert record.revisions[1].collected_by == "Mara"
    assert record.expires == date(2027, 3, 31)
    old = evidence.export_evidence(workspace, evidence_id, tmp_path / "old.log", revision=1)
    assert old.read_bytes() == b"contents of q1.log"
    with pytest.raises(EvidenceError, match="already revision 2 of E-"):
        evidence.add_revision(workspace, evidence_id, second, actor="Mara")


def test_revisions_and_stored_files_cannot_be_rewritten(workspace, tmp_path) -> None:
    add_file(workspace, tmp_path, "report.pdf")
    for statement in ("UPDATE evidence_revision SET file_name = 'forged.pdf'",
                      "DELETE FROM blob_chunk", "UPDATE blob SET size = 1"):  # fmt: skip
        with pytest.raises(DatabaseError, match="append-only"), workspace.write() as session:
            session.execute(text(statement))


def test_evidence_attaches_to_documents_and_findings_too(workspace, tmp_path) -> None:
    _, policy = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Backup Policy"
    )
    source = tmp_path / "signed-policy.pdf"
    source.write_bytes(b"signed")
    _, evidence_id = evidence.add_evidence(
        workspace, source, targets=["A.8.13", f"doc:{policy}"], actor="Mara"
    )
    record = evidence.get_evidence(workspace, evidence_id)
    assert [(a.target, a.label) for a in record.attachments] == [
        (EvidenceTarget.CONTROL, "A.8.13 Information backup"),
        (EvidenceTarget.ARTIFACT, f"document {policy} Backup Policy"),
    ]
    evidence.set_attachment(workspace, evidence_id, "A.8.13", actor="Mara", attached=False)
    with pytest.raises(EvidenceError, match="must stay attached to at least one record"):
        evidence.set_attachment(
            workspace, evidence_id, f"doc:{policy}", actor="Mara", attached=False
        )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("A.9.9", "there is no control A.9.9"),
        ("R-003", "there is no risk R-003"),
        ("doc:999", "there is no document 999"),
        ("finding:7", "there is no finding 7"),
        ("ticket:7", "cannot attach evidence to 'ticket:7'"),
    ],
)
def test_unknown_targets_are_named_and_nothing_is_stored(
    workspace, tmp_path, target, message
) -> None:
    source = tmp_path / "x.txt"
    source.write_bytes(b"x")
    with pytest.raises(NotFoundError, match=message):
        evidence.add_evidence(workspace, source, targets=[target], actor="Mara")
    assert count(workspace, Blob) == 0


def test_too_large_and_missing_files_are_refused(workspace, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(blobs, "MAX_FILE_SIZE", 1000)
    big = tmp_path / "big.bin"
    write_file(big, 1001)
    with pytest.raises(blobs.StoreError, match="big.bin is 0 MB; files of up to 0 MB"):
        evidence.add_evidence(workspace, big, targets=["A.8.13"], actor="Mara")
    with pytest.raises(blobs.StoreError, match="is not a file"):
        evidence.add_evidence(workspace, tmp_path / "gone.pdf", targets=["A.8.13"], actor="Mara")


def test_cancelling_stores_nothing(workspace, tmp_path) -> None:
    source = tmp_path / "export.csv"
    write_file(source, 3 * CHUNK_SIZE)
    seen: list[int] = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return done < 4 * CHUNK_SIZE  # cancel while the chunks are being inserted

    with pytest.raises(blobs.StoreCancelled, match="cancelled; nothing was stored"):
        evidence.add_evidence(
            workspace, source, targets=["A.8.13"], actor="Mara", progress=progress
        )
    assert seen[:3] == [CHUNK_SIZE, 2 * CHUNK_SIZE, 3 * CHUNK_SIZE]
    assert (count(workspace, Blob), count(workspace, BlobChunk)) == (0, 0)
    assert evidence.list_evidence(workspace) == []


def test_a_file_changed_while_being_stored_is_refused(workspace, tmp_path) -> None:
    source = tmp_path / "live.log"
    write_file(source, 2 * CHUNK_SIZE)

    def progress(done: int, total: int) -> bool:
        if done == total // 2:  # hashed; the second read begins next
            source.write_bytes(b"rotated")
        return True

    with pytest.raises(blobs.StoreError, match="live.log changed while it was being stored"):
        evidence.add_evidence(
            workspace, source, targets=["A.8.13"], actor="Mara", progress=progress
        )
    assert count(workspace, Blob) == 0


def test_storing_a_large_file_never_holds_it_in_memory(workspace, tmp_path) -> None:
    source = tmp_path / "siem-export.log"
    digest = write_file(source, 40 * CHUNK_SIZE)
    tracemalloc.start()
    try:
        evidence.add_evidence(workspace, source, targets=["A.8.15"], actor="Mara")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * CHUNK_SIZE, f"peak {peak / CHUNK_SIZE:.1f} MB for a 40 MB file"
    tracemalloc.start()
    try:
        out = evidence.export_evidence(workspace, 1, tmp_path / "back.log")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * CHUNK_SIZE
    assert hashlib.sha256(out.read_bytes()).hexdigest() == digest


def test_expired_and_expiring(workspace, tmp_path) -> None:
    add_file(workspace, tmp_path, "old.pdf", expires=date(2026, 11, 30), title="Old")
    add_file(workspace, tmp_path, "soon.pdf", expires=date(2026, 12, 20), title="Soon")
    add_file(workspace, tmp_path, "later.pdf", expires=date(2027, 6, 1), title="Later")
    add_file(workspace, tmp_path, "never.pdf", to="A.5.1", title="Never")
    assert [r.title for r in evidence.list_evidence(workspace, expired=True, today=TODAY)] == [
        "Old"
    ]
    assert [r.title for r in evidence.list_evidence(workspace, expiring=True, today=TODAY)] == [
        "Soon"
    ]
    assert [r.title for r in evidence.list_evidence(workspace, control="A.5.1")] == ["Never"]
    with workspace.read() as session:
        assert evidence.expiry_counts(session, TODAY) == (1, 1)
    record = records.get_control(workspace, "A.8.13")
    assert record.evidence_expired(TODAY) and record.evidence_expiring(TODAY)
    evidence.update_evidence(workspace, 1, expires=date(2027, 1, 31), actor="Mara")
    assert not records.get_control(workspace, "A.8.13").evidence_expired(TODAY)


def test_a_revision_keeps_its_own_file(workspace, tmp_path) -> None:
    evidence_id = add_file(workspace, tmp_path, "a.txt")
    second = tmp_path / "b.txt"
    second.write_bytes(b"b")
    evidence.add_revision(workspace, evidence_id, second, actor="Mara")
    with workspace.read() as session:
        rows = session.exec(select(EvidenceRevision).order_by(EvidenceRevision.number)).all()
    assert [row.blob_sha256 for row in rows] == [
        hashlib.sha256(b"contents of a.txt").hexdigest(), hashlib.sha256(b"b").hexdigest(),
    ]  # fmt: skip


def test_evidence_ids_are_read_as_people_write_them(tmp_path: Path) -> None:
    assert evidence.evidence_id("E-12") == evidence.evidence_id("12") == evidence.evidence_id("e12")
    with pytest.raises(NotFoundError, match="'X-1' is not an evidence id"):
        evidence.evidence_id("X-1")


def test_evidence_attaches_to_a_risk_by_its_code(workspace, tmp_path) -> None:
    with_owners(workspace)
    code = add_risk(workspace, "Ransomware")
    source = tmp_path / "tabletop-exercise.pdf"
    source.write_bytes(b"exercise")
    _, evidence_id = evidence.add_evidence(
        workspace, source, targets=[code.lower().replace("-0", "-")], actor="Mara"
    )
    record = evidence.get_evidence(workspace, evidence_id)
    assert [(a.target, a.label) for a in record.attachments] == [
        (EvidenceTarget.RISK, f"{code} Ransomware"),
    ]
