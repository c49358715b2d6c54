"""Every list says something when it is empty: no blank white boxes on a new workspace."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from workbench.services.cards.library import CardLibrary
from workbench.services.register.listing import RegisterFilter
from workbench.services.store.workspace import Workspace
from workbench.views.common.empty_state import EmptyListHint
from workbench.views.common.settings import AppSettings
from workbench.views.main_window import MainWindow


def hint_of(view: object) -> EmptyListHint:
    found = [child for child in view.children() if isinstance(child, EmptyListHint)]  # type: ignore[attr-defined]
    assert len(found) == 1, view
    return found[0]


def test_empty_lists_say_why_and_what_to_do(
    qtbot, workspace: Workspace, library: CardLibrary
) -> None:
    window = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(window)
    window.show()

    assert "Choose a question on the left" in window.questions.card_view.toPlainText()
    window.questions.search.setText("no card says zyzzyva")
    window.questions.run_search()
    hint = hint_of(window.questions.list)
    assert hint.is_shown() and hint.text().startswith("No question matches")
    window.questions.search.clear()
    window.questions.run_search()
    assert not hint.is_shown()

    window.show_pane("planner")
    agenda = hint_of(window.planner.agenda)
    assert agenda.is_shown() and agenda.text().startswith("Nothing planned from ")
    assert "Ctrl+N" in agenda.text()
    upcoming = hint_of(window.planner.upcoming)
    assert upcoming.is_shown() and "nothing due in the next 30 days" in upcoming.text()

    from tests.helpers.approvals import with_policy

    with_policy(workspace)
    window.register_view.set_filter(RegisterFilter(text="no such document"))
    table = hint_of(window.register_view.table)
    assert table.is_shown() and table.text().startswith("No artifact matches the filter")
    window.register_view.clear_filter()
    assert not table.is_shown()

    window.open_artifact(1)
    assert not hint_of(window.documents.history).is_shown()  # version 1 is listed

    window.show_pane("audit")
    window.audit_trail.text_filter.setText("no entry says zyzzyva")
    window.audit_trail.apply_filter_widgets()
    QApplication.processEvents()
    trail = hint_of(window.audit_trail.table)
    assert trail.is_shown() and trail.label.isVisible()
    assert trail.label.width() > 200  # as wide as the table, not a sliver
