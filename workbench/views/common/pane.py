"""What every main-window pane offers the window that hosts it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.services.common.identity import current_user
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace


class Pane(QWidget):
    """A main-window pane. The window hands it the workspace and each write's change set.

    Signals:
        changes_made(ChangeSet): this pane wrote to the workspace; the window passes the
            change set to every pane's ``apply_changes``.
        artifact_open_requested(int): open this artifact in the Documents pane.
        navigation_requested(str, str): show another pane (by its registry name) at a target
            it understands (see :meth:`show_target`).
    """

    title = ""
    changes_made = Signal(object)
    artifact_open_requested = Signal(int)
    navigation_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user_name = current_user()
        self.workspace: Workspace | None = None

    def set_workspace(self, workspace: Workspace) -> None:
        """Show the given workspace (called on start and when another workspace is opened)."""
        self.workspace = workspace

    def apply_changes(self, changes: ChangeSet) -> None:
        """Refresh what the change set touched; panes ignore flags that do not concern them."""

    def show_target(self, target: str) -> None:
        """Show what another pane asked for: a filter name or a record (each pane says which)."""

    def can_leave(self) -> bool:
        """False when the pane holds unsaved work the user chose not to abandon."""
        return True

    def report_error(self, title: str, error: Exception | str) -> None:
        QMessageBox.warning(self, title, _sentence(str(error)))


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
