"""The Planner pane: a month calendar of audits and reviews, the agenda, and what is due.

The calendar marks each day's events by kind; the agenda lists the selected day, week, month or
year; "Upcoming and overdue" lists what needs attention, open audit findings included. Events
are dragged from either list onto a calendar day (or from a day with events) to reschedule.

Signals:
    artifact_open_requested(int): open this artifact (a review due date's document).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.models import EventKind, EventStatus
from workbench.services.common.errors import ServiceError
from workbench.services.planner import (
    due_reviews,
    events,
    programme,
    recurrence,
    rescheduling,
    schedule,
    upcoming,
)
from workbench.services.planner.drafts import (
    AUDIT_KINDS,
    EARLIEST_DAY,
    KIND_LABELS,
    LATEST_DAY,
    EventDraft,
    OccurrenceChange,
    PlannerError,
)
from workbench.services.planner.rescheduling import Scope
from workbench.services.planner.schedule import CONTROL_SOURCES, Occurrence, Source
from workbench.services.register import listing
from workbench.services.register.listing import RegisterFilter
from workbench.services.risks import records
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.views.common.action_bar import ActionBar
from workbench.views.common.dates import format_date, format_day
from workbench.views.common.empty_state import show_when_empty
from workbench.views.common.files import FileKind, announce, ask_save_path, confirm_target
from workbench.views.common.pane import Pane, counted
from workbench.views.planner.calendar import (
    KIND_COLOURS,
    EventCalendar,
    to_date,
    to_qdate,
)
from workbench.views.planner.event_dialog import EventDialog, Mode
from workbench.views.planner.findings_dialog import FindingsDialog
from workbench.views.planner.models import AgendaModel, UpcomingModel, day_label
from workbench.views.planner.programme_dialog import ProgrammeDialog

ICS_FILTER = "iCalendar files (*.ics);;All files (*)"
UPCOMING_DAYS = 30
ARTIFACT_MATCHES = 20


class AgendaRange(Enum):
    DAY = "Day"
    WEEK = "Week"
    MONTH = "Month"
    YEAR = "Year"


class PlannerView(Pane):
    title = "Planner"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plannerView")
        self.zone = recurrence.local_zone()
        self.toolbar = ActionBar(self)
        self.toolbar.setObjectName("plannerToolbar")
        self._build_actions()

        self.calendar = EventCalendar(self)
        self.calendar.selectionChanged.connect(self.refresh_agenda)
        self.calendar.currentPageChanged.connect(lambda _y, _m: self.refresh_calendar())
        self.calendar.activated.connect(lambda _d: self.new_event())
        self.calendar.occurrence_dropped.connect(self._on_occurrence_dropped)
        self.calendar.drag_requested.connect(self._on_calendar_drag)

        self.range_combo = QComboBox(self)
        self.range_combo.setObjectName("agendaRange")
        for choice in AgendaRange:
            self.range_combo.addItem(choice.value, choice.name)
        self.range_combo.setCurrentIndex(self.range_combo.findData(AgendaRange.WEEK.name))
        self.range_combo.currentIndexChanged.connect(self.refresh_agenda)
        self.agenda_title = QLabel(self)
        self.agenda_title.setObjectName("agendaTitle")
        self.agenda_model = AgendaModel(self)
        self.agenda = self._list("agendaList", self.agenda_model)
        self.upcoming_title = QLabel(self)
        self.upcoming_title.setObjectName("upcomingTitle")
        self.upcoming_model = UpcomingModel(self)
        self.upcoming = self._list("upcomingList", self.upcoming_model)
        self.agenda_hint = show_when_empty(self.agenda, "Nothing planned.")
        self.upcoming_hint = show_when_empty(
            self.upcoming, f"Nothing overdue and nothing due in the next {UPCOMING_DAYS} days."
        )
        # Events the workspace holds but cannot show (a rule or date changed outside the
        # workbench): named here rather than hidden.
        self.problems_label = QLabel(self)
        self.problems_label.setObjectName("plannerProblems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b00020;")
        self.problems_label.hide()
        self.calendar.setDateRange(to_qdate(EARLIEST_DAY), to_qdate(LATEST_DAY))
        self._active_list = self.agenda
        self._layout()
        self._update_actions()

    # --- construction -----------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.new_action = self._action("&New Event…", self.new_event, QKeySequence.StandardKey.New)
        self.edit_action = self._action("&Edit…", self.edit_selected, "F2")
        self.done_action = self._action("Mark &Done", self.mark_selected_done, "Ctrl+Shift+D")
        self.findings_action = self._action("&Findings…", self.show_findings, "Ctrl+Shift+F")
        self.delete_action = self._action(
            "&Delete…", self.delete_selected, QKeySequence.StandardKey.Delete
        )
        self.toolbar.addSeparator()
        self.today_action = self._action("&Today", self.go_to_today, "Ctrl+T")
        self.toolbar.addSeparator()
        self.programme_action = self._action(
            "&Generate Audit Programme…", self.start_programme_generator, "Ctrl+Shift+G"
        )
        self.toolbar.addSeparator()
        self.export_action = self._action("E&xport .ics…", self.export_calendar, "Ctrl+E")
        self.import_action = self._action("&Import .ics…", self.import_calendar, "Ctrl+I")

    def _action(self, text: str, slot: object, shortcut: object = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName("planner" + "".join(c for c in text.title() if c.isalnum()))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(
                f"{text.replace('&', '').rstrip('…')} ({action.shortcut().toString()})"
            )
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    def _list(self, name: str, model: AgendaModel | UpcomingModel) -> QListView:
        view = QListView(self)
        view.setObjectName(name)
        view.setModel(model)
        view.setDragEnabled(True)
        view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setUniformItemSizes(True)
        view.setAlternatingRowColors(True)
        view.doubleClicked.connect(lambda index, v=view: self._on_double_clicked(v, index))
        view.selectionModel().currentChanged.connect(lambda *_, v=view: self._activate(v))
        view.pressed.connect(lambda _index, v=view: self._activate(v))
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(
            lambda position, v=view: self._show_context_menu(v, position)
        )
        return view

    def _legend(self) -> QLabel:
        entries = [
            f'<span style="color:{KIND_COLOURS[kind]}">●</span>&nbsp;'
            + KIND_LABELS[kind].replace(" ", "&nbsp;")
            for kind in EventKind
        ]
        legend = QLabel(" &nbsp; ".join(entries), self)
        legend.setObjectName("plannerLegend")
        legend.setWordWrap(True)
        return legend

    def _layout(self) -> None:
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.calendar, 1)
        left_layout.addWidget(self._legend())
        left_layout.addWidget(self.problems_label)

        agenda_box = QWidget(self)
        agenda_layout = QVBoxLayout(agenda_box)
        agenda_layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(self.agenda_title, 1)
        header.addWidget(self.range_combo)
        agenda_layout.addLayout(header)
        agenda_layout.addWidget(self.agenda, 1)
        upcoming_box = QWidget(self)
        upcoming_layout = QVBoxLayout(upcoming_box)
        upcoming_layout.setContentsMargins(0, 0, 0, 0)
        upcoming_layout.addWidget(self.upcoming_title)
        upcoming_layout.addWidget(self.upcoming, 1)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(agenda_box)
        right.addWidget(upcoming_box)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)

    # --- workspace and refresh --------------------------------------------------------------

    def set_workspace(self, workspace: Workspace) -> None:
        super().set_workspace(workspace)
        self.refresh()

    def apply_changes(self, changes: ChangeSet) -> None:
        if (
            changes.events or changes.artifacts or changes.risks or changes.risk_method
            or changes.controls or changes.evidence
        ):  # fmt: skip
            self.refresh()

    def refresh(self) -> None:
        self.refresh_calendar()
        self.refresh_agenda()
        self.refresh_upcoming()

    def today(self) -> date:
        return datetime.now(self.zone).date()

    def shown_range(self) -> tuple[date, date]:
        """The six weeks the month page shows."""
        return self.calendar.shown_range()

    def _occurrences(self, first: date, last: date) -> list[Occurrence]:
        assert self.workspace is not None
        # The month page reaches a few days beyond the planner's first and last dates.
        first, last = max(first, EARLIEST_DAY), min(last, LATEST_DAY)
        problems: list[str] = []
        found = schedule.occurrences(self.workspace, first, last, zone=self.zone,
                                     problems=problems)  # fmt: skip
        self.problems_label.setText("\n".join(problems))
        self.problems_label.setVisible(bool(problems))
        return found

    def refresh_calendar(self) -> None:
        if self.workspace is None:
            return
        first, last = self.shown_range()
        found = self._occurrences(first, last)
        days = schedule.by_day(found, self.zone, first, last)
        self.calendar.set_markers(
            {day: [(o.kind, o.title) for o in occurrences] for day, occurrences in days.items()}
        )

    def agenda_range(self) -> tuple[date, date]:
        day = to_date(self.calendar.selectedDate())
        match AgendaRange[self.range_combo.currentData()]:
            case AgendaRange.DAY:
                return day, day
            case AgendaRange.WEEK:
                monday = day - timedelta(days=day.weekday())
                return monday, monday + timedelta(days=6)
            case AgendaRange.MONTH:
                first = day.replace(day=1)
                following = (first + timedelta(days=32)).replace(day=1)
                return first, following - timedelta(days=1)
            case AgendaRange.YEAR:
                return date(day.year, 1, 1), date(day.year, 12, 31)
        raise AssertionError("every range is handled")

    def refresh_agenda(self) -> None:
        if self.workspace is None:
            return
        first, last = self.agenda_range()
        selected = self.selected_occurrence()
        found = self._occurrences(first, last)
        self.agenda_model.set_occurrences(found, self.zone, many_days=first != last)
        title = day_label(first)
        if last != first:
            title = f"{day_label(first)} – {day_label(last)}"
        self.agenda_title.setText(f"<b>Agenda</b>  {title}  ({len(found)})")
        when = f"on {title}" if first == last else f"from {day_label(first)} to {day_label(last)}"
        self.agenda_hint.set_text(
            f"Nothing planned {when}.\n\nDouble-click a day in the calendar, or press "
            f"{self.new_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}, "
            "to add an event."
        )
        if selected is not None:
            row = self.agenda_model.row_of(selected.key)
            if row is not None:
                self.agenda.setCurrentIndex(self.agenda_model.index(row))
        self._update_actions()

    def refresh_upcoming(self) -> None:
        if self.workspace is None:
            return
        items = upcoming.upcoming_and_overdue(
            self.workspace, today=self.today(), zone=self.zone, horizon_days=UPCOMING_DAYS
        )
        self.upcoming_model.set_items(items)
        overdue = self.upcoming_model.overdue_count()
        note = f", {overdue} overdue" if overdue else ""
        self.upcoming_title.setText(f"<b>Upcoming and overdue</b>  next {UPCOMING_DAYS} days{note}")
        self._update_actions()

    def go_to_today(self) -> None:
        self.show_day(self.today())

    def show_day(self, day: date) -> None:
        self.calendar.setSelectedDate(to_qdate(day))
        self.calendar.setCurrentPage(day.year, day.month)

    # --- selection --------------------------------------------------------------------------

    def _activate(self, view: QListView) -> None:
        self._active_list = view
        self._update_actions()

    def selected_occurrence(self) -> Occurrence | None:
        """The current occurrence of the list used last (agenda, or upcoming and overdue)."""
        if self._active_list is self.upcoming:
            index = self.upcoming.currentIndex()
            item = self.upcoming_model.item(index.row()) if index.isValid() else None
            return item.occurrence if item is not None else None
        index = self.agenda.currentIndex()
        return self.agenda_model.occurrence(index.row()) if index.isValid() else None

    def _selected_finding_event(self) -> int | None:
        if self._active_list is self.upcoming and self.upcoming.currentIndex().isValid():
            item = self.upcoming_model.item(self.upcoming.currentIndex().row())
            if item is not None and item.finding_id is not None:
                return item.event_id
        return None

    def _update_actions(self) -> None:
        occurrence = self.selected_occurrence()
        has_workspace = self.workspace is not None
        is_event = occurrence is not None and occurrence.source is Source.EVENT
        for action in (self.new_action, self.programme_action, self.export_action,
                       self.import_action):  # fmt: skip
            action.setEnabled(has_workspace)
        self.edit_action.setEnabled(is_event)
        self.delete_action.setEnabled(is_event)
        # A signed acceptance is not "done": the risk owner signs a new one in Risks.
        self.done_action.setEnabled(
            occurrence is not None
            and occurrence.status is not EventStatus.DONE
            and occurrence.source is not Source.ACCEPTANCE
            and occurrence.source not in CONTROL_SOURCES
        )
        self.findings_action.setEnabled(
            (is_event and occurrence is not None and occurrence.kind in AUDIT_KINDS)
            or self._selected_finding_event() is not None
        )

    def _on_double_clicked(self, view: QListView, index: QModelIndex) -> None:
        self._activate(view)
        if view is self.upcoming:
            item = self.upcoming_model.item(index.row())
            if item is not None and item.finding_id is not None:
                self.show_findings()
                return
        occurrence = self.selected_occurrence()
        if occurrence is None:
            return
        if occurrence.risk_ref is not None:
            self.navigation_requested.emit("risks", occurrence.risk_ref)
        elif occurrence.source is Source.REVIEW:
            self.mark_selected_done()
        elif occurrence.source in CONTROL_SOURCES:
            self.navigation_requested.emit("controls", occurrence.key)
        else:
            self.edit_selected()

    def _show_context_menu(self, view: QListView, position: QPoint) -> None:
        index = view.indexAt(position)
        if index.isValid():
            view.setCurrentIndex(index)
        self._activate(view)
        menu = QMenu(self)
        for action in (self.edit_action, self.done_action, self.findings_action,
                       self.delete_action):  # fmt: skip
            menu.addAction(action)
        occurrence = self.selected_occurrence()
        if occurrence is not None and occurrence.artifact_id is not None:
            menu.addSeparator()
            artifact_id = occurrence.artifact_id
            menu.addAction("Open Document", lambda: self.artifact_open_requested.emit(artifact_id))
        if occurrence is not None and occurrence.risk_ref is not None:
            menu.addSeparator()
            risk_ref = occurrence.risk_ref
            menu.addAction("Open Risk", lambda: self.navigation_requested.emit("risks", risk_ref))
        menu.popup(view.viewport().mapToGlobal(position))

    # --- questions to the user (tests replace these) ----------------------------------------

    def ask_scope(self, verb: str, occurrence: Occurrence) -> Scope | None:
        """For an occurrence of a series: this one, or all of them?"""
        box = QMessageBox(self)
        box.setWindowTitle(f"{verb} Repeating Event")
        box.setText(f"“{occurrence.title}” repeats. {verb} only this event, or all of them?")
        this = box.addButton("This Event", QMessageBox.ButtonRole.AcceptRole)
        every = box.addButton("All Events", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is this:
            return Scope.OCCURRENCE
        if box.clickedButton() is every:
            return Scope.SERIES
        return None

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_export_path(self) -> str:
        suggestion = self.files.suggest(FileKind.CALENDAR, "isms-calendar.ics")
        return ask_save_path(self, "Export Calendar", suggestion, ICS_FILTER)

    def ask_import_path(self) -> str:
        folder = self.files.folder(FileKind.CALENDAR)
        path, _ = QFileDialog.getOpenFileName(self, "Import Calendar", str(folder), ICS_FILTER)
        return path

    def ask_export_filter(self) -> dict[str, object] | None:
        first, last = self.agenda_range()
        choices: list[tuple[str, dict[str, object]]] = [
            ("All events", {}),
            (f"Events from {first.isoformat()} to {last.isoformat()} (the agenda)",
             {"first": first, "last": last}),
        ]  # fmt: skip
        choices += [(f"{KIND_LABELS[k]} events only", {"kinds": {k}}) for k in EventKind]
        label, accepted = QInputDialog.getItem(
            self, "Export Calendar", "Export:", [c[0] for c in choices], 0, False
        )
        return dict(choices)[label] if accepted else None

    def inform(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)

    # --- writes -----------------------------------------------------------------------------

    def _emit(self, changes: ChangeSet) -> None:
        self.changes_made.emit(changes)

    def _saved(self, changes: ChangeSet, title: str) -> None:
        self._emit(changes)
        self.notify(f"Saved “{title.strip()}”")

    def _search_artifacts(self, text: str) -> list[tuple[int, str]]:
        if self.workspace is None:
            return []
        ids = listing.query_ids(self.workspace, RegisterFilter(text=text))[:ARTIFACT_MATCHES]
        rows = listing.fetch_rows(self.workspace, ids)
        return [
            (artifact_id, rows[artifact_id].title) for artifact_id in ids if artifact_id in rows
        ]

    def _dialog(self, mode: Mode, draft: EventDraft, **extra: object) -> EventDialog:
        return EventDialog(
            mode=mode,
            draft=draft,
            zone=self.zone,
            artifact_search=self._search_artifacts,
            parent=self,
            **extra,  # type: ignore[arg-type]
        )

    def new_event(self) -> EventDialog | None:
        if self.workspace is None:
            return None
        workspace = self.workspace
        day = to_date(self.calendar.selectedDate())
        start = datetime.combine(day, time(9), tzinfo=self.zone)
        draft = EventDraft(
            kind=EventKind.INTERNAL_AUDIT, title="", start=start, end=start + timedelta(hours=1)
        )
        dialog = self._dialog(Mode.NEW, draft)

        def submit() -> None:
            added = dialog.draft()
            self._emit(events.create_event(workspace, added, actor=self.user_name))
            start = added.start if added.all_day else added.start.astimezone(self.zone)
            self.notify(f"Added “{added.title}” on {format_day(start.date())}")

        dialog.on_submit(submit, PlannerError)
        dialog.open()
        return dialog

    def edit_selected(self) -> EventDialog | None:
        occurrence = self.selected_occurrence()
        if self.workspace is None or occurrence is None or occurrence.event_id is None:
            return None
        workspace, event_id = self.workspace, occurrence.event_id
        scope = Scope.SERIES
        if occurrence.recurring:
            chosen = self.ask_scope("Edit", occurrence)
            if chosen is None:
                return None
            scope = chosen
        details = events.get_event(workspace, event_id)
        if scope is Scope.OCCURRENCE:
            dialog = self._dialog(Mode.OCCURRENCE, details.draft, occurrence=occurrence)
            original = occurrence.original_start
            dialog.on_submit(
                lambda: self._saved(
                    events.update_occurrence(
                        workspace, event_id, original, dialog.change(), actor=self.user_name
                    ),
                    dialog.title_edit.text(),
                ),
                PlannerError,
            )
        else:
            dialog = self._dialog(
                Mode.SERIES, details.draft, artifact_titles=details.artifact_titles
            )
            dialog.on_submit(
                lambda: self._saved(
                    events.update_event(workspace, event_id, dialog.draft(), actor=self.user_name),
                    dialog.title_edit.text(),
                ),
                PlannerError,
            )
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        occurrence = self.selected_occurrence()
        if self.workspace is None or occurrence is None or occurrence.event_id is None:
            return
        try:
            if occurrence.recurring:
                scope = self.ask_scope("Delete", occurrence)
                if scope is None:
                    return
                if scope is Scope.OCCURRENCE:
                    assert occurrence.original_start is not None
                    self._emit(
                        events.cancel_occurrence(
                            self.workspace,
                            occurrence.event_id,
                            occurrence.original_start,
                            actor=self.user_name,
                        )
                    )
                    self.notify(f"Cancelled this occurrence of “{occurrence.title}”")
                    return
            details = events.get_event(self.workspace, occurrence.event_id)
            extra = (
                f" Its {details.open_findings} open finding(s) are deleted with it."
                if details.open_findings
                else ""
            )
            series = " and every occurrence of it" if occurrence.recurring else ""
            if not self.confirm(
                "Delete Event",
                f"Delete “{details.draft.title}”{series}?{extra} This cannot be undone.",
            ):
                return
            self._emit(
                events.delete_event(self.workspace, occurrence.event_id, actor=self.user_name)
            )
            self.notify(f"Deleted “{details.draft.title}”")
        except ServiceError as error:
            self.report_error("Delete Event", error)

    def mark_selected_done(self) -> None:
        occurrence = self.selected_occurrence()
        if self.workspace is None or occurrence is None:
            return
        if occurrence.source in CONTROL_SOURCES:
            return  # done in the Controls pane: implement the control, collect new evidence
        try:
            if occurrence.source is Source.RISK_ACTION:
                assert occurrence.item_id is not None
                title = occurrence.title.removeprefix("Risk action due: ")
                if not self.confirm("Mark Action Done", f"Record that “{title}” is done today?"):
                    return
                changes = records.complete_action(
                    self.workspace, actor=self.user_name, action_id=occurrence.item_id,
                    done_on=self.today(),
                )  # fmt: skip
            elif occurrence.source is Source.REVIEW:
                assert occurrence.artifact_id is not None
                title = occurrence.title.removeprefix("Review due: ")
                if not self.confirm(
                    "Mark Review Done",
                    f"Record that “{title}” was reviewed today? Its next review moves on by its "
                    "review interval.",
                ):
                    return
                changes = due_reviews.mark_review_done(
                    self.workspace,
                    occurrence.artifact_id,
                    actor=self.user_name,
                    done_on=self.today(),
                )
            else:
                assert occurrence.event_id is not None
                changes = events.update_occurrence(
                    self.workspace,
                    occurrence.event_id,
                    occurrence.original_start,
                    OccurrenceChange(status=EventStatus.DONE),
                    actor=self.user_name,
                )
        except ServiceError as error:
            self.report_error("Mark Done", error)
            return
        self._emit(changes)
        self.notify(f"Marked “{occurrence.title}” done")

    def show_findings(self) -> FindingsDialog | None:
        if self.workspace is None:
            return None
        event_id = self._selected_finding_event()
        if event_id is None:
            occurrence = self.selected_occurrence()
            if occurrence is None or occurrence.event_id is None:
                return None
            event_id = occurrence.event_id
        details = events.get_event(self.workspace, event_id)
        dialog = FindingsDialog(
            workspace=self.workspace,
            event_id=event_id,
            event_title=details.draft.title,
            actor=self.user_name,
            parent=self,
        )
        dialog.changes_made.connect(self._emit)
        dialog.status_posted.connect(self.notify)
        dialog.open()
        return dialog

    # --- rescheduling by drag and drop ------------------------------------------------------

    def occurrence_for_key(self, key: str) -> Occurrence | None:
        source, identifier, original = schedule.parse_key(key)
        if self.workspace is None:
            return None
        if source != Source.EVENT.value:
            for item in self.upcoming_model_rows() + self.agenda_rows():
                if item.key == key:
                    return item
            return None
        return schedule.find_occurrence(self.workspace, identifier, original)

    def agenda_rows(self) -> list[Occurrence]:
        rows = (self.agenda_model.occurrence(r) for r in range(self.agenda_model.rowCount()))
        return [row for row in rows if row is not None]

    def upcoming_model_rows(self) -> list[Occurrence]:
        items = (self.upcoming_model.item(r) for r in range(self.upcoming_model.rowCount()))
        return [item.occurrence for item in items if item is not None and item.occurrence]

    def _on_calendar_drag(self, day: date) -> None:
        selected = self.selected_occurrence()
        if (
            selected is not None
            and selected.days(self.zone)[0] <= day <= selected.days(self.zone)[1]
        ):
            self.calendar.start_drag(selected.key)
            return
        if self.workspace is None:
            return
        found = schedule.occurrences(self.workspace, day, day, zone=self.zone)
        if found:
            self.calendar.start_drag(found[0].key)

    def _on_occurrence_dropped(self, key: str, day: date) -> None:
        try:
            occurrence = self.occurrence_for_key(key)
        except ServiceError:
            return
        if occurrence is None or self.workspace is None:
            return
        if occurrence.days(self.zone)[0] == day:
            return
        self.reschedule(occurrence, day)

    def reschedule(self, occurrence: Occurrence, day: date) -> None:
        """Move an occurrence to ``day`` (asking, for a series, whether to move all)."""
        if self.workspace is None:
            return
        scope = Scope.OCCURRENCE
        if occurrence.recurring and occurrence.source is Source.EVENT:
            chosen = self.ask_scope("Move", occurrence)
            if chosen is None:
                return
            scope = chosen
        try:
            changes = rescheduling.reschedule(
                self.workspace, occurrence, day, scope=scope, zone=self.zone, actor=self.user_name
            )
        except ServiceError as error:
            self.report_error("Reschedule", error)
            return
        self._emit(changes)
        self.calendar.setSelectedDate(to_qdate(day))
        self.notify(f"Moved “{occurrence.title}” to {format_day(day)}")

    # --- programme and iCalendar ------------------------------------------------------------

    def start_programme_generator(self) -> ProgrammeDialog | None:
        """Propose the three-year audit programme; the consultant adjusts and accepts it."""
        if self.workspace is None:
            return None
        workspace = self.workspace
        target = programme.default_target(workspace, self.today())
        dialog = ProgrammeDialog(
            target=target, propose=lambda day: programme.propose_for(workspace, day), parent=self
        )

        def submit() -> None:
            items = dialog.items()
            target = dialog.target_edit.value()
            changes = programme.accept(workspace, items, actor=self.user_name)
            self._emit(changes)
            if target is not None:
                self.show_day(target)
            days = [item.start for item in items if item.include]
            if days and target is not None:
                # The calendar jumps to the certification month: say what was added, and where.
                self.notify(
                    f"{counted(len(changes.events), 'event')} added to the planner, "
                    f"{format_date(min(days))} to {format_date(max(days))}; the calendar shows "
                    f"{target:%B %Y}, the month of the certification audit"
                )

        dialog.on_submit(submit)
        dialog.open()
        return dialog

    def export_calendar(self) -> None:
        from workbench.services.planner import ics_export

        if self.workspace is None:
            return
        filters = self.ask_export_filter()
        if filters is None:
            return
        chosen = self.ask_export_path()
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".ics")
        if not confirm_target(self, path, title="Export Calendar"):
            return
        try:
            count = ics_export.export_ics(self.workspace, path, **filters)
        except ServiceError as error:
            self.report_error("Export Calendar", error)
            return
        self.files.remember(FileKind.CALENDAR, path)
        self.notify(f"Exported {counted(count, 'event')} to {path}")
        announce(self, "Export Calendar", f"Wrote {count} event(s) to {path}.", path)

    def import_calendar(self) -> None:
        from workbench.services.planner import ics_import

        if self.workspace is None:
            return
        chosen = self.ask_import_path()
        if not chosen:
            return
        try:
            result = ics_import.import_ics(self.workspace, Path(chosen), actor=self.user_name)
        except ServiceError as error:
            self.report_error("Import Calendar", f"{error} Nothing was imported.")
            return
        self.files.remember(FileKind.CALENDAR, Path(chosen))
        self._emit(result.changes)
        summary = (
            f"Imported {Path(chosen).name}: {counted(result.created, 'event')} added, "
            f"{result.updated} updated"
        )
        self.notify(summary)
        if result.warnings:  # what was left out needs reading, not a fading line
            self.inform("Import Calendar", "\n".join([summary + ".", *result.warnings]))
