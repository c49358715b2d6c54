"""A pane's row of action buttons that wraps onto a second line instead of hiding buttons.

QToolBar hides what does not fit behind an extension button, which the style sheet drew as a
blank square: at 1024 px Publish, Export Document, Withdraw Review, Import .ics and Workspace
Profile were out of sight. :class:`ActionBar` lays its buttons out like words in a paragraph,
so every action stays one click away at any width. It offers the part of QToolBar's interface
the panes use: ``addAction``, ``addSeparator``, ``actions`` and ``widgetForAction``.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QToolButton,
    QWidget,
    QWidgetItem,
)

SPACING = 4


class FlowLayout(QLayout):
    """Items left to right, wrapping to a new line when the next one does not fit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(SPACING)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt override)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt override)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt override)
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        # One line holding everything: what the bar would like, not what it needs.
        visible = [item.sizeHint() for item in self._items if not item.isEmpty()]
        width = sum(size.width() for size in visible) + SPACING * max(len(visible) - 1, 0)
        height = max((size.height() for size in visible), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt override)
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items (when ``move``); the height the lines take at this width."""
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and x > rect.x():
                x, y, line_height = rect.x(), y + line_height + SPACING, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + SPACING
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


class ActionBar(QWidget):
    """Buttons for actions, wrapping as the pane narrows (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("actionBar", True)  # the style sheet styles its buttons as a toolbar's
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._layout = FlowLayout(self)
        self._buttons: dict[QAction, QToolButton] = {}

    def addAction(self, action: QAction) -> QToolButton:  # type: ignore[override]  # noqa: N802
        super().addAction(action)
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        button.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonTextOnly
            if action.icon().isNull()
            else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keyboard users have the shortcuts
        button.setVisible(action.isVisible())
        action.visibleChanged.connect(lambda: button.setVisible(action.isVisible()))
        self._layout.addWidget(button)
        self._buttons[action] = button
        return button

    def addSeparator(self) -> QAction:  # noqa: N802 (QToolBar's name)
        action = QAction(self)
        action.setSeparator(True)
        super().addAction(action)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        line.setFixedHeight(self.fontMetrics().height() + 6)
        self._layout.addItem(QWidgetItem(line))
        return action

    def widgetForAction(self, action: QAction) -> QToolButton | None:  # noqa: N802
        return self._buttons.get(action)

    def buttons(self) -> list[QToolButton]:
        return list(self._buttons.values())
