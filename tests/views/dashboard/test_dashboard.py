"""The Dashboard pane: charts drawn in the app, counts that lead into the panes."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QMenu

from tests.helpers.controls import add_file
from workbench.models import ArtifactKind
from workbench.services.cards.library import CardLibrary
from workbench.services.controls import records
from workbench.services.register import artifacts
from workbench.services.store.changes import ChangeSet
from workbench.views.common.settings import AppSettings
from workbench.views.controls.view import ControlsView
from workbench.views.dashboard.view import DashboardView
from workbench.views.main_window import MainWindow
from workbench.views.register.view import RegisterView


@pytest.fixture
def pane(qtbot, workspace) -> DashboardView:
    view = DashboardView()
    qtbot.addWidget(view)
    view.set_workspace(workspace)
    view.resize(1000, 650)
    view.show()
    return view


def test_the_pane_shows_the_figures(pane, workspace, qtbot) -> None:
    assert pane.readiness is not None
    assert "0% of applicable controls implemented" in pane.heading.text()
    records.update_control(workspace, "A.8.13", actor="Mara", status="implemented")
    pane.apply_changes(ChangeSet(controls=frozenset({1})))
    qtbot.waitUntil(lambda: "1% of applicable controls implemented" in pane.heading.text())
    assert set(pane.attention_buttons) == {
        "overdue_reviews", "open_findings", "controls_overdue", "evidence_expired",
        "evidence_expiring", "documents_with_placeholders",
    }  # fmt: skip
    image = pane.chart.grab().toImage()
    assert image.height() > 300
    # the implemented part of the overall bar is drawn in green at its start
    colours = {image.pixelColor(x, y).name() for x in range(200, 260) for y in range(20, 60)}
    assert "#2e8b57" in colours


def test_a_count_leads_to_the_pane_that_deals_with_it(pane, workspace, tmp_path, qtbot) -> None:
    add_file(workspace, tmp_path, "old.pdf", expires=date(2000, 1, 1))
    pane.refresh()
    with qtbot.waitSignal(pane.navigation_requested) as signal:
        pane.attention_buttons["evidence_expired"].click()
    assert signal.args == ["controls", "evidence_expired"]


def test_several_documents_are_offered_in_a_menu(pane, workspace, qtbot, monkeypatch) -> None:
    popped: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, where: popped.append(menu))
    for title in ("Scope", "Policy"):
        artifacts.create_artifact(workspace, actor="Mara", kind=ArtifactKind.POLICY, title=title,
                                  content="# x\n\n[TO COMPLETE: y]\n")  # fmt: skip
    pane.refresh()
    item = pane.readiness.attention_item("documents_with_placeholders")  # type: ignore[union-attr]
    menu = pane.follow(item)  # type: ignore[arg-type]
    assert isinstance(menu, QMenu) and popped == [menu]
    labels = [action.text() for action in menu.actions()]
    assert labels == ["Scope (1)", "Policy (1)"]
    with qtbot.waitSignal(pane.navigation_requested) as signal:
        menu.actions()[1].trigger()
    assert signal.args == ["documents", "2"]


def test_the_window_follows_the_links(qtbot, workspace, library: CardLibrary, tmp_path) -> None:
    window = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(window)
    window.show()
    window.show_pane("dashboard")
    window.navigate("controls", "evidence_expired")
    assert window.current_pane_name() == "controls"
    controls = window.pane("controls", ControlsView)
    assert controls.evidence_filter.currentData() == "expired"
    window.navigate("register", "review_overdue")
    assert window.current_pane_name() == "register"
    assert window.pane("register", RegisterView).overdue_check.isChecked()
