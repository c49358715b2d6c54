"""Approval, publishing and export of the current artifact, shared by the Register and Documents.

The window owns one instance; its QActions appear in the Approval and File menus, the
register's context menu and the editor's toolbar, and act on whichever artifact the user is
looking at.

Signals:
    changes_made(ChangeSet): an approval, review, person or publication was written.
    status_posted(str): a confirmation for the window's status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from workbench.models import ArtifactStatus
from workbench.services.approvals import reviews
from workbench.services.common.errors import ServiceError
from workbench.services.register import artifacts, placeholders
from workbench.services.store.workspace import Workspace
from workbench.views.common.files import (
    FileKind,
    FilePlaces,
    announce,
    ask_folder,
    confirm_folder,
    confirm_replace,
)
from workbench.views.common.pane import _sentence

if TYPE_CHECKING:
    from workbench.services.exports.publishing import PublishResult
    from workbench.views.common.export_dialog import ExportDialog
    from workbench.views.documents.approve_dialog import ApproveDialog
    from workbench.views.documents.person_dialog import PersonDialog
    from workbench.views.documents.review_dialog import ReviewDialog

# Which artifact the actions apply to: the window asks the pane the user is looking at.
CurrentArtifact = Callable[[], int | None]


class DocumentActions(QObject):
    changes_made = Signal(object)
    status_posted = Signal(str)

    def __init__(self, window: QWidget, current_artifact: CurrentArtifact) -> None:
        super().__init__(window)
        self.window = window
        self.current_artifact = current_artifact
        self.workspace: Workspace | None = None
        self.user_name = ""
        self.files = FilePlaces()
        self.add_person_action = self._action("Add &Person…", self.add_person)
        self.request_action = self._action("&Request Review…", self.request_review)
        self.approve_action = self._action("&Approve or Reject…", self.approve, "Ctrl+Shift+A")
        self.withdraw_action = self._action("&Withdraw Review…", self.withdraw_review)
        self.publish_action = self._action("P&ublish…", self.publish, "Ctrl+Shift+P")
        self.export_action = self._action("&Export Document…", self.export, "Ctrl+Shift+E")
        for action in (self.add_person_action, *self.artifact_actions):
            action.setEnabled(False)  # until the window has a workspace and an artifact

    def _action(self, text: str, slot: Callable[[], object], shortcut: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    @property
    def artifact_actions(self) -> list[QAction]:
        return [
            self.request_action,
            self.approve_action,
            self.withdraw_action,
            self.publish_action,
            self.export_action,
        ]

    def update_enabled(self) -> None:
        """Enable what the current artifact's status allows."""
        artifact_id = self.current_artifact()
        status: ArtifactStatus | None = None
        approved = False
        if self.workspace is not None and artifact_id is not None:
            try:
                status = artifacts.get_details(self.workspace, artifact_id).status
                approved = reviews.approved_version(self.workspace, artifact_id) is not None
            except ServiceError:
                status = None
        self.add_person_action.setEnabled(self.workspace is not None)
        live = status is not None and status is not ArtifactStatus.RETIRED
        self.request_action.setEnabled(live and status is not ArtifactStatus.IN_REVIEW)
        self.approve_action.setEnabled(status is ArtifactStatus.IN_REVIEW)
        self.withdraw_action.setEnabled(status is ArtifactStatus.IN_REVIEW)
        self.publish_action.setEnabled(live and approved)
        self.export_action.setEnabled(status is not None)

    def _emit(self, changes: object) -> None:
        self.changes_made.emit(changes)
        self.update_enabled()

    def add_person(self) -> PersonDialog | None:
        from workbench.views.documents.person_dialog import (
            PersonDialog,  # dialogs load on first use
        )

        if self.workspace is None:
            return None
        dialog = PersonDialog(self.workspace, actor=self.user_name, parent=self.window)
        dialog.changes_made.connect(self._emit)
        dialog.open()
        return dialog

    def request_review(self) -> ReviewDialog | None:
        from workbench.views.documents.review_dialog import ReviewDialog

        artifact_id = self.current_artifact()
        if self.workspace is None or artifact_id is None:
            return None
        dialog = ReviewDialog(
            self.workspace, artifact_id=artifact_id, actor=self.user_name, parent=self.window
        )
        dialog.changes_made.connect(self._emit)
        dialog.open()
        return dialog

    def approve(self) -> ApproveDialog | None:
        from workbench.views.documents.approve_dialog import ApproveDialog

        artifact_id = self.current_artifact()
        if self.workspace is None or artifact_id is None:
            return None
        dialog = ApproveDialog(self.workspace, artifact_id=artifact_id, parent=self.window)
        dialog.changes_made.connect(self._emit)
        dialog.open()
        return dialog

    def ask_withdraw_reason(self, title: str) -> str | None:
        reason, accepted = QInputDialog.getText(
            self.window,
            "Withdraw Review",
            f"Withdraw the review of “{title}”? It returns to draft; signed decisions stay.\n\n"
            "Reason (recorded in the audit trail):",
        )
        return reason if accepted else None

    def withdraw_review(self) -> bool:
        artifact_id = self.current_artifact()
        if self.workspace is None or artifact_id is None:
            return False
        title = artifacts.get_details(self.workspace, artifact_id).title
        reason = self.ask_withdraw_reason(title)
        if reason is None:
            return False
        try:
            changes = reviews.withdraw_review(
                self.workspace, actor=self.user_name, artifact_id=artifact_id, reason=reason
            )
        except ServiceError as error:
            QMessageBox.warning(self.window, "Withdraw Review", _sentence(str(error)))
            return False
        self._emit(changes)
        self.status_posted.emit(f"Withdrew the review of “{title}”; it is a draft again.")
        return True

    def confirm_placeholders(self, sentence: str) -> bool:
        """Whether the user publishes although placeholders remain (the override is logged)."""
        answer = QMessageBox.question(
            self.window,
            "Publish with Placeholders",
            f"{sentence}\n\nPublish anyway? The signed text goes out with them, and the "
            "override is recorded in the audit log.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_publish_folder(self) -> str:
        return ask_folder(self.window, "Publish to Folder", self.files.folder(FileKind.PUBLISH))

    def publish(self) -> PublishResult | None:
        # Imported here: python-docx and the PDF writer are not needed to start the app.
        from workbench.services.exports import publishing

        artifact_id = self.current_artifact()
        if self.workspace is None or artifact_id is None:
            return None
        try:
            document = publishing.prepare(self.workspace, artifact_id)
        except ServiceError as error:
            QMessageBox.warning(self.window, "Publish", _sentence(str(error)))
            return None
        found = placeholders.count(document.content)
        allow = False
        if found:
            sentence = placeholders.remaining_sentence(document.title, document.version, found)
            if not self.confirm_placeholders(_sentence(sentence)):
                return None
            allow = True
        chosen = self.ask_publish_folder()
        if not chosen:
            return None
        folder = Path(chosen)
        try:
            targets = [folder / f"{document.file_stem}.{suffix}" for suffix in ("docx", "pdf")]
            if not confirm_folder(self.window, folder, title="Publish") or not confirm_replace(
                self.window, targets, title="Publish"
            ):
                return None
            changes, result = publishing.publish(
                self.workspace,
                actor=self.user_name,
                artifact_id=artifact_id,
                out_dir=folder,
                version=document.version,
                allow_placeholders=allow,
            )
        except ServiceError as error:
            QMessageBox.warning(self.window, "Publish", _sentence(str(error)))
            return None
        self._emit(changes)
        self.files.remember(FileKind.PUBLISH, folder)
        names = ", ".join(path.name for path in result.files)
        pdf = next((path for path in result.files if path.suffix == ".pdf"), result.files[0])
        announce(
            self.window, "Publish", f"Published version {result.version}: {names} in {folder}.", pdf
        )
        return result

    def export(self) -> ExportDialog | None:
        from workbench.views.common.export_dialog import open_export_dialog

        artifact_id = self.current_artifact()
        if self.workspace is None or artifact_id is None:
            return None
        return open_export_dialog(
            self.window, self.workspace, artifact_id, self.user_name, self.files
        )
