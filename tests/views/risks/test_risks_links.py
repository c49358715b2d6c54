"""A risk links to its controls and documents, and back; the planner opens a risk from its
actions and acceptance expiries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.helpers.risks import JONAS, JONAS_PASS, add, with_owners
from workbench.models import ArtifactKind
from workbench.services.register import artifacts
from workbench.services.risks import acceptance, records
from workbench.services.risks.listing import RiskFilter
from workbench.views.common.settings import AppSettings
from workbench.views.controls.view import ControlsView
from workbench.views.main_window import MainWindow
from workbench.views.planner.view import PlannerView


@pytest.fixture
def window(qtbot, workspace, library) -> MainWindow:
    with_owners(workspace)
    _, policy = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Backup Policy", owner=JONAS,
        refs=["ISO27001:2022/A.8.13"],
    )  # fmt: skip
    add(workspace, "Ransomware", controls=("A.8.13",), documents=(policy,), likelihood=2,
        impact=2)  # fmt: skip
    add(workspace, "Phishing")
    records.add_action(workspace, actor="Mara", ref="R-001", text="Offline backups",
                       due=date.today() + timedelta(days=3))  # fmt: skip
    acceptance.sign(workspace, ref="R-001", signer=JONAS, passphrase=JONAS_PASS,
                    expires=date.today() + timedelta(days=10))  # fmt: skip
    main = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(main)
    main.show()
    return main


def test_a_control_link_shows_the_control_and_the_control_its_risks(window: MainWindow) -> None:
    window.navigate("risks", "R-001")
    assert window.current_pane_name() == "risks"
    assert window.risks.selected_ref() == "R-001"
    assert "A.8.13 Information backup" in window.risks.editor.controls_label.text()
    window.risks.editor.controls_label.linkActivated.emit("ISO27001:2022/A.8.13")
    assert window.current_pane_name() == "controls"
    controls = window.pane("controls", ControlsView)
    record = controls.selected_record()
    assert record is not None and record.local_id == "A.8.13"
    assert "R-001" in controls.detail.risks_label.text()
    controls.detail.risks_label.linkActivated.emit("R-001")
    assert window.current_pane_name() == "risks"
    assert window.risks.selected_ref() == "R-001"


def test_a_document_link_opens_it_and_the_register_shows_its_risks(window: MainWindow) -> None:
    window.navigate("risks", "R-001")
    assert "Backup Policy" in window.risks.editor.documents_label.text()
    window.risks.editor.documents_label.linkActivated.emit("1")
    assert window.current_pane_name() == "documents"
    window.show_pane("register")
    window.register_view.select_artifact(1)
    window.register_view.risks_action.trigger()
    assert window.current_pane_name() == "risks"
    assert window.risks.model.risk_filter == RiskFilter(document_id=1, include_closed=False)
    assert [window.risks.model.ref(r) for r in range(window.risks.model.rowCount())] == ["R-001"]
    window.risks.show_control("ISO27001:2022/A.8.13")
    assert window.risks.control_filter.text() == "A.8.13"
    assert window.risks.model.rowCount() == 1


def test_the_planner_opens_the_risk_of_an_action_or_an_expiry(window: MainWindow) -> None:
    window.show_pane("planner")
    planner = window.pane("planner", PlannerView)
    planner.refresh_upcoming()
    model = planner.upcoming_model
    rows = [model.item(row) for row in range(model.rowCount())]
    titles = [item.title for item in rows if item is not None]
    assert "Risk action due: Offline backups (R-001)" in titles
    assert "Residual risk acceptance expires: R-001 Ransomware" in titles
    row = titles.index("Residual risk acceptance expires: R-001 Ransomware")
    planner.upcoming.setCurrentIndex(model.index(row))
    planner._activate(planner.upcoming)
    assert not planner.done_action.isEnabled()  # a signature is renewed, not ticked off
    planner._on_double_clicked(planner.upcoming, model.index(row))
    assert window.current_pane_name() == "risks"
    assert window.risks.selected_ref() == "R-001"
