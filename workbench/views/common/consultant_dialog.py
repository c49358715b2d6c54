"""Who is working: asked at first start and for a workspace that names no consultant yet.

The name is written as the author of versions, the actor of every audit entry and on what the
workbench exports; so the dialog closes only once a name is entered (Esc and the window's
close button say so instead of skipping it).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from workbench.services.common.identity import MAX_INITIALS, Consultant, suggest_initials
from workbench.views.common.form_dialog import FormDialog
from workbench.views.common.settings import AppSettings

INTRO = (
    "Your name is written as the author of the versions you save, in the audit trail, and as "
    "“prepared by” on what you publish and export. It is kept on this computer; Edit > "
    "Preferences changes it."
)
NEEDED = "Enter your name to continue: it is recorded on everything you change."


class ConsultantDialog(FormDialog):
    """Asks for the consultant's name and initials and saves them in the settings.

    With ``workspace_name`` it also says that the name will be recorded as that workspace's
    consultant (the caller records it once the dialog is accepted).
    """

    def __init__(
        self,
        settings: AppSettings,
        *,
        workspace_name: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Who Is Working?", parent)
        self.setObjectName("consultantDialog")
        self.settings = settings
        self.consultant: Consultant | None = None
        known = settings.acting
        # A login name is a guess, not an answer: the field starts empty then.
        start = "" if known.is_account_fallback else known.name
        self.name_edit = QLineEdit(start, self)
        self.name_edit.setObjectName("consultantName")
        self.name_edit.setPlaceholderText("e.g. Mara Tester")
        self.initials_edit = QLineEdit(known.initials if start else "", self)
        self.initials_edit.setObjectName("consultantInitials")
        self.initials_edit.setMaxLength(MAX_INITIALS)
        self.initials_edit.setPlaceholderText("e.g. MT")
        self._suggested = self.initials_edit.text()
        self.name_edit.textChanged.connect(self._suggest_initials)

        intro = QLabel(INTRO, self)
        intro.setObjectName("consultantIntro")
        intro.setWordWrap(True)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, intro)
        if workspace_name:
            note = QLabel(
                f"The workspace {workspace_name} names no consultant yet; you will be recorded "
                "as its consultant.",
                self,
            )
            note.setObjectName("consultantWorkspace")
            note.setWordWrap(True)
            layout.insertWidget(1, note)
        self.form.addRow("Your &name", self.name_edit)
        self.form.addRow("&Initials", self.initials_edit)
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Continue")
        self.on_submit(self._save)
        self.setMinimumWidth(460)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def _suggest_initials(self, name: str) -> None:
        # Follow the name until the user types initials of their own.
        if self.initials_edit.text() == self._suggested:
            self._suggested = suggest_initials(name)
            self.initials_edit.setText(self._suggested)

    def _save(self) -> None:
        self.consultant = self.settings.save_consultant(
            self.name_edit.text(), self.initials_edit.text()
        )

    def reject(self) -> None:
        """Esc and the close button do not skip the question."""
        self.error_label.setText(NEEDED)
        self.error_label.show()
        self.name_edit.setFocus()
