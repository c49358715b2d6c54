"""Render the README's screenshots from a realistic engagement (Acme Logistics).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py [OUT_DIR]

Builds a fresh workspace through the same services the app uses: the ISMS from templates,
an edited and approved scope statement, an approver's key, audits on the calendar, a risk
register with one signed acceptance. The panes are shot at 1280x800, and the Documents pane once
more at 1024x700, a small laptop screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.app import apply_look  # noqa: E402
from workbench.models import EventKind  # noqa: E402
from workbench.services.approvals import decisions, people, reviews
from workbench.services.cards.library import load_library
from workbench.services.documents import editing
from workbench.services.planner import events, programme
from workbench.services.planner.drafts import EventDraft, all_day_start
from workbench.services.register import isms_build, versioning
from workbench.services.store.workspace import Workspace, open_workspace

ACME = {
    "organisation_name": "Acme Logistics GmbH",
    "isms_scope": "Warehouse management platform and Hamburg depot",
    "isms_owner": "Jonas Weber",
    "certification_target": date(2027, 6, 30),
}
PASSPHRASE = "correct horse battery staple"


def build(path: Path) -> None:
    workspace = open_workspace(path)
    plan = isms_build.plan_build(workspace)
    isms_build.build_isms(workspace, actor="Mara", items=plan.selected, profile_changes=ACME)
    scope = versioning.get_version(workspace, 1).content
    edited = scope.replace(
        "## 2. Scope statement",
        "## 2. Scope statement\n\n*Agreed in the kickoff meeting on 28 November 2026.*",
    )
    editing.save_version(workspace, artifact_id=1, content=edited, author="Mara",
                            comment="Scope agreed in kickoff")  # fmt: skip
    people.add_person(workspace, actor="Mara", name="Jonas Weber", role="CISO",
                      email="jonas.weber@acme.example", passphrase=PASSPHRASE)  # fmt: skip
    reviews.request_review(workspace, actor="Mara", artifact_id=1, approvers=["Jonas Weber"])
    decisions.approve(workspace, artifact_id=1, version=2, signer="Jonas Weber",
                      passphrase=PASSPHRASE, comment="Agreed with the board",
                      allow_placeholders=True)  # fmt: skip
    reviews.request_review(workspace, actor="Mara", artifact_id=3, approvers=["Jonas Weber"])
    programme.accept(workspace, programme.propose_for(workspace, date(2027, 6, 30)), actor="Mara")
    for kind, title, start, rule in (
        (
            EventKind.INTERNAL_AUDIT,
            "Quarterly internal audit",
            date(2026, 12, 9),
            "FREQ=MONTHLY;INTERVAL=3",
        ),
        (EventKind.MANAGEMENT_REVIEW, "Management review", date(2026, 12, 16), "FREQ=YEARLY"),
        (EventKind.TRAINING, "Security awareness training", date(2026, 12, 3), None),
    ):
        draft = EventDraft(
            kind=kind, title=title, start=all_day_start(start), all_day=True, rrule=rule
        )
        events.create_event(workspace, draft, actor="Mara")
    _risks(workspace)
    _controls(workspace, path.parent)
    workspace.close()


def _risks(workspace: Workspace) -> None:
    """A risk workshop's outcome: scenarios from the library, scored, treated, one accepted."""
    from workbench.models import TreatmentOption
    from workbench.services.risks import acceptance, records
    from workbench.services.risks.library import load_scenarios

    scenarios = {s.id: s for s in load_scenarios()}
    rated = (
        ("LIB-001", 4, 5, TreatmentOption.MODIFY, (2, 4)),
        ("LIB-002", 4, 3, TreatmentOption.MODIFY, (2, 2)),
        ("LIB-022", 3, 3, TreatmentOption.MODIFY, (2, 3)),
        ("LIB-024", 3, 4, TreatmentOption.MODIFY, None),
        ("LIB-042", 3, 5, TreatmentOption.RETAIN, None),
        ("LIB-048", 2, 4, TreatmentOption.MODIFY, (1, 4)),
    )
    for scenario_id, likelihood, impact, treatment, residual in rated:
        scenario = scenarios[scenario_id]
        records.add_risk(
            workspace, actor="Mara",
            draft=records.RiskDraft(
                title=scenario.title, threat=scenario.threat,
                vulnerability=scenario.vulnerability, consequence=scenario.consequence,
                owner="Jonas Weber", controls=scenario.controls, source=scenario.id,
                likelihood=likelihood, impact=impact, treatment=treatment,
                residual_likelihood=residual[0] if residual else None,
                residual_impact=residual[1] if residual else None,
            ),
        )  # fmt: skip
    records.add_action(workspace, actor="Mara", ref="R-001", text="Keep one backup copy offline",
                       owner="Lena Brandt", due=date(2027, 2, 28))  # fmt: skip
    acceptance.sign(workspace, ref="R-005", signer="Jonas Weber", passphrase=PASSPHRASE,
                    expires=date.today().replace(year=date.today().year + 1),
                    comment="Until the supplier contracts are renegotiated")  # fmt: skip


