"""Which clauses and Annex A controls have an artifact, beside the register table.

Signals:
    artifact_requested(int): an artifact under a clause was double-clicked.
    ref_requested(str): a clause or control was double-clicked (filter the register to it).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeView, QVBoxLayout, QWidget

from workbench.models import ArtifactStatus
from workbench.services.register import coverage
from workbench.services.register.coverage import CoverageRow
from workbench.services.store.workspace import Workspace

REF_ROLE = Qt.ItemDataRole.UserRole + 1
ARTIFACT_ROLE = Qt.ItemDataRole.UserRole + 2
UNCOVERED = QColor("#b00020")
# A clause with thousands of records lists the first few; the rest are a filter away.
MAX_LISTED = 25


class CoveragePanel(QWidget):
    artifact_requested = Signal(int)
    ref_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coveragePanel")
        self.summary = QLabel(self)
        self.summary.setObjectName("coverageSummary")
        self.summary.setWordWrap(True)
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels(["Clause / control", "Artifacts"])
        self.tree = QTreeView(self)
        self.tree.setObjectName("coverageTree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.doubleClicked.connect(self._on_double_clicked)
        # The clause titles take the room there is and elide (the tooltip has them whole);
        # the panel never scrolls sideways.
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 80)
        self.tree.setIndentation(14)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("<b>Coverage</b> (ISO/IEC 27001:2022)", self)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    def refresh(self, workspace: Workspace) -> None:
        rows = coverage.coverage(workspace, listed=MAX_LISTED)
        self.model.removeRows(0, self.model.rowCount())
        clauses = QStandardItem("Clauses 4–10")
        controls = QStandardItem("Annex A controls")
        for group in (clauses, controls):
            group.setEditable(False)
        themes: dict[str, QStandardItem] = {}
        for row in rows:
            label = QStandardItem(f"{row.local_id}  {row.title}")
            label.setData(row.ref, REF_ROLE)
            covering = QStandardItem(_describe(row))
            covering.setToolTip(covering.text())
            if not row.covered:
                covering.setForeground(QBrush(UNCOVERED))
                label.setForeground(QBrush(UNCOVERED))
                label.setToolTip(
                    f"{row.local_id} {row.title}\n{row.ref}: no artifact covers it yet"
                )
            else:
                label.setText(f"{label.text()}  ({row.total})")
                label.setToolTip(f"{row.local_id} {row.title}\n{row.ref}: {covering.text()}")
            for artifact in row.artifacts:
                child = QStandardItem(artifact.title)
                child.setToolTip(artifact.title)
                child.setData(artifact.id, ARTIFACT_ROLE)
                label.appendRow([child, QStandardItem(_status(artifact.status))])
            hidden = row.total - len(row.artifacts)
            if hidden > 0:
                more = QStandardItem(f"… {hidden} more: double-click to filter the register")
                more.setData(row.ref, REF_ROLE)
                label.appendRow([more, QStandardItem()])
            if row.kind == "clause":
                clauses.appendRow([label, covering])
            else:
                theme = row.theme or "other"
                if theme not in themes:
                    themes[theme] = QStandardItem(theme.capitalize())
                    controls.appendRow([themes[theme], QStandardItem()])
                themes[theme].appendRow([label, covering])
        self.model.appendRow([clauses, QStandardItem()])
        self.model.appendRow([controls, QStandardItem()])
        self.tree.expand(self.model.index(0, 0))
        totals = coverage.summary(rows)
        self.summary.setText(
            f"Clauses covered: {totals['clause'][0]} of {totals['clause'][1]}. "
            f"Controls covered: {totals['control'][0]} of {totals['control'][1]}."
        )

    def _on_double_clicked(self, index: QModelIndex) -> None:
        first = index.siblingAtColumn(0)
        artifact_id = first.data(ARTIFACT_ROLE)
        if artifact_id is not None:
            self.artifact_requested.emit(int(artifact_id))
            return
        ref = first.data(REF_ROLE)
        if ref:
            self.ref_requested.emit(str(ref))


def _status(status: ArtifactStatus) -> str:
    return status.value.replace("_", " ")


def _describe(row: CoverageRow) -> str:
    if not row.covered:
        return "not covered"
    if row.total <= 3:
        return "; ".join(f"{a.title} ({_status(a.status)})" for a in row.artifacts)
    counts = ", ".join(f"{count} {_status(status)}" for status, count in row.status_counts)
    return f"{row.total} artifacts: {counts}"
