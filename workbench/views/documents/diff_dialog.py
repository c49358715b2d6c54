"""Compare two versions: side by side with changes highlighted, or as a unified diff.

The dialog opens at the first change (F7 and Shift+F7 step through them) and, for a document's
own versions, offers to restore the older one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.services.common.markup import escape
from workbench.services.documents import diffing
from workbench.services.documents.diffing import Change, DiffRow, Segment

COLOURS = {
    Change.DELETE: ("#fde2e1", ""),
    Change.INSERT: ("", "#dcf5df"),
    Change.REPLACE: ("#fdf0e0", "#e6f4ea"),
}
WORD_COLOURS = ("#f4b4b0", "#a8e0b2")


def _cells(segments: tuple[Segment, ...], word_colour: str) -> str:
    return "".join(
        f'<span style="background-color:{word_colour};">{escape(s.text)}</span>'
        if s.changed
        else escape(s.text)
        for s in segments
    )


def side_by_side_html(rows: list[DiffRow]) -> str:
    parts = ['<table width="100%" cellspacing="0" cellpadding="1" style="font-family: monospace;">']
    block = 0
    for row in rows:
        left_bg, right_bg = COLOURS.get(row.change, ("", ""))
        anchor = ""
        if row.starts_block:
            anchor = f'<a name="change-{block}"></a>'
            block += 1
        left_number = "" if row.left_number is None else str(row.left_number)
        right_number = "" if row.right_number is None else str(row.right_number)
        parts.append(
            "<tr>"
            f'<td width="4%" style="color:#888;">{anchor}{left_number}</td>'
            f'<td width="46%" style="background-color:{left_bg or "transparent"};">'
            f"{_cells(row.left, WORD_COLOURS[0])}</td>"
            f'<td width="4%" style="color:#888;">{right_number}</td>'
            f'<td width="46%" style="background-color:{right_bg or "transparent"};">'
            f"{_cells(row.right, WORD_COLOURS[1])}</td>"
            "</tr>"
        )
    parts.append("</table>")
    return "".join(parts)


class DiffDialog(QDialog):
    def __init__(
        self,
        old: str,
        new: str,
        *,
        old_label: str,
        new_label: str,
        restore: Callable[[], bool] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``restore`` restores the older version (asking first); True when it did."""
        super().__init__(parent)
        self.setObjectName("diffDialog")
        self.setWindowTitle(f"Compare {old_label} with {new_label}")
        rows = diffing.side_by_side(old, new)
        self.blocks = diffing.block_starts(rows)
        self.current_block = -1
        self.summary = QLabel(
            f"<b>{escape(old_label)}</b> (left) and <b>{escape(new_label)}</b> (right): "
            f"{len(self.blocks)} change(s)",
            self,
        )
        self.side_by_side = QTextBrowser(self)
        self.side_by_side.setObjectName("diffSideBySide")
        self.side_by_side.setHtml(side_by_side_html(rows))
        self.unified = QPlainTextEdit(self)
        self.unified.setObjectName("diffUnified")
        self.unified.setReadOnly(True)
        self.unified.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.unified.setPlainText(
            diffing.unified(old, new, old_label=old_label, new_label=new_label)
            or "The two versions have the same text."
        )
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.side_by_side, "Side by side")
        self.tabs.addTab(self.unified, "Unified diff")
        previous = QPushButton("&Previous change", self)
        previous.clicked.connect(lambda: self.go_to_change(self.current_block - 1))
        following = QPushButton("&Next change", self)
        following.clicked.connect(lambda: self.go_to_change(self.current_block + 1))
        QShortcut(QKeySequence("F7"), self, lambda: self.go_to_change(self.current_block + 1))
        QShortcut(QKeySequence("Shift+F7"), self, lambda: self.go_to_change(self.current_block - 1))
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        self._restore = restore
        self.restore_button = QPushButton(f"&Restore {old_label}…", self)
        self.restore_button.setObjectName("diffRestore")
        self.restore_button.setToolTip(
            f"Write the text of {old_label} as a new version; the history stays as it is"
        )
        self.restore_button.clicked.connect(self.restore)
        self.restore_button.setVisible(restore is not None)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(previous)
        buttons.addWidget(following)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(1100, 700)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self.current_block < 0:  # the first time: open where the versions differ
            self.side_by_side.document().adjustSize()
            self.go_to_change(0)

    def restore(self) -> bool:
        if self._restore is None or not self._restore():
            return False
        self.accept()
        return True

    def go_to_change(self, block: int) -> None:
        if not self.blocks:
            return
        self.current_block = max(0, min(block, len(self.blocks) - 1))
        self.tabs.setCurrentWidget(self.side_by_side)
        self.side_by_side.scrollToAnchor(f"change-{self.current_block}")
