"""The list of matching cards: holds card ids, shows "Q012  What is ...?"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from workbench.services.cards.search import CardIndex

AnyIndex = QModelIndex | QPersistentModelIndex
CARD_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class CardListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._index: CardIndex | None = None
        self._ids: list[str] = []

    def set_results(self, index: CardIndex, ids: list[str]) -> None:
        self.beginResetModel()
        self._index, self._ids = index, ids
        self.endResetModel()

    def card_id(self, row: int) -> str:
        return self._ids[row]

    def row_of(self, card_id: str) -> int | None:
        try:
            return self._ids.index(card_id)
        except ValueError:
            return None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._index is None or index.row() >= len(self._ids):
            return None
        card_id = self._ids[index.row()]
        if role == CARD_ID_ROLE:
            return card_id
        card = self._index.card(card_id)
        if card is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{card.id}  {card.query}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return card.query
        return None
