"""Watching what the save dialogs' shared pieces do: the messages they show, the URLs opened."""

from __future__ import annotations

from types import ModuleType

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from workbench.views.common import files


def announcements(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[QMessageBox]:
    """The real "file written" messages that ``module`` shows, collected as they open."""
    boxes: list[QMessageBox] = []
    real = files.announce

    def recording(*args: object) -> QMessageBox:
        box = real(*args)  # type: ignore[arg-type]
        boxes.append(box)
        return box

    monkeypatch.setattr(module, "announce", recording)
    return boxes


def opened_urls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Local paths handed to the desktop (Show in Folder, Open) instead of opening them."""
    opened: list[str] = []

    def open_url(url: object) -> bool:
        opened.append(url.toLocalFile())  # type: ignore[attr-defined]
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return opened


def click(box: QMessageBox, name: str) -> None:
    """Click the message's button with this object name (``fileShowInFolder``, ``fileOpen``)."""
    button = next(b for b in box.buttons() if b.objectName() == name)
    button.click()
