"""What every main-window pane offers the window that hosts it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.services.common.identity import window_consultant
from workbench.views.common.files import FilePlaces

if TYPE_CHECKING:
    # The window's frame is built before the store loads (see workbench.app).
    from workbench.services.store.changes import ChangeSet
    from workbench.services.store.workspace import Workspace


class Pane(QWidget):
    """A main-window pane. The window hands it the workspace and each write's change set.

    Signals:
        changes_made(ChangeSet): this pane wrote to the workspace; the window passes the
            change set to every pane's ``apply_changes``.
        artifact_open_requested(int): open this artifact in the Documents pane.
        status_posted(str): a short confirmation ("3 events added to the planner") for the
            window's status bar, where it fades after a few seconds.
        navigation_requested(str, str): show another pane (by its registry name) at a target
            it understands (see :meth:`show_target`).
    """

    title = ""
    changes_made = Signal(object)
    artifact_open_requested = Signal(int)
    status_posted = Signal(str)
    navigation_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user_name = window_consultant().name
        self.workspace: Workspace | None = None
        # Where files are saved; the window hands every pane its shared one.
        self.files = FilePlaces()

    def set_workspace(self, workspace: Workspace) -> None:
        """Show the given workspace (called on start and when another workspace is opened)."""
        self.workspace = workspace
        self.files.workspace = workspace

    def apply_changes(self, changes: ChangeSet) -> None:
        """Refresh what the change set touched; panes ignore flags that do not concern them."""

    def save_state(self) -> dict[str, object]:
        """What the pane's layout should look like next time (column order, panel sizes...).

        Values are what the settings file stores: QByteArray, str, int or bool.
        """
        return {}

    def restore_state(self, state: dict[str, object]) -> None:
        """Lay the pane out as :meth:`save_state` described; unknown or stale keys are ignored."""

    def show_target(self, target: str) -> None:
        """Show what another pane asked for: a filter name or a record (each pane says which)."""

    def can_leave(self) -> bool:
        """False when the pane holds unsaved work the user chose not to abandon."""
        return True

    def notify(self, text: str) -> None:
        """Confirm what just happened, briefly, in the status bar (see ``status_posted``)."""
        self.status_posted.emit(_sentence(text))

    def report_error(self, title: str, error: Exception | str) -> None:
        QMessageBox.warning(self, title, _sentence(str(error)))


def counted(number: int, noun: str, plural: str = "") -> str:
    """``1 event``, ``13 events``: a count for a confirmation."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
