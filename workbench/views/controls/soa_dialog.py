"""What "Update SoA" did: the new version and each control that changed, with the way to
compare it with the previous version and to open it for review and approval.

Signals:
    compare_requested(): show the new version beside the previous one.
    open_requested(): open the SoA in the Documents pane.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.services.common.markup import escape
from workbench.services.controls.soa import SoaUpdate


class SoaUpdateDialog(QDialog):
    compare_requested = Signal()
    open_requested = Signal()

    def __init__(
        self, update: SoaUpdate, notices: tuple[str, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("soaUpdateDialog")
        self.setWindowTitle("Statement of Applicability Updated")
        lead = (
            f"Version {update.version} of the Statement of Applicability was written from the "
            "control records."
        )
        if update.previous_version is not None:
            lead += f" Compared with version {update.previous_version}:"
        summary = QLabel(escape(lead) + "".join(f"<br><i>{escape(n)}</i>" for n in notices), self)
        summary.setWordWrap(True)
        changes = QPlainTextEdit(self)
        changes.setObjectName("soaChanges")
        changes.setReadOnly(True)
        changes.setPlainText("\n".join(update.changes) or "No control changed.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.compare_button = QPushButton("&Compare with Previous", self)
        self.compare_button.setObjectName("soaCompare")
        self.compare_button.setEnabled(update.previous_version is not None)
        self.compare_button.clicked.connect(self.compare_requested)
        self.open_button = QPushButton("&Open for Review…", self)
        self.open_button.setObjectName("soaOpen")
        self.open_button.setToolTip("Open the SoA in Documents to request its review and approval")
        self.open_button.clicked.connect(self.open_requested)
        self.open_button.clicked.connect(self.accept)
        buttons.addButton(self.compare_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(changes, 1)
        layout.addWidget(buttons)
        self.resize(720, 420)
