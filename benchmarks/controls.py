"""Controls, evidence, the SoA and the dashboard on a busy engagement.

Setup (not timed) goes through the services: the 93 Annex A controls with statuses, owners and
target dates, a register from "Build ISMS Components", 2,000 evidence files of 1 GB in all
(generated, 256 KB to 768 KB each, every one different) attached to the controls, and 500
risks rated on the 5x5 method, each planning one to four Annex A controls (a third with a
treatment action), written as one import, so the control table, the dashboard's heat maps and
attention items and the SoA all pay for the risk links.

Figures: the control table's first paint (from handing the pane the workspace to the table
painted), a dashboard refresh (figures, charts and counts; median of 5 after one warm-up),
"Update SoA" after one control changed, the SoA as Excel, and adding a 200 MB file, timed and
measured in a process of its own: its peak resident memory above what it held just before
(on Linux the peak is reset at the baseline, so the figure is the file's own cost).
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.common import Result
from workbench.models import ControlStatus, RiskAction, RiskStatus, TreatmentOption
from workbench.services.catalog.standards import default_catalog
from workbench.services.controls import evidence, records
from workbench.services.controls.evidence import EvidenceDraft
from workbench.services.register import isms_build, profile
from workbench.services.risks import records as risk_records
from workbench.services.risks.method import current_method
from workbench.services.store.workspace import Workspace, open_workspace
from workbench.services.store.writes import run_write

EVIDENCE_FILES = 2_000
EVIDENCE_BYTES = 1024**3
RISKS = 500
LARGE_FILE = 200 * 1024 * 1024
STATUSES = list(ControlStatus)
PACK = "ISO27001:2022"
SUBJECTS = ("Ransomware", "Phishing", "Supplier breach", "Lost laptop", "Cloud bucket exposed")


def write_file(path: Path, size: int, seed: int) -> None:
    """``size`` bytes no other seed produces, written in 64 KB blocks."""
    block = hashlib.sha512(seed.to_bytes(8, "big")).digest() * 1024
    with path.open("wb") as out:
        written = 0
        while written < size:
            piece = block[: size - written]
            out.write(piece)
            written += len(piece)


def add_risks(workspace: Workspace, rng: random.Random) -> None:
    """500 risks in one write, as an import of a client's risk sheet would add them."""
    controls = [entry.ref for entry in default_catalog().entries_of(PACK, kind="control")]
    with run_write(workspace, actor="Mara", action="risk.import", entity="risk_import") as write:
        session = write.session
        method = current_method(session)
        added: list[int] = []
        for number in range(1, RISKS + 1):
            rated = rng.random() > 0.1
            likelihood = rng.randint(1, 5) if rated else None
            impact = rng.randint(1, 5) if rated else None
            residual = rated and rng.random() > 0.4
            draft = risk_records.RiskDraft(
                title=f"{rng.choice(SUBJECTS)} scenario {number}", threat="A threat.",
                likelihood=likelihood, impact=impact,
                treatment=rng.choice(list(TreatmentOption)) if rated else None,
                residual_likelihood=max(1, (likelihood or 1) - rng.randint(0, 2)) if residual
                else None,
                residual_impact=max(1, (impact or 1) - rng.randint(0, 1)) if residual else None,
                controls=tuple(sorted(rng.sample(controls, rng.randint(1, 4)))),
                status=rng.choice(list(RiskStatus)),
            )  # fmt: skip
            risk = risk_records.insert_risk(session, draft, method)
            assert risk.id is not None
            added.append(risk.id)
            if number % 3 == 0:
                due = date(2026, 6, 1) + timedelta(days=rng.randint(0, 700))
                session.add(RiskAction(risk_id=risk.id, text="Put the control in place", due=due))
        write.entity_id = "benchmark"
        write.summary.update(created=len(added))
        write.changed(risks=added)


