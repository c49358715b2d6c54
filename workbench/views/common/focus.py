"""Where the keyboard starts in a dialog: its first field, never its OK button.

A dialog that opens with the focus on OK takes the first keys typed into it as a click (and
Space unticks whatever checkbox comes first). :func:`focus_first_field` walks the dialog's tab
order and puts the focus on the first control a person types into or chooses from.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

FIELDS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)


def _is_field(widget: QWidget, root: QWidget) -> bool:
    if not widget.isVisibleTo(root) or not widget.isEnabled():
        return False
    if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return False
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit) and widget.isReadOnly():
        return False
    return isinstance(widget, FIELDS)


def first_field(root: QWidget) -> QWidget | None:
    """The first field in ``root``'s tab order, or None when it has only buttons."""
    widget = root.nextInFocusChain()
    while widget is not None and widget is not root:
        if root.isAncestorOf(widget) and _is_field(widget, root):
            return widget
        widget = widget.nextInFocusChain()
    return None


def focus_first_field(root: QWidget) -> None:
    """Focus the first field, unless a field already has the focus (the caller chose it)."""
    current = root.focusWidget()
    if current is not None and _is_field(current, root):
        return
    found = first_field(root)
    if found is not None:
        found.setFocus(Qt.FocusReason.TabFocusReason)
