"""The Documents pane: an artifact's Markdown beside its preview, and its version history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QPlainTextEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.services import artifacts, versioning
from workbench.services.artifacts import ArtifactError
from workbench.services.rendering import render_markdown
from workbench.services.versioning import VersionError
from workbench.views.pane import Pane


class DocumentEditor(Pane):
    title = "Documents"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentEditor")
        self.header = QLabel("No document open. Double-click an artifact in the Register.", self)
        self.header.setObjectName("docHeader")
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("docEditor")
        self.editor.setReadOnly(True)
        self.editor.setPlaceholderText("Open an artifact from the Register to edit it here.")
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("docPreview")
        self.preview.setOpenLinks(False)
        self.history_model = QStandardItemModel(self)
        self.history = QListView(self)
        self.history.setObjectName("historyList")
        self.history.setModel(self.history_model)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.editor)
        splitter.addWidget(self.preview)
        splitter.addWidget(self.history)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)

    def open_artifact(self, artifact_id: int) -> bool:
        if self.workspace is None:
            return False
        try:
            details = artifacts.get_details(self.workspace, artifact_id)
            current = versioning.get_version(self.workspace, artifact_id)
        except (ArtifactError, VersionError) as error:
            self.report_error("Open Document", error)
            return False
        self.header.setText(
            f"<b>{details.title}</b> · {details.status.value} · version {current.info.number}"
        )
        self.editor.setPlainText(current.content)
        self.preview.setHtml(render_markdown(current.content))
        self.history_model.clear()
        for info in versioning.history(self.workspace, artifact_id):
            self.history_model.appendRow(
                QStandardItem(f"v{info.number}  {info.author}  {info.comment}")
            )
        return True
