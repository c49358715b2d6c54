"""The audit pack: one zip an auditor can open, with everything they ask for.

In the zip:

- ``index.html`` links everything, and says whether the workspace verified at export time;
- ``documents/``: every published artifact's published version as PDF and Word;
- ``drafts/`` (when asked for): the latest version of every unpublished, live artifact, each
  file name starting with ``DRAFT-``;
- ``statement-of-applicability/``: each Statement of Applicability (its published version, else
  its latest, marked DRAFT) as PDF and HTML;
- ``statement-of-applicability/*.xlsx``: the SoA's generated version (the published one when it
  was generated) in the auditors' Excel layout;
- ``evidence/``: the current file of each piece of evidence an applicable control relies on;
- ``dashboard/``: the readiness dashboard as SVG (drawn into ``index.html`` too) and as JSON;
- ``register.xlsx``, ``planner.ics`` and ``planner.html`` (the whole programme, from its
  earliest dated item to its latest, in the workspace's time zone), ``audit-trail.csv``;
- ``risks/`` (when the workspace has risks): the risk register as Excel, with the method's tables,
  and the heat map as an image, which the index page shows;
- ``manifest.json``: the SHA-256 and size of every other file, the result of ``verify`` at
  export time (the ok flag and every problem), the workbench version, the workspace, the
  organisation and the time.

A pack is built in small steps (:class:`PackJob`), so a window can show progress and cancel
between any two. The zip is written to a temporary file beside the target and moves into place
only when the last step succeeds; a cancelled or failed pack leaves nothing behind. Writing the
pack is recorded in the audit log as one ``pack.export`` entry with the manifest's SHA-256.
A published document's files are byte for byte those ``publish`` wrote for the same version.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import IO

from dateutil.relativedelta import relativedelta

from workbench import __version__
from workbench.models import ArtifactKind, ArtifactStatus, PackExport
from workbench.services.audit import trail, verify
from workbench.services.common import fileio
from workbench.services.common.errors import ServiceError
from workbench.services.controls import blobs
from workbench.services.controls.soa import SoaError
from workbench.services.dashboard import figures
from workbench.services.exports import (
    document_export,
    pack_controls,
    register_export,
    risk_export,
    soa_export,
)
from workbench.services.exports.document_export import ExportDocument, ExportError, Renderer
from workbench.services.exports.pack_pages import (
    IndexFacts,
    PackedDocument,
    PackFile,
    Skipped,
    index_html,
    planner_html,
)
from workbench.services.planner import ics_export, schedule, span
from workbench.services.register import listing, profile
from workbench.services.register.listing import RegisterFilter, RegisterRow
from workbench.services.risks import heatmap
from workbench.services.risks import listing as risk_listing
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import PROFILE_ID, Workspace
from workbench.services.store.writes import run_write

# progress(done, total, label) is called before each step; returning False cancels.
Progress = Callable[[int, int, str], bool]
MANIFEST = "manifest.json"
RISK_REGISTER = "risks/risk-register.xlsx"
HEAT_MAP = "risks/heat-map.svg"
INDEX = "index.html"
SLUG_LENGTH = 60
PLANNER_BACK = relativedelta(years=1)
PLANNER_AHEAD = relativedelta(years=3)


class PackError(ServiceError):
    """A pack that cannot be written; the message is for the user. Nothing is left behind."""


class PackCancelled(PackError):
    """The user cancelled; nothing was written."""


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class PackResult:
    target: Path
    files: tuple[ManifestEntry, ...]  # every file but the manifest
    manifest_sha256: str
    report: verify.VerifyReport
    documents: int
    drafts: int
    skipped: tuple[Skipped, ...]

    @property
    def changes(self) -> ChangeSet:
        """Writing the pack changed the workspace by its audit log entry only."""
        return ChangeSet(audit_log=True)

    def summary(self) -> str:
        drafts = f" and {self.drafts} draft(s)" if self.drafts else ""
        return (
            f"wrote {self.target}: {self.documents} published document(s){drafts}, "
            f"{len(self.files) + 1} files"
        )


@dataclass(frozen=True)
class _Planned:
    """One document to render: which version, in which folder, and in which formats."""

    row: RegisterRow
    version: int
    draft: bool
    folder: str
    formats: tuple[str, ...]


@dataclass
class _Step:
    label: str
    run: Callable[[], None]


@dataclass
class _Contents:
    entries: list[ManifestEntry] = field(default_factory=list)
    published: list[PackedDocument] = field(default_factory=list)
    drafts: list[PackedDocument] = field(default_factory=list)
    soa: list[PackedDocument] = field(default_factory=list)
    others: list[PackFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    heat_map: str = ""
    sections: list[str] = field(default_factory=list)


def _stem(document: ExportDocument, draft: bool) -> str:
    slug = document.slug[:SLUG_LENGTH].strip("-") or "document"
    return f"{'DRAFT-' if draft else ''}{document.artifact_id:03d}-{slug}-v{document.version}"


def _plan_documents(rows: list[RegisterRow], include_drafts: bool) -> list[_Planned]:
    live = [row for row in rows if row.status is not ArtifactStatus.RETIRED and row.version]
    planned = [
        _Planned(row, row.published_version, False, "documents", ("pdf", "docx"))
        for row in live
        if row.published_version is not None
    ]
    if include_drafts:
        planned += [
            _Planned(row, row.version, True, "drafts", ("pdf", "docx"))
            for row in live
            if row.published_version is None and row.version is not None
        ]
    planned += [
        _Planned(
            row,
            row.published_version or row.version or 1,
            row.published_version is None,
            "statement-of-applicability",
            ("pdf", "html"),
        )
        for row in live
        if row.kind is ArtifactKind.SOA
    ]
    return planned


class PackJob:
    """An audit pack built step by step: :meth:`step` until :attr:`finished`, then read
    :attr:`result`; :meth:`close` (or the ``with`` block) removes what an unfinished pack left.
    """

    def __init__(
        self,
        workspace: Workspace,
        target: Path,
        *,
        actor: str,
        include_drafts: bool = False,
        now: datetime | None = None,
    ) -> None:
        if target.is_dir():
            raise PackError(f"{target} is a folder; name the zip file to write")
        if target.parent.exists() and not target.parent.is_dir():
            raise PackError(f"cannot write {target}: {target.parent} is not a folder")
        self.workspace = workspace
        self.target = target
        self.actor = actor
        self.include_drafts = include_drafts
        self.now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        self.result: PackResult | None = None
        self.done = 0
        self._zip: zipfile.ZipFile | None = None
        self._partial: Path | None = None
        self._scratch: Path | None = None
        self._report: verify.VerifyReport | None = None
        self._contents = _Contents()
        rows = listing.export_rows(workspace, RegisterFilter())
        self._steps = [_Step("Checking hashes, chains and signatures", self._verify)]
        for planned in _plan_documents(rows, include_drafts):
            formats = " and ".join(
                document_export.FORMAT_TITLES[f].split(" ")[0] for f in planned.formats
            )
            label = f"{planned.row.title}, version {planned.version} ({formats})"
            self._steps.append(_Step(label, partial(self._document, planned)))
        self._steps.append(_Step("Register (Excel)", self._register))
        if risk_listing.count_all(workspace):
            self._steps.append(_Step("Risk register (Excel) and heat map", self._risks))
        self._steps.append(_Step("Statement of Applicability (Excel)", self._soa_xlsx))
        self._evidence = pack_controls.plan_evidence(workspace)
        self._steps += [
            _Step(f"Evidence E-{item.id} {item.title}", partial(self._evidence_file, item))
            for item in self._evidence
        ]
        self._steps.append(_Step("Readiness dashboard", self._dashboard))
        self._steps += [
            _Step("Planner (calendar and table)", self._planner),
            _Step("Audit trail (CSV)", self._audit_trail),
            _Step("Index and manifest", self._finish),
        ]

    # --- driving ----------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self._steps)

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    @property
    def next_label(self) -> str:
        return self._steps[self.done].label if not self.finished else "Done"

    def step(self) -> str:
        """Run the next step and return its label.

        Raises:
            PackError: the step failed; call :meth:`close` to remove the partial file.
        """
        current = self._steps[self.done]
        if self._zip is None:
            self._open()
        try:
            current.run()
        except OSError as error:
            raise PackError(f"cannot write the audit pack: {error.strerror or error}") from error
        self.done += 1
        return current.label

    def close(self) -> None:
        """Remove the scratch folder and, unless the pack is finished, the partial zip."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        if self._partial is not None:
            self._partial.unlink(missing_ok=True)
            self._partial = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> PackJob:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- files ------------------------------------------------------------------------------

    def _open(self) -> None:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f".{self.target.name}.", suffix=".partial", dir=self.target.parent
        )
        os.close(handle)
        self._partial = Path(name)
        fileio.make_shareable(self._partial)  # a deliverable, not a secret
        self._scratch = Path(tempfile.mkdtemp(prefix="workbench-pack-"))
        self._zip = zipfile.ZipFile(self._partial, "w", compression=zipfile.ZIP_DEFLATED)

    def _add_bytes(self, path: str, data: bytes) -> None:
        assert self._zip is not None
        info = zipfile.ZipInfo(path, date_time=self.now.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, data)
        if path != MANIFEST:
            digest = hashlib.sha256(data).hexdigest()
            self._contents.entries.append(ManifestEntry(path, digest, len(data)))

    def _add_stream(self, path: str, write: Callable[[IO[bytes]], str], size: int) -> None:
        """Add a file written in pieces by ``write`` (which returns the SHA-256 it wrote)."""
        assert self._zip is not None
        info = zipfile.ZipInfo(path, date_time=self.now.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        info.file_size = size
        with self._zip.open(info, "w") as out:
            digest = write(out)
        self._contents.entries.append(ManifestEntry(path, digest, size))

    def _add_file(self, path: str, source: Path) -> None:
        self._add_bytes(path, source.read_bytes())
        source.unlink()

    def _scratch_file(self, name: str) -> Path:
        assert self._scratch is not None
        return self._scratch / name

    # --- steps ------------------------------------------------------------------------------

    def _verify(self) -> None:
        self._report = verify.verify_workspace(self.workspace)

    def _document(self, planned: _Planned) -> None:
        row = planned.row
        try:
            document = document_export.prepare(self.workspace, row.id, planned.version, stored=True)
        except ExportError as error:
            self._contents.skipped.append(Skipped(row.id, row.title, str(error)))
            return
        writers: dict[str, Renderer] = {
            "pdf": document_export.write_pdf,
            "docx": document_export.write_docx,
            "html": document_export.write_html,
        }  # fmt: skip
        stem = _stem(document, planned.draft)
        paths = []
        for fmt in planned.formats:
            path = f"{planned.folder}/{stem}.{fmt}"
            scratch = self._scratch_file(f"{stem}.{fmt}")
            writers[fmt](document, scratch)
            self._add_file(path, scratch)
            paths.append(path)
        packed = PackedDocument(
            artifact_id=row.id,
            title=document.title,
            kind=document.kind,
            version=document.version,
            status=document.status,
            draft=planned.draft,
            signatures=document.block.signature_text if document.block else "not approved",
            files=tuple(paths),
        )
        if planned.folder == "statement-of-applicability":
            self._contents.soa.append(packed)
        elif planned.draft:
            self._contents.drafts.append(packed)
        else:
            self._contents.published.append(packed)

    def _soa_xlsx(self) -> None:
        scratch = self._scratch_file("soa.xlsx")
        try:
            document = soa_export.export_soa(
                self.workspace, fmt="xlsx", target=scratch, published_first=True
            )
        except (SoaError, ExportError) as error:
            self._contents.skipped.append(
                Skipped(0, "Statement of Applicability (Excel)", str(error))
            )
            return
        path = f"statement-of-applicability/{_stem(document, document.status != 'published')}.xlsx"
        self._add_file(path, scratch)
        self._contents.others.append(
            PackFile(path, "Statement of Applicability (Excel)",
                     f"version {document.version} ({document.status}), one row per control")
        )  # fmt: skip

    def _evidence_file(self, item: pack_controls.PackedEvidence) -> None:
        with self.workspace.read() as session:
            complete = blobs.is_complete(session, item.sha256)
        if not complete:
            reason = f"its stored file {item.sha256[:12]} is missing or incomplete (see Integrity)"
            self._contents.skipped.append(Skipped(0, f"Evidence E-{item.id} {item.title}", reason))
            return

        def write(out: IO[bytes]) -> str:
            with self.workspace.read() as session:
                return blobs.copy_to(session, item.sha256, out)

        self._add_stream(item.path, write, item.size)

    def _dashboard(self) -> None:
        readiness = figures.readiness(self.workspace, today=self.now.date())
        svg = pack_controls.dashboard_svg(readiness)
        self._add_bytes(pack_controls.DASHBOARD_SVG, svg.encode("utf-8"))
        self._add_bytes(pack_controls.DASHBOARD_JSON, pack_controls.dashboard_json(readiness))
        self._contents.sections += [
            pack_controls.evidence_section(self._evidence, self.now.date()),
            pack_controls.dashboard_section(svg),
        ]

    # ---

    def _register(self) -> None:
        scratch = self._scratch_file("register.xlsx")
        count = register_export.export_register(
            self.workspace, scratch, register_filter=RegisterFilter(), fmt="xlsx",
            actor=self.actor, now=self.now,
        )  # fmt: skip
        self._add_file("register.xlsx", scratch)
        self._contents.others.append(
            PackFile("register.xlsx", "Register", f"every artifact ({count}), retired included")
        )

    def _risks(self) -> None:
        scratch = self._scratch_file("risk-register.xlsx")
        count = risk_export.export_risks(self.workspace, scratch, fmt="xlsx", today=self.now.date())
        self._add_file(RISK_REGISTER, scratch)
        everything = risk_listing.RiskFilter()
        svg = heatmap.heat_map_svg(
            risk_listing.heat_map(self.workspace, everything, risk_listing.View.INHERENT),
            risk_listing.heat_map(self.workspace, everything, risk_listing.View.RESIDUAL),
        )
        self._add_bytes(HEAT_MAP, svg.encode("utf-8"))
        self._contents.heat_map = HEAT_MAP
        self._contents.others += [
            PackFile(RISK_REGISTER, "Risk register (Excel)",
                     f"every risk ({count}) with its levels, treatment and acceptance, the "
                     "treatment actions, and the risk method's scales, levels and matrix"),
            PackFile(HEAT_MAP, "Risk heat map", "inherent and residual risk per matrix cell"),
        ]  # fmt: skip

    def planner_range(self) -> tuple[date, date]:
        """The whole programme: its earliest dated item to its latest (a series that repeats
        for ever, some years ahead); without any, a year back to three years ahead."""
        zone, _ = profile.workspace_zone(self.workspace)
        today = self.now.astimezone(zone).date()
        found = span.programme_span(self.workspace, zone, today=today)
        return found or (today - PLANNER_BACK, today + PLANNER_AHEAD)

    def _planner(self) -> None:
        calendar, count = ics_export.build_calendar(self.workspace)
        self._add_bytes("planner.ics", calendar.to_ical())
        first, last = self.planner_range()
        zone, zone_name = profile.workspace_zone(self.workspace)
        page = planner_html(
            schedule.occurrences(self.workspace, first, last, zone=zone),
            first=first,
            last=last,
            zone=zone,
            zone_name=zone_name,
            organisation=profile.get_profile(self.workspace).organisation_name,
        )
        self._add_bytes("planner.html", page.encode("utf-8"))
        self._contents.others += [
            PackFile("planner.ics", "Planner calendar (iCalendar)",
                     f"{count} events and review dates, for Outlook, Google or Apple Calendar"),
            PackFile("planner.html", "Planner table",
                     f"audits and reviews from {first.isoformat()} to {last.isoformat()}"),
        ]  # fmt: skip

    def _audit_trail(self) -> None:
        scratch = self._scratch_file("audit-trail.csv")
        count = trail.export_csv(self.workspace, scratch, trail.AuditFilter())
        self._add_file("audit-trail.csv", scratch)
        self._contents.others.append(
            PackFile("audit-trail.csv", "Audit trail",
                     f"every change to the workspace ({count} entries) with its hashes")
        )  # fmt: skip

    def _finish(self) -> None:
        assert self._report is not None and self._zip is not None and self._partial is not None
        organisation = profile.get_profile(self.workspace).organisation_name
        contents = self._contents
        facts = IndexFacts(
            organisation=organisation,
            workspace=self.workspace.display_name,
            created_at=self.now,
            actor=self.actor,
            include_drafts=self.include_drafts,
            report=self._report,
            published=contents.published,
            drafts=contents.drafts,
            soa=contents.soa,
            others=contents.others,
            skipped=contents.skipped,
            heat_map=contents.heat_map,
            sections=contents.sections,
        )
        self._add_bytes(INDEX, index_html(facts).encode("utf-8"))
        manifest = self._manifest(organisation)
        self._add_bytes(MANIFEST, manifest)
        self._zip.close()
        self._zip = None
        manifest_sha256 = hashlib.sha256(manifest).hexdigest()
        self._record(manifest_sha256)
        self.result = PackResult(
            target=self.target,
            files=tuple(contents.entries),
            manifest_sha256=manifest_sha256,
            report=self._report,
            documents=len(contents.published),
            drafts=len(contents.drafts),
            skipped=tuple(contents.skipped),
        )

    def _manifest(self, organisation: str) -> bytes:
        assert self._report is not None
        report = self._report
        manifest = {
            "format": "grc-workbench-audit-pack/1",
            "created_at": self.now.isoformat().replace("+00:00", "Z"),
            "created_by": self.actor,
            "workbench_version": __version__,
            "workspace": self.workspace.display_name,
            "organisation": organisation,
            "include_drafts": self.include_drafts,
            "verify": {
                "ok": report.ok,
                "summary": report.summary(),
                "checked": report.to_json()["checked"],
                "audit_log_head": report.head.to_json(),
                "problems": [str(problem) for problem in report.problems],
            },
            "files": [
                {"path": e.path, "sha256": e.sha256, "size": e.size} for e in self._contents.entries
            ],
            "not_included": [
                {"artifact_id": s.artifact_id, "title": s.title, "reason": s.reason}
                for s in self._contents.skipped
            ],
        }
        return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    def _record(self, manifest_sha256: str) -> None:
        """Move the zip into place and log it, in one transaction: both or neither."""
        assert self._partial is not None and self._report is not None
        summary: dict[str, object] = {
            "file": self.target.name,
            "manifest_sha256": manifest_sha256,
            "files": len(self._contents.entries) + 1,
            "documents": len(self._contents.published),
            "drafts": len(self._contents.drafts),
            "include_drafts": self.include_drafts,
            "verify_ok": self._report.ok,
            "problems": len(self._report.problems),
            "log_entries": self._report.log_entries,
        }
        with run_write(
            self.workspace, actor=self.actor, action="pack.export", entity="workspace",
            entity_id=PROFILE_ID, summary=summary,
        ) as write:  # fmt: skip
            write.session.add(PackExport(
                file_name=self.target.name, manifest_sha256=manifest_sha256,
                log_entries=self._report.log_entries, log_head=self._report.log_head,
                created_by=self.actor,
            ))  # fmt: skip
            # Inside the write, so a failed move leaves no entry and a failed commit no file.
            self._partial.replace(self.target)
        self._partial = None


def build_pack(
    workspace: Workspace,
    target: Path,
    *,
    actor: str,
    include_drafts: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> PackResult:
    """Write the audit pack to ``target`` (a .zip), reporting each step to ``progress``.

    Raises:
        PackCancelled: ``progress`` returned False; nothing was written or recorded.
        PackError: a file could not be written; nothing was written or recorded.
    """
    with PackJob(workspace, target, actor=actor, include_drafts=include_drafts, now=now) as job:
        while not job.finished:
            if progress is not None and not progress(job.done, job.total, job.next_label):
                raise PackCancelled("the audit pack was cancelled; nothing was written")
            job.step()
        if progress is not None:
            progress(job.total, job.total, "Done")
        assert job.result is not None
        return job.result