def build(scratch: Path) -> Workspace:
    rng = random.Random(93)
    workspace = open_workspace(scratch / "controls.grcw")
    profile.update_profile(
        workspace, actor="Mara", organisation_name="Acme Logistics GmbH",
        isms_scope="Warehouse management platform and Hamburg depot", isms_owner="Jonas Weber",
    )  # fmt: skip
    plan = isms_build.plan_build(workspace, include_topic_policies=True)
    isms_build.build_isms(workspace, actor="Mara", items=plan.items)
    controls = records.list_controls(workspace)
    for record in controls:
        records.update_control(
            workspace, record.local_id, actor="Mara", status=rng.choice(STATUSES),
            owner=rng.choice(["Jonas Weber", "Priya Shah", "IT", "HR"]),
            reasons=rng.sample(["risk", "legal", "contract", "business"], 2),
            target_date=date(2027, 1, 1) + timedelta(days=rng.randint(-60, 300)),
        )  # fmt: skip
    average = EVIDENCE_BYTES // EVIDENCE_FILES
    source = scratch / "evidence.bin"
    for number in range(EVIDENCE_FILES):
        size = rng.randint(average // 2, average * 3 // 2)
        write_file(source, size, number)
        control = controls[number % len(controls)].local_id
        renamed = source.rename(scratch / f"evidence-{number:04d}.pdf")
        evidence.add_evidence(
            workspace, renamed, targets=[control], actor="Mara",
            draft=EvidenceDraft(expires=date(2026, 6, 1) + timedelta(days=rng.randint(0, 700))),
        )  # fmt: skip
        renamed.unlink()
    add_risks(workspace, rng)
    return workspace


LARGE_FILE_SCRIPT = """
import json, resource, sys, time, tracemalloc
from pathlib import Path
from workbench.services.controls import evidence
from workbench.services.store.workspace import open_workspace


def proc_kb(key):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key))


workspace = open_workspace(sys.argv[1])
evidence.list_evidence(workspace)  # everything imported and warmed before the baseline
try:  # Linux: the resident set now, and its peak counted afresh from here
    before = proc_kb("VmRSS:")
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    peak = lambda: proc_kb("VmHWM:")
except OSError:  # elsewhere: the growth of the process's lifetime peak
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
began = time.perf_counter()
evidence.add_evidence(workspace, Path(sys.argv[2]), targets=["A.8.15"], actor="Mara")
elapsed = time.perf_counter() - began
_, traced = tracemalloc.get_traced_memory()
print(json.dumps({"seconds": elapsed, "rss_kb": max(0, peak() - before), "traced": traced}))
"""


def add_large_file(workspace: Workspace, scratch: Path) -> dict[str, float]:
    source = scratch / "siem-export-200mb.log"
    write_file(source, LARGE_FILE, 200)
    assert workspace.path is not None
    result = subprocess.run(
        [sys.executable, "-c", LARGE_FILE_SCRIPT, str(workspace.path), str(source)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    source.unlink()
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def run(scratch: Path) -> list[Result]:
    from PySide6.QtWidgets import QApplication

    from workbench.services.controls import soa
    from workbench.services.exports import soa_export
    from workbench.views.controls.view import ControlsView
    from workbench.views.dashboard.view import DashboardView

    scratch.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    workspace = build(scratch)
    setup = time.perf_counter() - began
    print(f"  setup: 2,000 evidence files (1 GB) and {RISKS} risks stored in {setup:.0f} s",
          file=sys.stderr)  # fmt: skip
    app = QApplication.instance() or QApplication([])

    pane = ControlsView()
    pane.resize(1280, 800)
    pane.show()
    app.processEvents()
    start = time.perf_counter()
    pane.set_workspace(workspace)
    pane.table.viewport().repaint()
    first_paint = (time.perf_counter() - start) * 1000
    pane.close()

    dashboard = DashboardView()
    dashboard.resize(1280, 800)
    dashboard.show()
    dashboard.set_workspace(workspace)
    app.processEvents()

    def refresh() -> float:
        start = time.perf_counter()
        dashboard.refresh()
        dashboard.chart.repaint()
        return (time.perf_counter() - start) * 1000

    refresh()
    dashboard_ms = statistics.median(refresh() for _ in range(5))
    dashboard.close()

    soa.update_soa(workspace, actor="Mara")
    records.update_control(workspace, "A.5.15", actor="Mara", status="implemented")
    start = time.perf_counter()
    soa.update_soa(workspace, actor="Mara")
    update_ms = (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    soa_export.export_soa(workspace, fmt="xlsx", target=scratch / "soa.xlsx")
    xlsx_ms = (time.perf_counter() - start) * 1000

    large = add_large_file(workspace, scratch)
    workspace.close()
    return [
        Result(
            f"controls: table first paint, 93 controls, 2,000 evidence, {RISKS} risks",
            first_paint,
            "ms",
            300,
        ),
        Result("controls: dashboard refresh (median of 5)", dashboard_ms, "ms", 200),
        Result("controls: Update SoA after one change", update_ms, "ms", 1000),
        Result("controls: SoA export to Excel", xlsx_ms, "ms", 1000),
        Result("controls: add a 200 MB evidence file", large["seconds"], "s", 10),
        Result("controls: memory above baseline adding 200 MB", large["rss_kb"] / 1024, "MB", 100),
        Result("controls: Python allocations adding 200 MB", large["traced"] / 1024**2, "MB", 100),
    ]
