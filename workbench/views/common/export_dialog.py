"""Export Document: one version of an artifact as PDF, Word, HTML or Markdown.

The user picks the version (the latest by default; approved and published ones are marked),
the format, the page size and the file. Export writes the file through
:func:`doc_export.export_document` and says inline what it wrote (with Show in Folder and Open),
or why it could not; the dialog stays open for another format or version. An export changes
nothing in the workspace. The file is named in the folder last used for exports of this
workspace; an existing file is replaced only after asking.

Signals:
    exported(Path): a file was written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from workbench.services.approvals import reviews
from workbench.services.common.errors import ServiceError
from workbench.services.exports import document_export
from workbench.services.exports.document_export import ExportError
from workbench.services.register import artifacts, listing, versioning
from workbench.services.store.workspace import Workspace
from workbench.views.common.files import (
    FileButtons,
    FileKind,
    FilePlaces,
    ask_save_path,
    confirm_target,
)
from workbench.views.common.form_dialog import FormDialog
from workbench.views.common.pane import _sentence

FORMATS = ("pdf", "docx", "html", "md")
FILE_FILTERS = {
    "pdf": "PDF (*.pdf)",
    "docx": "Word document (*.docx)",
    "html": "Web page (*.html)",
    "md": "Markdown (*.md)",
}
PAGED = ("pdf", "docx", "html")  # formats with a page size


class ExportDialog(FormDialog):
    exported = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        *,
        artifact_id: int,
        actor: str,
        folder: Path | None = None,
        files: FilePlaces | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Export Document", parent)
        self.setObjectName("exportDialog")
        self.workspace = workspace
        self.artifact_id = artifact_id
        self.actor = actor  # exports are not logged; kept for the caller's symmetry
        self.details = artifacts.get_details(workspace, artifact_id)

        self.artifact_label = QLabel(f"{self.details.title} (register id {artifact_id})", self)
        self.artifact_label.setObjectName("exportArtifact")
        self.version_combo = QComboBox(self)
        self.version_combo.setObjectName("exportVersion")
        self._fill_versions()
        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("exportFormat")
        for fmt in FORMATS:
            self.format_combo.addItem(document_export.FORMAT_TITLES[fmt], fmt)
        self.page_combo = QComboBox(self)
        self.page_combo.setObjectName("exportPageSize")
        for size in document_export.PAGE_SIZES:
            self.page_combo.addItem(size, size)
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("exportPath")
        self.browse_button = QPushButton("&Browse...", self)
        self.browse_button.setObjectName("exportBrowse")
        self.browse_button.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("exportStatus")
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.file_buttons = FileButtons(self)

        self.form.addRow("Document", self.artifact_label)
        self.form.addRow("&Version", self.version_combo)
        self.form.addRow("&Format", self.format_combo)
        self.form.addRow("&Page size", self.page_combo)
        save_as = QLabel("&Save as", self)
        save_as.setBuddy(self.path_edit)
        self.form.addRow(save_as, path_row)
        self.form.addRow(self.status_label)
        self.form.addRow(self.file_buttons)
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("&Export")
        self.export_button.setObjectName("exportButton")
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)

        self._auto_name = ""
        self.files = files or FilePlaces(workspace=workspace)
        self._folder = folder or self.files.folder(FileKind.EXPORT)
        self._update_path()
        self.version_combo.currentIndexChanged.connect(self._update_path)
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)
        self.setMinimumWidth(560)

    def _fill_versions(self) -> None:
        approved = set(reviews.approved_versions(self.workspace, self.artifact_id))
        row = listing.fetch_rows(self.workspace, [self.artifact_id]).get(self.artifact_id)
        published = row.published_version if row else None
        for info in versioning.history(self.workspace, self.artifact_id):
            marks = [
                mark
                for mark, on in (
                    ("published", info.number == published),
                    ("approved", info.number in approved),
                )  # fmt: skip
                if on
            ]
            label = (
                f"{info.number} · {info.created_at.astimezone():%Y-%m-%d %H:%M} · {info.author}"
                + (f" · {marks[0]}" if marks else "")
            )
            self.version_combo.addItem(label, info.number)

    # --- choices ------------------------------------------------------------------------------

    @property
    def version(self) -> int | None:
        value = self.version_combo.currentData()
        return int(value) if value is not None else None

    @property
    def fmt(self) -> str:
        return str(self.format_combo.currentData())

    @property
    def page_size(self) -> str:
        return str(self.page_combo.currentData())

    def _default_name(self) -> str:
        return f"{document_export.file_stem(self.details.title, self.version or 1)}.{self.fmt}"

    def _update_path(self) -> None:
        """Name the file after the document and version, unless the user named it."""
        current = Path(self.path_edit.text().strip()) if self.path_edit.text().strip() else None
        name = self._default_name()
        if current is None:
            self.path_edit.setText(str(self._folder / name))
        elif current.name == self._auto_name:
            self.path_edit.setText(str(current.with_name(name)))
        else:
            self.path_edit.setText(str(current.with_suffix(f".{self.fmt}")))
        self._auto_name = name

    def _on_format_changed(self) -> None:
        self.page_combo.setEnabled(self.fmt in PAGED)
        self._update_path()

    def _browse(self) -> None:
        chosen = ask_save_path(
            self, "Export Document", Path(self.path_edit.text()), FILE_FILTERS[self.fmt]
        )
        if chosen:
            self.path_edit.setText(chosen)

    # --- export -------------------------------------------------------------------------------

    def accept(self) -> None:
        """Write the file; the dialog stays open and says what happened."""
        text = self.path_edit.text().strip()
        try:
            if not text:
                raise ExportError("choose the file to write")
            target = Path(text).expanduser()
            if not confirm_target(self, target, title="Export Document"):
                return
            document = document_export.export_document(
                self.workspace, self.artifact_id, fmt=self.fmt, target=target,
                version=self.version, page_size=self.page_size,
            )  # fmt: skip
        except ServiceError as error:
            self.status_label.hide()
            self.file_buttons.set_path(None)
            self.error_label.setText(_sentence(str(error)))
            self.error_label.show()
            return
        self.error_label.hide()
        self.files.remember(FileKind.EXPORT, target)
        self.file_buttons.set_path(target)
        self.status_label.setText(
            f"Version {document.version} ({document.status}) written to {target}."
        )
        self.status_label.show()
        self.close_button.setText("Close")
        self.exported.emit(target)


def open_export_dialog(
    parent: QWidget | None,
    workspace: Workspace,
    artifact_id: int,
    actor: str,
    files: FilePlaces | None = None,
) -> ExportDialog:
    """Show the Export Document dialog for one artifact (window-modal) and return it."""
    dialog = ExportDialog(
        workspace, artifact_id=artifact_id, actor=actor, files=files, parent=parent
    )
    dialog.open()
    return dialog
