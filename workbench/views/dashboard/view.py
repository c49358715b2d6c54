"""The Dashboard pane: how ready the ISMS is for its audit, at a glance.

Charts of the applicable controls implemented per theme and of the documents meeting clauses 4
to 10 by approval state, drawn in the app; beside them what needs attention, each count a way
into the pane where it is dealt with. The figures refresh after any change that moves them.

Signals:
    navigation_requested(str, str): show a pane at a target (a filter, a control, a document).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workbench.services.common.errors import ServiceError
from workbench.services.dashboard import charts, figures, palette
from workbench.services.dashboard.figures import Attention, Link, Readiness
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.views.common.pane import Pane
from workbench.views.dashboard.painter import paint_chart

MIN_CHART_WIDTH = 480
# On screen the charts read better a little larger than on paper.
SCREEN_SCALE = 1.15


class ReadinessChart(QWidget):
    """The charts, laid out for the widget's width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readinessChart")
        self.readiness: Readiness | None = None
        self.chart: charts.Chart | None = None
        self.setMinimumWidth(MIN_CHART_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_readiness(self, readiness: Readiness) -> None:
        self.readiness = readiness
        self._relayout()

    def _relayout(self) -> None:
        if self.readiness is None:
            return
        width = max(MIN_CHART_WIDTH, self.width() - 8) / SCREEN_SCALE
        self.chart = charts.layout(self.readiness, width=width, attention=False)
        self.setFixedHeight(int(self.chart.height * SCREEN_SCALE) + 8)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self.chart is None or abs(self.chart.width * SCREEN_SCALE - (self.width() - 8)) > 1:
            self._relayout()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        if self.chart is None:
            return
        painter = QPainter(self)
        try:
            painter.translate(4, 4)
            paint_chart(painter, self.chart, scale=SCREEN_SCALE)
        finally:
            painter.end()


class DashboardView(Pane):
    title = "Dashboard"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardView")
        self.readiness: Readiness | None = None
        self._stale = True

        self.heading = QLabel(self)
        self.heading.setObjectName("dashboardHeading")
        self.heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.heading.setWordWrap(True)
        self.refresh_button = QPushButton("&Refresh", self)
        self.refresh_button.setObjectName("dashboardRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("Export &PDF…", self)
        self.export_button.setObjectName("dashboardExport")
        self.export_button.clicked.connect(self.export_pdf)

        self.chart = ReadinessChart(self)
        scroll = QScrollArea(self)
        scroll.setObjectName("dashboardCharts")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget(scroll)
        holder_layout = QVBoxLayout(holder)
        holder_layout.addWidget(self.chart)
        holder_layout.addStretch(1)
        scroll.setWidget(holder)

        self.attention_box = QFrame(self)
        self.attention_box.setObjectName("dashboardAttention")
        self.attention_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.attention_box.setMinimumWidth(250)
        self.attention_box.setMaximumWidth(320)
        self.attention_layout = QGridLayout(self.attention_box)
        self.attention_buttons: dict[str, QPushButton] = {}

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.export_button)
        body = QHBoxLayout()
        body.addWidget(scroll, 1)
        body.addWidget(self.attention_box, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    # --- workspace and changes --------------------------------------------------------------

    def set_workspace(self, workspace: Workspace) -> None:
        super().set_workspace(workspace)
        self._stale = True
        self.refresh()

    def apply_changes(self, changes: ChangeSet) -> None:
        if (changes.controls or changes.evidence or changes.artifacts or changes.versions
                or changes.approvals or changes.events or changes.profile or changes.risks
                or changes.risk_method):  # fmt: skip
            self._stale = True
            if self.isVisible():
                self._refresh_timer.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:
            self._refresh_timer.start()

    def refresh(self) -> None:
        if self.workspace is None:
            return
        self._stale = False
        self.readiness = figures.readiness(self.workspace)
        name = self.readiness.organisation or "the ISMS"
        percent = self.readiness.overall.percent
        overall = (
            "no applicable control"
            if percent is None
            else f"{percent}% of applicable controls implemented"
        )
        self.heading.setText(
            f"Readiness of {name} · {overall} · as of {self.readiness.as_of.isoformat()}"
        )
        self.chart.set_readiness(self.readiness)
        self._show_attention(self.readiness.attention)

    def _show_attention(self, items: tuple[Attention, ...]) -> None:
        while self.attention_layout.count():
            taken = self.attention_layout.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.attention_buttons.clear()
        title = QLabel("<b>Needs attention</b>", self.attention_box)
        self.attention_layout.addWidget(title, 0, 0, 1, 2)
        for row, item in enumerate(items, start=1):
            count = QLabel(str(item.count), self.attention_box)
            colour = palette.WARNING if item.count else palette.OK
            count.setStyleSheet(f"color: {colour}; font-weight: 600; font-size: 15px;")
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            button = QPushButton(item.label, self.attention_box)
            button.setObjectName(f"attention_{item.key}")
            button.setFlat(True)
            button.setStyleSheet("text-align: left; padding: 2px 4px;")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(_tooltip(item))
            button.clicked.connect(lambda _=False, chosen=item: self.follow(chosen))
            self.attention_buttons[item.key] = button
            self.attention_layout.addWidget(count, row, 0)
            self.attention_layout.addWidget(button, row, 1)
        self.attention_layout.setColumnStretch(1, 1)
        self.attention_layout.setRowStretch(len(items) + 1, 1)

    # --- links ------------------------------------------------------------------------------

    def follow(self, item: Attention) -> QMenu | None:
        """Open where the item is dealt with; an item naming several records offers them."""
        if item.link.pane == "controls" or not item.items:
            self.open_link(item.link)
            return None
        if len(item.items) == 1:
            self.open_link(item.items[0][1])
            return None
        menu = QMenu(self)
        menu.setObjectName("attentionMenu")
        for label, link in item.items[:30]:
            action = menu.addAction(label)
            action.setData(link)
            action.triggered.connect(partial(self.open_link, link))
        if item.link.target:
            menu.addSeparator()
            menu.addAction("Show All", lambda: self.open_link(item.link))
        button = self.attention_buttons.get(item.key)
        where = (
            button.mapToGlobal(QPoint(0, button.height())) if button else self.mapToGlobal(QPoint())
        )
        menu.popup(where)
        return menu

    def open_link(self, link: Link) -> None:
        self.navigation_requested.emit(link.pane, link.target)

    # --- export -----------------------------------------------------------------------------

    def ask_export_path(self) -> str:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export Dashboard", str(Path.home() / "readiness.pdf"), "PDF (*.pdf)"
        )
        return chosen

    def export_pdf(self) -> None:
        from workbench.services.exports.dashboard_pdf import write_dashboard_pdf

        if self.workspace is None:
            return
        chosen = self.ask_export_path()
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(f"{target.name}.pdf")
        try:
            write_dashboard_pdf(figures.readiness(self.workspace), target)
        except ServiceError as error:
            self.report_error("Export Dashboard", error)
            return
        self.heading.setToolTip(f"Exported to {target}")


def _tooltip(item: Attention) -> str:
    if not item.items:
        return item.label
    shown = [label for label, _ in item.items[:10]]
    more = len(item.items) - len(shown)
    return "\n".join(shown + ([f"…and {more} more"] if more > 0 else []))
