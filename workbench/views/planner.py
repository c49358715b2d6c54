"""The Planner pane: a month calendar of audits and reviews, and the agenda of the selected day."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCalendarWidget,
    QLabel,
    QListView,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.views.pane import Pane


class PlannerView(Pane):
    title = "Planner"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plannerView")
        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName("plannerCalendar")
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.agenda_model = QStandardItemModel(self)
        self.agenda = QListView(self)
        self.agenda.setObjectName("agendaList")
        self.agenda.setModel(self.agenda_model)
        agenda_box = QWidget(self)
        agenda_layout = QVBoxLayout(agenda_box)
        agenda_layout.setContentsMargins(0, 0, 0, 0)
        agenda_layout.addWidget(QLabel("Agenda", agenda_box))
        agenda_layout.addWidget(self.agenda, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.calendar)
        splitter.addWidget(agenda_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
