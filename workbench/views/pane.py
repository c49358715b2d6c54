"""What every main-window pane offers the window that hosts it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from workbench.services.changes import ChangeSet
from workbench.services.store import Workspace


class Pane(QWidget):
    """A main-window pane. The window hands it the workspace and each write's change set."""

    title = ""

    def set_workspace(self, workspace: Workspace) -> None:
        """Show the given workspace (called on start and when another workspace is opened)."""

    def apply_changes(self, changes: ChangeSet) -> None:
        """Refresh what the change set touched; panes ignore flags that do not concern them."""

    def can_leave(self) -> bool:
        """False when the pane holds unsaved work the user chose not to abandon."""
        return True
