"""Guards against a Qt binding that mishandles references to None.

PySide6 6.12.0 released a reference to None on every call of a method returning nothing. On
Python 3.11 None is an ordinary object, so after a few thousand such calls the interpreter
aborts ("deallocating None"). Any long session of the workbench would crash.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLabel

CALLS = 500


def test_void_calls_keep_none_alive(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    item = QStandardItem("parent")
    model = QStandardItemModel()
    before = sys.getrefcount(None)
    for number in range(CALLS):
        item.appendRow(QStandardItem(str(number)))
        item.setData(number, Qt.ItemDataRole.UserRole)
        model.appendRow(QStandardItem(str(number)))
        label.setText(str(number))
    lost = before - sys.getrefcount(None)
    assert lost < CALLS // 10, f"the Qt binding lost {lost} references to None"
