from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pypdf
import pytest

from tests.helpers.approvals import POLICY_TEXT
from workbench.cli import main

JONAS_PASS = "correct horse battery"
PRIYA_PASS = "staple lamp orbit"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ws(capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A workspace with two approvers (by the CLI) and a policy."""
    path = str(tmp_path / "acme.grcw")
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", JONAS_PASS)
    code, out, err = run(capsys, "-w", path, "person", "add", "Jonas Weber", "--role", "CISO",
                         "--email", "jonas@acme.example")  # fmt: skip
    assert code == 0, err
    assert out.startswith("added Jonas Weber (CISO)\nsigning key fingerprint: ")
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", PRIYA_PASS)
    assert run(capsys, "-w", path, "person", "add", "Priya Shah", "--role", "CEO")[0] == 0
    monkeypatch.delenv("WORKBENCH_PASSPHRASE")
    source = tmp_path / "policy.md"
    source.write_text(POLICY_TEXT, encoding="utf-8")
    from workbench.models import ArtifactKind
    from workbench.services.register import artifacts
    from workbench.services.store.workspace import open_workspace

    workspace = open_workspace(path)
    artifacts.create_artifact(workspace, actor="Mara", kind=ArtifactKind.POLICY,
                              title="Access Control Policy", content=POLICY_TEXT)  # fmt: skip
    workspace.close()
    return path


def approve(capsys, monkeypatch, ws: str, name: str, passphrase: str, *extra: str):
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", passphrase)
    try:
        return run(capsys, "-w", ws, "approve", "Access Control Policy", "--version", "1",
                   "--as", name, "--comment", "Reviewed", *extra)  # fmt: skip
    finally:
        monkeypatch.delenv("WORKBENCH_PASSPHRASE")


def test_review_approve_publish_verify(capsys, monkeypatch, ws: str, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "-w", ws, "review", "request", "1",
                       "--approver", "Jonas Weber", "--approver", "priya shah")  # fmt: skip
    assert (code, out) == (
        0,
        "Access Control Policy: version 1 is in review; waiting for Jonas Weber, Priya Shah\n",
    )
    code, out, err = approve(capsys, monkeypatch, ws, "Jonas Weber", JONAS_PASS)
    assert code == 0, err
    assert "Jonas Weber approved version 1" in out and "still waiting for Priya Shah" in out

    code, _, err = run(capsys, "-w", ws, "publish", "1", "-o", str(tmp_path / "out"))
    assert (code, err) == (
        2,
        "workbench: 'Access Control Policy' has no approved version to publish\n",
    )

    code, out, _ = approve(capsys, monkeypatch, ws, "Priya Shah", PRIYA_PASS)
    assert "version 1 is approved; next review " in out

    code, out, err = run(capsys, "-w", ws, "publish", "Access Control Policy", "-o",
                         str(tmp_path / "out"))  # fmt: skip
    assert code == 0, err
    pdf = tmp_path / "out" / "Access-Control-Policy-v1.pdf"
    assert out.splitlines() == [
        f"wrote {tmp_path / 'out' / 'Access-Control-Policy-v1.docx'}",
        f"wrote {pdf}",
        "Access Control Policy: version 1 published",
    ]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Document approval" in " ".join(text.split())

    code, out, _ = run(capsys, "-w", ws, "register", "list", "--json")
    (row,) = json.loads(out)
    assert (row["status"], row["approved_version"], row["published_version"]) == (
        "published", 1, 1,
    )  # fmt: skip

    code, out, _ = run(capsys, "-w", ws, "review", "show", "1")
    assert "round 1, version 1: approved; signatures valid (2 signatures verified)" in out

    code, out, _ = run(capsys, "-w", ws, "verify")
    assert code == 0
    assert out.startswith("verified 1 version(s), 2 signature(s) and ")


def test_verify_names_tampering_and_exits_1(capsys, monkeypatch, ws: str) -> None:
    run(capsys, "-w", ws, "review", "request", "1", "--approver", "Jonas Weber")
    approve(capsys, monkeypatch, ws, "Jonas Weber", JONAS_PASS)
    with closing(sqlite3.connect(ws)) as db:
        db.execute("DROP TRIGGER approval_no_update")
        db.execute("UPDATE approval SET decision = 'REJECTED'")
        db.commit()
    code, out, _ = run(capsys, "-w", ws, "verify")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(
        "approval 1 (rejected by Jonas Weber) of artifact 1 'Access Control Policy' version 1: "
        "signature invalid: the approval row was changed (decision differs"
    )
    assert lines[-2].startswith("2 problem(s) in 1 version(s), 1 signature(s)")
    code, out, _ = run(capsys, "-w", ws, "verify", "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert {p["area"] for p in report["problems"]} == {"approval", "review"}
    # the head, to write down outside the workspace: the last entry's hash and the count
    with closing(sqlite3.connect(ws)) as db:
        count, last = db.execute(
            "SELECT count(*), (SELECT entry_hash FROM audit_log ORDER BY id DESC LIMIT 1) "
            "FROM audit_log"
        ).fetchone()
    assert report["audit_log_head"] == {"entries": count, "hash": last}
    assert lines[-1] == f"audit log head: {count} entries, last hash {last}"


def test_wrong_passphrase_and_bad_input(capsys, monkeypatch, ws: str) -> None:
    run(capsys, "-w", ws, "review", "request", "1", "--approver", "Jonas Weber")
    code, out, err = approve(capsys, monkeypatch, ws, "Jonas Weber", PRIYA_PASS)
    assert (code, out) == (2, "")
    assert err == (
        "workbench: the passphrase for Jonas Weber's signing key is wrong; nothing was recorded\n"
    )
    code, _, err = approve(capsys, monkeypatch, ws, "Priya Shah", PRIYA_PASS)
    assert err.startswith("workbench: Priya Shah is not asked to approve 'Access Control Policy'")
    code, _, err = approve(capsys, monkeypatch, ws, "Nobody", PRIYA_PASS)
    assert (code, err) == (2, "workbench: there is no person named 'Nobody' in this workspace\n")
    code, _, err = run(capsys, "-w", ws, "review", "request", "ghost", "--approver", "Jonas Weber")
    assert (code, err) == (2, "workbench: no artifact has the id or title 'ghost'\n")
    code, _, err = approve(capsys, monkeypatch, ws, "Jonas Weber", JONAS_PASS, "--reject")
    assert code == 0  # a comment was given: it is the reason
    assert "Traceback" not in err


def test_passphrase_prompt_asks_twice(capsys, monkeypatch, tmp_path: Path) -> None:
    answers = iter(["first passphrase", "other passphrase"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    path = str(tmp_path / "w.grcw")
    code, _, err = run(capsys, "-w", path, "person", "add", "Lena Ott", "--role", "Auditor")
    assert (code, err) == (2, "workbench: the two passphrases differ; nothing was created\n")
    answers = iter(["same passphrase", "same passphrase"])
    code, out, _ = run(capsys, "-w", path, "person", "add", "Lena Ott", "--role", "Auditor")
    assert code == 0 and "signing key fingerprint" in out


def test_people_keys_export_and_import(capsys, ws: str, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "-w", ws, "person", "list", "--json")
    listed = {p["name"]: p for p in json.loads(out)}
    assert listed["Jonas Weber"]["can_sign_here"] is True
    fingerprint = listed["Jonas Weber"]["key_fingerprint"]
    key_file = tmp_path / "jonas.pem"
    code, out, _ = run(capsys, "-w", ws, "person", "export-key", "Jonas Weber", "-o", str(key_file))
    assert code == 0 and out.startswith(f"wrote Jonas Weber's public key to {key_file}")
    other = str(tmp_path / "other.grcw")
    code, out, _ = run(capsys, "-w", other, "person", "import-key", "Jonas Weber", str(key_file),
                       "--role", "CISO", "--fingerprint", fingerprint[:16])  # fmt: skip
    assert code == 0
    grouped = " ".join(fingerprint[i : i + 4] for i in range(0, 64, 4))
    assert out == f"Jonas Weber: public key imported\nfingerprint: {grouped}\n"
    code, out, _ = run(capsys, "-w", other, "person", "list")
    # same computer, so the private key made for the first workspace signs here too
    assert out.splitlines()[0].split() == ["Jonas", "Weber", "CISO", *grouped.split()[:4], "…",
                                           "(signs", "on", "this", "computer)"]  # fmt: skip
    code, _, err = run(capsys, "-w", other, "person", "import-key", "Priya", str(tmp_path / "x"))
    assert code == 2 and err.startswith("workbench: cannot read ")


def test_retire_a_person(capsys, ws: str) -> None:
    code, out, err = run(capsys, "-w", ws, "person", "retire", "Priya Shah", "--reason", "left")
    assert (code, err) == (0, "")
    assert out == "Priya Shah is retired; their signatures stay verifiable\n"
    code, out, _ = run(capsys, "-w", ws, "person", "list")
    priya = next(line for line in out.splitlines() if line.startswith("Priya Shah"))
    assert "(retired " in priya
    code, _, err = run(capsys, "-w", ws, "review", "request", "1", "--approver", "Priya Shah")
    assert (code, err) == (2, "workbench: Priya Shah is retired and approves nothing new\n")
