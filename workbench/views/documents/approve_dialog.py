"""Approve or reject the version under review, signed with the approver's key.

The dialog shows exactly what is signed: the artifact, the version, its content hash and its
text, with the note the requester left for the approvers. The text takes what room the dialog
has, and the dialog can be made as large as the screen. A wrong passphrase records nothing; the
dialog says so and stays open.

Signals:
    changes_made(ChangeSet): the decision was signed and recorded.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.models import Decision, ReviewStatus
from workbench.services.approvals import decisions, people, reviews, signing
from workbench.services.approvals.decisions import ApprovalOutcome
from workbench.services.approvals.keystore import WrongPassphrase
from workbench.services.approvals.reviews import ApprovalError, ReviewRound
from workbench.services.common.markup import render_markdown
from workbench.services.register import artifacts, placeholders, versioning
from workbench.services.store.workspace import Workspace
from workbench.views.common.form_dialog import FormDialog
from workbench.views.common.rich_text import for_qt, prepare_browser


class ApproveDialog(FormDialog):
    changes_made = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        *,
        artifact_id: int,
        signer: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Approve Version", parent)
        self.setObjectName("approveDialog")
        self.workspace = workspace
        self.artifact_id = artifact_id
        self.outcome: ApprovalOutcome | None = None

        details = artifacts.get_details(workspace, artifact_id)
        review = reviews.current_round(workspace, artifact_id)
        self.version = review.version if review is not None and review.pending else None
        shown = versioning.get_version(workspace, artifact_id, self.version)
        info = shown.info

        self.artifact_label = self._label("approveArtifact", details.title)
        self.version_label = self._label(
            "approveVersion",
            f"{info.number}, saved {info.created_at.astimezone():%Y-%m-%d %H:%M} by {info.author}"
            + (f" — “{info.comment}”" if info.comment else ""),
        )
        self.hash_label = self._label(
            "approveContentHash", signing.format_fingerprint(info.content_sha256.upper())
        )
        self.hash_label.setStyleSheet("font-family: monospace;")
        self.waiting_label = self._label(
            "approveWaiting", ", ".join(review.pending) if review and review.pending else "—"
        )
        self.request_label = self._label("approveRequest", _request_text(review))
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("approvePreview")
        prepare_browser(self.preview)
        self.preview.setHtml(for_qt(render_markdown(shown.content)))
        self.preview.setMinimumSize(360, 160)
        found = placeholders.count(shown.content)
        self.placeholders_label = self._label("approvePlaceholders", found.describe() or "none")
        if found:
            self.placeholders_label.setStyleSheet("color: #8a4b00; font-weight: 600;")
        self.allow_check = QCheckBox(
            "Approve anyway: the placeholders stay in the signed text (recorded in the audit log)",
            self,
        )
        self.allow_check.setObjectName("approveAllowPlaceholders")
        self.allow_check.setVisible(bool(found))

        self.signer_combo = QComboBox(self)
        self.signer_combo.setObjectName("approveSigner")
        for name in review.pending if review else ():
            person = people.get_person(workspace, name)
            label = name if person.can_sign_here else f"{name} (key not on this computer)"
            self.signer_combo.addItem(label, name)
        if signer is not None:
            self.signer_combo.setCurrentIndex(max(self._signer_index(signer), 0))
        self.approve_radio = QRadioButton("&Approve", self)
        self.approve_radio.setObjectName("approveDecisionApprove")
        self.approve_radio.setChecked(True)
        self.reject_radio = QRadioButton("Re&ject (returns it to draft)", self)
        self.reject_radio.setObjectName("approveDecisionReject")
        self._decisions = QButtonGroup(self)
        for button in (self.approve_radio, self.reject_radio):
            self._decisions.addButton(button)
        decision_row = QHBoxLayout()
        decision_row.addWidget(self.approve_radio)
        decision_row.addWidget(self.reject_radio)
        decision_row.addStretch(1)
        self.comment_edit = QPlainTextEdit(self)
        self.comment_edit.setObjectName("approveComment")
        self.comment_edit.setPlaceholderText("Optional when approving; the reason when rejecting")
        self.comment_edit.setFixedHeight(60)
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setObjectName("approvePassphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText("the passphrase of the approver's signing key")

        self.form.addRow("Artifact", self.artifact_label)
        self.form.addRow("Version", self.version_label)
        self.form.addRow("Content SHA-256", self.hash_label)
        self.form.addRow("Waiting for", self.waiting_label)
        self.form.addRow("Requested", self.request_label)
        # The text is read before signing: it gets every pixel the dialog can spare.
        decision_form = QFormLayout()
        decision_form.addRow("Placeholders", self.placeholders_label)
        decision_form.addRow("", self.allow_check)
        decision_form.addRow("&Sign as", self.signer_combo)
        decision_form.addRow("Decision", decision_row)
        decision_form.addRow("&Comment", self.comment_edit)
        decision_form.addRow("&Passphrase", self.passphrase_edit)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.preview, 1)
        layout.insertLayout(2, decision_form)
        self.setSizeGripEnabled(True)
        self.ok_button = self.buttons.button(self.buttons.StandardButton.Ok)
        self.ok_button.setText("Sign")
        if self.version is None:
            self.error_label.setText(f"“{details.title}” is not waiting for an approval.")
            self.error_label.show()
            self.ok_button.setEnabled(False)
        self.on_submit(self._write)
        self.setMinimumWidth(620)
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        """Open large (up to 1000x800), within the screen the dialog opens on."""
        screen = (self.parentWidget() or self).screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        width, height = 1000, 800
        if room is not None:
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(max(width, self.minimumWidth()), max(height, self.minimumSizeHint().height()))

    def _label(self, name: str, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setWordWrap(True)
        return label

    def _signer_index(self, name: str) -> int:
        for index in range(self.signer_combo.count()):
            if str(self.signer_combo.itemData(index)).lower() == name.strip().lower():
                return index
        return -1

    @property
    def decision(self) -> Decision:
        return Decision.REJECTED if self.reject_radio.isChecked() else Decision.APPROVED

    def _write(self) -> None:
        if self.version is None:
            raise ApprovalError("there is nothing to approve")
        signer = self.signer_combo.currentData()
        if not signer:
            raise ApprovalError("choose who signs")
        try:
            changes, self.outcome = decisions.approve(
                self.workspace,
                artifact_id=self.artifact_id,
                version=self.version,
                signer=str(signer),
                passphrase=self.passphrase_edit.text(),
                decision=self.decision,
                comment=self.comment_edit.toPlainText(),
                allow_placeholders=self.allow_check.isChecked(),
            )
        except WrongPassphrase:
            self.passphrase_edit.clear()
            self.passphrase_edit.setFocus()
            raise
        self.changes_made.emit(changes)


def _request_text(review: ReviewRound | None) -> str:
    """Who asked for the approval, when, and the note they left for the approvers."""
    if review is None or not review.requests:
        return "—"
    first = review.requests[0]
    text = f"by {first.requested_by}, {first.requested_at.astimezone():%Y-%m-%d %H:%M}"
    # While a request is pending its reason holds the requester's note.
    note = next(
        (r.reason for r in review.requests if r.status is ReviewStatus.PENDING and r.reason), ""
    )
    return f"{text}: “{note}”" if note else f"{text} (no note)"
