"""User settings kept in an INI file in the user config directory."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from workbench.services.common.identity import current_user
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
    def user_name(self) -> str:
        value = self._store.value("user/name", "")
        return str(value) if value else current_user()

    @user_name.setter
    def user_name(self, name: str) -> None:
        self._store.setValue("user/name", name.strip())

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
