"""The Audit Trail pane: every write to the workspace, newest first, filterable and exportable.

The log is append-only and hash-chained; Verify recomputes the chain (and every version hash
and signature) and says whether it is intact.

Signals:
    artifact_open_requested(int): open this artifact (double-click on one of its entries).
    verified(object): Verify finished; carries the VerifyReport.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.services.audit import trail, verify
from workbench.services.audit.trail import AuditFilter
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.views.audit.model import AuditTrailModel
from workbench.views.common.badges import INVALID_COLOUR, VALID_COLOUR
from workbench.views.common.date_edit import DateEdit, DateEntryError
from workbench.views.common.empty_state import show_when_empty
from workbench.views.common.files import FileKind, announce, ask_save_path, confirm_target
from workbench.views.common.pane import Pane, counted
from workbench.views.common.record_table import configure_record_table

ANY = ""
FILTER_DEBOUNCE_MS = 200
SHOWN_PROBLEMS = 3


class AuditTrailView(Pane):
    title = "Audit Trail"

    verified = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditTrailView")
        self.model = AuditTrailModel(self)

        self.text_filter = QLineEdit(self)
        self.text_filter.setObjectName("auditFilterText")
        self.text_filter.setPlaceholderText("Filter by text, e.g. a title or a name…")
        self.text_filter.setClearButtonEnabled(True)
        self.action_filter = QComboBox(self)
        self.action_filter.setObjectName("auditActionFilter")
        self.actor_filter = QComboBox(self)
        self.actor_filter.setObjectName("auditActorFilter")
        self.since_edit = self._date_edit("auditSince")
        self.until_edit = self._date_edit("auditUntil")
        self.export_button = QPushButton("Export CSV…", self)
        self.export_button.setObjectName("auditExport")
        self.export_button.clicked.connect(self.export_csv)
        self.verify_button = QPushButton("Verify", self)
        self.verify_button.setObjectName("auditVerify")
        self.verify_button.setToolTip(
            "Recompute the audit log's hash chain, every version hash and every signature"
        )
        self.verify_button.clicked.connect(self.verify)
        self.chain_label = QLabel(self)
        self.chain_label.setObjectName("auditChainStatus")
        self.chain_label.setWordWrap(True)
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("auditCount")

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter_widgets)
        self.text_filter.textChanged.connect(self._debounce.start)
        for combo in (self.action_filter, self.actor_filter):
            combo.currentIndexChanged.connect(self.apply_filter_widgets)
        for edit in (self.since_edit, self.until_edit):
            edit.value_changed.connect(self.apply_filter_widgets)

        self.table = QTableView(self)
        self.table.setObjectName("auditTrailTable")
        self.table.setModel(self.model)
        configure_record_table(self.table, (50, 140, 120, 130, 220))
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.model.modelReset.connect(self._update_count)
        self.table_hint = show_when_empty(
            self.table,
            "No entry matches the filter. Clear the text, or choose “Any action”, "
            "“Anyone” and empty dates.",
        )

        filters = QHBoxLayout()
        filters.addWidget(self.text_filter, 2)
        filters.addWidget(self.action_filter, 1)
        filters.addWidget(self.actor_filter, 1)
        filters.addWidget(QLabel("From", self))
        filters.addWidget(self.since_edit)
        filters.addWidget(QLabel("to", self))
        filters.addWidget(self.until_edit)
        status = QHBoxLayout()
        status.addWidget(self.verify_button)
        status.addWidget(self.chain_label, 1)
        status.addWidget(self.count_label)
        status.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(status)
        self._fill_choices()

    def _date_edit(self, name: str) -> DateEdit:
        edit = DateEdit(None, optional=True, placeholder="any date", parent=self)
        edit.setObjectName(name)
        return edit

    # --- workspace and changes --------------------------------------------------------------

    def set_workspace(self, workspace: Workspace) -> None:
        super().set_workspace(workspace)
        self.chain_label.clear()
        self._fill_choices()
        self.model.set_workspace(workspace)

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.audit_log and self.workspace is not None:
            self._fill_choices()
            self.model.refresh()

    def _fill_choices(self) -> None:
        found_actions = trail.actions(self.workspace) if self.workspace else []
        found_actors = trail.actors(self.workspace) if self.workspace else []
        for combo, anything, values in (
            (self.action_filter, "Any action", found_actions),
            (self.actor_filter, "Anyone", found_actors),
        ):
            current = combo.currentData() or ANY
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(anything, ANY)
            for value in values:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

    # --- filtering --------------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        return AuditFilter(
            text=self.text_filter.text(),
            action=self.action_filter.currentData() or ANY,
            actor=self.actor_filter.currentData() or ANY,
            since=_chosen(self.since_edit),
            until=_chosen(self.until_edit),
        )

    def apply_filter_widgets(self) -> None:
        self._debounce.stop()
        self.model.set_filter(self.current_filter())

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total_count()
        self.count_label.setText(f"{shown} of {total}" if shown != total else f"{total} entries")

    def _on_double_clicked(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None and entry.entity == "artifact" and entry.entity_id.isdigit():
            self.artifact_open_requested.emit(int(entry.entity_id))

    # --- verify and export ------------------------------------------------------------------

    def verify(self) -> None:
        if self.workspace is None:
            return
        report = verify.verify_workspace(self.workspace)
        self.model.refresh()  # show the entries as they are now, not as first read
        chain = report.chain_problems
        if report.ok:
            text = (
                f"✔ Audit log intact: {report.log_entries} entries chained; "
                f"{report.versions} versions and {report.approvals} signatures verify."
            )
            colour = VALID_COLOUR
        else:
            if chain:
                lead = f"✖ Audit log chain broken at {chain[0].subject}: {chain[0].message}."
            else:
                lead = f"✔ Audit log chain intact ({report.log_entries} entries), but:"
            others = [str(p) for p in report.problems if p not in chain[:1]]
            extra = len(others) - SHOWN_PROBLEMS
            text = "\n".join([lead, *others[:SHOWN_PROBLEMS]] + ([f"…and {extra} more"]
                                                                 if extra > 0 else []))  # fmt: skip
            colour = INVALID_COLOUR
        self.chain_label.setText(text)
        self.chain_label.setToolTip("\n".join(str(p) for p in report.problems) or report.summary())
        self.chain_label.setStyleSheet(f"color: {colour};")
        self.verified.emit(report)

    def ask_export_path(self) -> str:
        suggestion = self.files.suggest(FileKind.TRAIL, "audit-trail.csv")
        return ask_save_path(self, "Export Audit Trail", suggestion, "CSV (*.csv)")

    def export_csv(self) -> None:
        if self.workspace is None:
            return
        chosen = self.ask_export_path()
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() != ".csv":
            target = target.with_name(f"{target.name}.csv")
        if not confirm_target(self, target, title="Export Audit Trail"):
            return
        try:
            count = trail.export_csv(self.workspace, target, self.current_filter())
        except OSError as error:
            self.report_error("Export Audit Trail", f"cannot write {target}: {error.strerror}")
            return
        self.files.remember(FileKind.TRAIL, target)
        self.notify(f"Exported {counted(count, 'entry', 'entries')} to {target}")
        announce(self, "Export Audit Trail", f"Exported {count} entries to {target}.", target)


def _chosen(edit: DateEdit) -> date | None:
    """The date typed, or None (no limit) while the field is empty or not yet a date."""
    try:
        return edit.value()
    except DateEntryError:
        return None
