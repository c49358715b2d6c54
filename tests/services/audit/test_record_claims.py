"""Risk method versions, risk acceptances, evidence revisions and stored files are matched
with the audit entries that created them: a row put in behind the workbench's back, a row
deleted, or an entry cut off the end of the log is named in one sentence."""

from __future__ import annotations

import hashlib
import importlib
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.controls import add_file
from tests.helpers.risks import JONAS, JONAS_PASS, add, with_owners
from tests.helpers.tamper import cut_log, rows, tamper
from workbench.models import TreatmentOption
from workbench.services.audit import records, verify
from workbench.services.controls import evidence
from workbench.services.risks import acceptance, relevel
from workbench.services.risks.method import preset
from workbench.services.store.workspace import Workspace

MISSING = records.MISSING_ENTRY
ACCEPTANCE = "risk acceptance 1 (residual risk acceptance of R-001 by Jonas Weber)"
EVIDENCE = "evidence E-1 'Backup report' revision 1 (backup.txt)"


def problems(workspace: Workspace) -> list[str]:
    return [str(problem) for problem in verify.verify_workspace(workspace).problems]


def _entries(workspace: Workspace) -> int:
    return int(str(rows(workspace, "SELECT count(*) FROM audit_log")[0][0]))


def _risk(workspace: Workspace) -> str:
    with_owners(workspace)
    return add(
        workspace, "Flood in the server room", likelihood=3, impact=4,
        treatment=TreatmentOption.RETAIN, residual_likelihood=3, residual_impact=4,
    )  # fmt: skip


def _accept(workspace: Workspace, ref: str) -> int:
    _, acceptance_id = acceptance.sign(
        workspace, ref=ref, signer=JONAS, passphrase=JONAS_PASS,
        expires=date.today() + timedelta(days=365),
    )  # fmt: skip
    return acceptance_id


def _new_method(workspace: Workspace) -> None:
    method = preset()
    relevel.set_method(
        workspace, actor="Mara", confirmed=True,
        method=method.__class__(method.likelihood, method.impact, method.levels, method.matrix, 2),
    )  # fmt: skip


def _evidence(workspace: Workspace, tmp_path: Path) -> int:
    return add_file(workspace, tmp_path, "backup.txt", title="Backup report")


def _entry_of(workspace: Workspace, action: str, which: str = "max") -> int:
    """The id of the last (or, with ``which="min"``, the first) entry of an action."""
    ((entry_id,),) = rows(workspace, f"SELECT {which}(id) FROM audit_log WHERE action = ?", action)
    return int(str(entry_id))


@pytest.fixture
def every_kind(workspace: Workspace, tmp_path: Path) -> Workspace:
    """A workspace with a second method version, a signed acceptance, evidence with two
    revisions, and a file attached twice (stored once)."""
    ref = _risk(workspace)
    _accept(workspace, ref)
    evidence_id = _evidence(workspace, tmp_path)
    (tmp_path / "backup-2.txt").write_text("the second run")
    evidence.add_revision(workspace, evidence_id, tmp_path / "backup-2.txt", actor="Mara")
    add_file(workspace, tmp_path, "backup.txt", to="A.5.1", title="The same file elsewhere")
    _new_method(workspace)
    return workspace


def test_a_workspace_with_every_kind_verifies_clean(every_kind: Workspace, capsys) -> None:
    report = verify.verify_workspace(every_kind)
    assert report.problems == ()
    assert (report.acceptances, report.stored_files) == (1, 2)
    code, out, _ = run(capsys, "-w", str(every_kind.path or every_kind.url), "verify")
    assert code == 0 and "no problems" in out


