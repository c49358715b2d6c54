"""A date that may be "not set yet": typed as YYYY-MM-DD or picked from a calendar.

Typing replaces the whole date (Qt's date edit kept the old year when a selected date was
typed over, silently). Text that is not a date is shown as such and never read as one.

Signals:
    value_changed(): the text changed; :meth:`DateField.is_valid` says whether it is a date.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QWidget,
    QWidgetAction,
)

HINT = "YYYY-MM-DD, or empty when not set yet"
INVALID_STYLE = "QLineEdit { border: 1px solid #b00020; }"


def parse_date(text: str) -> date | None:
    """The date in ``text`` (ISO 8601), None when empty.

    Raises:
        ValueError: the text is not a date; the message is for the user.
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"'{cleaned}' is not a date: type it as YYYY-MM-DD") from None


class DateField(QWidget):
    value_changed = Signal()

    def __init__(
        self, value: date | None = None, *, name: str = "dateField", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(value.isoformat() if value else "", self)
        self.edit.setObjectName(name)
        self.edit.setPlaceholderText("not set")
        self.edit.setToolTip(HINT)
        self.edit.setMaxLength(10)
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("0000-00-00") + 24)
        self.calendar_button = QToolButton(self)
        self.calendar_button.setObjectName(f"{name}Calendar")
        self.calendar_button.setText("Calendar…")
        self.calendar_button.setToolTip("Pick the date from a calendar")
        self.calendar_button.clicked.connect(self.open_calendar)
        self.clear_button = QToolButton(self)
        self.clear_button.setObjectName(f"{name}Clear")
        self.clear_button.setText("Not set")
        self.clear_button.setToolTip("Leave the date open for now")
        self.clear_button.clicked.connect(self.edit.clear)
        self.message = QLabel(self)
        self.message.setObjectName(f"{name}Message")
        self.message.setStyleSheet("color: #555;")
        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName(f"{name}Picker")
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._on_picked)
        self.calendar.activated.connect(self._on_picked)
        self.menu = QMenu(self)
        picker = QWidgetAction(self.menu)
        picker.setDefaultWidget(self.calendar)
        self.menu.addAction(picker)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.calendar_button)
        layout.addWidget(self.clear_button)
        layout.addWidget(self.message, 1)
        # One line high: in a form the row must not take the page's spare height.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._on_text_changed)
        self._on_text_changed(self.edit.text())

    def value(self) -> date | None:
        """The date, None when not set.

        Raises:
            ValueError: the text is not a date.
        """
        return parse_date(self.edit.text())

    def set_value(self, value: date | None) -> None:
        self.edit.setText(value.isoformat() if value else "")

    def is_valid(self) -> bool:
        try:
            self.value()
        except ValueError:
            return False
        return True

    def _on_text_changed(self, _text: str) -> None:
        try:
            chosen = self.value()
        except ValueError as error:
            self.edit.setStyleSheet(INVALID_STYLE)
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(f"{error}.")
        else:
            self.edit.setStyleSheet("")
            self.message.setStyleSheet("color: #555;")
            self.message.setText(f"a {chosen:%A}" if chosen else "not set yet")
        self.value_changed.emit()

    def open_calendar(self) -> None:
        chosen = self.value() if self.is_valid() else None
        shown = chosen or date.today()
        self.calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        self.menu.popup(self.calendar_button.mapToGlobal(self.calendar_button.rect().bottomLeft()))
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _on_picked(self, picked: QDate) -> None:
        self.set_value(date(picked.year(), picked.month(), picked.day()))
        self.menu.close()
        self.edit.setFocus()
