"""Start-up: the window's frame first, then the workspace, the card library and the panes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QProgressBar

from workbench.app import TRACE_ENV, TRACE_MARK, Startup, run_gui
from workbench.services.common.paths import default_workspace_path
from workbench.services.register import listing
from workbench.services.store import workspace as store
from workbench.views.common.pane import Pane
from workbench.views.common.settings import AppSettings
from workbench.views.main_window import MainWindow
from workbench.views.panes import PANES

LOAD_MS = 60_000


@pytest.fixture
def frame(qtbot) -> MainWindow:
    window = MainWindow(settings=AppSettings())
    qtbot.addWidget(window)
    return window


def start(window: MainWindow, location: Path | str, **options: object) -> Startup:
    settings: dict[str, object] = {"chosen": True, "interactive": False, **options}
    startup = Startup(window, location=str(location), **settings)  # type: ignore[arg-type]
    startup.begin()
    window.show()
    return startup


@pytest.fixture(autouse=True)
def loading_ends_with_the_test() -> Iterator[None]:
    """No loading thread outlives its test (it would report into the next one)."""
    yield
    for thread in threading.enumerate():
        if thread.name == "workbench-startup":
            thread.join(timeout=60)


def test_the_frame_shows_every_pane_and_the_chosen_ones_skeleton(frame: MainWindow) -> None:
    frame.show_pane("register")
    assert not frame.attached and frame.panes == {}
    assert frame.navigation.count() == len(PANES)
    assert frame.current_pane_name() == "register"
    skeleton = frame.stack.currentWidget()
    assert isinstance(skeleton, QLabel) and skeleton.text() == "Loading Register…"
    titles = [action.text() for action in frame.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Approval", "&Help"]


def test_loading_fills_the_frame_in_and_opens_the_workspace_on_the_gui_thread(
    frame: MainWindow, qtbot, tmp_path: Path, monkeypatch
) -> None:
    opened_on: list[threading.Thread] = []
    open_workspace = store.open_workspace

    def recording(*args: object, **kwargs: object) -> store.Workspace:
        opened_on.append(threading.current_thread())
        return open_workspace(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "open_workspace", recording)
    frame.show_pane("register")
    startup = start(frame, tmp_path / "acme.grcw")
    with qtbot.waitSignal(startup.painted, timeout=LOAD_MS):
        pass
    # Painted: the frame says it is busy while the rest loads.
    assert frame.statusBar().currentMessage() == "Loading the workspace and the question cards…"
    progress = frame.findChild(QProgressBar, "startupProgress")
    assert progress is not None and progress.isVisible() and progress.maximum() == 0
    assert not frame.attached
    with qtbot.waitSignal(startup.ready, timeout=LOAD_MS):
        pass
    assert opened_on == [threading.main_thread()]
    assert startup.loading is not None and startup.loading is not threading.main_thread()
    assert frame.attached and frame.workspace.path == tmp_path / "acme.grcw"
    assert frame.windowTitle() == "acme.grcw — GRC Workbench"
    pane = frame.stack.currentWidget()
    assert isinstance(pane, Pane) and pane is frame.register_view
    assert frame.register_view.workspace is frame.workspace
    assert len(frame.library.index) > 0
    # The busy indicator is gone and the menus are the window's own.
    assert frame.statusBar().currentMessage() == ""
    assert not progress.isVisible()
    assert frame.findChild(QMenu, "recentMenu") is not None
    assert len(frame.menuBar().actions()) == 5
    frame.workspace.close()


def test_the_register_is_filled_in_from_the_workspace(
    frame: MainWindow, qtbot, tmp_path: Path
) -> None:
    from tests.helpers.approvals import with_policy

    path = tmp_path / "acme.grcw"
    made = store.open_workspace(path)
    with_policy(made)
    made.close()
    frame.show_pane("register")
    startup = start(frame, path)
    with qtbot.waitSignal(startup.ready, timeout=LOAD_MS):
        pass
    rows = listing.export_rows(frame.workspace, listing.RegisterFilter())
    model = frame.register_view.table.model()
    assert model is not None and model.rowCount() == len(rows) == 1
    frame.workspace.close()


def test_a_foreign_file_ends_start_up_with_one_line_and_exit_2(
    frame: MainWindow, qtbot, tmp_path: Path, capsys
) -> None:
    bogus = tmp_path / "minutes.grcw"
    bogus.write_text("not a database")
    startup = start(frame, bogus)
    with qtbot.waitSignal(startup.failed, timeout=LOAD_MS) as failed:
        pass
    assert failed.args == [2]
    assert capsys.readouterr().err == (
        "workbench: minutes.grcw is not a GRC Workbench workspace (not a SQLite file).\n"
    )
    assert not frame.attached and startup.error is None


def test_a_broken_last_workspace_falls_back_to_the_default_and_says_so(
    frame: MainWindow, qtbot, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    bogus = tmp_path / "gone.grcw"
    bogus.write_text("not a database")
    startup = start(frame, bogus, chosen=False, interactive=True)
    with qtbot.waitSignal(startup.ready, timeout=LOAD_MS):
        pass
    assert warned == [
        "gone.grcw is not a GRC Workbench workspace (not a SQLite file). "
        "Opening the default workspace."
    ]
    assert frame.workspace.path == default_workspace_path()
    frame.workspace.close()


def test_an_unknown_card_ends_start_up_with_exit_2(
    frame: MainWindow, qtbot, tmp_path: Path, capsys
) -> None:
    startup = start(frame, tmp_path / "a.grcw", card="Q4242")
    with qtbot.waitSignal(startup.failed, timeout=LOAD_MS) as failed:
        pass
    assert failed.args == [2]
    assert capsys.readouterr().err == "workbench: no card with id Q4242\n"
    frame.workspace.close()


def test_a_card_opens_on_the_questions_pane(frame: MainWindow, qtbot, tmp_path: Path) -> None:
    frame.show_pane("register")
    startup = start(frame, tmp_path / "a.grcw", card="Q012")
    with qtbot.waitSignal(startup.ready, timeout=LOAD_MS):
        pass
    assert frame.current_pane_name() == "questions"
    card = frame.questions.current_card
    assert card is not None and card.id == "Q012"
    frame.workspace.close()


def test_a_defect_while_loading_ends_start_up_with_the_error(
    frame: MainWindow, qtbot, tmp_path: Path, monkeypatch
) -> None:
    from workbench.services.cards import library

    def broken(*_args: object) -> None:
        raise KeyError("cards")

    monkeypatch.setattr(library, "load_library", broken)
    startup = start(frame, tmp_path / "a.grcw")
    with qtbot.waitSignal(startup.failed, timeout=LOAD_MS) as failed:
        pass
    assert failed.args == [3]
    assert isinstance(startup.error, KeyError)
    assert not frame.attached
    if startup.workspace is not None:  # opened before the library failed
        startup.workspace.close()


def test_the_window_asks_its_start_up_questions_once_loaded(
    qapp: QApplication, qtbot, tmp_path: Path, monkeypatch
) -> None:
    import gc

    calls: list[tuple[bool, bool, str]] = []
    windows: list[MainWindow] = []
    collecting: list[tuple[str, bool]] = []
    begin = Startup.begin

    def beginning(startup: Startup) -> None:
        collecting.append(("loading", gc.isenabled()))
        begin(startup)

    def checks(window: MainWindow, *, asked: bool = False) -> None:
        calls.append((window.attached, asked, window.current_pane_name()))
        collecting.append(("ready", gc.isenabled() and gc.get_freeze_count() > 0))
        windows.append(window)
        # Not window.close(): closing the last window inside exec() posts a Quit event that
        # could outlive this loop and end the next test's.
        qapp.exit(0)

    monkeypatch.setattr(MainWindow, "start_up_checks", checks)
    monkeypatch.setattr(Startup, "begin", beginning)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    AppSettings().save_consultant("Mara Tester")  # else it asks before the window opens
    style = qapp.styleSheet()
    try:
        assert run_gui(workspace=str(tmp_path / "a.grcw"), view="planner") == 0
    finally:
        qapp.setStyleSheet(style)
        gc.unfreeze()  # the window froze this test process's objects too
    assert calls == [(True, False, "planner")]
    # The collector is off while the window loads, and on (start-up's objects frozen) once ready.
    assert collecting == [("loading", False), ("ready", True)]
    assert gc.isenabled()
    qtbot.addWidget(windows[0])  # closed and deleted after the test, outside exec()
    windows[0].workspace.close()


def _trace(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, TRACE_ENV: "1"}
    command = [sys.executable, *extra, "-m", "workbench", "-w", str(tmp_path / "a.grcw"),
               "--view", "register", "--screenshot", str(tmp_path / "shot.png")]  # fmt: skip
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_the_window_is_painted_before_the_database_layer_is_imported(tmp_path: Path) -> None:
    # -X importtime writes a line as each import ends, on the same stderr as the marks.
    result = _trace(tmp_path, "-X", "importtime")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    marks = [n for n, line in enumerate(lines) if line.startswith(TRACE_MARK)]
    stages = [lines[n].split()[1] for n in marks]
    assert (stages[0], stages[1], stages[-1]) == ("painted", "store-imported", "ready")
    assert sorted(stages[2:-1]) == ["library-loaded", "workspace-opened"]

    def imported(part: list[str]) -> set[str]:
        return {line.split("|")[-1].strip() for line in part if line.startswith("import time:")}

    before, after = imported(lines[: marks[0]]), imported(lines[marks[0] :])
    assert "PySide6.QtWidgets" in before and "workbench.views.main_window" in before
    heavy = {"sqlalchemy", "sqlmodel", "workbench.models.tables", "workbench.services.cards.loader"}
    assert not heavy & before
    assert heavy <= after
    assert (tmp_path / "shot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_start_up_marks_are_on_one_clock_and_in_order(tmp_path: Path) -> None:
    import time

    began = time.monotonic()
    result = _trace(tmp_path)
    ended = time.monotonic()
    assert result.returncode == 0, result.stderr
    marks = {
        line.split()[1]: float(line.split()[2])
        for line in result.stderr.splitlines()
        if line.startswith(TRACE_MARK)
    }
    assert began < marks["painted"] <= marks["ready"] < ended
    assert "propagateSizeHints" not in result.stderr


def test_modules_imported_after_pyside_are_sorted_without_reading_their_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import inspect

    feature = sys.modules["shibokensupport.feature"]
    (tmp_path / "plain_after_qt.py").write_text("import json\nVALUE = 1\n", encoding="utf-8")
    (tmp_path / "widget_after_qt.py").write_text(
        "from PySide6.QtWidgets import QLabel\n", encoding="utf-8"
    )

    def no_reading(_object: object) -> str:
        raise AssertionError("the import hook read a module's source")

    monkeypatch.setattr(inspect, "getsource", no_reading)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        # An import statement, which is what PySide6 hooks (importlib's functions are not).
        exec("import plain_after_qt, widget_after_qt", {})
    finally:
        sys.modules.pop("plain_after_qt", None)
        sys.modules.pop("widget_after_qt", None)
    assert feature.pyside_feature_dict["plain_after_qt"] == -1  # PySide6 ignores it
    assert feature.pyside_feature_dict["widget_after_qt"] == 0  # uses PySide6, no feature
