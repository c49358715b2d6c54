"""Add Person (with a signing identity), or create the identity of a person who has none.

The passphrase is asked twice. The private key goes to this computer's key store, encrypted
with it; only the public key and its fingerprint go into the workspace. Typing starts in the
first field, and a message confirms what was added (with the key's fingerprint).

Signals:
    changes_made(ChangeSet): the person (or their identity) was written.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QMessageBox, QVBoxLayout, QWidget

from workbench.services.approvals import people
from workbench.services.approvals.keystore import MIN_PASSPHRASE_LENGTH
from workbench.services.approvals.people import PersonInfo
from workbench.services.store.workspace import Workspace
from workbench.views.common.form_dialog import FormDialog

KEY_HINT = (
    "The private key stays on this computer, encrypted with the passphrase; the workspace "
    "holds only the public key and its fingerprint, so anyone with the workspace can check "
    "this person's signatures. A forgotten passphrase cannot be recovered."
)


class PersonDialog(FormDialog):
    changes_made = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        *,
        actor: str,
        existing: PersonInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Create Signing Identity" if existing else "Add Person", parent)
        self.setObjectName("personDialog")
        self.workspace = workspace
        self.actor = actor
        self.existing = existing
        self.person: PersonInfo | None = None
        self.confirmation: QMessageBox | None = None

        self.name_edit = self._line("personName", existing.name if existing else "")
        self.role_edit = self._line("personRole", existing.role if existing else "")
        self.role_edit.setPlaceholderText("e.g. CISO, Managing Director")
        self.email_edit = self._line("personEmail", existing.email if existing else "")
        self.key_check = QCheckBox("Create a signing identity on this computer", self)
        self.key_check.setObjectName("personCreateKey")
        self.key_check.setChecked(True)
        # A click must not leave focus on the box, where the next Space would untick it.
        self.key_check.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.passphrase_edit = self._line("personPassphrase", "", secret=True)
        self.passphrase_edit.setPlaceholderText(f"at least {MIN_PASSPHRASE_LENGTH} characters")
        self.repeat_edit = self._line("personPassphraseRepeat", "", secret=True)
        hint = QLabel(KEY_HINT, self)
        hint.setObjectName("personKeyHint")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")

        self.form.addRow("&Name", self.name_edit)
        self.form.addRow("&Role", self.role_edit)
        self.form.addRow("&E-mail", self.email_edit)
        if existing is None:
            self.form.addRow("", self.key_check)
        else:
            for edit in (self.name_edit, self.role_edit, self.email_edit):
                edit.setReadOnly(True)
            self.key_check.hide()
        self.form.addRow("&Passphrase", self.passphrase_edit)
        self.form.addRow("Re&peat", self.repeat_edit)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, hint)  # below the form: a wrapped label in a form row is clipped
        self.key_check.toggled.connect(self._on_key_toggled)
        self.on_submit(self._write, ValueError)
        self.setMinimumWidth(480)
        # The buttons were made first; the fields come first when tabbing, then the buttons.
        chain = [self.name_edit, self.role_edit, self.email_edit, self.key_check,
                 self.passphrase_edit, self.repeat_edit]  # fmt: skip
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        (self.passphrase_edit if existing else self.name_edit).setFocus()

    @property
    def person_name(self) -> str:
        return self.person.name if self.person is not None else self.name_edit.text().strip()

    def _line(self, name: str, text: str, *, secret: bool = False) -> QLineEdit:
        edit = QLineEdit(text, self)
        edit.setObjectName(name)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _on_key_toggled(self, checked: bool) -> None:
        for edit in (self.passphrase_edit, self.repeat_edit):
            edit.setEnabled(checked)

    def _passphrase(self) -> str | None:
        if self.existing is None and not self.key_check.isChecked():
            return None
        passphrase = self.passphrase_edit.text()
        if passphrase != self.repeat_edit.text():
            self.repeat_edit.clear()
            self.repeat_edit.setFocus()
            raise ValueError("the two passphrases differ; type the same passphrase twice")
        return passphrase

    def _write(self) -> None:
        passphrase = self._passphrase()
        if self.existing is not None:
            assert passphrase is not None
            changes, self.person = people.create_identity(
                self.workspace, actor=self.actor, name=self.existing.name, passphrase=passphrase
            )
        else:
            changes, self.person = people.add_person(
                self.workspace,
                actor=self.actor,
                name=self.name_edit.text(),
                role=self.role_edit.text(),
                email=self.email_edit.text(),
                passphrase=passphrase,
            )
        self.changes_made.emit(changes)

    def accept(self) -> None:
        super().accept()
        if self.result() == self.DialogCode.Accepted and self.person is not None:
            self.confirmation = self._confirm(self.person)

    def _confirm(self, person: PersonInfo) -> QMessageBox:
        """Say what was added, without waiting: the message stays until it is read."""
        if self.existing is not None:
            text = f"{person.name} can now sign on this computer."
        else:
            text = f"Added {person.name}" + (f" ({person.role})." if person.role else ".")
        if person.key_fingerprint:
            text += (
                f"\n\nSigning key fingerprint:\n{person.fingerprint_text}\n\nThe private key is "
                "in this computer's key store; keep the passphrase safe."
            )
        else:
            text += " They have no signing identity yet."
        box = QMessageBox(
            QMessageBox.Icon.Information, self.windowTitle(), text, parent=self.parentWidget()
        )
        box.setObjectName("personAdded")
        box.open()
        return box
