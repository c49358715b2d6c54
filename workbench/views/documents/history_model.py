"""The versions of the open document, newest first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from workbench.services.register.versioning import VersionInfo
from workbench.views.common.dates import format_datetime

AnyIndex = QModelIndex | QPersistentModelIndex
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1


class HistoryModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._versions: list[VersionInfo] = []
        self._badges: dict[int, str] = {}

    def set_versions(
        self, versions: list[VersionInfo], badges: dict[int, str] | None = None
    ) -> None:
        self.beginResetModel()
        self._versions = versions
        self._badges = badges or {}
        self.endResetModel()

    def version(self, row: int) -> VersionInfo:
        return self._versions[row]

    def row_of(self, number: int) -> int | None:
        for row, info in enumerate(self._versions):
            if info.number == number:
                return row
        return None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._versions)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._versions):
            return None
        info = self._versions[index.row()]
        if role == NUMBER_ROLE:
            return info.number
        when = format_datetime(info.created_at)
        badge = self._badges.get(info.number, "")
        if role == Qt.ItemDataRole.DisplayRole:
            first = f"v{info.number}  {when}  {info.author}" + (f"  {badge}" if badge else "")
            return f"{first}\n{info.comment or '(no comment)'}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"Version {info.number} by {info.author}, {when}\n"
                f"Content SHA-256: {info.content_sha256}\n{info.comment}"
            )
        return None
