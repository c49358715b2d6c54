"""Request Review: ask one or more approvers to approve an artifact's current version.

People without a signing identity are listed but cannot be ticked; retired people are not
listed. A sole approver who can be ticked is ticked already.

Signals:
    changes_made(ChangeSet): the review was requested.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.services.approvals import people, reviews, signing
from workbench.services.approvals.reviews import ReviewRound
from workbench.services.register import artifacts, placeholders, versioning
from workbench.services.store.workspace import Workspace
from workbench.views.common.form_dialog import FormDialog

HINT = (
    "Every approver ticked here must approve this exact version. Saving a new version "
    "before all of them have approved it cancels the request."
)


class ReviewDialog(FormDialog):
    changes_made = Signal(object)

    def __init__(
        self, workspace: Workspace, *, artifact_id: int, actor: str, parent: QWidget | None = None
    ) -> None:
        super().__init__("Request Review", parent)
        self.setObjectName("reviewDialog")
        self.workspace = workspace
        self.artifact_id = artifact_id
        self.actor = actor
        self.review: ReviewRound | None = None

        details = artifacts.get_details(workspace, artifact_id)
        latest_text = versioning.get_version(workspace, artifact_id)
        latest = latest_text.info
        self.artifact_label = self._label("reviewArtifact", details.title)
        self.version_label = self._label(
            "reviewVersion",
            f"{latest.number}, saved {latest.created_at.astimezone():%Y-%m-%d %H:%M} by "
            f"{latest.author} (content {signing.short_fingerprint(latest.content_sha256.upper())})",
        )
        found = placeholders.count(latest_text.content)
        self.placeholders_label = self._label(
            "reviewPlaceholders",
            f"{found.describe()}: approving and publishing will need an explicit override"
            if found
            else "none",
        )
        if found:
            self.placeholders_label.setStyleSheet("color: #8a4b00; font-weight: 600;")
        self.approver_list = QListWidget(self)
        self.approver_list.setObjectName("reviewApprovers")
        for person in people.list_people(workspace):
            if person.retired:
                continue
            item = QListWidgetItem(f"{person.name} — {person.role}" if person.role else person.name)
            item.setData(Qt.ItemDataRole.UserRole, person.name)
            if person.can_be_verified:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                item.setToolTip(f"Signing key {person.fingerprint_text}")
            else:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setText(f"{item.text()} (no signing identity)")
                item.setToolTip("Create a signing identity or import a public key first.")
            self.approver_list.addItem(item)
        self.approver_list.setMinimumHeight(120)
        checkable = [
            item for item in self._items() if item.flags() & Qt.ItemFlag.ItemIsUserCheckable
        ]
        if len(checkable) == 1:
            checkable[0].setCheckState(Qt.CheckState.Checked)
        self.approver_list.itemChanged.connect(self._on_approver_ticked)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("reviewNote")
        self.note_edit.setPlaceholderText("Optional: what the approvers should look at")
        hint = self._label("reviewHint", HINT)
        hint.setStyleSheet("color: #555;")

        self.form.addRow("Artifact", self.artifact_label)
        self.form.addRow("Version", self.version_label)
        self.form.addRow("Placeholders", self.placeholders_label)
        self.form.addRow("&Approvers", self.approver_list)
        self.form.addRow("&Note", self.note_edit)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, hint)
        self.buttons.button(self.buttons.StandardButton.Ok).setText("Request Review")
        self.on_submit(self._write)
        self.setMinimumWidth(520)
        self.approver_list.setFocus()

    def _items(self) -> list[QListWidgetItem]:
        return [self.approver_list.item(row) for row in range(self.approver_list.count())]

    def _on_approver_ticked(self, _item: QListWidgetItem) -> None:
        # "Name at least one approver" is answered by the tick: the error goes at once.
        if self.checked_names():
            self.error_label.clear()
            self.error_label.hide()

    def _label(self, name: str, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setWordWrap(True)
        return label

    def set_checked(self, names: list[str]) -> None:
        wanted = {name.lower() for name in names}
        for row in range(self.approver_list.count()):
            item = self.approver_list.item(row)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                name = str(item.data(Qt.ItemDataRole.UserRole))
                checked = name.lower() in wanted
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def checked_names(self) -> list[str]:
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.approver_list.item(r) for r in range(self.approver_list.count()))
            if item.checkState() == Qt.CheckState.Checked
        ]

    def _write(self) -> None:
        changes, self.review = reviews.request_review(
            self.workspace,
            actor=self.actor,
            artifact_id=self.artifact_id,
            approvers=self.checked_names(),
            note=self.note_edit.text(),
        )
        self.changes_made.emit(changes)
