"""Adding a file to the evidence vault: as new evidence, or as a new revision of existing one.

The dialog only gathers and checks what was typed; the file itself is stored afterwards on a
worker thread, with a progress bar, so a large file never freezes the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from workbench.models import EvidenceTarget
from workbench.services.controls import blobs, evidence
from workbench.services.controls.evidence import EvidenceDraft, EvidenceError
from workbench.services.store.workspace import Workspace
from workbench.views.common.form_dialog import FormDialog


@dataclass(frozen=True)
class EvidenceRequest:
    path: Path
    draft: EvidenceDraft
    attach: tuple[tuple[EvidenceTarget, int], ...] = ()
    revision_of: int | None = None


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class EvidenceDialog(FormDialog):
    """Signals: none; read :attr:`request` after it was accepted."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        path: Path | None = None,
        targets: str = "",
        revision_of: evidence.EvidenceRecord | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = f"New Revision of {revision_of.label}" if revision_of else "Add Evidence"
        super().__init__(title, parent)
        self.setObjectName("evidenceDialog")
        self.workspace = workspace
        self.revision_of = revision_of
        self.request: EvidenceRequest | None = None
        day = today or date.today()

        self.file_edit = QLineEdit(str(path) if path else "", self)
        self.file_edit.setObjectName("evidenceFile")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.title_edit = QLineEdit(revision_of.title if revision_of else "", self)
        self.title_edit.setObjectName("evidenceTitle")
        self.title_edit.setPlaceholderText("Default: the file's name")
        self.targets_edit = QLineEdit(targets, self)
        self.targets_edit.setObjectName("evidenceTargets")
        self.targets_edit.setPlaceholderText("A.8.13, doc:12, finding:4, R-003")
        self.effective_from = self._date_edit("evidenceEffectiveFrom", day)
        self.has_end = QCheckBox("until", self)
        self.effective_to = self._date_edit("evidenceEffectiveTo", day)
        self.effective_to.setEnabled(False)
        self.has_end.toggled.connect(self.effective_to.setEnabled)
        period = QHBoxLayout()
        period.addWidget(self.effective_from)
        period.addWidget(self.has_end)
        period.addWidget(self.effective_to)
        period.addStretch(1)
        self.has_expiry = QCheckBox("Expires or must be collected again on", self)
        self.has_expiry.setObjectName("evidenceHasExpiry")
        self.expires = self._date_edit("evidenceExpires", day + timedelta(days=365))
        self.expires.setEnabled(False)
        self.has_expiry.toggled.connect(self.expires.setEnabled)
        expiry = QHBoxLayout()
        expiry.addWidget(self.has_expiry)
        expiry.addWidget(self.expires)
        expiry.addStretch(1)
        self.collected_by = QLineEdit(self)
        self.collected_by.setObjectName("evidenceCollectedBy")
        self.collected_by.setPlaceholderText("Default: you")

        self.form.addRow("&File", file_row)
        self.form.addRow("&Title", self.title_edit)
        if revision_of is None:
            self.form.addRow("&Shows", self.targets_edit)
        self.form.addRow("&Effective", period)
        self.form.addRow("", expiry)
        self.form.addRow("&Collected by", self.collected_by)
        self.on_submit(self._check)
        self.resize(560, self.sizeHint().height())

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(to_qdate(day), self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose the Evidence File")
        if chosen:
            self.file_edit.setText(chosen)

    def _check(self) -> None:
        path = Path(self.file_edit.text().strip()).expanduser()
        if not self.file_edit.text().strip():
            raise EvidenceError("choose the file to store")
        blobs.checked_size(path)
        draft = EvidenceDraft(
            title=self.title_edit.text(),
            effective_from=from_qdate(self.effective_from.date()),
            effective_to=from_qdate(self.effective_to.date()) if self.has_end.isChecked() else None,
            expires=from_qdate(self.expires.date()) if self.has_expiry.isChecked() else None,
            collected_by=self.collected_by.text(),
        )
        if draft.effective_to is not None and draft.effective_from is not None:
            if draft.effective_to < draft.effective_from:
                raise EvidenceError("the evidence's period ends before it starts")
        if self.revision_of is not None:
            self.request = EvidenceRequest(path, draft, revision_of=self.revision_of.id)
            return
        texts = [part for part in self.targets_edit.text().split(",") if part.strip()]
        if not texts:
            raise EvidenceError("say what the file shows: a control such as A.8.13")
        attach = evidence.resolve_targets(self.workspace, texts)
        self.request = EvidenceRequest(path, draft, attach=tuple(attach))
