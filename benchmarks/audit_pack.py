"""The audit pack of an engagement with 100 published artifacts, each signed by an approver.

Setup (not timed) goes through the services, as a consultant would: create each document (a
few pages of headings, lists and a table; one is the Statement of Applicability), request a
review, sign the approval, publish. The figure is the time of ``build_pack`` from the start to
the zip in place: verify, 100 PDFs and Word files, the SoA, register, planner, audit trail,
index and manifest.

The baseline is zipping the same files (the first pack's contents, unpacked into a folder) with
``zipfile`` and the same compression, in turns with building the pack.
"""

from __future__ import annotations

import os
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

from benchmarks.common import Result, alternate, median
from workbench.models import ArtifactKind, EventKind
from workbench.services.approvals import decisions, people, reviews
from workbench.services.exports import audit_pack, publishing
from workbench.services.planner import drafts, events
from workbench.services.register import artifacts, profile
from workbench.services.store.workspace import Workspace, open_workspace

ARTIFACTS = 100
RUNS = 3
BASELINE = "the same files zipped with zipfile (deflate)"
# Twice the worst of four runs on a shared 2-core machine: 32-69x (the pack renders every PDF
# and Word file, the baseline only zips them). The size is not noisy (1.00x): half as much
# again.
RATIO_TARGETS = {"time": 140.0, "size": 1.5}
PASSPHRASE = "benchmark passphrase"
KINDS = (ArtifactKind.POLICY, ArtifactKind.TOPIC_POLICY, ArtifactKind.PROCEDURE,
         ArtifactKind.RECORD, ArtifactKind.PLAN)  # fmt: skip


def document(number: int) -> str:
    sections = []
    for section in range(1, 7):
        rules = "\n".join(
            f"- Rule {section}.{rule}: the owner keeps **evidence** of the control and reviews "
            f"it *yearly*; see [ISO/IEC 27001](https://www.iso.org/standard/27001)."
            for rule in range(1, 6)
        )
        sections.append(
            f"## {section}. Section {section}\n\nThis section sets out how document {number} "
            f"applies to the organisation's information assets and who is accountable.\n\n{rules}"
        )
    table = "\n".join(f"| A.5.{n} | Yes | Owner {n % 4} |" for n in range(1, 16))
    return (
        f"# Document {number}\n\n" + "\n\n".join(sections) + "\n\n| Control | Applies | Owner |\n"
        f"|---|---|---|\n{table}\n"
    )


def build(scratch: Path) -> Workspace:
    workspace = open_workspace(scratch / "pack.grcw")
    profile.update_profile(workspace, actor="Mara", organisation_name="Acme Logistics GmbH")
    people.add_person(workspace, actor="Mara", name="Jonas Weber", role="CISO",
                      passphrase=PASSPHRASE)  # fmt: skip
    for number in range(1, ARTIFACTS + 1):
        kind = ArtifactKind.SOA if number == 1 else KINDS[number % len(KINDS)]
        title = "Statement of Applicability" if number == 1 else f"Document {number:03d}"
        _, artifact_id = artifacts.create_artifact(
            workspace, actor="Mara", kind=kind, title=title, owner="Jonas Weber",
            content=document(number), today=date(2026, 1, 10),
        )  # fmt: skip
        reviews.request_review(
            workspace, actor="Mara", artifact_id=artifact_id, approvers=["Jonas Weber"]
        )
        decisions.approve(workspace, artifact_id=artifact_id, version=1, signer="Jonas Weber",
                          passphrase=PASSPHRASE, today=date(2026, 11, 28))  # fmt: skip
        publishing.publish(workspace, actor="Mara", artifact_id=artifact_id,
                        out_dir=scratch / "published")  # fmt: skip
    events.create_event(
        workspace,
        drafts.EventDraft(
            kind=EventKind.INTERNAL_AUDIT, title="Internal audit",
            start=datetime(2027, 3, 10, 9, tzinfo=UTC), end=datetime(2027, 3, 10, 17, tzinfo=UTC),
            rrule="FREQ=MONTHLY;INTERVAL=3",
        ),
        actor="Mara",
    )  # fmt: skip
    return workspace


def zip_folder(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())


def run(scratch: Path) -> list[Result]:
    scratch.mkdir(parents=True, exist_ok=True)
    saved = os.environ.get("WORKBENCH_CONFIG_DIR")
    os.environ["WORKBENCH_CONFIG_DIR"] = str(scratch / "config")  # the signing keys go here
    target, plain = scratch / "audit-pack.zip", scratch / "plain.zip"
    unpacked = scratch / "unpacked"
    try:
        workspace = build(scratch)
        outcomes = []

        def pack() -> float:
            began = time.perf_counter()
            outcomes.append(audit_pack.build_pack(workspace, target, actor="Mara"))
            elapsed = time.perf_counter() - began
            if not unpacked.exists():  # the baseline's files: the first pack's
                with zipfile.ZipFile(target) as archive:
                    archive.extractall(unpacked)
            return elapsed

        def zipped() -> float:
            began = time.perf_counter()
            zip_folder(unpacked, plain)
            return time.perf_counter() - began

        packs, zips = alternate(pack, zipped, runs=RUNS)
        workspace.close()
    finally:
        if saved is None:
            os.environ.pop("WORKBENCH_CONFIG_DIR", None)
        else:
            os.environ["WORKBENCH_CONFIG_DIR"] = saved
    assert all(o.report.ok and o.documents == ARTIFACTS for o in outcomes)
    with zipfile.ZipFile(target) as archive:
        files = len(archive.namelist())
    size_mb, plain_mb = target.stat().st_size / 1_000_000, plain.stat().st_size / 1_000_000
    return [
        Result(f"audit pack, {ARTIFACTS} published artifacts ({files} files, p50 of {RUNS})",
               median(packs), "s", 15, baseline=median(zips), baseline_name=BASELINE,
               ratio_target=RATIO_TARGETS["time"]),
        Result("audit pack size", size_mb, "MB", baseline=plain_mb, baseline_name=BASELINE,
               ratio_target=RATIO_TARGETS["size"]),
    ]  # fmt: skip
