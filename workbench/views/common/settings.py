"""User settings kept in an INI file in the user config directory.

The consultant's name is the exception: it lives in ``identity.json`` beside it, which the
command line reads without Qt (:mod:`workbench.services.common.identity`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from workbench.services.common import identity
from workbench.services.common.identity import Consultant
from workbench.services.common.paths import config_dir

MAX_RECENT = 8


class AppSettings:
    """Typed access to the settings file; one instance is passed to whoever needs it."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "settings.ini"
        self._store = QSettings(str(self.path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._store.sync()

    @property
    def consultant(self) -> Consultant | None:
        """The name the window asked for, or None before it has asked."""
        saved = identity.saved_consultant()
        if saved is None:
            # Earlier releases kept the name typed in Preferences here.
            legacy = str(self._store.value("user/name", "") or "").strip()
            if legacy:
                saved = identity.save_consultant(legacy)
                self._store.remove("user/name")
        return saved

    def save_consultant(self, name: str, initials: str = "") -> Consultant:
        return identity.save_consultant(name, initials)

    @property
    def acting(self) -> Consultant:
        """Who the window records: the saved name, else ``WORKBENCH_USER``, else the login
        name (the window asks for a name before it opens, so only ``--screenshot`` gets there)."""
        return self.consultant or identity.resolve()

    @property
    def user_name(self) -> str:
        return self.acting.name

    def _folder_key(self, workspace_key: str, kind: str) -> str:
        return f"folders/{workspace_key}/{kind}"

    def last_folder(self, workspace_key: str, kind: str) -> Path | None:
        """The folder a file of this kind was last saved in, for this workspace."""
        value = self._store.value(self._folder_key(workspace_key, kind), "")
        return Path(str(value)) if value else None

    def remember_folder(self, workspace_key: str, kind: str, folder: Path) -> None:
        self._store.setValue(self._folder_key(workspace_key, kind), str(folder))

    @property
    def last_pane(self) -> str:
        return str(self._store.value("window/pane", "questions"))

    @last_pane.setter
    def last_pane(self, pane: str) -> None:
        self._store.setValue("window/pane", pane)

    @property
    def geometry(self) -> QByteArray | None:
        value = self._store.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._store.setValue("window/geometry", value)

    def pane_state(self, pane: str) -> dict[str, object]:
        """A pane's saved layout (see :meth:`Pane.save_state`); empty when none was saved."""
        self._store.beginGroup(f"pane-{pane}")
        try:
            return {key: self._store.value(key) for key in self._store.childKeys()}
        finally:
            self._store.endGroup()

    def set_pane_state(self, pane: str, state: dict[str, object]) -> None:
        self._store.beginGroup(f"pane-{pane}")
        try:
            self._store.remove("")
            for key, value in state.items():
                self._store.setValue(key, value)
        finally:
            self._store.endGroup()

    @property
    def last_workspace(self) -> str | None:
        value = self._store.value("workspace/last", "")
        return str(value) if value else None

    @last_workspace.setter
    def last_workspace(self, location: str) -> None:
        self._store.setValue("workspace/last", location)

    def _string_list(self, key: str) -> list[str]:
        # QSettings returns a lone string for a one-item list in INI files.
        value = self._store.value(key, [])
        if isinstance(value, str):
            return [value] if value else []
        if isinstance(value, list | tuple):
            return [str(item) for item in value if item]
        return []

    @property
    def recent_workspaces(self) -> list[str]:
        return self._string_list("workspace/recent")

    def remember_workspace(self, location: str) -> None:
        recent = [item for item in self.recent_workspaces if item != location]
        self._store.setValue("workspace/recent", [location, *recent][:MAX_RECENT])
        self.last_workspace = location

    def forget_workspace(self, location: str) -> None:
        recent = [item for item in self.recent_workspaces if item != location]
        self._store.setValue("workspace/recent", recent)

    @property
    def card_packs(self) -> list[Path]:
        return [Path(item) for item in self._string_list("cards/packs")]

    @card_packs.setter
    def card_packs(self, folders: list[Path]) -> None:
        self._store.setValue("cards/packs", [str(folder) for folder in folders])
