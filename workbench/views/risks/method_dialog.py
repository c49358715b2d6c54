"""The risk method editor: scales, levels and the matrix, edited as they look.

Each cell of the matrix is a button in its level's colour: a click moves it one level up, a
right-click one level down. The scales (3 to 6 ratings) and the levels (2 to 6) are tables
beside it. Saving a method that moves assessed risks lists them and asks first.

Signals:
    changes_made(ChangeSet): the new method is in force and the risks are re-levelled.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.services.common.errors import ServiceError
from workbench.services.risks import method as methods
from workbench.services.risks import relevel
from workbench.services.risks.method import (
    MAX_LEVELS,
    MAX_SCALE,
    MIN_LEVELS,
    MIN_SCALE,
    RiskLevel,
    RiskMethod,
    ScaleLevel,
)
from workbench.services.risks.relevel import Move
from workbench.services.store.workspace import Workspace
from workbench.views.common.pane import _sentence
from workbench.views.risks.heat_map import ink

NEW_LEVEL_COLOUR = "#7f7f7f"
SHOWN_MOVES = 15


class MatrixCell(QPushButton):
    """One cell of the matrix. Signals: stepped(int): +1 on a click, -1 on a right-click."""

    stepped = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(58, 36))
        self.clicked.connect(lambda: self.stepped.emit(1))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.RightButton:
            self.stepped.emit(-1)
            return
        super().mousePressEvent(event)


class MethodDialog(QDialog):
    changes_made = Signal(object)

    def __init__(self, workspace: Workspace, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Risk Method")
        self.setObjectName("riskMethodEditor")
        self.workspace = workspace
        self.actor = actor
        with workspace.read() as session:
            self.original = methods.current_method(session)
        self.matrix = [list(row) for row in self.original.matrix]
        self._filling = False

        self.likelihood_spin = self._spin("methodLikelihoodLevels", len(self.original.likelihood))
        self.impact_spin = self._spin("methodImpactLevels", len(self.original.impact))
        self.likelihood_table = self._scale_table("methodLikelihoodScale")
        self.impact_table = self._scale_table("methodImpactScale")
        self.levels_table = QTableWidget(0, 3, self)
        self.levels_table.setObjectName("methodLevels")
        self.levels_table.setHorizontalHeaderLabels(["Level", "Colour", "Rule and response"])
        self.levels_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.levels_table.setColumnWidth(0, 110)
        self.levels_table.setColumnWidth(1, 90)
        self.levels_table.verticalHeader().setVisible(False)
        self.levels_table.itemChanged.connect(self._on_levels_edited)
        self.add_level_button = QPushButton("Add Level", self)
        self.add_level_button.setObjectName("methodAddLevel")
        self.add_level_button.clicked.connect(self.add_level)
        self.remove_level_button = QPushButton("Remove Highest", self)
        self.remove_level_button.setObjectName("methodRemoveLevel")
        self.remove_level_button.clicked.connect(self.remove_level)
        self.threshold_combo = QComboBox(self)
        self.threshold_combo.setObjectName("methodThreshold")
        self.threshold_combo.currentIndexChanged.connect(self._update_warnings)

        tabs = QTabWidget(self)
        tabs.setObjectName("methodTabs")
        tabs.addTab(self.likelihood_table, "Likelihood scale")
        tabs.addTab(self.impact_table, "Impact scale")
        levels_tab = QWidget(self)
        levels_layout = QVBoxLayout(levels_tab)
        levels_layout.addWidget(self.levels_table)
        level_buttons = QHBoxLayout()
        level_buttons.addWidget(self.add_level_button)
        level_buttons.addWidget(self.remove_level_button)
        level_buttons.addStretch(1)
        levels_layout.addLayout(level_buttons)
        tabs.addTab(levels_tab, "Levels")
        self.tabs = tabs

        self.grid_box = QWidget(self)
        self.grid_box.setObjectName("methodMatrix")
        self.grid = QGridLayout(self.grid_box)
        self.grid.setSpacing(3)
        self.cells: dict[tuple[int, int], MatrixCell] = {}
        self.reset_button = QPushButton("Suggest Matrix", self)
        self.reset_button.setObjectName("methodSuggestMatrix")
        self.reset_button.setToolTip("Fill the matrix from likelihood × impact bands")
        self.reset_button.clicked.connect(self.suggest_matrix)
        hint = QLabel("Click a cell to raise its level, right-click to lower it.", self)
        hint.setStyleSheet("color: #5b6470;")
        self.warnings_label = QLabel(self)
        self.warnings_label.setObjectName("methodWarnings")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet("color: #a15c00;")
        self.comment_edit = QLineEdit(self)
        self.comment_edit.setObjectName("methodComment")
        self.comment_edit.setPlaceholderText("Why the method changes (recorded in the audit log)")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("dialogError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        sizes = QHBoxLayout()
        sizes.addWidget(QLabel("Likelihood ratings", self))
        sizes.addWidget(self.likelihood_spin)
        sizes.addSpacing(12)
        sizes.addWidget(QLabel("Impact ratings", self))
        sizes.addWidget(self.impact_spin)
        sizes.addSpacing(12)
        sizes.addWidget(QLabel("Acceptable up to", self))
        sizes.addWidget(self.threshold_combo)
        sizes.addStretch(1)
        matrix_side = QVBoxLayout()
        matrix_title = QLabel("<b>Matrix</b> (likelihood up, impact across)", self)
        matrix_side.addWidget(matrix_title)
        matrix_side.addWidget(self.grid_box, 1)
        matrix_buttons = QHBoxLayout()
        matrix_buttons.addWidget(hint, 1)
        matrix_buttons.addWidget(self.reset_button)
        matrix_side.addLayout(matrix_buttons)
        body = QHBoxLayout()
        body.addWidget(tabs, 5)
        body.addLayout(matrix_side, 6)
        layout = QVBoxLayout(self)
        layout.addLayout(sizes)
        layout.addLayout(body, 1)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.comment_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(980, 560)
        self.likelihood_spin.valueChanged.connect(self._on_size_changed)
        self.impact_spin.valueChanged.connect(self._on_size_changed)
        self._show(self.original)

    # --- building ---------------------------------------------------------------------------

    def _spin(self, name: str, value: int) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(MIN_SCALE, MAX_SCALE)
        spin.setValue(value)
        return spin

    def _scale_table(self, name: str) -> QTableWidget:
        table = QTableWidget(0, 2, self)
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(["Label", "What it means"])
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(0, 120)
        table.setWordWrap(True)
        table.itemChanged.connect(self._on_scale_edited)
        return table

    def _show(self, method: RiskMethod) -> None:
        self._filling = True
        try:
            for table, scale in (
                (self.likelihood_table, method.likelihood),
                (self.impact_table, method.impact),
            ):
                table.setRowCount(len(scale))
                table.setVerticalHeaderLabels([str(n) for n in range(1, len(scale) + 1)])
                for row, step in enumerate(scale):
                    table.setItem(row, 0, QTableWidgetItem(step.label))
                    table.setItem(row, 1, QTableWidgetItem(step.description))
                table.resizeRowsToContents()
            self.levels_table.setRowCount(len(method.levels))
            for row, level in enumerate(method.levels):
                self.levels_table.setItem(row, 0, QTableWidgetItem(level.name))
                self.levels_table.setItem(row, 2, QTableWidgetItem(level.description))
                self._colour_button(row, level.colour)
            self.levels_table.resizeRowsToContents()
            self.matrix = [list(row) for row in method.matrix]
            self._fill_threshold(method.threshold)
        finally:
            self._filling = False
        self._build_grid()
        self._update_warnings()

    def _colour_button(self, row: int, colour: str) -> None:
        button = QPushButton(colour, self.levels_table)
        button.setObjectName(f"methodLevelColour{row}")
        button.setProperty("colour", colour)
        qcolour = QColor(colour)
        button.setStyleSheet(
            f"QPushButton {{ background: {colour}; color: {ink(qcolour).name()}; border: none; }}"
        )
        button.clicked.connect(lambda _=False, r=row: self.choose_colour(r))
        self.levels_table.setCellWidget(row, 1, button)

    def _fill_threshold(self, threshold: int) -> None:
        self.threshold_combo.blockSignals(True)
        self.threshold_combo.clear()
        for index, level in enumerate(self._levels()):
            self.threshold_combo.addItem(level.name, index)
        self.threshold_combo.setCurrentIndex(min(threshold, self.threshold_combo.count() - 1))
        self.threshold_combo.blockSignals(False)

    def _build_grid(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.cells.clear()
        likelihood = self._scale(self.likelihood_table)
        impact = self._scale(self.impact_table)
        rows = len(likelihood)
        for number in range(rows, 0, -1):
            label = QLabel(f"{number} {likelihood[number - 1].label}", self.grid_box)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setWordWrap(True)
            self.grid.addWidget(label, rows - number, 0)
            for column in range(1, len(impact) + 1):
                cell = MatrixCell(self.grid_box)
                cell.setObjectName(f"matrixCell_{number}_{column}")
                cell.stepped.connect(
                    lambda step, row=number, column=column: self.step(row, column, step)
                )
                self.grid.addWidget(cell, rows - number, column)
                self.cells[(number, column)] = cell
        for column in range(1, len(impact) + 1):
            label = QLabel(f"{column} {impact[column - 1].label}", self.grid_box)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            label.setWordWrap(True)
            self.grid.addWidget(label, rows, column)
        self.grid.setColumnStretch(0, 0)
        for column in range(1, len(impact) + 1):
            self.grid.setColumnStretch(column, 1)
        self._paint_cells()

    def _paint_cells(self) -> None:
        levels = self._levels()
        for (likelihood, impact), cell in self.cells.items():
            index = self.matrix[likelihood - 1][impact - 1]
            level = levels[index]
            colour = QColor(level.colour)
            cell.setText(level.name)
            cell.setToolTip(
                f"Likelihood {likelihood}, impact {impact}: {level.name}. Click for a higher "
                "level, right-click for a lower one."
            )
            cell.setStyleSheet(
                f"QPushButton {{ background: {colour.name()}; color: {ink(colour).name()}; "
                "border: 1px solid #ffffff; border-radius: 3px; font-weight: bold; }"
            )

    # --- reading the widgets ----------------------------------------------------------------

    def _scale(self, table: QTableWidget) -> tuple[ScaleLevel, ...]:
        found = []
        for row in range(table.rowCount()):
            label, description = table.item(row, 0), table.item(row, 1)
            found.append(
                ScaleLevel(label.text() if label else "", description.text() if description else "")
            )
        return tuple(found)

    def _levels(self) -> tuple[RiskLevel, ...]:
        found = []
        for row in range(self.levels_table.rowCount()):
            name, description = self.levels_table.item(row, 0), self.levels_table.item(row, 2)
            button = self.levels_table.cellWidget(row, 1)
            colour = str(button.property("colour")) if button is not None else NEW_LEVEL_COLOUR
            found.append(
                RiskLevel(
                    name.text() if name else "", colour, description.text() if description else ""
                )  # fmt: skip
            )
        return tuple(found)

    def current(self) -> RiskMethod:
        """The method as the dialog shows it (checked: raises MethodError when it cannot be)."""
        method = RiskMethod(
            self._scale(self.likelihood_table),
            self._scale(self.impact_table),
            self._levels(),
            tuple(tuple(row) for row in self.matrix),
            int(self.threshold_combo.currentData() or 0),
        )
        return methods.from_data(method.to_data())

    # --- editing ----------------------------------------------------------------------------

    def step(self, likelihood: int, impact: int, step: int) -> None:
        """Move one cell a level up (+1) or down (-1), stopping at the ends."""
        top = len(self._levels()) - 1
        value = self.matrix[likelihood - 1][impact - 1] + step
        self.matrix[likelihood - 1][impact - 1] = max(0, min(top, value))
        self._paint_cells()
        self._update_warnings()

    def suggest_matrix(self) -> None:
        banded = methods.banded_matrix(
            self.likelihood_spin.value(), self.impact_spin.value(), len(self._levels())
        )
        self.matrix = [list(row) for row in banded]
        self._paint_cells()
        self._update_warnings()

    def _on_size_changed(self) -> None:
        try:
            current = self.current()
        except ServiceError:
            current = self.original
        self._show(methods.resized(current, self.likelihood_spin.value(), self.impact_spin.value()))

    def _on_scale_edited(self) -> None:
        if not self._filling:
            self._build_grid()
            self._update_warnings()

    def _on_levels_edited(self) -> None:
        if not self._filling:
            self._fill_threshold(self.threshold_combo.currentIndex())
            self._paint_cells()
            self._update_warnings()

    def ask_colour(self, current: str) -> str | None:
        """A colour for a level (tests replace this)."""
        chosen = QColorDialog.getColor(QColor(current), self, "Level Colour")
        return chosen.name() if chosen.isValid() else None

    def choose_colour(self, row: int) -> None:
        button = self.levels_table.cellWidget(row, 1)
        current = str(button.property("colour")) if button is not None else NEW_LEVEL_COLOUR
        chosen = self.ask_colour(current)
        if chosen:
            self.set_level_colour(row, chosen)

    def set_level_colour(self, row: int, colour: str) -> None:
        self._colour_button(row, colour)
        self._paint_cells()

    def add_level(self) -> None:
        count = self.levels_table.rowCount()
        if count >= MAX_LEVELS:
            return
        self._filling = True
        self.levels_table.insertRow(count)
        self.levels_table.setItem(count, 0, QTableWidgetItem(f"Level {count + 1}"))
        self.levels_table.setItem(count, 2, QTableWidgetItem(""))
        self._colour_button(count, NEW_LEVEL_COLOUR)
        self._filling = False
        self._on_levels_edited()

    def remove_level(self) -> None:
        count = self.levels_table.rowCount()
        if count <= MIN_LEVELS:
            return
        self.levels_table.removeRow(count - 1)
        self.matrix = [[min(cell, count - 2) for cell in row] for row in self.matrix]
        self._fill_threshold(min(self.threshold_combo.currentIndex(), count - 2))
        self._on_levels_edited()

    def _update_warnings(self) -> None:
        try:
            method = self.current()
        except ServiceError as error:
            self.warnings_label.setText(_sentence(str(error)))
            self.add_level_button.setEnabled(self.levels_table.rowCount() < MAX_LEVELS)
            return
        self.warnings_label.setText("\n".join(f"Note: {_sentence(w)}" for w in method.warnings()))
        self.add_level_button.setEnabled(len(method.levels) < MAX_LEVELS)
        self.remove_level_button.setEnabled(len(method.levels) > MIN_LEVELS)

    # --- saving -----------------------------------------------------------------------------

    def confirm_moves(self, moves: list[Move]) -> bool:
        """Ask before re-levelling assessed risks (tests replace this)."""
        listed = "\n".join(move.describe() for move in moves[:SHOWN_MOVES])
        more = f"\n… and {len(moves) - SHOWN_MOVES} more" if len(moves) > SHOWN_MOVES else ""
        answer = QMessageBox.question(
            self,
            "Re-level Risks",
            f"The new method re-levels {len(moves)} assessed risk(s):\n\n{listed}{more}\n\n"
            "Change the method and re-level them? The audit log records every move.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _fail(self, text: str) -> None:
        self.error_label.setText(_sentence(text))
        self.error_label.show()

    def accept(self) -> None:
        try:
            method = self.current()
        except ServiceError as error:
            self._fail(str(error))
            return
        if method.same_as(self.original):
            self._fail("nothing was changed")
            return
        moves = relevel.preview(self.workspace, method)
        if moves and not self.confirm_moves(moves):
            return
        try:
            changes, _ = relevel.set_method(
                self.workspace, actor=self.actor, method=replace(method, version=0),
                comment=self.comment_edit.text(), confirmed=True,
            )  # fmt: skip
        except ServiceError as error:
            self._fail(str(error))
            return
        self.changes_made.emit(changes)
        super().accept()
