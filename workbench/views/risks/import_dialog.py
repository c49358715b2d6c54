"""Importing the client's risk spreadsheet: choose the file, map its columns, check, import.

Each column of the sheet gets a field, guessed from its name; the preview shows the first rows
as the sheet has them. "Check" reports what an import would do (every row that would be left
out, and why) without writing; "Import" writes it and shows the same report.

Signals:
    changes_made(ChangeSet): risks were imported.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.services.common.errors import ServiceError
from workbench.services.risks import importing
from workbench.services.risks.importing import FIELD_TITLES, Field, ImportReport, SourceTable
from workbench.services.store.workspace import Workspace
from workbench.views.common.pane import _sentence

NOT_IMPORTED = ""


class ImportDialog(QDialog):
    changes_made = Signal(object)

    def __init__(self, workspace: Workspace, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Risks")
        self.setObjectName("riskImportDialog")
        self.workspace = workspace
        self.actor = actor
        self.table: SourceTable | None = None
        self.report: ImportReport | None = None

        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("riskImportPath")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("An Excel workbook (.xlsx) or a CSV file")
        self.browse_button = QPushButton("Choose File…", self)
        self.browse_button.setObjectName("riskImportBrowse")
        self.browse_button.clicked.connect(self.browse)
        self.sheet_label = QLabel(self)
        self.sheet_label.setObjectName("riskImportSheet")
        self.preview = QTableWidget(0, 0, self)
        self.preview.setObjectName("riskImportPreview")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setDefaultSectionSize(22)
        self.report_view = QPlainTextEdit(self)
        self.report_view.setObjectName("riskImportReport")
        self.report_view.setReadOnly(True)
        self.report_view.setPlaceholderText(
            "Map the columns above (each combo box is the field its column goes to), then "
            "Check to see what the import will do."
        )
        self.error_label = QLabel(self)
        self.error_label.setObjectName("dialogError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.check_button = self.buttons.addButton("&Check", QDialogButtonBox.ButtonRole.ActionRole)
        self.check_button.setObjectName("riskImportCheck")
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.import_button.setObjectName("riskImportRun")
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        self.buttons.rejected.connect(self.reject)

        chooser = QHBoxLayout()
        chooser.addWidget(self.path_edit, 1)
        chooser.addWidget(self.browse_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.preview)
        splitter.addWidget(self.report_view)
        splitter.setSizes([320, 160])
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.sheet_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(940, 600)
        self._update_buttons()

    # --- the file ---------------------------------------------------------------------------

    def ask_path(self) -> str:
        """The file to import (tests replace this)."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Import Risks", str(Path.home()), "Spreadsheets (*.xlsx *.xlsm *.csv);;All (*)"
        )
        return path

    def browse(self) -> None:
        chosen = self.ask_path()
        if chosen:
            self.load(Path(chosen))

    def load(self, path: Path) -> bool:
        """Read a file and show its columns with their guessed fields."""
        self.error_label.hide()
        self.report = None
        self.report_view.clear()
        self.path_edit.setText(str(path))
        try:
            self.table = importing.read_table(path)
        except ServiceError as error:
            self.table = None
            self.preview.clear()
            self.preview.setRowCount(0)
            self.preview.setColumnCount(0)
            self.sheet_label.clear()
            self._fail(str(error))
            return False
        table = self.table
        self.sheet_label.setText(
            f"Sheet “{table.sheet}”: header in row {table.header_row}, {len(table.rows)} row(s) "
            f"below it{f', {table.blank_rows} blank row(s) skipped' if table.blank_rows else ''}."
        )
        guessed = importing.guess_mapping(table.headers)
        rows = importing.preview(table)
        self.preview.clear()
        self.preview.setColumnCount(len(table.headers))
        self.preview.setRowCount(len(rows) + 1)
        self.preview.setVerticalHeaderLabels(
            ["field"] + [str(row.number) for row in table.rows[: len(rows)]]
        )
        self.preview.setHorizontalHeaderLabels(list(table.headers))
        for column in range(len(table.headers)):
            combo = QComboBox(self.preview)
            combo.setObjectName(f"riskImportField{column}")
            combo.addItem("— not imported —", NOT_IMPORTED)
            for field in Field:
                if field is not Field.IGNORE:
                    combo.addItem(FIELD_TITLES[field], field.value)
            chosen = guessed.get(column)
            combo.setCurrentIndex(max(combo.findData(chosen.value if chosen else NOT_IMPORTED), 0))
            combo.currentIndexChanged.connect(self._on_mapping_changed)
            self.preview.setCellWidget(0, column, combo)
            for row, values in enumerate(rows, start=1):
                text = values[column] if column < len(values) else ""
                self.preview.setItem(row, column, QTableWidgetItem(text))
        self.preview.resizeColumnsToContents()
        for column in range(len(table.headers)):
            self.preview.setColumnWidth(
                column, min(max(self.preview.columnWidth(column), 150), 280)
            )
        self._update_buttons()
        return True

    # --- mapping and importing --------------------------------------------------------------

    def mapping(self) -> dict[int, Field]:
        found: dict[int, Field] = {}
        if self.table is None:
            return found
        for column in range(len(self.table.headers)):
            combo = self.preview.cellWidget(0, column)
            if isinstance(combo, QComboBox) and combo.currentData():
                found[column] = Field(combo.currentData())
        return found

    def set_field(self, column: int, field: Field | None) -> None:
        combo = self.preview.cellWidget(0, column)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(max(combo.findData(field.value if field else NOT_IMPORTED), 0))

    def _on_mapping_changed(self) -> None:
        self.report = None
        self.report_view.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.table is not None and bool(self.mapping())
        self.check_button.setEnabled(ready)
        self.import_button.setEnabled(ready)

    def _fail(self, text: str) -> None:
        self.error_label.setText(_sentence(f"{text}") + " Nothing was imported.")
        self.error_label.show()

    def run(self, *, dry_run: bool) -> ImportReport | None:
        if self.table is None:
            return None
        self.error_label.hide()
        mapping = self.mapping()
        duplicated = [
            FIELD_TITLES[f] for f in set(mapping.values())
            if f is not Field.LEVEL and list(mapping.values()).count(f) > 1
        ]  # fmt: skip
        if duplicated:
            self._fail(f"two columns are mapped to {', '.join(sorted(duplicated))}")
            return None
        try:
            report = importing.run_import(
                self.workspace, actor=self.actor, table=self.table, mapping=mapping,
                dry_run=dry_run,
            )  # fmt: skip
        except ServiceError as error:
            self._fail(str(error))
            return None
        self.report = report
        self.report_view.setPlainText("\n".join(report.lines()))
        if not dry_run:
            self.changes_made.emit(report.changes)
            self.import_button.setEnabled(False)
        return report
