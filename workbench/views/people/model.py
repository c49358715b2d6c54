"""The people table's model: one row per person, the key's state as this computer sees it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from workbench.services.approvals.people import PersonInfo
from workbench.services.approvals.signing import short_fingerprint
from workbench.views.common.record_table import TitledColumns

NAME, ROLE, EMAIL, FINGERPRINT, KEY_STATUS, STATUS = range(6)
HEADERS = ("Name", "Role", "E-mail", "Key fingerprint", "Key", "Status")
WIDTHS = (170, 150, 190, 190, 190)
RETIRED_COLOUR = QColor("#777777")
AnyIndex = QModelIndex | QPersistentModelIndex


def key_status(person: PersonInfo) -> str:
    """What this computer can do with the person's key."""
    if person.key_fingerprint is None:
        return "No key"
    if person.can_sign_here:
        return "Can sign on this computer"
    return "Public key only"


def status_text(person: PersonInfo) -> str:
    if person.retired_at is not None:
        return f"Retired {person.retired_at.astimezone():%Y-%m-%d}"
    return "Active"


class PeopleModel(TitledColumns, QAbstractTableModel):
    titles = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._people: list[PersonInfo] = []
        self._keys: list[str] = []

    def set_people(self, people: list[PersonInfo]) -> None:
        self.beginResetModel()
        self._people = list(people)
        # Asking the key store costs a file lookup; once per refresh, not per paint.
        self._keys = [key_status(person) for person in self._people]
        self.endResetModel()

    def person(self, row: int) -> PersonInfo:
        return self._people[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        person = self._people[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and person.retired:
            return RETIRED_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == FINGERPRINT:
            return person.fingerprint_text or "No signing key yet"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = (
            person.name,
            person.role,
            person.email,
            short_fingerprint(person.key_fingerprint) if person.key_fingerprint else "—",
            self._keys[index.row()],
            status_text(person),
        )
        return values[index.column()] if 0 <= index.column() < len(values) else None
