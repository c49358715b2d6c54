"""Item models of the planner's lists: the agenda and "Upcoming and overdue".

Both hold the rows the planner service returned (occurrences are small, immutable values) and
let an occurrence be dragged onto a calendar day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from workbench.models import EventStatus
from workbench.services.planner.drafts import KIND_LABELS
from workbench.services.planner.recurrence import describe
from workbench.services.planner.schedule import Occurrence, Source
from workbench.services.planner.upcoming import UpcomingItem
from workbench.views.common.dates import format_day
from workbench.views.planner.calendar import OCCURRENCE_MIME, kind_icon, occurrence_mime

AnyIndex = QModelIndex | QPersistentModelIndex
KeyRole = Qt.ItemDataRole.UserRole + 1
OVERDUE_COLOUR = "#b00020"
MUTED_COLOUR = "#808080"


def day_label(day: date) -> str:
    """``Tue 2026-12-01``: the app's one date format, with the weekday a planner needs."""
    return format_day(day)


def time_label(occurrence: Occurrence, zone: tzinfo) -> str:
    """ "all day", "09:00–10:30", or a range of days for an event over several days."""
    first, last = occurrence.days(zone)
    if occurrence.all_day:
        return "all day" if first == last else f"all day to {day_label(last)}"
    start = occurrence.start.astimezone(zone)
    if occurrence.end is None:
        return f"{start:%H:%M}"
    end = occurrence.end.astimezone(zone)
    if first == last:
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%H:%M} to {day_label(last)} {end:%H:%M}"


def _strike(font: QFont) -> QFont:
    font.setStrikeOut(True)
    return font


class _DraggableList(QAbstractListModel):
    def _key(self, row: int) -> str | None:
        raise NotImplementedError

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and self._key(index.row()) is not None:
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt override)
        return [OCCURRENCE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        keys = [self._key(index.row()) for index in indexes if index.isValid()]
        found = [key for key in keys if key is not None]
        return occurrence_mime(found[0] if found else "")

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 (Qt override)
        return Qt.DropAction.MoveAction


class AgendaModel(_DraggableList):
    """The occurrences of the selected day, week, month or year."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Occurrence] = []
        self._zone: tzinfo | None = None
        self._many_days = True

    def set_occurrences(
        self, rows: list[Occurrence], zone: tzinfo, *, many_days: bool = True
    ) -> None:
        self.beginResetModel()
        self._rows, self._zone, self._many_days = rows, zone, many_days
        self.endResetModel()

    def occurrence(self, row: int) -> Occurrence | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: str) -> int | None:
        for row, occurrence in enumerate(self._rows):
            if occurrence.key == key:
                return row
        return None

    def _key(self, row: int) -> str | None:
        occurrence = self.occurrence(row)
        return occurrence.key if occurrence else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def _text(self, occurrence: Occurrence) -> str:
        assert self._zone is not None
        when = time_label(occurrence, self._zone)
        if self._many_days:
            when = f"{day_label(occurrence.days(self._zone)[0])}  {when}"
        return f"{when}  {occurrence.title}"

    def _tooltip(self, occurrence: Occurrence) -> str:
        lines = [occurrence.title, KIND_LABELS[occurrence.kind]]
        if occurrence.location:
            lines.append(f"Location: {occurrence.location}")
        if occurrence.status is not EventStatus.PLANNED:
            lines.append(f"Status: {occurrence.status.value}")
        if occurrence.recurring:
            lines.append("Repeats" + (" (this occurrence changed)" if occurrence.modified else ""))
        if occurrence.source is Source.REVIEW:
            lines.append("Derived from the register's next review date")
        if occurrence.risk_ref is not None:
            lines.append("From the risk register; double-click to open the risk")
        elif occurrence.source is Source.CONTROL:
            lines.append("The control's target date, from the Controls pane")
        elif occurrence.source is Source.EVIDENCE:
            lines.append("The evidence's expiry or next collection date, from the Controls pane")
        return "\n".join(lines)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        occurrence = self.occurrence(index.row()) if index.isValid() else None
        if occurrence is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(occurrence)
        if role == Qt.ItemDataRole.DecorationRole:
            return kind_icon(occurrence.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(occurrence)
        if role == KeyRole:
            return occurrence.key
        if role == Qt.ItemDataRole.ForegroundRole and occurrence.status is not EventStatus.PLANNED:
            return QBrush(QColor(MUTED_COLOUR))
        if role == Qt.ItemDataRole.FontRole and occurrence.status is EventStatus.CANCELLED:
            return _strike(QFont())
        return None


class UpcomingModel(_DraggableList):
    """Overdue items first, then what is due soon, with open audit findings."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[UpcomingItem] = []

    def set_items(self, rows: list[UpcomingItem]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def item(self, row: int) -> UpcomingItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def overdue_count(self) -> int:
        return sum(1 for row in self._rows if row.overdue)

    def _key(self, row: int) -> str | None:
        item = self.item(row)
        return item.occurrence.key if item and item.occurrence else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            when = day_label(item.day) if item.day else "no due date"
            prefix = "Overdue · " if item.overdue else ""
            return f"{prefix}{when}  {item.title}"
        if role == Qt.ItemDataRole.DecorationRole:
            return kind_icon(item.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(part for part in (item.title, item.detail) if part)
        if role == Qt.ItemDataRole.ForegroundRole and item.overdue:
            return QBrush(QColor(OVERDUE_COLOUR))
        if role == KeyRole:
            return self._key(index.row())
        return None


def repeat_label(rule: str | None) -> str:
    return describe(rule) or "does not repeat"
