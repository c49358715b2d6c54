"""Starting the GUI: the QApplication, the workspace, the card library and the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench import __version__
from workbench.services.common.errors import ServiceError
from workbench.services.common.paths import default_workspace_path

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from workbench.views.common.settings import AppSettings

APP_NAME = "GRC Workbench"


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

    from PySide6.QtWidgets import QMessageBox

    from workbench.services.common.errors import ServiceError

    log = logging.getLogger("workbench")

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if isinstance(error, ServiceError):
            text = str(error)
        else:
            log.error("unexpected error", exc_info=(kind, error, trace))
            text = f"Unexpected error: {error} (details in the log file)"
        QMessageBox.warning(app.activeWindow(), "GRC Workbench", text)

    sys.excepthook = hook


def run_gui(
    *,
    workspace: str | None = None,
    view: str | None = None,
    card: str | None = None,
    screenshot: Path | None = None,
) -> int:
    """Open the main window; with ``screenshot`` render it to a PNG and return at once."""
    if screenshot is not None:
        # A screenshot never needs a screen; this also makes it work on a headless machine.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication, QMessageBox

    from workbench.services.cards.library import load_library
    from workbench.services.store.workspace import PasswordRequiredError, open_workspace
    from workbench.views.common.settings import AppSettings
    from workbench.views.common.team_actions import open_location
    from workbench.views.main_window import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    apply_look(app)
    if screenshot is None:
        report_unexpected(app)
    settings = AppSettings()
    asked = _ask_consultant_at_first_start(settings, screenshot=screenshot is not None)

    location = workspace or settings.last_workspace or str(default_workspace_path())
    creator = settings.user_name
    try:
        # A team workspace may ask for its password (in a dialog; not for a screenshot).
        found = (
            open_workspace(location, creator=creator)
            if screenshot
            else open_location(None, location, creator=creator)
        )
        if found is None:
            raise PasswordRequiredError(location)
        opened = found
    except ServiceError as error:
        if workspace is not None or screenshot is not None:
            print(f"workbench: {error}", file=sys.stderr)
            if screenshot is None:
                QMessageBox.critical(None, "Cannot open workspace", str(error))
            return 2
        # The last workspace went missing or broke: fall back to the default, and say so.
        QMessageBox.warning(
            None, "Cannot open workspace", f"{error} Opening the default workspace."
        )
        opened = open_workspace(default_workspace_path(), creator=creator)

    window = MainWindow(
        settings=settings, workspace=opened, library=load_library(settings.card_packs)
    )
    if view:
        window.show_pane(view)
    if card and not window.questions.open_card(card):
        print(f"workbench: no card with id {card}", file=sys.stderr)
        return 2
    if card and not view:
        window.show_pane("questions")
    window.show()
    if screenshot is not None:
        app.processEvents()
        if not window.grab().save(str(screenshot)):
            print(f"workbench: cannot write the screenshot {screenshot}", file=sys.stderr)
            return 2
        return 0
    window.start_up_checks(asked=asked)
    return app.exec()


def _ask_consultant_at_first_start(settings: AppSettings, *, screenshot: bool) -> bool:
    """Ask the consultant's name before anything is recorded; True when it was asked.

    A screenshot never waits for a person: it runs under the name it finds, and says so when
    that is the login name.
    """
    from workbench.services.common.identity import account_notice
    from workbench.views.common.consultant_dialog import ConsultantDialog

    if settings.consultant is not None:
        return False
    if screenshot:
        if settings.acting.is_account_fallback:
            print(f"workbench: {account_notice(settings.acting)}", file=sys.stderr)
        return False
    ConsultantDialog(settings).exec()
    return True
