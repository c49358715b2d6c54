"""The planner's month calendar: coloured markers per event kind, and days to drop events on.

Signals:
    occurrence_dropped(str, object): an occurrence (its key) was dropped on a day (a date).
    drag_requested(object): the user started dragging from a day (a date); the pane answers
        with :meth:`EventCalendar.start_drag` when something on that day can move.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QEvent, QMimeData, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QMouseEvent,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QCalendarWidget, QHeaderView, QTableView, QWidget

from workbench.models import EventKind

OCCURRENCE_MIME = "application/x-workbench-occurrence"
Marker = tuple[EventKind, str]
MAX_DOTS = 3

KIND_COLOURS: dict[EventKind, str] = {
    EventKind.INTERNAL_AUDIT: "#1f6fb4",
    EventKind.MANAGEMENT_REVIEW: "#8250c4",
    EventKind.STAGE_1: "#e8790c",
    EventKind.STAGE_2: "#d62728",
    EventKind.SURVEILLANCE: "#d6459b",
    EventKind.RECERTIFICATION: "#8c564b",
    EventKind.DOCUMENT_REVIEW: "#2a9a2a",
    EventKind.TRAINING: "#129fb0",
    EventKind.OTHER: "#7f7f7f",
}


def kind_colour(kind: EventKind) -> QColor:
    return QColor(KIND_COLOURS[kind])


_ICONS: dict[EventKind, QIcon] = {}


def kind_icon(kind: EventKind) -> QIcon:
    """A small dot in the kind's colour, for list items."""
    if kind not in _ICONS:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(kind_colour(kind))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        _ICONS[kind] = QIcon(pixmap)
    return _ICONS[kind]


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def occurrence_mime(key: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(OCCURRENCE_MIME, key.encode("utf-8"))
    mime.setText(key)
    return mime


class EventCalendar(QCalendarWidget):
    occurrence_dropped = Signal(str, object)
    drag_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plannerCalendar")
        self.setGridVisible(True)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self._markers: dict[date, list[Marker]] = {}
        self._press: QPoint | None = None
        view = self.findChild(QTableView, "qt_calendar_calendarview")
        assert view is not None, "QCalendarWidget keeps its days in a QTableView"
        self.view: QTableView = view
        # The weekday names need one line, not a sixth of the height like the weeks.
        header = self.view.verticalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, self.fontMetrics().height() + 10)
        self.view.viewport().setAcceptDrops(True)
        self.view.viewport().installEventFilter(self)

    # --- markers ----------------------------------------------------------------------------

    def set_markers(self, markers: dict[date, list[Marker]]) -> None:
        """What each day shows: (kind, title) per event, in agenda order."""
        self._markers = markers
        self.updateCells()

    def markers(self, day: date) -> list[Marker]:
        return self._markers.get(day, [])

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:  # noqa: N802
        day = to_date(qdate) if isinstance(qdate, QDate) else qdate
        painter.save()
        self._paint_background(painter, rect, qdate)
        line = painter.fontMetrics().height() + 2
        number_rect = rect.adjusted(4, 2, -6, 0)
        painter.drawText(
            number_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), str(day.day)
        )
        markers = self._markers.get(day, [])
        if markers:
            body = rect.adjusted(3, line + 2, -3, -3)
            if body.height() >= line:
                self._paint_titles(painter, body, markers, line)
            else:
                self._paint_dots(painter, rect, markers)
        painter.restore()

    def _paint_background(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:
        palette = self.palette()
        in_month = qdate.month() == self.monthShown()
        if qdate == self.selectedDate():
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight).lighter(185))
        elif qdate == QDate.currentDate():
            painter.fillRect(rect, QColor("#fff6d5"))
        elif not in_month:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        colour = palette.color(QPalette.ColorRole.Text)
        weekend = self.weekdayTextFormat(Qt.DayOfWeek(qdate.dayOfWeek())).foreground()
        if weekend.style() != Qt.BrushStyle.NoBrush:
            colour = weekend.color()
        if not in_month:
            colour = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        font = painter.font()
        font.setBold(qdate == QDate.currentDate())
        painter.setFont(font)
        painter.setPen(colour)

    def _paint_titles(
        self, painter: QPainter, body: QRect, markers: list[Marker], line: int
    ) -> None:
        font = painter.font()
        font.setBold(False)
        font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        fits = max(1, body.height() // line)
        shown = markers if len(markers) <= fits else markers[: fits - 1]
        y = body.top()
        for kind, title in shown:
            pill = QRect(body.left(), y, body.width(), line - 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(kind_colour(kind))
            painter.drawRoundedRect(pill, 3, 3)
            painter.setPen(QColor("white"))
            text = metrics.elidedText(title, Qt.TextElideMode.ElideRight, pill.width() - 6)
            painter.drawText(
                pill.adjusted(3, 0, -3, 0),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
            y += line
        hidden = len(markers) - len(shown)
        if hidden:
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            more = QRect(body.left(), y, body.width(), line - 2)
            self._paint_dots(painter, more, markers[len(shown) :], label=f"+{hidden} more")

    def _paint_dots(
        self, painter: QPainter, rect: QRect, markers: list[Marker], label: str | None = None
    ) -> None:
        """Dots of the first kinds and a count: for cells too small for titles, or the rest."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        kinds = list(dict.fromkeys(kind for kind, _ in markers))[:MAX_DOTS]
        size = max(5, min(9, rect.height() // 3 if label else rect.height() // 6))
        x = rect.left() + 3
        y = rect.center().y() - size // 2 if label else rect.bottom() - size - 3
        for kind in kinds:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(kind_colour(kind))
            painter.drawEllipse(x, y, size, size)
            x += size + 2
        text = label or (str(len(markers)) if len(markers) > 1 else "")
        if text:
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            painter.drawText(
                QRect(x + 2, y - 4, rect.right() - x, size + 8),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )

    # --- where the days are -----------------------------------------------------------------

    def shown_range(self) -> tuple[date, date]:
        """The first and last day of the six weeks the page shows.

        As QCalendarWidget lays them out: the week of the 1st starts the page, or the week
        before it when the 1st falls on the first day of the week.
        """
        first = date(self.yearShown(), self.monthShown(), 1)
        offset = (first.isoweekday() - self.firstDayOfWeek().value) % 7 or 7
        begin = first - timedelta(days=offset)
        return begin, begin + timedelta(days=41)

    def _first_date_row(self) -> int:
        no_header = QCalendarWidget.HorizontalHeaderFormat.NoHorizontalHeader
        return 0 if self.horizontalHeaderFormat() == no_header else 1

    def date_at(self, position: QPoint) -> date | None:
        """The day under a point of the calendar's day view (viewport coordinates)."""
        index = self.view.indexAt(position)
        if not index.isValid():
            return None
        row = index.row() - self._first_date_row()
        try:
            day = int(index.data())
        except (TypeError, ValueError):
            return None
        if row < 0:
            return None
        year, month = self.yearShown(), self.monthShown()
        if row <= 1 and day > 20:
            month -= 1
        elif row >= 4 and day < 15:
            month += 1
        if month == 0:
            year, month = year - 1, 12
        elif month == 13:
            year, month = year + 1, 1
        try:
            return date(year, month, day)
        except ValueError:
            return None

    def cell_centre(self, day: date) -> QPoint | None:
        """Where ``day`` is drawn in the day view (viewport coordinates), when it is shown."""
        model = self.view.model()
        for row in range(self._first_date_row(), model.rowCount()):
            for column in range(model.columnCount()):
                centre = self.view.visualRect(model.index(row, column)).center()
                if self.date_at(centre) == day:
                    return centre
        return None

    # --- drag and drop ----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent)
            return self._on_drag_move(event)
        if kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            return self._on_drop(event)
        if kind == QEvent.Type.MouseButtonPress:
            assert isinstance(event, QMouseEvent)
            self._press = event.position().toPoint()
        elif kind == QEvent.Type.MouseMove and self._press is not None:
            assert isinstance(event, QMouseEvent)
            if (event.buttons() & Qt.MouseButton.LeftButton) and (
                event.position().toPoint() - self._press
            ).manhattanLength() >= QApplication.startDragDistance():
                day = self.date_at(self._press)
                self._press = None
                if day is not None and self.markers(day):
                    self.drag_requested.emit(day)
                    return True
        elif kind == QEvent.Type.MouseButtonRelease:
            self._press = None
        return super().eventFilter(watched, event)

    def _on_drag_move(self, event: QDragEnterEvent) -> bool:
        day = self.date_at(event.position().toPoint())
        if event.mimeData().hasFormat(OCCURRENCE_MIME) and day is not None:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()
        return True

    def _on_drop(self, event: QDropEvent) -> bool:
        day = self.date_at(event.position().toPoint())
        if not event.mimeData().hasFormat(OCCURRENCE_MIME) or day is None:
            event.ignore()
            return True
        key = bytes(event.mimeData().data(OCCURRENCE_MIME).data()).decode("utf-8")
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.occurrence_dropped.emit(key, day)
        return True

    def start_drag(self, key: str) -> None:
        """Drag the occurrence ``key`` (answering :attr:`drag_requested`)."""
        drag = QDrag(self.view.viewport())
        drag.setMimeData(occurrence_mime(key))
        drag.exec(Qt.DropAction.MoveAction)
