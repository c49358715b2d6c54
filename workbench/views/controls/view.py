"""The Controls pane: every control of the workspace, filtered; the selected one in detail with
its guidance, evidence and documents; and the Statement of Applicability generated from them.

Files dropped on a control's row or on its detail become evidence of it. Storing and exporting
files run on a worker thread with a progress bar, so a 200 MB file never freezes the window.

Signals:
    artifact_open_requested(int): open a document (a linked document, the SoA).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workbench.models import ControlStatus, EvidenceTarget
from workbench.services.common.errors import ServiceError
from workbench.services.controls import evidence, records, soa
from workbench.services.controls.evidence import EvidenceDraft
from workbench.services.controls.records import ControlFilter, ControlRecord
from workbench.services.controls.themes import ANNEX_A_THEMES, PRIVACY_THEMES, STATUS_LABELS
from workbench.services.register import listing, versioning
from workbench.services.register.listing import RegisterFilter
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.views.common.pane import Pane
from workbench.views.common.record_table import configure_record_table
from workbench.views.controls.detail import ControlDetail, dropped_files
from workbench.views.controls.evidence_dialog import EvidenceDialog, EvidenceRequest
from workbench.views.controls.jobs import FileJob, Work
from workbench.views.controls.model import RECORD_ROLE, ControlTableModel
from workbench.views.controls.soa_dialog import SoaUpdateDialog

ANY = ""
FILTER_DEBOUNCE_MS = 200
EVIDENCE_STATES = (("Any evidence", ""), ("No evidence", "none"), ("Evidence expired", "expired"),
                   ("Evidence expiring", "expiring"))  # fmt: skip
SOA_FILTERS = "Excel (*.xlsx);;Word (*.docx);;PDF (*.pdf)"


class ControlTable(QTableView):
    """The control table; files dropped on a row are handed on with that row.

    Signals:
        files_dropped(int, list): the row and the local files dropped on it.
    """

    files_dropped = Signal(int, list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if dropped_files(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 (Qt override)
        if dropped_files(event) and self.indexAt(event.position().toPoint()).isValid():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        index = self.indexAt(event.position().toPoint())
        files = dropped_files(event)
        if index.isValid() and files:
            event.acceptProposedAction()
            self.files_dropped.emit(index.row(), files)


class ControlsView(Pane):
    title = "Controls"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("controlsView")
        self.model = ControlTableModel(self)
        self.job: FileJob | None = None
        self._selected_id: int | None = None

        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("controlsToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.update_soa_action = self._action("&Update SoA", self.update_soa, "updateSoa")
        self.export_soa_action = self._action("E&xport SoA…", self.export_soa, "exportSoa")
        self.toolbar.addSeparator()
        self.add_evidence_action = self._action("Add &Evidence…", self.add_evidence, "addEvidence")
        self.toolbar.addSeparator()
        self.add_control_action = self._action(
            "Add &Control…", self.add_custom_control, "addControl"
        )
        self.privacy_action = self._action("Add &Privacy Controls", self.add_privacy, "addPrivacy")

        self.text_filter = QLineEdit(self)
        self.text_filter.setObjectName("controlFilterText")
        self.text_filter.setPlaceholderText("Filter by id, title or owner…")
        self.text_filter.setClearButtonEnabled(True)
        self.theme_filter = self._combo("controlThemeFilter", [("All themes", ANY)])
        for theme in (*ANNEX_A_THEMES, *PRIVACY_THEMES):
            self.theme_filter.addItem(f"{theme.clause} {theme.label}".strip(), theme.key)
        self.theme_filter.addItem("Additional controls", "custom")
        self.status_filter = self._combo(
            "controlStatusFilter",
            [
                ("Any status", ANY),
                *((label, status.value) for status, label in STATUS_LABELS.items()),
            ],
        )
        self.applicable_filter = self._combo(
            "controlApplicableFilter",
            [("Applicable or not", ANY), ("Applicable", "yes"), ("Excluded", "no")],
        )
        self.owner_filter = self._combo("controlOwnerFilter", [("Any owner", ANY)])
        self.evidence_filter = self._combo("controlEvidenceFilter", list(EVIDENCE_STATES))
        self.late_check = QCheckBox("Past target date", self)
        self.late_check.setObjectName("controlPastTarget")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("controlCount")

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self.text_filter.textChanged.connect(self._debounce.start)
        for combo in (self.theme_filter, self.status_filter, self.applicable_filter,
                      self.owner_filter, self.evidence_filter):  # fmt: skip
            combo.currentIndexChanged.connect(self.refresh)
        self.late_check.toggled.connect(self.refresh)

        self.table = ControlTable(self)
        self.table.setObjectName("controlTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        configure_record_table(self.table, (64, 300, 86, 150, 120, 86, 90, 80))
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.files_dropped.connect(self._on_files_dropped_on_row)
        self.model.modelReset.connect(self._reselect)

        self.detail = ControlDetail(self)
        self.detail.save_requested.connect(self.save_record)
        self.detail.files_dropped.connect(lambda files: self._add_files(self.detail.record, files))
        self.detail.evidence_requested.connect(self._on_evidence_requested)
        self.detail.document_requested.connect(self._on_document_requested)
        self.detail.risk_requested.connect(
            lambda code: self.navigation_requested.emit("risks", code)
        )

        self.progress = QProgressBar(self)
        self.progress.setObjectName("evidenceProgress")
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("evidenceProgressLabel")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("evidenceCancel")
        self.cancel_button.clicked.connect(self.cancel_job)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("controlsStatus")
        self.status_label.setWordWrap(True)
        self._show_progress(False)

        filters = QHBoxLayout()
        filters.addWidget(self.text_filter, 2)
        for widget in (self.theme_filter, self.status_filter, self.applicable_filter):
            filters.addWidget(widget, 1)
        filters2 = QHBoxLayout()
        filters2.addWidget(self.owner_filter, 1)
        filters2.addWidget(self.evidence_filter, 1)
        filters2.addWidget(self.late_check)
        filters2.addStretch(1)
        filters2.addWidget(self.count_label)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("controlsSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        status = QHBoxLayout()
        status.addWidget(self.status_label, 1)
        status.addWidget(self.progress_label)
        status.addWidget(self.progress)
        status.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addLayout(filters2)
        layout.addWidget(splitter, 1)
        layout.addLayout(status)

    def _action(self, text: str, slot: Callable[[], object], name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.triggered.connect(lambda *_: slot())
        self.toolbar.addAction(action)
        return action

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        # Long theme names must not make the pane wider than a small screen.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        for label, value in items:
            combo.addItem(label, value)
        return combo

    def today(self) -> date:
        return date.today()

    # --- workspace and changes --------------------------------------------------------------

    def set_workspace(self, workspace: Workspace) -> None:
        super().set_workspace(workspace)
        self._selected_id = None
        self.refresh()

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.controls or changes.evidence or changes.artifacts:
            self.refresh()

    def _emit(self, changes: ChangeSet) -> None:
        self.changes_made.emit(changes)
        if changes.notices:
            self.status_label.setText(" ".join(changes.notices))

    # --- filtering --------------------------------------------------------------------------

    def current_filter(self) -> ControlFilter:
        applicable = self.applicable_filter.currentData()
        status = self.status_filter.currentData()
        state = self.evidence_filter.currentData()
        return ControlFilter(
            text=self.text_filter.text(),
            theme=self.theme_filter.currentData() or "",
            status=ControlStatus(status) if status else None,
            applicable=None if not applicable else applicable == "yes",
            owner=self.owner_filter.currentData() or "",
            no_evidence=state == "none",
            evidence_expired=state == "expired",
            evidence_expiring=state == "expiring",
            past_target=self.late_check.isChecked(),
        )

    def refresh(self) -> None:
        self._debounce.stop()
        if self.workspace is None:
            return
        self._fill_owners()
        today = self.today()
        found = records.list_controls(self.workspace, self.current_filter(), today=today)
        self.model.set_records(found, today)
        self.count_label.setText(f"{len(found)} control(s)")

    def _fill_owners(self) -> None:
        assert self.workspace is not None
        current = self.owner_filter.currentData() or ANY
        self.owner_filter.blockSignals(True)
        self.owner_filter.clear()
        self.owner_filter.addItem("Any owner", ANY)
        for owner in records.owners(self.workspace):
            self.owner_filter.addItem(owner, owner)
        self.owner_filter.setCurrentIndex(max(0, self.owner_filter.findData(current)))
        self.owner_filter.blockSignals(False)

    def reset_filters(self) -> None:
        widgets = (self.text_filter, self.theme_filter, self.status_filter, self.applicable_filter,
                   self.owner_filter, self.evidence_filter, self.late_check)  # fmt: skip
        for widget in widgets:
            widget.blockSignals(True)
        self.text_filter.clear()
        for combo in (self.theme_filter, self.status_filter, self.applicable_filter,
                      self.owner_filter, self.evidence_filter):  # fmt: skip
            combo.setCurrentIndex(0)
        self.late_check.setChecked(False)
        for widget in widgets:
            widget.blockSignals(False)

    def show_target(self, target: str) -> None:
        """A filter (``evidence_expired``, ``evidence_expiring``, ``no_evidence``, ``overdue``),
        a control (``A.8.13``, ``ISO27001:2022/A.8.13``, ``control:<record id>``) or
        ``evidence:<id>`` (its control)."""
        self.reset_filters()
        states = {
            "evidence_expired": "expired",
            "evidence_expiring": "expiring",
            "no_evidence": "none",
        }
        if target in states:
            self.evidence_filter.setCurrentIndex(self.evidence_filter.findData(states[target]))
        elif target == "overdue":
            self.late_check.setChecked(True)
        self.refresh()
        kind, _, value = target.partition(":")
        if kind == "control" and value.isdigit():
            self.select_control(int(value))
        elif kind == "evidence" and value.isdigit() and self.workspace is not None:
            record = evidence.get_evidence(self.workspace, int(value))
            controls = [a.target_id for a in record.attachments if a.target.value == "control"]
            if controls:
                self.select_control(controls[0])
                self.detail.tabs.setCurrentIndex(1)
        elif target and target not in states and target != "overdue":
            found = next((r for r in self.model.records if target in (r.local_id, r.ref)), None)
            if found is not None:
                self.select_control(found.id)

    # --- selection --------------------------------------------------------------------------

    def selected_record(self) -> ControlRecord | None:
        index = self.table.currentIndex()
        record = self.model.data(index, RECORD_ROLE) if index.isValid() else None
        return record if isinstance(record, ControlRecord) else None

    def select_control(self, control_id: int) -> bool:
        row = self.model.row_of(control_id)
        if row is None:
            return False
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record = self.model.record(current.row()) if current.isValid() else None
        self._selected_id = record.id if record else None
        self.detail.show_record(record, self.model.today)

    def _reselect(self) -> None:
        """After a refresh, the same control again, else the first one shown."""
        chosen = self._selected_id
        if chosen is None or self.model.row_of(chosen) is None:
            first = self.model.record(0)
            chosen = first.id if first else None
        if chosen is not None and self.select_control(chosen):
            self.detail.show_record(self.selected_record(), self.model.today)
            return
        self.detail.show_record(None, self.model.today)

    # --- editing ----------------------------------------------------------------------------

    def save_record(self, changes: dict[str, object]) -> None:
        record = self.detail.record
        if self.workspace is None or record is None:
            return
        try:
            result = records.update_control(
                self.workspace, record.local_id, actor=self.user_name, **changes
            )
        except ServiceError as error:
            self.report_error("Save Control", error)
            return
        self._emit(result)
        self.status_label.setText(f"Saved {record.local_id}.")

    def add_custom_control(self) -> None:
        if self.workspace is None:
            return
        local_id, ok = QInputDialog.getText(
            self, "Add Control", "Id of the custom control (e.g. ACME-01):"
        )
        if not ok or not local_id.strip():
            return
        title, ok = QInputDialog.getText(self, "Add Control", f"Title of {local_id.strip()}:")
        if not ok:
            return
        try:
            changes, control_id = records.add_custom_control(
                self.workspace, actor=self.user_name, local_id=local_id, title=title
            )
        except ServiceError as error:
            self.report_error("Add Control", error)
            return
        self._selected_id = control_id
        self._emit(changes)

    def add_privacy(self) -> None:
        if self.workspace is None:
            return
        answer = QMessageBox.question(
            self, "Add Privacy Controls",
            "Add the ISO/IEC 27701:2019 controls for PII controllers (Annex A) and processors "
            "(Annex B)? They appear in the SoA after the Annex A controls.",
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._emit(records.add_privacy_controls(self.workspace, actor=self.user_name))
        except ServiceError as error:
            self.report_error("Add Privacy Controls", error)

    # --- evidence ---------------------------------------------------------------------------

    def _on_files_dropped_on_row(self, row: int, files: list[Path]) -> None:
        record = self.model.record(row)
        if record is not None:
            self.select_control(record.id)
            self._add_files(record, files)

    def _add_files(self, record: ControlRecord | None, files: list[Path]) -> None:
        """One file dropped: ask for its details. Several: store each with its name as title."""
        if record is None or self.workspace is None or not files:
            return
        if len(files) == 1:
            self.add_evidence(files[0], record)
            return
        attach = ((EvidenceTarget.CONTROL, record.id),)
        self.store([EvidenceRequest(path, EvidenceDraft(), attach=attach) for path in files])

    def add_evidence(
        self, path: Path | None = None, record: ControlRecord | None = None
    ) -> EvidenceDialog | None:
        if self.workspace is None:
            return None
        chosen = record or self.selected_record()
        dialog = EvidenceDialog(
            self.workspace, path=path, targets=chosen.local_id if chosen else "",
            today=self.today(), parent=self,
        )  # fmt: skip
        dialog.accepted.connect(lambda: self.store([dialog.request] if dialog.request else []))
        dialog.open()
        return dialog

    def revise_evidence(self, evidence_id: int) -> EvidenceDialog | None:
        if self.workspace is None:
            return None
        try:
            record = evidence.get_evidence(self.workspace, evidence_id)
        except ServiceError as error:
            self.report_error("New Revision", error)
            return None
        dialog = EvidenceDialog(self.workspace, revision_of=record, today=self.today(), parent=self)
        dialog.accepted.connect(lambda: self.store([dialog.request] if dialog.request else []))
        dialog.open()
        return dialog

    def store(self, requests: list[EvidenceRequest]) -> FileJob | None:
        """Store the files on a worker thread; the pane refreshes when they are in."""
        workspace = self.workspace
        if workspace is None or not requests:
            return None
        actor = self.user_name

        def work(progress: Callable[[int, int], bool]) -> ChangeSet:
            changes = ChangeSet()
            for request in requests:
                if request.revision_of is not None:
                    changes = changes | evidence.add_revision(
                        workspace, request.revision_of, request.path, draft=request.draft,
                        actor=actor, progress=progress,
                    )  # fmt: skip
                else:
                    added, _ = evidence.add_evidence(
                        workspace, request.path, attach=request.attach, draft=request.draft,
                        actor=actor, progress=progress,
                    )  # fmt: skip
                    changes = changes | added
            return changes

        names = ", ".join(request.path.name for request in requests)
        return self.run_job(f"Storing {names}", work, self._on_stored)

    def _on_stored(self, changes: object) -> None:
        assert isinstance(changes, ChangeSet)
        self._emit(changes)
        if not changes.notices:
            self.status_label.setText("Evidence stored.")

    def _on_evidence_requested(self, action: str, evidence_id: int) -> None:
        if action == "add":
            self.add_evidence()
        elif action == "revise":
            self.revise_evidence(evidence_id)
        elif action == "open":
            self.open_evidence(evidence_id)
        elif action == "export":
            self.export_evidence(evidence_id)
        elif action == "detach":
            self.detach_evidence(evidence_id)

    def open_evidence(self, evidence_id: int) -> FileJob | None:
        """Copy the file out of the vault to a temporary folder and open it in its usual app."""
        workspace = self.workspace
        if workspace is None:
            return None
        folder = Path(tempfile.gettempdir()) / "grc-workbench-evidence" / f"E-{evidence_id}"

        def work(progress: Callable[[int, int], bool]) -> Path:
            folder.mkdir(parents=True, exist_ok=True)
            return evidence.export_evidence(workspace, evidence_id, folder, progress=progress)

        return self.run_job(f"Opening E-{evidence_id}", work, self._open_file)

    def _open_file(self, path: object) -> None:
        assert isinstance(path, Path)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.report_error("Open Evidence", f"no application opens {path.name}; it is at {path}")
            return
        self.status_label.setText(f"Opened {path.name}.")

    def ask_export_path(self, suggestion: str) -> str:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export Evidence", str(Path.home() / suggestion)
        )
        return chosen

    def export_evidence(self, evidence_id: int) -> FileJob | None:
        workspace = self.workspace
        if workspace is None:
            return None
        record = evidence.get_evidence(workspace, evidence_id)
        chosen = self.ask_export_path(record.current.file_name)
        if not chosen:
            return None
        target = Path(chosen)

        def work(progress: Callable[[int, int], bool]) -> Path:
            return evidence.export_evidence(workspace, evidence_id, target, progress=progress)

        return self.run_job(f"Exporting E-{evidence_id}", work, self._on_exported)

    def _on_exported(self, path: object) -> None:
        self.status_label.setText(f"Exported to {path}.")

    def detach_evidence(self, evidence_id: int) -> None:
        record = self.detail.record
        if self.workspace is None or record is None:
            return
        try:
            changes = evidence.set_attachment(
                self.workspace, evidence_id, record.local_id, actor=self.user_name, attached=False
            )
        except ServiceError as error:
            self.report_error("Detach Evidence", error)
            return
        self._emit(changes)

    # --- the worker -------------------------------------------------------------------------

    def run_job(
        self, label: str, work: Work, on_success: Callable[[object], None]
    ) -> FileJob | None:
        if self.job is not None:
            self.report_error(label, "another file is still being stored or exported; wait for it")
            return None
        job = FileJob(work, self)
        self.job = job
        job.progressed.connect(self._on_progress)
        job.succeeded.connect(on_success)
        job.failed.connect(lambda message: self._on_job_failed(label, message))
        job.done.connect(self._on_job_done)
        self.progress_label.setText(label)
        self.progress.setRange(0, 0)
        self._show_progress(True)
        job.start()
        return job

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * done / total) if total else 0)

    def _on_job_failed(self, label: str, message: str) -> None:
        if message.startswith("cancelled"):
            self.status_label.setText("Cancelled; nothing was stored.")
            return
        self.report_error(label, message)

    def _on_job_done(self) -> None:
        job, self.job = self.job, None
        self._show_progress(False)
        if job is not None:
            job.worker_thread.wait()
            job.deleteLater()

    def cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _show_progress(self, visible: bool) -> None:
        for widget in (self.progress, self.progress_label, self.cancel_button):
            widget.setVisible(visible)

    def can_leave(self) -> bool:
        if self.job is None:
            return True
        answer = QMessageBox.question(
            self, "File Still Being Stored",
            "A file is still being stored or exported. Cancel it and leave?",
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.job.cancel()
        self.job.worker_thread.wait()
        return True

    # --- documents --------------------------------------------------------------------------

    def _on_document_requested(self, action: str, artifact_id: int) -> None:
        record = self.detail.record
        if self.workspace is None or record is None:
            return
        if action == "open":
            self.artifact_open_requested.emit(artifact_id)
            return
        try:
            if action == "link":
                chosen = self.ask_document()
                if chosen is None:
                    return
                changes = records.set_document(
                    self.workspace, record.local_id, chosen, actor=self.user_name
                )
            else:
                changes = records.set_document(
                    self.workspace, record.local_id, artifact_id, actor=self.user_name, linked=False
                )
        except ServiceError as error:
            self.report_error("Documents", error)
            return
        self._emit(changes)

    def ask_document(self) -> int | None:
        assert self.workspace is not None
        rows = listing.export_rows(self.workspace, RegisterFilter(include_retired=False))
        labels = [f"{row.id}  {row.title}" for row in rows]
        if not labels:
            self.report_error("Link Document", "the register holds no document yet")
            return None
        chosen, ok = QInputDialog.getItem(self, "Link Document", "Document:", labels, 0, False)
        return rows[labels.index(chosen)].id if ok and chosen in labels else None

    # --- the SoA ----------------------------------------------------------------------------

    def update_soa(self) -> SoaUpdateDialog | None:
        if self.workspace is None:
            return None
        try:
            changes, update = soa.update_soa(self.workspace, actor=self.user_name)
        except versioning.UnchangedContent as error:
            self.status_label.setText(str(error)[:1].upper() + str(error)[1:] + ".")
            return None
        except ServiceError as error:
            self.report_error("Update SoA", error)
            return None
        self.changes_made.emit(changes)
        dialog = SoaUpdateDialog(update, changes.notices, self)
        dialog.compare_requested.connect(
            lambda: self.compare_soa(update.artifact_id, update.version)
        )
        dialog.open_requested.connect(lambda: self.artifact_open_requested.emit(update.artifact_id))
        dialog.open()
        return dialog

    def compare_soa(self, artifact_id: int, version: int) -> QWidget | None:
        from workbench.views.documents.diff_dialog import DiffDialog

        if self.workspace is None or version < 2:
            return None
        old = versioning.get_version(self.workspace, artifact_id, version - 1)
        new = versioning.get_version(self.workspace, artifact_id, version)
        dialog = DiffDialog(
            old.content, new.content, old_label=f"version {version - 1}",
            new_label=f"version {version}", parent=self,
        )  # fmt: skip
        dialog.open()
        return dialog

    def ask_soa_path(self) -> tuple[str, str]:
        return QFileDialog.getSaveFileName(
            self, "Export Statement of Applicability",
            str(Path.home() / "statement-of-applicability.xlsx"), SOA_FILTERS,
        )  # fmt: skip

    def export_soa(self) -> None:
        from workbench.services.exports import soa_export

        if self.workspace is None:
            return
        chosen, chosen_filter = self.ask_soa_path()
        if not chosen:
            return
        target = Path(chosen)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in soa_export.SOA_FORMATS:
            fmt = {"Word": "docx", "PDF": "pdf"}.get(chosen_filter.split(" ")[0], "xlsx")
            target = target.with_name(f"{target.name}.{fmt}")
        try:
            document = soa_export.export_soa(self.workspace, fmt=fmt, target=target)
        except ServiceError as error:
            self.report_error("Export SoA", error)
            return
        self.status_label.setText(
            f"Exported version {document.version} ({document.status}) to {target}."
        )
