"""What a pane or a list says when it has nothing to show, instead of a blank white box."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QWidget


def empty_state_label(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setObjectName("emptyState")
    return label


class EmptyListHint(QObject):
    """A hint drawn over a list or table while its model has no rows.

    The hint is a label on the view's viewport, kept the viewport's size and shown exactly when
    the model is empty; :meth:`set_text` changes what it says (a filter that matches nothing
    says so, an empty workspace says how to start).
    """

    def __init__(self, view: QAbstractItemView, text: str) -> None:
        super().__init__(view)
        self.view = view
        self.label = QLabel(text, view.viewport())
        self.label.setObjectName("emptyListHint")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        view.viewport().installEventFilter(self)
        model = view.model()
        assert model is not None, "set the view's model before its empty-state hint"
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                       model.layoutChanged):  # fmt: skip
            signal.connect(self.update_visibility)
        self.update_visibility()

    def set_text(self, text: str) -> None:
        self.label.setText(text)

    def text(self) -> str:
        return self.label.text()

    def is_shown(self) -> bool:
        return not self.label.isHidden()

    def update_visibility(self) -> None:
        model = self.view.model()
        self.label.setVisible(model is not None and model.rowCount() == 0)
        self.label.setGeometry(self.view.viewport().rect().adjusted(12, 12, -12, -12))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Resize:
            self.label.setGeometry(self.view.viewport().rect().adjusted(12, 12, -12, -12))
        return False


def show_when_empty(view: QAbstractItemView, text: str) -> EmptyListHint:
    """Attach an :class:`EmptyListHint` to ``view`` (whose model is set) and return it."""
    return EmptyListHint(view, text)
