"""The date field of every dialog: type a date, or pick it from a calendar.

Qt's QDateEdit edits one section at a time: after Ctrl+A, typing 2027-06-15 can land in the
month and day and keep the old year, silently. :class:`DateEdit` is a line edit instead, so
what is typed is what is read: ``2026-12-01`` (see :mod:`workbench.views.common.dates`), with a
calendar button (Alt+Down) beside it, Up/Down for the next or previous day and Page Up/Page
Down for the month. A field marked optional may be left empty (no date); text that is not a
date is marked in red and :meth:`DateEdit.value` refuses it with a sentence that says how to
write one, which form dialogs show under the fields.

Signals:
    value_changed(object): the field now holds this date, or None (empty); not emitted while
        the text is not a date.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QPoint, Qt, QTime, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QStyle,
    QTimeEdit,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from workbench.views.common.dates import DATE_PLACEHOLDER, QT_TIME_FORMAT, format_date, parse_date

INVALID_STYLE = "QLineEdit { border: 1px solid #b00020; }"


class DateEntryError(ValueError):
    """The text in a date field is not a date (or a required date is missing)."""


def add_months(value: date, months: int) -> date:
    """The same day ``months`` later (or earlier), the month's last day where it is shorter."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(value.day, last))


class _DateLine(QLineEdit):
    """The text part: arrow keys step the date, Alt+Down opens the calendar."""

    def __init__(self, owner: DateEdit) -> None:
        super().__init__(owner)
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key, modifiers = event.key(), event.modifiers()
        if key == Qt.Key.Key_Down and modifiers & Qt.KeyboardModifier.AltModifier:
            self._owner.open_calendar()
            return
        steps = {
            Qt.Key.Key_Up: (1, 0),
            Qt.Key.Key_Down: (-1, 0),
            Qt.Key.Key_PageUp: (0, 1),
            Qt.Key.Key_PageDown: (0, -1),
        }
        if key in steps and self._owner.step(*steps[Qt.Key(key)]):
            return
        super().keyPressEvent(event)


class DateEdit(QWidget):
    value_changed = Signal(object)

    def __init__(
        self,
        value: date | None = None,
        *,
        optional: bool = False,
        placeholder: str = DATE_PLACEHOLDER,
        name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        """``name`` ("Due date") starts the error message; ``placeholder`` shows when empty."""
        super().__init__(parent)
        self.optional = optional
        self.name = name
        self.line = _DateLine(self)
        self.line.setObjectName("dateText")
        self.line.setPlaceholderText(placeholder)
        self.line.setClearButtonEnabled(optional)
        # Wide enough for the date and the clear button, never for a whole form row.
        self.line.setMinimumWidth(self.line.fontMetrics().horizontalAdvance("0000-00-00") + 40)
        self.button = QToolButton(self)
        self.button.setObjectName("dateCalendarButton")
        self.button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown))
        self.button.setToolTip("Choose from a calendar (Alt+Down)")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
        self.button.clicked.connect(self.open_calendar)
        self.menu: QMenu | None = None
        self.calendar: QCalendarWidget | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.line)
        self.set_value(value)
        self._last = value
        self.line.textChanged.connect(self._on_text_changed)
        self.line.editingFinished.connect(self._tidy)

    # --- value --------------------------------------------------------------------------------

    def value(self) -> date | None:
        """The date entered; None when an optional field is empty.

        Raises:
            DateEntryError: the text is not a date, or a required field is empty.
        """
        text = self.line.text().strip()
        prefix = f"{self.name}: " if self.name else ""
        if not text:
            if self.optional:
                return None
            raise DateEntryError(f"{prefix}enter a date as {DATE_PLACEHOLDER}")
        try:
            return parse_date(text)
        except ValueError as error:
            raise DateEntryError(f"{prefix}{error}") from None

    def set_value(self, value: date | None) -> None:
        if value is None and not self.optional:
            raise ValueError("a required date field needs a date")
        self.line.setText(format_date(value))

    def is_valid(self) -> bool:
        try:
            self.value()
        except DateEntryError:
            return False
        return True

    def text(self) -> str:
        return self.line.text()

    def step(self, days: int, months: int) -> bool:
        """Move the date by days or months; False when the field holds no date to move."""
        try:
            current = self.value()
        except DateEntryError:
            return False
        if current is None:
            return False
        self.set_value(add_months(current, months) + timedelta(days=days))
        return True

    def _on_text_changed(self) -> None:
        try:
            value = self.value()
        except DateEntryError as error:
            self.line.setStyleSheet(INVALID_STYLE)
            self.line.setToolTip(str(error))
            return
        self.line.setStyleSheet("")
        self.line.setToolTip("")
        if value != self._last:
            self._last = value
            self.value_changed.emit(value)

    def _tidy(self) -> None:
        # 2026-6-5 becomes 2026-06-05 once the user leaves the field.
        if self.line.text().strip() and self.is_valid():
            self.line.setText(format_date(self.value()))

    # --- calendar -----------------------------------------------------------------------------

    def open_calendar(self) -> QCalendarWidget:
        """Show the calendar under the field, on the entered date (today when there is none)."""
        if self.menu is None or self.calendar is None:
            self.menu = QMenu(self)
            self.calendar = QCalendarWidget(self.menu)
            self.calendar.setObjectName("dateCalendar")
            self.calendar.setGridVisible(True)
            self.calendar.clicked.connect(self._on_calendar_chosen)
            self.calendar.activated.connect(self._on_calendar_chosen)
            action = QWidgetAction(self.menu)
            action.setDefaultWidget(self.calendar)
            self.menu.addAction(action)
        shown = self._value_or_none() or date.today()
        self.calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        self.menu.popup(self.mapToGlobal(QPoint(0, self.height())))
        self.calendar.setFocus()
        return self.calendar

    def _value_or_none(self) -> date | None:
        try:
            return self.value()
        except DateEntryError:
            return None

    def _on_calendar_chosen(self, chosen: QDate) -> None:
        self.set_value(date(chosen.year(), chosen.month(), chosen.day()))
        if self.menu is not None:
            self.menu.hide()
        self.line.setFocus()


class DateTimeEdit(QWidget):
    """A :class:`DateEdit` and a time (HH:mm) beside it; the time hides for all-day entries.

    Signals:
        value_changed(): the date or the time changed.
    """

    value_changed = Signal()

    def __init__(self, value: datetime, *, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.date_edit = DateEdit(value.date(), name=name, parent=self)
        self.time_edit = QTimeEdit(self)
        self.time_edit.setObjectName("timeText")
        self.time_edit.setDisplayFormat(QT_TIME_FORMAT)
        self.time_edit.setTime(QTime(value.hour, value.minute))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.date_edit, 1)
        layout.addWidget(self.time_edit)
        self.setFocusProxy(self.date_edit)
        self.date_edit.value_changed.connect(self.value_changed)
        self.time_edit.timeChanged.connect(self.value_changed)

    def set_time_shown(self, shown: bool) -> None:
        self.time_edit.setVisible(shown)

    def value(self) -> datetime:
        """The date and time entered, naive (the caller knows the zone).

        Raises:
            DateEntryError: the date part is not a date.
        """
        day = self.date_edit.value()
        assert day is not None  # the date part is required
        clock = self.time_edit.time()
        return datetime.combine(day, time(clock.hour(), clock.minute()))

    def value_or_none(self) -> datetime | None:
        try:
            return self.value()
        except DateEntryError:
            return None

    def set_value(self, value: datetime) -> None:
        self.date_edit.set_value(value.date())
        self.time_edit.setTime(QTime(value.hour, value.minute))
