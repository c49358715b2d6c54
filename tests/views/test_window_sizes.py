"""The window at 1024x700 and at full HD: nothing hidden, squeezed or clipped.

At 1024 px the Documents preview was squeezed to ~60 px (headings broke letter by letter),
toolbar actions vanished behind a blank overflow button, and at 1280 px the register showed 7
of 12 columns with clipped headers. Each pane is shown at both sizes and measured.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QWidget

from tests.helpers.approvals import approved_by_both, with_people, with_policy
from workbench.services.register import isms_build
from workbench.services.store.workspace import Workspace
from workbench.views.common.action_bar import ActionBar
from workbench.views.common.settings import AppSettings
from workbench.views.documents.view import (
    EDITOR_MIN_WIDTH,
    HISTORY_MIN_WIDTH,
    PREVIEW_MIN_WIDTH,
)
from workbench.views.main_window import MainWindow
from workbench.views.panes import PANE_NAMES
from workbench.views.register.columns import KEY_COLUMNS, logical_index

SIZES = [(1024, 700), (1280, 800), (1920, 1080)]


@pytest.fixture
def window(qtbot, workspace: Workspace, library) -> Iterator[MainWindow]:
    plan = isms_build.plan_build(workspace)
    isms_build.build_isms(
        workspace, actor="Mara", items=plan.selected,
        profile_changes={"organisation_name": "Acme Logistics", "isms_owner": "Jonas Weber",
                         "isms_scope": "Warehouse platform and Hamburg depot"},
    )  # fmt: skip
    with_people(workspace)
    approved_by_both(workspace, with_policy(workspace))
    main = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main


def at_size(window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    QApplication.processEvents()  # the posted layout requests, no waiting
    assert (window.width(), window.height()) == (width, height)


def shown(window: MainWindow, pane: str) -> QWidget:
    window.show_pane(pane)
    QApplication.processEvents()
    return window.stack.currentWidget()


def in_window(window: MainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_toolbar_action_is_on_screen(window: MainWindow, width: int, height: int) -> None:
    at_size(window, width, height)
    window.open_artifact(1)
    checked = 0
    for name in PANE_NAMES:
        pane = shown(window, name)
        for bar in pane.findChildren(ActionBar):
            for action in bar.actions():
                if action.isSeparator() or not action.isVisible():
                    continue
                button = bar.widgetForAction(action)
                assert button is not None and button.isVisible(), action.text()
                assert window.rect().contains(in_window(window, button)), (
                    f"{action.text()} on {name} is outside the window at {width}x{height}"
                )
                assert bar.rect().contains(button.geometry()), action.text()
                checked += 1
    assert checked >= 30


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_editor_preview_and_history_keep_readable_widths(
    window: MainWindow, width: int, height: int
) -> None:
    at_size(window, width, height)
    window.open_artifact(1)
    documents = shown(window, "documents")
    assert documents is window.documents
    editor, preview, history = window.documents.splitter.sizes()
    assert window.documents.preview.isVisible()
    assert editor >= EDITOR_MIN_WIDTH and preview >= PREVIEW_MIN_WIDTH
    assert history >= HISTORY_MIN_WIDTH
    # A version shown read-only, then editing again: the columns are as they were.
    window.documents.show_version(1)
    QApplication.processEvents()
    window.documents.show_draft()
    QApplication.processEvents()
    assert window.documents.splitter.sizes() == [editor, preview, history]


def test_a_narrow_window_shows_the_preview_in_turn_with_the_editor(
    window: MainWindow, qtbot
) -> None:
    window.open_artifact(1)
    shown(window, "documents")
    at_size(window, 780, 560)
    documents = window.documents
    assert not documents.preview.isVisible() and documents.editor.isVisible()
    assert not documents.preview_action.isChecked()
    documents.preview_action.trigger()
    QApplication.processEvents()
    assert documents.preview.isVisible() and not documents.editor.isVisible()
    assert documents.preview.width() >= PREVIEW_MIN_WIDTH
    documents.preview_action.trigger()
    at_size(window, 1280, 800)
    assert documents.preview.isVisible() and documents.editor.isVisible()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_register_shows_its_key_columns_unclipped(
    window: MainWindow, width: int, height: int
) -> None:
    at_size(window, width, height)
    shown(window, "register")
    table = window.register_view.table
    header = table.horizontalHeader()
    for key in KEY_COLUMNS:
        index = logical_index(key)
        left = header.sectionViewportPosition(index)
        right = left + header.sectionSize(index)
        assert 0 <= left and right <= table.viewport().width(), f"{key} needs scrolling"
        assert header.sectionSize(index) >= header.sectionSizeFromContents(index).width(), (
            f"the {key} header is clipped"
        )
    assert window.register_view.coverage.isVisible()
