"""Preferences: the name written on versions and in the audit trail, and the user's own cards."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.services.common.identity import MAX_INITIALS
from workbench.views.common.form_dialog import FormDialog
from workbench.views.common.settings import AppSettings


class PreferencesDialog(FormDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__("Preferences", parent)
        self.setObjectName("preferencesDialog")
        self.settings = settings
        acting = settings.acting
        self.name_edit = QLineEdit("" if acting.is_account_fallback else acting.name, self)
        self.name_edit.setObjectName("preferencesUserName")
        self.name_edit.setToolTip("Written as the author of versions and in the audit trail")
        self.initials_edit = QLineEdit(acting.initials, self)
        self.initials_edit.setObjectName("preferencesInitials")
        self.initials_edit.setMaxLength(MAX_INITIALS)
        self.packs = QListWidget(self)
        self.packs.setObjectName("preferencesPacks")
        for folder in settings.card_packs:
            self.packs.addItem(str(folder))
        add = QPushButton("&Add Folder…", self)
        add.clicked.connect(self._add_folder)
        remove = QPushButton("&Remove", self)
        remove.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        packs_box = QWidget(self)
        packs_layout = QVBoxLayout(packs_box)
        packs_layout.setContentsMargins(0, 0, 0, 0)
        packs_layout.addWidget(self.packs)
        packs_layout.addLayout(buttons)
        self.form.addRow("Your &name", self.name_edit)
        self.form.addRow("&Initials", self.initials_edit)
        self.form.addRow("Question card &folders", packs_box)
        self.on_submit(self._save, ValueError)
        self.resize(560, 360)

    def ask_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Folder of Question Cards", str(Path.home()))

    def _add_folder(self) -> None:
        folder = self.ask_folder()
        if folder and folder not in self.folders():
            self.packs.addItem(folder)

    def _remove_selected(self) -> None:
        for item in self.packs.selectedItems():
            self.packs.takeItem(self.packs.row(item))

    def folders(self) -> list[str]:
        return [self.packs.item(row).text() for row in range(self.packs.count())]

    def _save(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            raise ValueError("your name is needed: it is written on every version you save")
        for folder in self.folders():
            if not Path(folder).is_dir():
                raise ValueError(f"{folder} is not a folder")
        self.settings.save_consultant(name, self.initials_edit.text())
        self.settings.card_packs = [Path(folder) for folder in self.folders()]
        self.settings.sync()
