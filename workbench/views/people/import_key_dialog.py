"""Import Public Key: an approver who signs on their own computer sends their public key.

The person is added when new. The fingerprint the approver reads out (by phone or in person)
can be typed in: a key whose fingerprint does not start so is refused.

Signals:
    changes_made(ChangeSet): the key (and the person, when new) was written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from workbench.services.approvals import people
from workbench.services.approvals.people import PersonError, PersonInfo
from workbench.services.store.workspace import Workspace
from workbench.views.common.files import FileKind, FilePlaces
from workbench.views.common.form_dialog import FormDialog

KEY_FILTER = "Public key (*.pem *.pub);;All files (*)"


class ImportKeyDialog(FormDialog):
    changes_made = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        *,
        actor: str,
        files: FilePlaces,
        name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Import Public Key", parent)
        self.setObjectName("importKeyDialog")
        self.workspace = workspace
        self.actor = actor
        self.files = files
        self.person: PersonInfo | None = None
        self.confirmation: QMessageBox | None = None

        known = [p.name for p in people.list_people(workspace) if not p.retired]
        self.name_edit = QLineEdit(name, self)
        self.name_edit.setObjectName("importKeyName")
        self.name_edit.setPlaceholderText("an existing person, or a new one")
        self.name_edit.setCompleter(QCompleter(known, self))
        self.role_edit = QLineEdit(self)
        self.role_edit.setObjectName("importKeyRole")
        self.role_edit.setPlaceholderText("for a new person, e.g. Managing Director")
        self.email_edit = QLineEdit(self)
        self.email_edit.setObjectName("importKeyEmail")
        self.file_edit = QLineEdit(self)
        self.file_edit.setObjectName("importKeyFile")
        browse = QPushButton("&Browse…", self)
        browse.setObjectName("importKeyBrowse")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.fingerprint_edit = QLineEdit(self)
        self.fingerprint_edit.setObjectName("importKeyFingerprint")
        self.fingerprint_edit.setPlaceholderText("optional: at least 16 characters, as read out")

        self.form.addRow("&Name", self.name_edit)
        self.form.addRow("&Role", self.role_edit)
        self.form.addRow("&E-mail", self.email_edit)
        self.form.addRow("Key &file", file_row)
        self.form.addRow("&Fingerprint", self.fingerprint_edit)
        self.buttons.button(self.buttons.StandardButton.Ok).setText("&Import")
        self.on_submit(self._write)
        self.setMinimumWidth(520)
        chain = [self.name_edit, self.role_edit, self.email_edit, self.file_edit, browse,
                 self.fingerprint_edit]  # fmt: skip
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        (self.file_edit if name else self.name_edit).setFocus()

    @property
    def person_name(self) -> str:
        return self.person.name if self.person is not None else self.name_edit.text().strip()

    def ask_key_file(self) -> str:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import Public Key", str(self.files.folder(FileKind.KEY)), KEY_FILTER
        )
        return chosen

    def _browse(self) -> None:
        chosen = self.ask_key_file()
        if chosen:
            self.file_edit.setText(chosen)

    def _write(self) -> None:
        text = self.file_edit.text().strip()
        if not text:
            raise PersonError("choose the file with the public key")
        path = Path(text).expanduser()
        try:
            data = path.read_bytes()
        except OSError as error:
            raise PersonError(f"cannot read {path}: {error.strerror}") from error
        fingerprint = self.fingerprint_edit.text().strip() or None
        changes, self.person = people.import_public_key(
            self.workspace,
            actor=self.actor,
            name=self.name_edit.text(),
            key_data=data,
            role=self.role_edit.text(),
            email=self.email_edit.text(),
            expected_fingerprint=fingerprint,
        )
        self.files.remember(FileKind.KEY, path)
        self.changes_made.emit(changes)

    def accept(self) -> None:
        super().accept()
        if self.result() == self.DialogCode.Accepted and self.person is not None:
            person = self.person
            check = (
                "It matches the fingerprint you typed."
                if self.fingerprint_edit.text().strip()
                else f"Check it with {person.name} (by phone or in person) before relying on it."
            )
            box = QMessageBox(
                QMessageBox.Icon.Information,
                "Import Public Key",
                f"{person.name}'s public key is imported.\n\nFingerprint:\n"
                f"{person.fingerprint_text}\n\n{check}",
                parent=self.parentWidget(),
            )
            box.setObjectName("keyImported")
            box.open()
            self.confirmation = box