def _controls(workspace: Workspace, scratch: Path) -> None:
    """A few weeks into implementation: decisions taken, some controls done, evidence filed."""
    from workbench.services.controls import evidence, records, soa
    from workbench.services.controls.evidence import EvidenceDraft

    done = ("A.5.1", "A.5.2", "A.5.3", "A.5.15", "A.6.1", "A.6.3", "A.7.1", "A.8.5", "A.8.13")
    for local_id in done:
        records.update_control(workspace, local_id, actor="Mara", status="implemented",
                               owner="Jonas Weber", reasons=["business"])  # fmt: skip
    for local_id in ("A.5.7", "A.5.23", "A.8.8", "A.8.15", "A.8.16"):
        records.update_control(workspace, local_id, actor="Mara", status="partial",
                               owner="Lena Brandt", target_date=date(2027, 3, 31))  # fmt: skip
    records.update_control(workspace, "A.8.24", actor="Mara", status="planned",
                           target_date=date(2026, 11, 15))  # fmt: skip
    records.update_control(
        workspace, "A.7.4", actor="Mara", applicable=False,
        justification="Offices are leased; the landlord monitors the building",
    )  # fmt: skip
    for name, control, title, expires in (
        ("restore-test.pdf", "A.8.13", "Restore test report, October", date(2027, 10, 31)),
        ("access-review.xlsx", "A.5.15", "Quarterly access review", date(2026, 12, 20)),
        ("pentest.pdf", "A.8.8", "External penetration test", date(2026, 11, 1)),
    ):
        file = scratch / name
        file.write_bytes(f"{title}\n".encode() * 200)
        evidence.add_evidence(workspace, file, targets=[control], actor="Mara",
                              draft=EvidenceDraft(title=title, expires=expires))  # fmt: skip
    soa.update_soa(workspace, actor="Mara")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="workbench-shots-"))
    os.environ["WORKBENCH_DATA_DIR"] = str(scratch / "data")
    os.environ["WORKBENCH_CONFIG_DIR"] = str(scratch / "config")
    build(scratch / "acme-isms.grcw")

    from workbench.views.common.settings import AppSettings
    from workbench.views.dashboard.view import DashboardView
    from workbench.views.main_window import MainWindow

    app = QApplication([])
    apply_look(app)
    window = MainWindow(
        settings=AppSettings(), workspace=open_workspace(scratch / "acme-isms.grcw"),
        library=load_library(),
    )  # fmt: skip
    window.resize(1280, 800)
    window.show()

    def shot(name: str) -> None:
        app.processEvents()
        window.grab().save(str(out / f"{name}.png"))

    window.questions.open_card("Q012")
    window.show_pane("questions")
    shot("questions")
    window.show_pane("register")
    window.register_view.clear_filter()
    shot("register")
    window.open_artifact(1)
    shot("documents")
    window.show_pane("planner")
    window.planner.show_day(date(2026, 12, 9))
    shot("planner")
    window.show_pane("audit")
    shot("audit")
    window.navigate("risks", "R-005")
    app.processEvents()  # the pane fills its heat map just after the table's first paint
    shot("risks")
    window.navigate("controls", "A.8.13")
    shot("controls")
    window.show_pane("dashboard")
    window.pane("dashboard", DashboardView).refresh()
    shot("dashboard")
    window.resize(1024, 700)
    window.open_artifact(1)
    shot("documents-1024x700")
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
