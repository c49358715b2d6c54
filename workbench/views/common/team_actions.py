"""The File menu's team actions: open a workspace on a server, check it out to a file, check
the file back in, break a lease; and the status bar's word on who holds a checked-out workspace.

The window adds :attr:`TeamActions.actions` to its File menu and opens every location through
:func:`open_location`, which asks for a server's password in a dialog when it needs one (the
password is never kept: only the URL without it goes into Recent).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QLineEdit, QMessageBox, QWidget

from workbench.services.common.errors import ServiceError
from workbench.services.common.paths import WORKSPACE_SUFFIX
from workbench.services.store.changes import ChangeSet

if TYPE_CHECKING:
    # The store is imported where a workspace is opened: the window is on screen before it loads.
    from workbench.services.store.workspace import Workspace
    from workbench.services.team.lease import LeaseInfo

# A server workspace can be checked out by someone else while it is open here: look again now
# and then, so the title does not claim it is writable.
LEASE_POLL_MS = 30_000
URL_HINT = "postgresql://user@host/database"


class TeamWindow(Protocol):
    """What the actions need of the main window."""

    workspace: Workspace

    def switch_workspace(self, location: str | Path, *, create: bool = False) -> bool: ...

    def apply_changes(self, changes: ChangeSet) -> None: ...

    def user(self) -> str: ...

    def show_message(self, text: str) -> None: ...


def ask_password(parent: QWidget | None, url: str) -> str | None:
    password, accepted = QInputDialog.getText(
        parent,
        "Password",
        f"Password for {url}:",
        QLineEdit.EchoMode.Password,
    )
    return password if accepted else None


def open_location(
    parent: QWidget | None,
    location: str | Path,
    *,
    create: bool = True,
    initialise: bool = True,
    creator: str | None = None,
) -> Workspace | None:
    """Open a workspace, asking for the server's password if it wants one; None when the
    user cancels the password dialog. Raises ServiceError as open_workspace does."""
    from workbench.services.store.workspace import PasswordRequiredError, open_workspace

    try:
        return open_workspace(location, create=create, initialise=initialise, creator=creator)
    except PasswordRequiredError as error:
        password = ask_password(parent, error.url)
        if password is None:
            return None
        return open_workspace(
            location, create=create, initialise=initialise, password=password, creator=creator
        )


class TeamActions(QObject):
    def __init__(self, window: TeamWindow, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = window
        self.parent_widget = parent
        self.open_action = self._action("Open &Team Workspace…", self.open_team_workspace)
        self.check_out_action = self._action("Check &Out…", self.check_out)
        self.check_in_action = self._action("Check &In…", self.check_in)
        self.break_action = self._action("&Break Lease…", self.break_lease)
        self.actions = [
            self.open_action,
            self.check_out_action,
            self.check_in_action,
            self.break_action,
        ]
        self.lease_label = QLabel(parent)
        self.lease_label.setObjectName("leaseLabel")
        self.lease_label.setStyleSheet("font-weight: 600")
        self.lease: LeaseInfo | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(LEASE_POLL_MS)
        self._poll.timeout.connect(self.refresh)

    def _action(self, text: str, slot: object) -> QAction:
        action = QAction(text, self.parent_widget)
        action.triggered.connect(slot)
        return action

    # --- what the window shows --------------------------------------------------------------

    def refresh(self) -> None:
        """Read the workspace's lease and show it in the status bar, the title and the menu."""
        from workbench.services.team import lease

        workspace = self.window.workspace
        try:
            self.lease = lease.current_lease(workspace)
        except ServiceError:
            self.lease = None
        text = self.lease.describe() if self.lease else ""
        self.lease_label.setText(text)
        self.lease_label.setToolTip(
            f"{self.lease.describe()}; file {self.lease.file_path}; server {self.lease.server}"
            if self.lease
            else ""
        )
        self.lease_label.setVisible(bool(text))
        title = f"{workspace.display_name} — GRC Workbench"
        if self.lease is not None and self.lease.is_checked_out:
            title = f"{workspace.display_name} (checked out by {self.lease.holder}) — GRC Workbench"
        self.parent_widget.setWindowTitle(title)
        on_server = workspace.path is None
        leased = self.lease is not None and self.lease.is_checked_out
        self.check_out_action.setEnabled(on_server and not leased)
        self.break_action.setEnabled(on_server and leased)
        self.check_in_action.setEnabled(self.lease is not None and not self.lease.is_checked_out)
        if on_server:
            self._poll.start()
        else:
            self._poll.stop()

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.lease:
            self.refresh()

    # --- the four actions -------------------------------------------------------------------

    def ask_url(self) -> str:
        url, accepted = QInputDialog.getText(
            self.parent_widget,
            "Open Team Workspace",
            f"Database URL ({URL_HINT}); the password comes from ~/.pgpass, PGPASSWORD or "
            "a prompt:",
            QLineEdit.EchoMode.Normal,
            "postgresql://",
        )
        return url.strip() if accepted else ""

    def open_team_workspace(self) -> None:
        url = self.ask_url()
        if not url:
            return
        if "://" not in url:
            QMessageBox.warning(
                self.parent_widget, "Open Team Workspace", f"Give a URL such as {URL_HINT}."
            )
            return
        self.window.switch_workspace(url)

    def ask_checkout_path(self, suggestion: Path) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self.parent_widget,
            "Check Out to File",
            str(suggestion),
            f"GRC Workbench workspaces (*{WORKSPACE_SUFFIX})",
        )
        return path

    def check_out(self) -> bool:
        from workbench.services.store.workspace import open_workspace
        from workbench.services.team import lease

        server = self.window.workspace
        name = server.engine.url.database or "team"
        chosen = self.ask_checkout_path(Path.home() / f"{name}{WORKSPACE_SUFFIX}")
        if not chosen:
            return False
        path = Path(chosen)
        if path.suffix != WORKSPACE_SUFFIX:
            path = path.with_name(path.name + WORKSPACE_SUFFIX)
        try:
            file = open_workspace(path, initialise=False)
            try:
                result = lease.checkout(server, file, actor=self.window.user())
            finally:
                file.close()
        except ServiceError as error:
            QMessageBox.critical(self.parent_widget, "Check Out", str(error))
            self.refresh()
            return False
        self.window.apply_changes(result.changes)
        if self.window.switch_workspace(path):
            self.window.show_message(
                f"Checked out to {path.name}: the server is read-only until you check it in."
            )
        return True

    def check_in(self) -> bool:
        from workbench.services.team import checkin

        file = self.window.workspace
        if self.lease is None or self.lease.is_checked_out:
            return False
        server_url = self.lease.server
        try:
            server = open_location(self.parent_widget, server_url, create=False)
            if server is None:
                return False
            try:
                result = checkin.checkin(file, server, actor=self.window.user())
            finally:
                server.close()
        except ServiceError as error:
            QMessageBox.critical(self.parent_widget, "Check In", str(error))
            return False
        self.refresh()
        verdict = "verified" if result.report.ok else f"{len(result.report.problems)} problem(s)"
        if self.window.switch_workspace(server_url):
            self.window.show_message(
                f"Checked in {file.display_name}: {result.new_entries} new audit log entries; "
                f"the server {verdict}."
            )
        return True

    def ask_reason(self, info: LeaseInfo) -> str:
        reason, accepted = QInputDialog.getText(
            self.parent_widget,
            "Break Lease",
            f"{info.describe()}.\nBreaking the lease makes the server writable again; the "
            f"file {info.file_path} can then no longer be checked in.\nReason (kept in the "
            "audit log):",
        )
        return reason.strip() if accepted else ""

    def break_lease(self) -> bool:
        from workbench.services.team import lease

        if self.lease is None or not self.lease.is_checked_out:
            return False
        reason = self.ask_reason(self.lease)
        if not reason:
            return False
        try:
            changes = lease.break_lease(
                self.window.workspace, actor=self.window.user(), reason=reason
            )
        except ServiceError as error:
            QMessageBox.critical(self.parent_widget, "Break Lease", str(error))
            return False
        self.window.apply_changes(changes)
        self.window.show_message("Lease broken: the workspace can be written again.")
        return True