def test_the_shipped_method_hash_is_the_one_the_migration_writes() -> None:
    migration = importlib.import_module("workbench.migrations.versions.0009_risks")
    text = json.dumps(
        migration.DEFAULT_METHOD, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert hashlib.sha256(text.encode()).hexdigest() == records.SHIPPED_METHOD_SHA256


# --- rows put in behind the workbench's back ------------------------------------------------


def test_a_forged_method_version_is_named(workspace: Workspace) -> None:
    tamper(
        workspace,
        "INSERT INTO risk_method (data, sha256, author, comment, created_at) "
        "SELECT data, sha256, 'Mallory', '', created_at FROM risk_method WHERE id = 1",
    )
    assert problems(workspace) == [f"risk method version 2: {MISSING}"]


def test_a_forged_acceptance_is_named_though_its_signature_is_genuine(workspace) -> None:
    """A copy of a real acceptance carries a valid signature: only the log tells."""
    _accept(workspace, _risk(workspace))
    columns = ("risk_id, kind, signer_id, key_fingerprint, method_version, snapshot, "
               "snapshot_sha256, expires, comment, payload, signature, signed_at")  # fmt: skip
    tamper(workspace, f"INSERT INTO risk_acceptance ({columns}) SELECT {columns} "
           "FROM risk_acceptance WHERE id = 1")  # fmt: skip
    assert problems(workspace) == [
        f"risk acceptance 2 (residual risk acceptance of R-001 by Jonas Weber): {MISSING}"
    ]


def test_a_forged_evidence_revision_is_named(workspace, tmp_path: Path) -> None:
    _evidence(workspace, tmp_path)
    tamper(
        workspace,
        "INSERT INTO evidence_revision (evidence_id, number, blob_sha256, file_name, size, "
        "effective_from, effective_to, collected_by, comment, added_by, added_at) "
        "SELECT evidence_id, 2, blob_sha256, 'signed-off.pdf', size, effective_from, "
        "effective_to, collected_by, comment, 'Mallory', added_at FROM evidence_revision",
    )
    assert problems(workspace) == [
        f"evidence E-1 'Backup report' revision 2 (signed-off.pdf): {MISSING}"
    ]


def _store_behind_the_back(workspace: Workspace, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()
    tamper(workspace, "INSERT INTO blob (sha256, size, chunks, created_at) "
           "SELECT ?, ?, 1, created_at FROM blob", digest, len(content))  # fmt: skip
    tamper(workspace, "INSERT INTO blob_chunk (blob_sha256, seq, data) VALUES (?, 0, ?)",
           digest, content)  # fmt: skip
    return digest


def test_a_stored_file_nothing_vouches_for_is_named(workspace, tmp_path: Path) -> None:
    _evidence(workspace, tmp_path)
    digest = _store_behind_the_back(workspace, b"smuggled in")
    assert problems(workspace) == [
        f"stored file {digest[:12]} (11 bytes): no evidence revision holds it and no audit log "
        "entry records it (it was added behind the workbench's back)"
    ]
    assert verify.verify_workspace(workspace).problems[0].area == "evidence"


def test_parts_of_a_file_that_is_not_stored_are_named(workspace, tmp_path: Path) -> None:
    _evidence(workspace, tmp_path)
    digest = "ab" * 32
    tamper(workspace, "INSERT INTO blob_chunk (blob_sha256, seq, data) VALUES (?, 0, ?)",
           digest, b"hidden")  # fmt: skip
    assert problems(workspace) == [
        f"1 part(s) of stored file {digest[:12]}: the stored file they belong to is not in the "
        "workspace and no evidence revision holds it (they were added behind the workbench's "
        "back)"
    ]


# --- entries cut off the end of the log -----------------------------------------------------


def test_cutting_the_method_entry_is_named(workspace: Workspace) -> None:
    _new_method(workspace)
    cut_log(workspace, _entries(workspace) - 1)
    assert problems(workspace) == [f"risk method version 2: {MISSING}"]


def test_cutting_the_acceptance_entry_is_named(workspace: Workspace) -> None:
    _accept(workspace, _risk(workspace))
    cut_log(workspace, _entries(workspace) - 1)
    assert problems(workspace) == [f"{ACCEPTANCE}: {MISSING}"]


def test_cutting_the_evidence_entries_is_named(workspace, tmp_path: Path) -> None:
    """The revision is named; its file is held by it and not named twice."""
    _evidence(workspace, tmp_path)
    cut_log(workspace, _entries(workspace) - 1)
    assert problems(workspace) == [f"{EVIDENCE}: {MISSING}"]


def test_a_deleted_entry_in_the_middle_is_named_with_the_chain(workspace, tmp_path) -> None:
    _evidence(workspace, tmp_path)
    entry = _entry_of(workspace, "evidence.add")
    _new_method(workspace)
    tamper(workspace, "DELETE FROM audit_log WHERE id = ?", entry)
    found = problems(workspace)
    assert f"{EVIDENCE}: {MISSING}" in found
    assert any(p.startswith("audit log entry ") for p in found)  # the chain breaks too


# --- rows deleted, or changed with their hashes recomputed ----------------------------------


def _deleted(workspace: Workspace, action: str, what: str) -> str:
    entry = _entry_of(workspace, action)
    return (
        f"audit log entry {entry} ({action} by {{actor}}): records {what}, which is not in the "
        "workspace (it was deleted behind the workbench's back)"
    )


def test_a_deleted_method_version_is_named(workspace: Workspace) -> None:
    _new_method(workspace)
    expected = _deleted(workspace, "risk.method.set", "risk method version 2").format(actor="Mara")
    tamper(workspace, "DELETE FROM risk_method WHERE id = 2")
    assert expected in problems(workspace)


def test_a_deleted_acceptance_is_named(workspace: Workspace) -> None:
    _accept(workspace, _risk(workspace))
    expected = _deleted(workspace, "risk.acceptance", "risk acceptance 1").format(actor=JONAS)
    tamper(workspace, "DELETE FROM risk_acceptance")
    assert problems(workspace) == [expected]


def test_a_deleted_evidence_revision_is_named(workspace, tmp_path: Path) -> None:
    _evidence(workspace, tmp_path)
    expected = _deleted(workspace, "evidence.add", "evidence E-1 revision 1").format(actor="Mara")
    tamper(workspace, "DELETE FROM evidence_revision")
    assert problems(workspace) == [expected]


def test_a_method_rewritten_with_its_hash_is_named(workspace: Workspace) -> None:
    """The stored hash is recomputed to match: the one the log recorded is what tells."""
    _new_method(workspace)
    entry = _entry_of(workspace, "risk.method.set")
    for version in (1, 2):
        ((data,),) = rows(workspace, "SELECT data FROM risk_method WHERE id = ?", version)
        forged = str(data).replace('"Rare"', '"Seldom"')
        tamper(workspace, "UPDATE risk_method SET data = ?, sha256 = ? WHERE id = ?", forged,
               hashlib.sha256(forged.encode()).hexdigest(), version)  # fmt: skip
    found = problems(workspace)
    assert (
        "risk method version 1: its hash is not the one of the method every workspace starts with"
    ) in found
    assert (
        f"risk method version 2: its hash is not the one audit log entry {entry} recorded when "
        "it was set"
    ) in found


def test_a_revision_pointed_at_another_file_is_named(workspace, tmp_path: Path) -> None:
    _evidence(workspace, tmp_path)
    other = add_file(workspace, tmp_path, "other.txt", title="Other")
    entry = _entry_of(workspace, "evidence.add", "min")
    ((digest,),) = rows(workspace, "SELECT blob_sha256 FROM evidence_revision WHERE evidence_id "
                        "= ?", other)  # fmt: skip
    tamper(workspace, "UPDATE evidence_revision SET blob_sha256 = ? WHERE evidence_id = 1", digest)
    assert problems(workspace) == [
        f"{EVIDENCE}: its file is not the one audit log entry {entry} recorded when it was added"
    ]


def test_an_acceptance_snapshot_hash_is_checked_against_the_log(workspace) -> None:
    _accept(workspace, _risk(workspace))
    entry = _entry_of(workspace, "risk.acceptance")
    tamper(workspace, "UPDATE risk_acceptance SET snapshot_sha256 = ?", "0" * 64)
    assert (
        f"{ACCEPTANCE}: its snapshot hash is not the one audit log entry {entry} recorded when "
        "it was signed"
    ) in problems(workspace)


def test_verify_on_the_command_line_prints_each(workspace, tmp_path: Path, capsys) -> None:
    _accept(workspace, _risk(workspace))
    _evidence(workspace, tmp_path)
    cut_log(workspace, _entries(workspace) - 2)
    code, out, _ = run(capsys, "-w", str(workspace.path or workspace.url), "verify")
    assert code == 1
    assert out.splitlines()[:2] == [f"{ACCEPTANCE}: {MISSING}", f"{EVIDENCE}: {MISSING}"]
