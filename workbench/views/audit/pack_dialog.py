"""Write Audit Pack: the zip for the auditor, with progress and Cancel.

The pack is built one step at a time (:class:`audit_pack.PackJob`), each step started by a
zero-length QTimer, so the window keeps painting and a click on Cancel lands between two steps.
Everything runs in the GUI thread: no widget is touched from elsewhere, and each step opens its
own short sessions. Cancelling, closing the dialog, or a failing step removes the partial file:
no half-written zip is ever left behind. The pack is named in the folder last used for packs of
this workspace; an existing pack is replaced, and a missing folder made, only after asking.

Signals:
    progress_changed(int, int, str): steps done, steps in all, and what runs next.
    pack_written(PackResult): the pack is in place (check ``result.report.ok``).
    changes_made(ChangeSet): the pack's entry was added to the audit log.
    pack_failed(str): the pack could not be written; the message is for the user.
    pack_cancelled(): the user cancelled; nothing was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.services.common.errors import ServiceError
from workbench.services.exports.document_export import slug
from workbench.services.register import profile
from workbench.services.store.workspace import Workspace
from workbench.views.common.files import (
    FileButtons,
    FileKind,
    FilePlaces,
    ask_save_path,
    confirm_target,
)
from workbench.views.common.focus import focus_first_field
from workbench.views.common.pane import _sentence

if TYPE_CHECKING:
    from workbench.services.exports.audit_pack import PackJob, PackResult

ERROR_STYLE = "color: #b00020;"


class PackDialog(QDialog):
    progress_changed = Signal(int, int, str)
    pack_written = Signal(object)
    changes_made = Signal(object)
    pack_failed = Signal(str)
    pack_cancelled = Signal()

    def __init__(
        self,
        workspace: Workspace,
        *,
        actor: str,
        folder: Path | None = None,
        files: FilePlaces | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("packDialog")
        self.setWindowTitle("Write Audit Pack")
        self.workspace = workspace
        self.actor = actor
        self.pack_result: PackResult | None = None
        self._job: PackJob | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName("packTimer")
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run_step)

        self.files = files or FilePlaces(workspace=workspace)
        name = profile.get_profile(workspace).organisation_name or workspace.display_name
        self.path_edit = QLineEdit(
            str((folder or self.files.folder(FileKind.PACK)) / f"{slug(name)}-audit-pack.zip"),
            self,
        )
        self.path_edit.setObjectName("packPath")
        self.browse_button = QPushButton("&Browse...", self)
        self.browse_button.setObjectName("packBrowse")
        self.browse_button.clicked.connect(self._browse)
        self.drafts_check = QCheckBox("Include &drafts (the latest version of every "
                                      "unpublished document, marked DRAFT)", self)  # fmt: skip
        self.drafts_check.setObjectName("packIncludeDrafts")
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("packProgress")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label = QLabel(
            "The pack holds every published document as PDF and Word, the Statement of "
            "Applicability, the register, the planner, the audit trail and a manifest with the "
            "SHA-256 of every file and the result of Verify.",
            self,
        )
        self.status_label.setObjectName("packStatus")
        self.status_label.setWordWrap(True)
        self.file_buttons = FileButtons(self)
        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton(
            "&Write Pack", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.start_button.setObjectName("packStart")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("packCancel")
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)

        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        form = QFormLayout()
        save_as = QLabel("&Save as", self)
        save_as.setBuddy(self.path_edit)
        form.addRow(save_as, path_row)
        form.addRow("", self.drafts_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.file_buttons)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)

    @property
    def running(self) -> bool:
        return self._job is not None

    def _browse(self) -> None:
        chosen = ask_save_path(
            self, "Write Audit Pack", Path(self.path_edit.text()), "Zip archive (*.zip)"
        )
        if chosen:
            self.path_edit.setText(chosen)

    def _set_editable(self, editable: bool) -> None:
        for widget in (self.path_edit, self.browse_button, self.drafts_check, self.start_button):
            widget.setEnabled(editable)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status_label.setStyleSheet(ERROR_STYLE if error else "")
        self.status_label.setText(text)

    # --- the steps ----------------------------------------------------------------------------

    def start(self) -> None:
        """Plan the pack and run its first step on the next turn of the event loop."""
        from workbench.services.exports.audit_pack import PackJob

        if self.running:
            return
        text = self.path_edit.text().strip()
        if not text:
            self._say("Choose the file to write.", error=True)
            return
        target = Path(text).expanduser()
        if target.suffix.lower() != ".zip":
            target = target.with_name(target.name + ".zip")
            self.path_edit.setText(str(target))
        if not confirm_target(self, target, title="Write Audit Pack"):
            self._say("Nothing was written.")
            return
        self.file_buttons.set_path(None)
        try:
            self._job = PackJob(
                self.workspace, target, actor=self.actor,
                include_drafts=self.drafts_check.isChecked(),
            )  # fmt: skip
        except ServiceError as error:
            self._say(_sentence(str(error)), error=True)
            return
        self.pack_result = None
        self._set_editable(False)
        self.progress_bar.setRange(0, self._job.total)
        self._show_progress()
        self._timer.start()

    def _show_progress(self) -> None:
        assert self._job is not None
        job = self._job
        self.progress_bar.setValue(job.done)
        self._say(f"{job.next_label}…" if not job.finished else "Done.")
        self.progress_changed.emit(job.done, job.total, job.next_label)

    def _run_step(self) -> None:

        job = self._job
        if job is None:  # cancelled while the step was queued
            return
        try:
            job.step()
        except ServiceError as error:
            self._stop()
            self._say(_sentence(str(error)), error=True)
            self.pack_failed.emit(str(error))
            return
        except Exception:
            self._stop()
            self._say("The audit pack could not be written (details in the log).", error=True)
            raise
        self._show_progress()
        if not job.finished:
            self._timer.start()
            return
        result = job.result
        assert result is not None
        self._stop()
        self._finished(result)

    def _finished(self, result: PackResult) -> None:
        self.pack_result = result
        drafts = f" and {result.drafts} draft(s)" if result.drafts else ""
        text = (
            f"Wrote {result.target}: {result.documents} published document(s){drafts}, "
            f"{len(result.files) + 1} files."
        )
        if not result.report.ok:
            text += (
                f" Verify found {len(result.report.problems)} problem(s) at export time; "
                "the pack's index and manifest list them."
            )
        self._say(text, error=not result.report.ok)
        self.files.remember(FileKind.PACK, result.target)
        self.file_buttons.set_path(result.target)
        self.cancel_button.setText("Close")
        self.changes_made.emit(result.changes)
        self.pack_written.emit(result)

    def _stop(self) -> None:
        """Stop stepping and remove whatever an unfinished pack left behind."""
        self._timer.stop()
        if self._job is not None:
            self._job.close()
            self._job = None
        self._set_editable(True)

    # --- cancel and close ---------------------------------------------------------------------

    def cancel(self) -> None:
        """Cancel a running pack (nothing is written), or close the dialog."""
        if not self.running:
            self.reject()
            return
        self._stop()
        self.progress_bar.setValue(0)
        self._say("Cancelled: nothing was written.")
        self.pack_cancelled.emit()

    def reject(self) -> None:
        if self.running:
            self.cancel()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            self.cancel()
        super().closeEvent(event)


def open_pack_dialog(
    parent: QWidget | None, workspace: Workspace, actor: str, files: FilePlaces | None = None
) -> PackDialog:
    """Show the Write Audit Pack dialog (window-modal) and return it."""
    dialog = PackDialog(workspace, actor=actor, files=files, parent=parent)
    dialog.open()
    focus_first_field(dialog)
    return dialog
