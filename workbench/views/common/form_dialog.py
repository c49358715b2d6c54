"""A dialog whose OK runs a service call and stays open, showing the reason, if it fails."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from workbench.services.common.errors import ServiceError
from workbench.views.common.date_edit import DateEntryError
from workbench.views.common.focus import focus_first_field
from workbench.views.common.pane import _sentence

# Returns None on success, or raises an exception whose message is for the user.
Submit = Callable[[], None]


class FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("dialogError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._submit: Submit | None = None
        self._expected: tuple[type[Exception], ...] = (ServiceError, DateEntryError)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        focus_first_field(self)

    def on_submit(self, submit: Submit, *expected: type[Exception]) -> None:
        """Run ``submit`` on OK; a :class:`ServiceError`, a date field's
        :class:`DateEntryError` (or an ``expected`` error, such as a ValueError from parsing a
        field) keeps the dialog open with its message."""
        self._submit = submit
        self._expected = (ServiceError, DateEntryError, *expected)

    def accept(self) -> None:
        if self._submit is not None:
            try:
                self._submit()
            except self._expected as error:
                self.error_label.setText(_sentence(str(error)))
                self.error_label.show()
                return
        super().accept()
