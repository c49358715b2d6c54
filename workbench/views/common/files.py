"""Saving the files a user asks for: where the dialog starts, replacing, folders, the result.

Every dialog that saves uses these pieces, so saving behaves the same everywhere:

- a save dialog starts in the folder where this kind of file was last saved for this workspace
  (remembered in the settings by the workspace's uuid), else in the Documents folder;
- an existing file is replaced only after the user says so, and a missing folder is created
  only after the user says so (nothing is made silently);
- once written, a message names the file and offers "Show in Folder" and "Open".
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QWidget,
)

from workbench.views.common.settings import AppSettings

if TYPE_CHECKING:
    # The window is built before the store loads (see workbench.app), and every pane has one.
    from workbench.services.store.workspace import Workspace


class FileKind(StrEnum):
    """Kinds of file whose last folder is remembered apart."""

    EXPORT = "export"
    PUBLISH = "publish"
    PACK = "pack"
    CALENDAR = "ics"
    BACKUP = "backup"
    REGISTER = "register"
    TRAIL = "trail"
    KEY = "key"


def default_folder() -> Path:
    """The Documents folder when there is one, else the home folder; never created here."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if found and Path(found).is_dir():
        return Path(found)
    return Path.home()


class FilePlaces:
    """Where each kind of file was last saved in the open workspace.

    The window owns one and hands it to its panes and dialogs; one made without settings (a
    pane tested alone) remembers nothing.
    """

    def __init__(
        self, settings: AppSettings | None = None, workspace: Workspace | None = None
    ) -> None:
        self.settings = settings
        self._workspace = workspace
        self._key: str | None = None

    @property
    def workspace(self) -> Workspace | None:
        return self._workspace

    @workspace.setter
    def workspace(self, workspace: Workspace | None) -> None:
        self._workspace, self._key = workspace, None

    def _workspace_key(self) -> str | None:
        # By uuid, not by path: the folders follow a workspace that is moved or renamed.
        if self._key is None and self._workspace is not None:
            from workbench.services.register import profile

            self._key = profile.get_profile(self._workspace).uuid or None
        return self._key

    def folder(self, kind: FileKind) -> Path:
        key = self._workspace_key()
        if self.settings is not None and key is not None:
            remembered = self.settings.last_folder(key, kind.value)
            if remembered is not None and remembered.is_dir():
                return remembered
        return default_folder()

    def suggest(self, kind: FileKind, name: str) -> Path:
        return self.folder(kind) / name

    def remember(self, kind: FileKind, path: Path) -> None:
        """Start the next dialog of this kind where ``path`` (a file, or a folder) was saved."""
        key = self._workspace_key()
        if self.settings is None or key is None:
            return
        folder = path if path.is_dir() else path.parent
        self.settings.remember_folder(key, kind.value, folder.resolve())


def ask_save_path(parent: QWidget | None, title: str, suggestion: Path, filters: str) -> str:
    """A file name from the save dialog ("" when cancelled). The dialog does not ask about
    replacing: the name may still get a suffix, so :func:`confirm_target` asks afterwards."""
    chosen, _ = QFileDialog.getSaveFileName(
        parent, title, str(suggestion), filters, options=QFileDialog.Option.DontConfirmOverwrite
    )
    return chosen


def ask_save_path_and_filter(
    parent: QWidget | None, title: str, suggestion: Path, filters: str
) -> tuple[str, str]:
    """Like :func:`ask_save_path`, with the filter the user picked."""
    return QFileDialog.getSaveFileName(
        parent, title, str(suggestion), filters, options=QFileDialog.Option.DontConfirmOverwrite
    )


def ask_folder(parent: QWidget | None, title: str, start: Path) -> str:
    return QFileDialog.getExistingDirectory(parent, title, str(start))


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question whose default is No (tests replace this function)."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def confirm_folder(parent: QWidget | None, folder: Path, *, title: str) -> bool:
    """True when ``folder`` exists, or the user agreed to create it (it is then created).

    A path that cannot be a folder is let through: the write that follows says why it fails.
    """
    if folder.exists():
        return True
    if not ask(parent, title, f"The folder {folder} does not exist. Create it?"):
        return False
    try:
        folder.mkdir(parents=True)
    except OSError:
        pass  # the write reports it, in its own words
    return True


def confirm_replace(parent: QWidget | None, paths: list[Path], *, title: str) -> bool:
    """True when none of ``paths`` exists, or the user agreed to replace those that do."""
    existing = [path for path in paths if path.exists()]
    if not existing:
        return True
    if len(existing) == 1:
        text = f"{existing[0].name} already exists in {existing[0].parent}. Replace it?"
    else:
        names = ", ".join(path.name for path in existing)
        text = f"{names} already exist in {existing[0].parent}. Replace them?"
    return ask(parent, title, text)


def confirm_target(parent: QWidget | None, path: Path, *, title: str) -> bool:
    """Ask before making the file's folder and before replacing the file."""
    return confirm_folder(parent, path.parent, title=title) and confirm_replace(
        parent, [path], title=title
    )


def show_in_folder(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def open_file(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def announce(parent: QWidget | None, title: str, text: str, path: Path) -> QMessageBox:
    """Say what was written, offering Show in Folder and Open (window-modal; returned)."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.setObjectName("fileWritten")
    show = box.addButton("Show in &Folder", QMessageBox.ButtonRole.ActionRole)
    show.setObjectName("fileShowInFolder")
    opening = box.addButton("&Open", QMessageBox.ButtonRole.ActionRole)
    opening.setObjectName("fileOpen")
    close = box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(close)

    def clicked(button: QAbstractButton) -> None:
        if button is show:
            show_in_folder(path)
        elif button is opening:
            open_file(path)

    box.buttonClicked.connect(clicked)
    box.open()
    return box


class FileButtons(QWidget):
    """Show in Folder and Open for the file a dialog that stays open has just written.

    Hidden until :meth:`set_path` names a file.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fileButtons")
        self.path: Path | None = None
        self.show_button = QPushButton("Show in &Folder", self)
        self.show_button.setObjectName("fileShowInFolder")
        self.show_button.clicked.connect(lambda: self.path and show_in_folder(self.path))
        self.open_button = QPushButton("&Open", self)
        self.open_button.setObjectName("fileOpen")
        self.open_button.clicked.connect(lambda: self.path and open_file(self.path))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.show_button)
        layout.addWidget(self.open_button)
        layout.addStretch(1)
        self.hide()

    def set_path(self, path: Path | None) -> None:
        self.path = path
        self.setVisible(path is not None)
