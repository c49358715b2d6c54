"""Every menu action, toolbar action and shortcut of the real main window, triggered.

The View menu and Ctrl+1..5 once shipped broken (``triggered(checked)`` landed in a lambda's
default argument) while every unit test was green, because no test clicked them. Here each
action runs in a state where it is enabled, on a workspace with documents, a review, an audit
and a finding; any exception or Qt warning fails the test (pytest-qt: ``qt_log_level_fail``).
Dialogs an action opens are closed by the test; message boxes and file choosers are answered
"Cancel", so nothing waits for a person.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QWidget,
)

from tests.helpers.approvals import approved_by_both, with_people, with_policy
from tests.helpers.planner import create_event
from workbench.models import EventKind
from workbench.services.approvals import reviews
from workbench.services.planner import findings
from workbench.services.planner.findings import FindingDraft
from workbench.services.store.workspace import Workspace
from workbench.views.common.action_bar import ActionBar
from workbench.views.common.settings import AppSettings
from workbench.views.main_window import MainWindow
from workbench.views.panes import PANES

# The one action that may stay disabled: there is nothing to redo until something is undone,
# and undoing first would leave nothing to undo. Its shortcut is still checked for ambiguity.
# Redo and Open Recent's placeholder; the team actions need a server workspace or a checked-out
# file (tests/views/common/test_team_actions.py triggers them there).
NEVER_ENABLED_HERE = {"&Redo", "(none)", "Check &Out…", "Check &In…", "&Break Lease…"}
QUIT = "&Quit"  # tried on its own: it closes the window
IDS = (1, 2, 1)  # what populate() creates in a new workspace


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answer Cancel to every message box and chooser; the titles asked, in order."""
    asked: list[str] = []

    def message(_parent: object, title: str, *_rest: object) -> QMessageBox.StandardButton:
        asked.append(title)
        return QMessageBox.StandardButton.Cancel

    for name in ("about", "information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, name, message)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.windowTitle()) or 0)
    monkeypatch.setattr(QInputDialog, "getText", lambda _p, t, *_a, **_k: ("", False))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _p, t, *_a, **_k: ("", False))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: "")
    return asked


def populate(workspace: Workspace) -> tuple[int, int, int]:
    """An approved policy, a second document in review, an internal audit with a finding."""
    with_people(workspace)
    approved = with_policy(workspace)
    approved_by_both(workspace, approved)
    in_review = with_policy(workspace)
    reviews.request_review(
        workspace, actor="Mara", artifact_id=in_review, approvers=["Jonas Weber"]
    )
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    audit = create_event(workspace, kind=EventKind.INTERNAL_AUDIT, start=today)
    findings.add_finding(
        workspace, audit, FindingDraft(text="Access reviews missing"), actor="Mara"
    )
    return approved, in_review, audit


@pytest.fixture
def window(qtbot, workspace: Workspace, library, answers: list[str]) -> Iterator[MainWindow]:
    populate(workspace)
    main = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main


def menu_actions(menu: QMenu) -> list[QAction]:
    found: list[QAction] = []
    menu.aboutToShow.emit()  # menus filled on demand (Open Recent) fill here
    for action in menu.actions():
        if action.menu() is not None:
            found += menu_actions(action.menu())
        elif not action.isSeparator():
            found.append(action)
    return found


def opened_by(main: QWidget, widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not main:
        parent = parent.parentWidget()
    return parent is main


def close_other_windows(main: QWidget) -> list[str]:
    """Close every window an action opened; say which dialogs had the focus on a button."""
    problems = []
    for widget in QApplication.topLevelWidgets():
        if not widget.isVisible() or not opened_by(main, widget):
            continue
        if isinstance(widget, QMenu):  # a popup such as the register's column chooser
            widget.close()
            continue
        focused = widget.focusWidget()
        if isinstance(widget, QDialog) and (
            focused is None or isinstance(focused, QAbstractButton)
        ):
            problems.append(f"{widget.windowTitle()} opens with the focus on {focused!r}")
        widget.close()
    return problems


def prepare(main: MainWindow, pane: str, ids: tuple[int, int, int]) -> QWidget:
    """Put the pane in a state where its actions are enabled; return the widget to type in."""
    approved, in_review, _audit = ids
    main.show_pane(pane)
    if pane == "register":
        main.register_view.clear_filter()
        main.register_view.select_artifact(approved)
        return main.register_view.table
    if pane == "documents":
        main.open_artifact(in_review)
        main.show_pane("documents")
        main.documents.editor.appendPlainText("A new line.")  # something to undo and save
        return main.documents.history
    if pane == "questions":
        browser = main.questions
        for card in ("Q012", "Q091", "Q092"):
            browser.open_card(card)
        browser.go_back()  # Back and Forward both have somewhere to go
        return browser.card_view
    if pane == "planner":
        main.planner.go_to_today()
        main.planner.agenda.setFocus()
        main.planner.agenda.setCurrentIndex(main.planner.agenda_model.index(0))
        return main.planner.agenda
    return main.stack.currentWidget()


def all_menu_actions(main: MainWindow) -> list[QAction]:
    return [a for top in main.menuBar().actions() if top.menu() for a in menu_actions(top.menu())]


def pane_actions(main: MainWindow) -> dict[str, list[QAction]]:
    found: dict[str, list[QAction]] = {}
    for spec in PANES:
        pane = main.pane(spec.name, QWidget)  # type: ignore[type-abstract]
        bars = pane.findChildren(ActionBar)
        found[spec.name] = [a for bar in bars for a in bar.actions() if not a.isSeparator()]
    return found


def trigger_all(main: MainWindow, ids: tuple[int, int, int]) -> tuple[set[str], list[str]]:
    """Trigger every action of every menu and pane; the texts of those that ran enabled."""
    ran: set[str] = set()
    problems: list[str] = []
    menus = all_menu_actions(main)
    quit_actions = [a for a in menus if a.text() == QUIT]
    for pane, own in pane_actions(main).items():
        for action in [*own, *(a for a in menus if a not in quit_actions)]:
            prepare(main, pane, ids)
            if not action.isEnabled():
                continue
            action.trigger()
            ran.add(action.text())
            problems += close_other_windows(main)
            main.show()
    return ran, problems


def test_every_menu_and_toolbar_action_runs_without_error(window: MainWindow, qtbot) -> None:
    ran, problems = trigger_all(window, IDS)
    everything = {a.text() for a in all_menu_actions(window)} | {
        a.text() for actions in pane_actions(window).values() for a in actions
    }
    assert sorted(everything - ran - NEVER_ENABLED_HERE - {QUIT}) == []
    assert sorted(set(problems)) == []


def test_every_shortcut_reaches_its_action(window: MainWindow, qtbot) -> None:
    checked = 0
    for pane, own in pane_actions(window).items():
        for action in own + all_menu_actions(window):
            sequence = action.shortcut()
            if sequence.isEmpty() or action.text() == QUIT:
                continue
            target = prepare(window, pane, IDS)
            target.setFocus()
            if not action.isEnabled():
                continue
            combination = sequence[0]
            # An ambiguous or shadowed shortcut never emits triggered: the wait times out.
            with qtbot.waitSignal(action.triggered, timeout=1000):
                qtbot.keyClick(target, combination.key(), combination.keyboardModifiers())
            close_other_windows(window)
            window.show()
            checked += 1
    assert checked > 20


def test_quit_closes_the_window(window: MainWindow) -> None:
    quit_action = next(a for a in all_menu_actions(window) if a.text() == QUIT)
    quit_action.trigger()
    assert not window.isVisible()
