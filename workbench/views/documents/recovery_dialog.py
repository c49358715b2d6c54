"""Recover Unsaved Text: every document whose editor text was lost, listed once at start-up.

Each row names the document, when its text was last autosaved, how long it is and the version
it was based on, with Recover (open it in the editor with that text, to be saved as a version)
and Discard. Closing the dialog keeps the remaining texts: they are offered again when their
document is opened.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.services.documents import drafts
from workbench.services.documents.drafts import RecoverableDraft
from workbench.services.store.workspace import Workspace

DOCUMENT, WHEN, SIZE, BASE, ACTIONS = range(5)
HEADERS = ("Document", "Autosaved", "Size", "Based on", "")


# Opens an artifact in the editor with its recovered text; False when that did not happen
# (the editor held other unsaved text and the user kept it).
OpenRecovered = Callable[[int], bool]


class RecoveryDialog(QDialog):
    def __init__(
        self,
        workspace: Workspace,
        found: list[RecoverableDraft],
        open_recovered: OpenRecovered,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setWindowTitle("Recover Unsaved Text")
        self.workspace = workspace
        self.found = list(found)
        self._open_recovered = open_recovered
        intro = QLabel(
            f"{len(found)} document(s) have text that was not saved as a version when the "
            "workbench last closed. Recover opens the document with that text; save it as a "
            "version to keep it. Discard throws the text away.",
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(found), len(HEADERS), self)
        self.table.setObjectName("recoveryTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DOCUMENT, QHeaderView.ResizeMode.Stretch)
        for column in (WHEN, SIZE, BASE, ACTIONS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.recover_buttons: dict[int, QPushButton] = {}
        self.discard_buttons: dict[int, QPushButton] = {}
        for row, draft in enumerate(found):
            self._fill_row(row, draft)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 160 + 34 * min(len(found), 8))

    def _fill_row(self, row: int, draft: RecoverableDraft) -> None:
        when = draft.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        cells = (draft.title, when, draft.size_text, f"version {draft.base_version}")
        for column, text in enumerate(cells):
            self.table.setItem(row, column, QTableWidgetItem(text))
        recover = QPushButton("&Recover" if row == 0 else "Recover", self)
        recover.setObjectName(f"recover_{draft.artifact_id}")
        recover.clicked.connect(lambda _=False, d=draft: self.recover(d.artifact_id))
        discard = QPushButton("Discard", self)
        discard.setObjectName(f"discard_{draft.artifact_id}")
        discard.clicked.connect(lambda _=False, d=draft: self.discard(d.artifact_id))
        cell = QWidget(self.table)
        buttons = QHBoxLayout(cell)
        buttons.setContentsMargins(2, 0, 2, 0)
        buttons.addWidget(recover)
        buttons.addWidget(discard)
        self.table.setCellWidget(row, ACTIONS, cell)
        self.recover_buttons[draft.artifact_id] = recover
        self.discard_buttons[draft.artifact_id] = discard

    def _row(self, artifact_id: int) -> int:
        return next(i for i, d in enumerate(self.found) if d.artifact_id == artifact_id)

    def _settle(self, artifact_id: int, outcome: str) -> None:
        self.recover_buttons[artifact_id].setEnabled(False)
        self.discard_buttons[artifact_id].setEnabled(False)
        row = self._row(artifact_id)
        item = self.table.item(row, DOCUMENT)
        assert item is not None
        item.setText(f"{self.found[row].title} ({outcome})")
        if all(not button.isEnabled() for button in self.recover_buttons.values()):
            self.buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()

    def recover(self, artifact_id: int) -> None:
        if self._open_recovered(artifact_id):
            self._settle(artifact_id, "recovered: in the editor")

    def discard(self, artifact_id: int) -> None:
        drafts.discard_draft(self.workspace, artifact_id)
        self._settle(artifact_id, "discarded")

    def pending(self) -> list[int]:
        """The documents whose text is neither recovered nor discarded yet."""
        return [i for i, button in self.recover_buttons.items() if button.isEnabled()]
