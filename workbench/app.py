"""Starting the GUI: the window first, then the workspace, the card library and the panes.

The main window's frame (navigation, menu bar, status bar, the pane's skeleton) is shown and
painted before anything imports the database layer: importing SQLAlchemy and the models is most
of start-up. Once the window is painted a background thread imports the store and loads the card
library (parsing the cards, building the search index) while the status bar says so; the
workspace is opened on the GUI thread once the store is imported (it may ask for a password,
and a session belongs to the thread that uses it), and the panes are built when both are there.

With ``WORKBENCH_STARTUP_TRACE`` set, the two points of start-up are written to stderr as
``workbench-startup painted <time.monotonic()>`` and ``workbench-startup ready <...>``, which
the benchmark (``benchmarks/cold_start.py``) reads, with the stages between them
(``store-imported``, ``workspace-opened``, ``library-loaded``) for whoever looks for the time.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressBar

from workbench import __version__
from workbench.services.common.errors import ServiceError
from workbench.services.common.paths import default_workspace_path

if TYPE_CHECKING:
    from workbench.services.cards.library import CardLibrary
    from workbench.services.store.workspace import Workspace
    from workbench.views.common.settings import AppSettings
    from workbench.views.main_window import MainWindow

APP_NAME = "GRC Workbench"
TRACE_ENV = "WORKBENCH_STARTUP_TRACE"
TRACE_MARK = "workbench-startup"
# What the background thread imports once the window is painted: the database layer and the
# models (most of start-up) and the heaviest services of the first panes, so that building the
# panes on the GUI thread finds them loaded. Only Qt-free modules: no widget code off the GUI
# thread.
BACKGROUND_IMPORTS = (
    "workbench.services.store.workspace",
    "workbench.models",
    "workbench.services.register.listing",
    "workbench.services.register.profile",
    "workbench.services.approvals.reviews",
    "workbench.services.common.markup",
    "workbench.services.cards.library",
)
# A window that is never painted (shown minimised, say) loads all the same after this long.
PAINT_WAIT_MS = 500


def _lighten_pyside_import_hook() -> None:
    """Spare every later import PySide6's reading of the imported module's source.

    Once PySide6 is imported it hooks ``import``: each new module is sorted into "uses PySide"
    or not (for PySide's optional ``__feature__`` switches), by reading the module's whole source
    file and searching it for "PySide6". After the window is painted, the database layer and the
    models import some 200 modules, and this cost start-up about a tenth of a second. The
    workbench selects no ``__feature__``, so the two sorts behave alike; this sorts by the
    module's names instead (any of them from PySide6 or shiboken6), which reads no file. A
    PySide6 without the hook is left as it is.
    """
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return

    def uses_pyside(module: ModuleType) -> bool:
        return any(_from_pyside(value) for value in list(vars(module).values()))

    setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010 (not in PySide6's stubs)


def _from_pyside(value: object) -> bool:
    name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
    return isinstance(name, str) and name.startswith(("PySide6", "shiboken6"))


_lighten_pyside_import_hook()


def apply_look(app: QApplication) -> None:
    """The shipped style sheet and window icon."""
    from PySide6.QtGui import QIcon, QPixmap

    from workbench.services.common.paths import resource

    app.setStyleSheet(resource("style.qss").read_text(encoding="utf-8"))
    pixmap = QPixmap()
    pixmap.loadFromData(resource("icons", "workbench.svg").read_bytes(), "SVG")
    app.setWindowIcon(QIcon(pixmap))


def report_unexpected(app: QApplication) -> None:
    """Route an exception no pane expected to the log, with one sentence for the user.

    A :class:`ServiceError` that reaches here (a pane forgot to catch it) is shown as it is;
    anything else is a defect: its traceback goes to the log file, never to the screen.
    """
    import logging
    from types import TracebackType

    log = logging.getLogger("workbench")

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if isinstance(error, ServiceError):
            text = str(error)
        else:
            log.error("unexpected error", exc_info=(kind, error, trace))
            text = f"Unexpected error: {error} (details in the log file)"
        QMessageBox.warning(app.activeWindow(), "GRC Workbench", text)

    sys.excepthook = hook


def quiet_offscreen_warning() -> None:
    """Drop the warning the offscreen platform (a screenshot's) prints for every window shown.

    It cannot pass size hints to a window manager it does not have; that says nothing to the
    user, whose stderr gets one line when something goes wrong. Other messages pass as Qt
    would print them.
    """
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def handler(_kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if "propagateSizeHints" in message:
            return
        category = context.category
        shown = f"{category}: {message}" if category and category != "default" else message
        print(shown, file=sys.stderr)

    qInstallMessageHandler(handler)


def trace(stage: str) -> None:
    """Say on stderr that start-up reached ``stage``, when asked to (see the module's doc)."""
    if os.environ.get(TRACE_ENV):
        print(f"{TRACE_MARK} {stage} {time.monotonic():.6f}", file=sys.stderr, flush=True)


class _Loader(QObject):
    """Imports the store and loads the card library, on a background thread (see Startup).

    Parentless and held by its thread: what it sends reaches a :class:`Startup` that still
    exists, or nobody, even when the window is closed while it loads.
    """

    store_imported = Signal()
    library_loaded = Signal(object)
    failed = Signal(object)

    def run(self, packs: Sequence[Path]) -> None:
        try:
            for name in BACKGROUND_IMPORTS:
                import_module(name)
            trace("store-imported")
            self.store_imported.emit()
            from workbench.services.cards.library import load_library

            library = load_library(packs)
            trace("library-loaded")
            self.library_loaded.emit(library)
        except Exception as error:  # handed to the GUI thread, which ends start-up with it
            self.failed.emit(error)


class Startup(QObject):
    """Loads what the window's frame waits for, once it is painted, and attaches it.

    The loading runs on the thread :attr:`loading`; each result comes back by signal, to be
    used on the GUI thread.

    Signals:
        painted(): the frame was painted for the first time; loading starts.
        ready(): the workspace is open, the library loaded and the panes built and painted.
        failed(int): start-up gave up with this exit code; :attr:`error` holds the exception
            when one ended it (the caller raises it, so the command line words it as usual).
    """

    painted = Signal()
    ready = Signal()
    failed = Signal(int)

    def __init__(
        self,
        window: MainWindow,
        *,
        location: str,
        chosen: bool,
        interactive: bool,
        card: str | None = None,
        view: str | None = None,
    ) -> None:
        """``chosen``: the user named the workspace (no falling back to the default one);
        ``interactive``: dialogs may ask and warn (not for a screenshot)."""
        super().__init__(window)
        self.window = window
        self.location = location
        self.chosen = chosen
        self.interactive = interactive
        self.card = card
        self.view = view
        self.error: BaseException | None = None
        self.workspace: Workspace | None = None
        self.library: CardLibrary | None = None
        self.loading: threading.Thread | None = None
        # Parentless until the status bar takes it: a child of the window would show at once.
        self._progress = QProgressBar()
        self._progress.setObjectName("startupProgress")
        self._progress.setRange(0, 0)  # busy, for as long as it takes
        self._progress.setMaximumWidth(120)
        self._progress.setTextVisible(False)
        self._loader = _Loader()
        self._loader.store_imported.connect(self._open_workspace)
        self._loader.library_loaded.connect(self._on_library_loaded)
        self._loader.failed.connect(self._give_up)

    def begin(self) -> None:
        """Start once the window has been painted (call before or after showing it)."""
        self.window.installEventFilter(self)
        QTimer.singleShot(PAINT_WAIT_MS, self, self._start)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.window and event.type() == QEvent.Type.Paint:
            # The children paint in the same pass: start when the event loop is next free.
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self, self._start)
        return False

    def _start(self) -> None:
        if self.loading is not None:
            return
        trace("painted")
        self.window.statusBar().insertPermanentWidget(0, self._progress)
        self.window.statusBar().showMessage("Loading the workspace and the question cards…")
        self.loading = threading.Thread(
            target=self._loader.run,
            args=(list(self.window.settings.card_packs),),
            name="workbench-startup",
            daemon=True,  # a window closed while loading does not wait for it
        )
        self.loading.start()
        self.painted.emit()

    def _open_workspace(self) -> None:
        from workbench.services.store.workspace import PasswordRequiredError, open_workspace
        from workbench.views.common.team_actions import open_location

        creator = self.window.settings.user_name
        try:
            try:
                # A team workspace may ask for its password (in a dialog; not for a screenshot).
                found = (
                    open_location(self.window, self.location, creator=creator)
                    if self.interactive
                    else open_workspace(self.location, creator=creator)
                )
                if found is None:
                    raise PasswordRequiredError(self.location)
                self.workspace = found
            except ServiceError as error:
                if self.chosen or not self.interactive:
                    print(f"workbench: {error}", file=sys.stderr)
                    if self.interactive:
                        QMessageBox.critical(self.window, "Cannot open workspace", str(error))
                    self.failed.emit(2)
                    return
                # The last workspace went missing or broke: fall back to the default, say so.
                QMessageBox.warning(
                    self.window, "Cannot open workspace", f"{error} Opening the default workspace."
                )
                self.workspace = open_workspace(default_workspace_path(), creator=creator)
        except Exception as error:
            self._give_up(error)
            return
        trace("workspace-opened")
        self._attach_when_loaded()

    def _on_library_loaded(self, library: CardLibrary) -> None:
        self.library = library
        self._attach_when_loaded()

    def _attach_when_loaded(self) -> None:
        if self.workspace is None or self.library is None or self.error is not None:
            return
        if self.window.attached:  # once: a dialog's event loop may bring the other half in
            return
        try:
            self.window.attach(self.workspace, self.library)
            if self.card and not self.window.questions.open_card(self.card):
                print(f"workbench: no card with id {self.card}", file=sys.stderr)
                self.failed.emit(2)
                return
            if self.card and not self.view:
                self.window.show_pane("questions")
        except Exception as error:
            self._give_up(error)
            return
        self.window.statusBar().removeWidget(self._progress)
        self.window.statusBar().clearMessage()
        # Lay out and paint the panes before saying they are ready.
        QApplication.processEvents()
        trace("ready")
        self.ready.emit()

    def _give_up(self, error: BaseException) -> None:
        self.error = error
        self.failed.emit(3)


def run_gui(
    *,
    workspace: str | None = None,
    view: str | None = None,
    card: str | None = None,
    screenshot: Path | None = None,
) -> int:
    """Open the main window; with ``screenshot`` render it to a PNG once loaded and return."""
    if screenshot is not None:
        # A screenshot never needs a screen; this also makes it work on a headless machine.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Start-up makes some 120,000 objects that live as long as the window: the cyclic garbage
    # collector's full passes over them while they are made cost about a tenth of a second and
    # find almost nothing. It stays off until the window is ready (see _collect_from_now_on).
    gc.disable()
    try:
        return _run_window(workspace=workspace, view=view, card=card, screenshot=screenshot)
    finally:
        gc.enable()


def _collect_from_now_on() -> None:
    """Turn the collector back on, leaving out of its passes what start-up made.

    Those objects (the modules, the models, the panes) stay for the whole session, so every
    full pass would walk them again for nothing; frozen, they are never walked. The garbage
    start-up leaves (some 1,300 objects, measured) is frozen with them and never freed.
    """
    gc.freeze()
    gc.enable()


def _run_window(
    *, workspace: str | None, view: str | None, card: str | None, screenshot: Path | None
) -> int:
    from workbench.views.common.settings import AppSettings
    from workbench.views.main_window import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    apply_look(app)
    if screenshot is None:
        report_unexpected(app)
    elif app.platformName() == "offscreen":
        quiet_offscreen_warning()
    settings = AppSettings()
    asked = _ask_consultant_at_first_start(settings, screenshot=screenshot is not None)

    window = MainWindow(settings=settings)
    if view:
        window.show_pane(view)
    start = Startup(
        window,
        location=workspace or settings.last_workspace or str(default_workspace_path()),
        chosen=workspace is not None,
        interactive=screenshot is None,
        card=card,
        view=view,
    )
    start.ready.connect(_collect_from_now_on)  # first: the checks below may open dialogs
    start.failed.connect(app.exit)
    if screenshot is not None:
        start.ready.connect(lambda: app.exit(_save_screenshot(window, screenshot)))
    else:
        start.ready.connect(lambda: window.start_up_checks(asked=asked))
    start.begin()
    window.show()
    code = app.exec()
    if start.error is not None:
        raise start.error  # the command line words it in one line, as for any command
    return code


def _save_screenshot(window: MainWindow, path: Path) -> int:
    if not window.grab().save(str(path)):
        print(f"workbench: cannot write the screenshot {path}", file=sys.stderr)
        return 2
    return 0


def _ask_consultant_at_first_start(settings: AppSettings, *, screenshot: bool) -> bool:
    """Ask the consultant's name before anything is recorded; True when it was asked.

    A screenshot never waits for a person: it runs under the name it finds, and says so when
    that is the login name.
    """
    from workbench.services.common.identity import account_notice

    if settings.consultant is not None:
        return False
    if screenshot:
        if settings.acting.is_account_fallback:
            print(f"workbench: {account_notice(settings.acting)}", file=sys.stderr)
        return False
    from workbench.views.common.consultant_dialog import ConsultantDialog

    ConsultantDialog(settings).exec()
    return True
