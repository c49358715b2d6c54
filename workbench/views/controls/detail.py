"""One control in detail: its record to edit on the left; its guidance, evidence and documents
beside it. Files dropped anywhere on it become evidence of the control.

Signals:
    save_requested(dict): the changed fields of the record (names as update_control takes).
    files_dropped(list): local file paths dropped on the control.
    evidence_requested(str, int): "add" (id 0), "revise", "open", "export" or "detach" evidence.
    document_requested(str, int): "link" (id 0), "unlink" or "open" a document.
    risk_requested(str): show a risk behind the control (its code, R-012) in the Risks pane.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.models import ControlReason, ControlStatus
from workbench.services.catalog.guidance import ControlGuidance, load_guidance
from workbench.services.common.markup import escape
from workbench.services.controls.records import ControlRecord
from workbench.services.controls.themes import (
    REASON_CODES,
    REASON_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    theme_label,
)
from workbench.services.dashboard import palette
from workbench.views.controls.evidence_dialog import from_qdate, to_qdate

NO_DATE = QDate(2000, 1, 1)  # the minimum of the date field; shown as "None"
ID_ROLE = Qt.ItemDataRole.UserRole


def dropped_files(event: QDropEvent) -> list[Path]:
    """The local files of a drag, or [] when it carries anything else."""
    data = event.mimeData()
    if not data.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]
    return [path for path in paths if path.is_file()]


def guidance_html(guidance: ControlGuidance | None) -> str:
    if guidance is None:
        return "<p>The workbench has no guidance for this control.</p>"

    def items(values: tuple[str, ...]) -> str:
        return "<ul>" + "".join(f"<li>{escape(value)}</li>" for value in values) + "</ul>"

    parts = [
        "<h3>What the control asks</h3>", f"<p>{escape(guidance.asks)}</p>",
        "<h3>What a small organisation typically does</h3>", items(guidance.typical),
        "<h3>Evidence auditors usually ask for</h3>", items(guidance.evidence),
    ]  # fmt: skip
    if guidance.pitfalls:
        parts += ["<h3>Pitfalls</h3>", items(guidance.pitfalls)]
    if guidance.related:
        parts.append(f"<p><b>Related:</b> {escape(', '.join(guidance.related))}</p>")
    parts.append(
        "<p style='color:#666'><i>Plain-English guidance; not the text of ISO/IEC 27001 or "
        "27002.</i></p>"
    )
    return "".join(parts)


class ControlDetail(QWidget):
    save_requested = Signal(dict)
    files_dropped = Signal(list)
    evidence_requested = Signal(str, int)
    document_requested = Signal(str, int)
    risk_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("controlDetail")
        self.setAcceptDrops(True)
        self.record: ControlRecord | None = None
        self.today = date.today()

        self.heading = QLabel(self)
        self.heading.setObjectName("controlHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.applicable = QComboBox(self)
        self.applicable.setObjectName("controlApplicable")
        self.applicable.setMinimumContentsLength(8)
        self.applicable.addItem("Yes: applicable", True)
        self.applicable.addItem("No: excluded", False)
        self.reason_checks: dict[ControlReason, QCheckBox] = {}
        reasons = QHBoxLayout()
        for reason in ControlReason:
            check = QCheckBox(REASON_CODES[reason], self)
            check.setObjectName(f"controlReason_{reason.value}")
            check.setToolTip(REASON_LABELS[reason])
            self.reason_checks[reason] = check
            reasons.addWidget(check)
        reasons.addStretch(1)
        self.risks_label = QLabel(self)
        self.risks_label.setObjectName("controlRisks")
        self.risks_label.setTextFormat(Qt.TextFormat.RichText)
        self.risks_label.linkActivated.connect(self.risk_requested)
        self.justification = QPlainTextEdit(self)
        self.justification.setObjectName("controlJustification")
        self.justification.setPlaceholderText("Why included; required when excluded")
        self.justification.setFixedHeight(54)
        self.status = QComboBox(self)
        self.status.setObjectName("controlStatus")
        for status, label in STATUS_LABELS.items():
            self.status.addItem(label, status.value)
        self.owner = QLineEdit(self)
        self.owner.setObjectName("controlOwner")
        self.target = QDateEdit(self)
        self.target.setObjectName("controlTarget")
        self.target.setCalendarPopup(True)
        self.target.setDisplayFormat("yyyy-MM-dd")
        self.target.setMinimumDate(NO_DATE)
        self.target.setSpecialValueText("None")
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("controlNotes")
        self.notes.setFixedHeight(54)
        self.save_button = QPushButton("&Save", self)
        self.save_button.setObjectName("controlSave")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Re&vert", self)
        self.revert_button.clicked.connect(self._fill)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

        form = QFormLayout()
        form.addRow("Applicable", self.applicable)
        form.addRow("Reasons", reasons)
        form.addRow("", self.risks_label)
        form.addRow("Justification", self.justification)
        form.addRow("Status", self.status)
        form.addRow("Owner", self.owner)
        form.addRow("Target date", self.target)
        form.addRow("Notes", self.notes)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        editor = QWidget(self)
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 4, 0)
        editor_layout.addWidget(self.heading)
        editor_layout.addLayout(form)
        editor_layout.addLayout(buttons)
        editor_layout.addStretch(1)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("controlTabs")
        self.guidance = QTextBrowser(self)
        self.guidance.setObjectName("controlGuidance")
        self._guidance_timer = QTimer(self)
        self._guidance_timer.setSingleShot(True)
        self._guidance_timer.setInterval(0)
        self._guidance_timer.timeout.connect(self._fill_guidance)
        self.evidence_list = QListWidget(self)
        self.evidence_list.setObjectName("evidenceList")
        self.evidence_list.itemDoubleClicked.connect(
            lambda item: self.evidence_requested.emit("open", int(item.data(ID_ROLE)))
        )
        self.documents_list = QListWidget(self)
        self.documents_list.setObjectName("controlDocuments")
        self.documents_list.itemDoubleClicked.connect(
            lambda item: self.document_requested.emit("open", int(item.data(ID_ROLE)))
        )
        self.tabs.addTab(self.guidance, "Guidance")
        self.tabs.addTab(
            self._list_tab(self.evidence_list, "evidence", self.evidence_requested,
                           [("Add…", "add"), ("Revise…", "revise"), ("Open", "open"),
                            ("Export…", "export"), ("Detach", "detach")],
                           "Drop files here to add them as evidence of this control."),
            "Evidence",
        )  # fmt: skip
        self.tabs.addTab(
            self._list_tab(self.documents_list, "documents", self.document_requested,
                           [("Link Document…", "link"), ("Unlink", "unlink"), ("Open", "open")],
                           "Register documents that implement or describe the control."),
            "Documents",
        )  # fmt: skip

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(editor)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.setEnabled(False)

    def _list_tab(
        self,
        listing: QListWidget,
        name: str,
        signal: object,
        actions: list[tuple[str, str]],
        hint: str,
    ) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        note = QLabel(hint, tab)
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {palette.MUTED};")
        layout.addWidget(note)
        layout.addWidget(listing, 1)
        row = QHBoxLayout()
        for label, action in actions:
            button = QPushButton(label, tab)
            button.setObjectName(f"{name}_{action}")
            button.setToolTip({"revise": "A new file for the selected evidence: its next revision"}
                              .get(action, ""))  # fmt: skip
            button.clicked.connect(
                lambda _=False, chosen=action: self._emit(listing, signal, chosen)
            )
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return tab

    def _emit(self, listing: QListWidget, signal: object, action: str) -> None:
        item = listing.currentItem()
        if action in ("add", "link"):
            signal.emit(action, 0)  # type: ignore[attr-defined]
        elif item is not None:
            signal.emit(action, int(item.data(ID_ROLE)))  # type: ignore[attr-defined]

    # --- showing a record -------------------------------------------------------------------

    def show_record(self, record: ControlRecord | None, today: date) -> None:
        self.record = record
        self.today = today
        self.setEnabled(record is not None)
        self._fill()

    def _fill(self) -> None:
        record = self.record
        if record is None:
            self.heading.setText("Select a control to see and edit its record.")
            self.guidance.clear()
            self.evidence_list.clear()
            self.documents_list.clear()
            return
        self.heading.setText(
            f"<b>{escape(record.local_id)} {escape(record.title)}</b><br>"
            f"<span style='color:{palette.MUTED}'>{escape(SOURCE_LABELS[record.source])} · "
            f"{escape(theme_label(record.theme))}</span>"
        )
        self.applicable.setCurrentIndex(0 if record.applicable else 1)
        for reason, check in self.reason_checks.items():
            check.setChecked(reason in record.reasons)
        links = ", ".join(
            f"<a href='{escape(risk.code)}'>{escape(risk.code)}</a>" for risk in record.risks
        )
        self.risks_label.setText(f"included because of {links}")
        self.risks_label.setToolTip("\n".join(f"{risk.code} {risk.title}" for risk in record.risks))
        self.risks_label.setVisible(bool(record.risks))
        self.justification.setPlainText(record.justification)
        self.status.setCurrentIndex(max(0, self.status.findData(record.status.value)))
        self.owner.setText(record.owner)
        self.target.setDate(to_qdate(record.target_date) if record.target_date else NO_DATE)
        self.notes.setPlainText(record.notes)
        # Reading the guidance file takes a moment the first time: the table paints first.
        self._guidance_timer.start()
        self._fill_evidence(record)
        self._fill_documents(record)

    def _fill_guidance(self) -> None:
        if self.record is not None:
            self.guidance.setHtml(guidance_html(load_guidance().get(self.record.local_id)))

    def _fill_evidence(self, record: ControlRecord) -> None:
        self.evidence_list.clear()
        for item in record.evidence:
            expires = f", expires {item.expires.isoformat()}" if item.expires else ""
            state = " — EXPIRED" if item.expired(self.today) else ""
            entry = QListWidgetItem(
                f"{item.label}  {item.title}  (r{item.revision}, {item.file_name}{expires}){state}"
            )
            entry.setData(ID_ROLE, item.id)
            entry.setToolTip(f"SHA-256 {item.sha256}\nEffective from {item.effective_from}")
            if item.expired(self.today):
                entry.setForeground(Qt.GlobalColor.darkRed)
            self.evidence_list.addItem(entry)
        self.tabs.setTabText(1, f"Evidence ({len(record.evidence)})")

    def _fill_documents(self, record: ControlRecord) -> None:
        self.documents_list.clear()
        for document in record.documents:
            how = "" if document.linked_here else " — linked in the register"
            entry = QListWidgetItem(
                f"{document.id}  {document.title}  ({document.status.value.replace('_', ' ')}){how}"
            )
            entry.setData(ID_ROLE, document.id)
            self.documents_list.addItem(entry)
        self.tabs.setTabText(2, f"Documents ({len(record.documents)})")

    # --- editing ----------------------------------------------------------------------------

    def edited(self) -> dict[str, object]:
        """The fields changed in the editor, as update_control takes them."""
        record = self.record
        if record is None:
            return {}
        target = self.target.date()
        values: dict[str, object] = {
            "applicable": bool(self.applicable.currentData()),
            "reasons": [r for r, check in self.reason_checks.items() if check.isChecked()],
            "justification": self.justification.toPlainText().strip(),
            "status": ControlStatus(self.status.currentData()),
            "owner": self.owner.text().strip(),
            "target_date": None if target == NO_DATE else from_qdate(target),
            "notes": self.notes.toPlainText().strip(),
        }
        current: dict[str, object] = {
            "applicable": record.applicable, "reasons": list(record.reasons),
            "justification": record.justification, "status": record.status,
            "owner": record.owner, "target_date": record.target_date, "notes": record.notes,
        }  # fmt: skip
        return {name: value for name, value in values.items() if value != current[name]}

    def save(self) -> None:
        changes = self.edited()
        if changes:
            self.save_requested.emit(changes)

    # --- drag and drop ----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if self.record is not None and dropped_files(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 (Qt override)
        if self.record is not None and dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        files = dropped_files(event)
        if self.record is not None and files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
