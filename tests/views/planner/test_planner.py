from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QPainter
from PySide6.QtWidgets import QApplication

from tests.helpers.files import announcements, click, opened_urls
from tests.helpers.planner import ACTOR, create_event
from workbench.models import Artifact, ArtifactKind, EventKind, EventStatus
from workbench.services.planner import events, findings, schedule
from workbench.services.planner.drafts import all_day_start
from workbench.services.planner.findings import FindingDraft
from workbench.services.planner.rescheduling import Scope
from workbench.services.planner.schedule import Source
from workbench.services.register import artifacts, profile
from workbench.views.planner.calendar import OCCURRENCE_MIME, EventCalendar, occurrence_mime
from workbench.views.planner.event_dialog import EventDialog, Mode
from workbench.views.planner.view import AgendaRange, PlannerView

DAY = date(2027, 3, 10)  # a Wednesday


@pytest.fixture
def planned(workspace):
    create_event(
        workspace,
        title="Internal audit: access control",
        start=datetime(2027, 3, 10, 9, tzinfo=UTC),
        end=datetime(2027, 3, 10, 17, tzinfo=UTC),
    )
    create_event(
        workspace,
        kind=EventKind.MANAGEMENT_REVIEW,
        title="ISMS steering",
        start=datetime(2027, 1, 10, 14, tzinfo=UTC),
        rrule="FREQ=MONTHLY",
    )
    create_event(
        workspace,
        kind=EventKind.STAGE_2,
        title="Stage 2 audit",
        all_day=True,
        start=all_day_start(date(2027, 3, 22)),
        end=all_day_start(date(2027, 3, 24)),
    )
    for hour in range(9, 15):
        create_event(workspace, kind=EventKind.TRAINING, title=f"Awareness session {hour}",
                start=datetime(2027, 3, 17, hour, tzinfo=UTC))  # fmt: skip
    artifacts.create_artifact(
        workspace, actor=ACTOR, kind=ArtifactKind.POLICY, title="Access control policy",
        owner="Jonas", refs=["ISO27001:2022/A.5.15"],
    )  # fmt: skip
    with workspace.write() as session:
        artifact = session.get(Artifact, 1)
        artifact.next_review = date(2027, 3, 12)
        session.add(artifact)
    return workspace


@pytest.fixture
def view(qtbot, planned) -> PlannerView:
    pane = PlannerView()
    pane.zone = UTC
    qtbot.addWidget(pane)
    pane.resize(1200, 800)
    pane.set_workspace(planned)
    pane.changes_made.connect(pane.apply_changes)  # as the main window does
    pane.show_day(DAY)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def _agenda_titles(view: PlannerView) -> list[str]:
    return [o.title for o in view.agenda_rows()]


def _select(view: PlannerView, title: str) -> None:
    for row in range(view.agenda_model.rowCount()):
        if view.agenda_model.occurrence(row).title == title:
            view.agenda.setCurrentIndex(view.agenda_model.index(row))
            return
    raise AssertionError(f"{title} is not in the agenda")


def test_widget_names(view: PlannerView) -> None:
    for name in ("plannerCalendar", "agendaList", "upcomingList", "plannerToolbar",
                 "agendaRange", "plannerLegend"):  # fmt: skip
        assert view.findChild(object, name) is not None, name
    texts = [action.text() for action in view.toolbar.actions() if action.text()]
    assert {"&New Event…", "&Generate Audit Programme…", "E&xport .ics…", "&Import .ics…"} <= set(
        texts
    )
    assert view.new_action.shortcut().toString() == "Ctrl+N"


def test_month_view_marks_days_by_kind_and_counts(view: PlannerView) -> None:
    calendar = view.calendar
    assert [kind for kind, _ in calendar.markers(DAY)] == [
        EventKind.INTERNAL_AUDIT,
        EventKind.MANAGEMENT_REVIEW,
    ]
    assert calendar.markers(date(2027, 3, 10 + 2)) == [
        (EventKind.DOCUMENT_REVIEW, "Review due: Access control policy")
    ]
    assert [k for k, _ in calendar.markers(date(2027, 3, 22))] == [EventKind.STAGE_2]
    assert [k for k, _ in calendar.markers(date(2027, 3, 23))] == [EventKind.STAGE_2]
    assert len(calendar.markers(date(2027, 3, 17))) == 6
    assert calendar.markers(date(2027, 3, 18)) == []

    # Painting a crowded day in a small cell: dots in the kinds' colours and the count.
    image = QImage(80, 40, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    calendar.paintCell(painter, image.rect(), QDate(2027, 3, 17))
    painter.end()
    colours = {image.pixelColor(x, y).name() for x in range(80) for y in range(40)}
    assert "#129fb0" in colours  # training


def test_moving_to_another_month_refreshes_the_markers(view: PlannerView) -> None:
    view.calendar.setCurrentPage(2027, 4)
    assert [k for k, _ in view.calendar.markers(date(2027, 4, 10))] == [EventKind.MANAGEMENT_REVIEW]


def test_agenda_shows_the_selected_day_week_month_and_year(view: PlannerView) -> None:
    view.range_combo.setCurrentIndex(view.range_combo.findData(AgendaRange.DAY.name))
    assert _agenda_titles(view) == ["Internal audit: access control", "ISMS steering"]
    assert "09:00–17:00  Internal audit: access control" in view.agenda_model.index(0).data()
    view.range_combo.setCurrentIndex(view.range_combo.findData(AgendaRange.WEEK.name))
    assert _agenda_titles(view) == [
        "Internal audit: access control",
        "ISMS steering",
        "Review due: Access control policy",
    ]
    assert view.agenda_title.text().endswith("Mon 2027-03-08 – Sun 2027-03-14  (3)")
    view.range_combo.setCurrentIndex(view.range_combo.findData(AgendaRange.MONTH.name))
    assert len(_agenda_titles(view)) == 10
    view.range_combo.setCurrentIndex(view.range_combo.findData(AgendaRange.YEAR.name))
    assert _agenda_titles(view).count("ISMS steering") == 12


def test_selecting_another_day_updates_the_agenda(qtbot, view: PlannerView) -> None:
    view.range_combo.setCurrentIndex(view.range_combo.findData(AgendaRange.DAY.name))
    with qtbot.waitSignal(view.calendar.selectionChanged):
        view.calendar.setSelectedDate(QDate(2027, 3, 23))
    assert _agenda_titles(view) == ["Stage 2 audit"]
    assert view.agenda_model.index(0).data().endswith("all day to Tue 2027-03-23  Stage 2 audit")


def test_upcoming_and_overdue_list(view: PlannerView, planned, monkeypatch) -> None:
    monkeypatch.setattr(view, "today", lambda: date(2027, 3, 15))
    (audit,) = [o for o in view.agenda_rows() if o.title.startswith("Internal audit")]
    findings.add_finding(
        planned, audit.event_id,
        FindingDraft(text="Leavers keep access", due=date(2027, 3, 1)), actor=ACTOR,
    )  # fmt: skip
    view.refresh_upcoming()
    rows = [view.upcoming_model.index(r).data() for r in range(view.upcoming_model.rowCount())]
    assert rows[0] == "Overdue · Mon 2027-03-01  Finding: Leavers keep access"
    assert "Overdue · Wed 2027-03-10  Internal audit: access control" in rows
    assert "Overdue · Fri 2027-03-12  Review due: Access control policy" in rows
    assert "Wed 2027-03-17  Awareness session 9" in rows
    assert view.upcoming_model.index(0).data(Qt.ItemDataRole.ForegroundRole).color().name() == (
        "#b00020"
    )
    assert "3 overdue" in view.upcoming_title.text()  # not the past steering meeting


def _drop(view: PlannerView, key: str, day: date) -> None:
    """What a drag from the agenda onto ``day`` delivers: a drag enter, then the drop."""
    centre = view.calendar.cell_centre(day)
    assert centre is not None
    mime = occurrence_mime(key)  # kept alive: the events do not own it
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    viewport = view.calendar.view.viewport()
    enter = QDragEnterEvent(centre, Qt.DropAction.MoveAction, mime, buttons, modifiers)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(centre), Qt.DropAction.MoveAction, mime, buttons, modifiers)
    QApplication.sendEvent(viewport, drop)


def test_calendar_knows_which_day_is_under_each_cell(qtbot) -> None:
    calendar = EventCalendar()
    qtbot.addWidget(calendar)
    calendar.resize(700, 500)
    calendar.show()
    qtbot.waitExposed(calendar)
    for year, month in ((2027, 2), (2027, 3), (2026, 11), (2027, 8)):  # 1st on Mon, Mon, Sun, Sun
        calendar.setCurrentPage(year, month)
        first = date(year, month, 1)
        for day in (first - timedelta(days=first.weekday() or 7), first,
                    first + timedelta(days=27), first + timedelta(days=34)):  # fmt: skip
            centre = calendar.cell_centre(day)
            assert centre is not None, day
            assert calendar.date_at(centre) == day
        begin, end = calendar.shown_range()
        assert calendar.cell_centre(begin) and calendar.cell_centre(end)
        assert calendar.cell_centre(begin - timedelta(days=1)) is None
        assert calendar.cell_centre(end + timedelta(days=1)) is None


def test_drag_an_event_to_another_day(qtbot, view: PlannerView, planned) -> None:
    _select(view, "Internal audit: access control")
    key = view.selected_occurrence().key
    with qtbot.waitSignal(view.changes_made) as blocker:
        _drop(view, key, date(2027, 3, 16))
    assert blocker.args[0].events
    assert view.calendar.markers(DAY)[0][0] is EventKind.MANAGEMENT_REVIEW
    assert [k for k, _ in view.calendar.markers(date(2027, 3, 16))] == [EventKind.INTERNAL_AUDIT]
    (moved,) = schedule.occurrences(planned, date(2027, 3, 16), date(2027, 3, 16))
    assert (moved.start, moved.end) == (
        datetime(2027, 3, 16, 9, tzinfo=UTC),
        datetime(2027, 3, 16, 17, tzinfo=UTC),
    )


def test_dragging_one_occurrence_of_a_series_asks_and_moves_only_it(
    qtbot, view: PlannerView, planned, monkeypatch
) -> None:
    asked: list[str] = []

    def ask(verb, occurrence):
        asked.append(verb)
        return Scope.OCCURRENCE

    monkeypatch.setattr(view, "ask_scope", ask)
    _select(view, "ISMS steering")
    with qtbot.waitSignal(view.changes_made):
        _drop(view, view.selected_occurrence().key, date(2027, 3, 11))
    assert asked == ["Move"]
    march = [o for o in schedule.occurrences(planned, date(2027, 3, 1), date(2027, 4, 30))
             if o.title == "ISMS steering"]  # fmt: skip
    assert [o.start.date() for o in march] == [date(2027, 3, 11), date(2027, 4, 10)]


def test_dropping_a_review_moves_the_next_review(qtbot, view: PlannerView, planned) -> None:
    _select(view, "Review due: Access control policy")
    with qtbot.waitSignal(view.changes_made) as blocker:
        _drop(view, "review:1", date(2027, 3, 19))
    assert blocker.args[0].artifacts == {1}
    assert view.calendar.markers(date(2027, 3, 19))[0][0] is EventKind.DOCUMENT_REVIEW


def test_dropping_something_else_is_refused(view: PlannerView) -> None:
    centre = view.calendar.cell_centre(date(2027, 3, 16))
    mime = occurrence_mime("x")
    mime.removeFormat(OCCURRENCE_MIME)
    enter = QDragEnterEvent(centre, Qt.DropAction.MoveAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(view.calendar.view.viewport(), enter)
    assert not enter.isAccepted()


def test_agenda_items_carry_drag_data(view: PlannerView) -> None:
    _select(view, "Internal audit: access control")
    index = view.agenda.currentIndex()
    assert view.agenda_model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled
    mime = view.agenda_model.mimeData([index])
    assert bytes(mime.data(OCCURRENCE_MIME).data()).decode().startswith("event:1:")


def test_qt_model_checks(qtmodeltester, view: PlannerView) -> None:
    qtmodeltester.check(view.agenda_model)
    qtmodeltester.check(view.upcoming_model)


def test_new_event_dialog_creates_an_event(qtbot, view: PlannerView, planned) -> None:
    dialog = view.new_event()
    assert isinstance(dialog, EventDialog)
    dialog.title_edit.setText("Surveillance audit 1")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("surveillance"))
    dialog.all_day_check.setChecked(True)
    dialog.refs_edit.setText("9.2, A.5.35")
    with qtbot.waitSignal(view.changes_made):
        dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    (created,) = [o for o in view.agenda_rows() if o.title == "Surveillance audit 1"]
    assert created.all_day and created.days(UTC) == (DAY, DAY)
    assert events.get_event(planned, created.event_id).draft.refs == (
        "ISO27001:2022/9.2",
        "ISO27001:2022/A.5.35",
    )


def test_the_event_dialog_takes_a_typed_date_whole(qtbot, view: PlannerView) -> None:
    dialog = view.new_event()
    line = dialog.start_edit.date_edit.line
    qtbot.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(line, "2027-06-15")
    assert dialog.draft().start.date() == date(2027, 6, 15)
    assert dialog.end_edit.value() >= dialog.start_edit.value()  # the end follows the start
    line.setText("15.06.2027")
    dialog.title_edit.setText("Audit")
    dialog.accept()
    assert dialog.isVisible() and "Start: “15.06.2027” is not a date" in dialog.error_label.text()
    dialog.reject()


def test_bad_custom_rule_is_explained_and_keeps_the_dialog_open(view: PlannerView) -> None:
    dialog = view.new_event()
    dialog.title_edit.setText("Odd")
    dialog.repeat_combo.setCurrentIndex(dialog.repeat_combo.findData("custom"))
    dialog.rule_edit.setText("FREQ=MONTHLY;BYDAY=XX")
    assert "BYDAY=XX: 'XX' is not a day like MO, 2TU or -1FR" in dialog.rule_check.text()
    dialog.accept()
    assert dialog.isVisible()
    assert "BYDAY=XX: 'XX' is not a day like MO, 2TU or -1FR" in dialog.error_label.text()
    dialog.rule_edit.setText("FREQ=MONTHLY;BYDAY=2TU")
    assert dialog.rule_check.text().startswith("Next: Tue 2027-04-13, Tue 2027-05-11")
    dialog.reject()


def test_edit_one_occurrence_or_the_series(qtbot, view: PlannerView, planned, monkeypatch) -> None:
    _select(view, "ISMS steering")
    monkeypatch.setattr(view, "ask_scope", lambda verb, occurrence: Scope.OCCURRENCE)
    dialog = view.edit_selected()
    assert dialog.mode is Mode.OCCURRENCE and not dialog.repeat_combo.isEnabled()
    dialog.title_edit.setText("ISMS steering (budget)")
    with qtbot.waitSignal(view.changes_made):
        dialog.accept()
    titles = [o.title for o in schedule.occurrences(planned, date(2027, 1, 1), date(2027, 5, 31))
              if o.kind is EventKind.MANAGEMENT_REVIEW]  # fmt: skip
    assert titles == ["ISMS steering"] * 2 + ["ISMS steering (budget)"] + ["ISMS steering"] * 2

    _select(view, "ISMS steering (budget)")
    monkeypatch.setattr(view, "ask_scope", lambda verb, occurrence: Scope.SERIES)
    dialog = view.edit_selected()
    assert dialog.mode is Mode.SERIES and dialog.title_edit.text() == "ISMS steering"
    dialog.location_edit.setText("Board room")
    with qtbot.waitSignal(view.changes_made):
        dialog.accept()
    found = schedule.occurrences(planned, date(2027, 1, 1), date(2027, 5, 31))
    assert {o.location for o in found if o.kind is EventKind.MANAGEMENT_REVIEW} == {"Board room"}


def test_delete_asks_first(qtbot, view: PlannerView, planned, monkeypatch) -> None:
    _select(view, "Internal audit: access control")
    questions: list[str] = []
    monkeypatch.setattr(view, "confirm", lambda title, text: questions.append(text) or False)
    with qtbot.assertNotEmitted(view.changes_made):
        view.delete_selected()
    assert questions == ["Delete “Internal audit: access control”? This cannot be undone."]
    monkeypatch.setattr(view, "confirm", lambda title, text: True)
    with qtbot.waitSignal(view.changes_made):
        view.delete_selected()
    assert "Internal audit: access control" not in _agenda_titles(view)


def test_delete_one_occurrence_of_a_series(qtbot, view: PlannerView, planned, monkeypatch) -> None:
    _select(view, "ISMS steering")
    monkeypatch.setattr(view, "ask_scope", lambda verb, occurrence: Scope.OCCURRENCE)
    with qtbot.waitSignal(view.changes_made):
        view.delete_selected()
    march = schedule.occurrences(planned, date(2027, 3, 1), date(2027, 3, 31))
    assert "ISMS steering" not in [o.title for o in march]
    assert schedule.occurrences(planned, date(2027, 4, 10), date(2027, 4, 10))


def test_mark_review_done_moves_it_on(qtbot, view: PlannerView, planned, monkeypatch) -> None:
    monkeypatch.setattr(view, "today", lambda: date(2027, 3, 11))
    monkeypatch.setattr(view, "confirm", lambda title, text: True)
    _select(view, "Review due: Access control policy")
    with qtbot.waitSignal(view.changes_made) as blocker:
        view.mark_selected_done()
    assert blocker.args[0].artifacts == {1} and blocker.args[0].events
    assert "Review due: Access control policy" not in _agenda_titles(view)
    assert "Review: Access control policy" in _agenda_titles(view)  # the record of the review
    found = schedule.occurrences(planned, date(2028, 3, 1), date(2028, 3, 31))
    assert [(o.source, o.start.date()) for o in found if o.source is Source.REVIEW] == [
        (Source.REVIEW, date(2028, 3, 12))
    ]


def test_mark_event_done(qtbot, view: PlannerView) -> None:
    _select(view, "Internal audit: access control")
    with qtbot.waitSignal(view.changes_made):
        view.mark_selected_done()
    _select(view, "Internal audit: access control")
    assert view.selected_occurrence().status is EventStatus.DONE
    assert not view.done_action.isEnabled()


def test_findings_dialog_adds_a_finding(qtbot, view: PlannerView, planned) -> None:
    _select(view, "Internal audit: access control")
    assert view.findings_action.isEnabled()
    dialog = view.show_findings()
    form = dialog.add_finding()
    form.text_edit.setText("Privileged accounts not reviewed")
    form.ref_edit.setText("A.8.2")
    with qtbot.waitSignal(view.changes_made):
        form.accept()
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 1).data() == "A.8.2"
    assert any(
        "Finding: Privileged accounts not reviewed" in view.upcoming_model.index(r).data()
        for r in range(view.upcoming_model.rowCount())
    )
    dialog.reject()


def test_a_new_finding_is_due_in_a_month_in_the_one_date_format(qtbot, view: PlannerView) -> None:
    from PySide6.QtWidgets import QLabel, QPushButton

    from workbench.views.planner.findings_dialog import DEFAULT_DUE_DAYS, FindingForm

    _select(view, "Internal audit: access control")
    dialog = view.show_findings()
    form = dialog.add_finding()
    due = date.today() + timedelta(days=DEFAULT_DUE_DAYS)
    assert DEFAULT_DUE_DAYS == 30
    assert form.due_edit.value() == due and form.due_edit.text() == due.isoformat()
    label = form.form.labelForField(form.due_edit)
    assert isinstance(label, QLabel) and label.text() == "&Due" and label.buddy() is form.due_edit
    form.text_edit.setText("Leavers keep access")
    form.due_edit.line.setText("1 12 2026")  # a date in another format is refused, not guessed
    form.accept()
    assert form.isVisible()
    assert form.error_label.text().startswith("Due: “1 12 2026” is not a date")
    form.due_edit.line.clear()  # no due date at all is allowed
    with qtbot.waitSignal(view.changes_made):
        form.accept()
    assert dialog.model.index(0, 4).data() == ""
    buttons = [b.text().replace("&", "") for b in dialog.findChildren(QPushButton)]
    assert "Close Finding" in buttons and "Close" not in buttons
    edit = FindingForm(findings.list_findings(view.workspace, dialog.event_id)[0].draft)
    qtbot.addWidget(edit)
    assert edit.due_edit.value() is None  # editing keeps "no due date"
    dialog.reject()


def test_generating_the_programme_says_how_many_events_and_where(
    qtbot, view: PlannerView, planned
) -> None:
    profile.update_profile(planned, actor=ACTOR, certification_target=date(2027, 6, 15))
    dialog = view.start_programme_generator()
    with qtbot.waitSignal(view.status_posted) as said:
        dialog.accept()
    assert said.args == [
        "12 events added to the planner, 2027-04-06 to 2030-06-17; the calendar shows "
        "June 2027, the month of the certification audit."
    ]


def test_programme_generator_proposes_adjusts_and_accepts(
    qtbot, view: PlannerView, planned
) -> None:
    profile.update_profile(planned, actor=ACTOR, certification_target=date(2027, 6, 15))
    dialog = view.start_programme_generator()
    assert dialog.target_edit.value() == date(2027, 6, 15)
    assert dialog.target_edit.text() == "2027-06-15"
    items = dialog.items()
    assert len(items) == 13 and all(item.include for item in items[1:])
    # The internal audit on 10 March already covers the first one.
    assert not items[0].include and items[0].note == "already planned on 2027-03-10"
    dialog.table.item(5, 0).setCheckState(Qt.CheckState.Unchecked)
    dialog.table.item(1, 2).setText("Management review (pre-certification)")
    with qtbot.waitSignal(view.changes_made) as blocker:
        dialog.accept()
    assert len(blocker.args[0].events) == 11
    titles = [o.title for o in schedule.occurrences(planned, date(2027, 1, 1), date(2030, 12, 31))]
    assert "Management review (pre-certification)" in titles
    assert "Internal audit (before stage 1)" not in titles
    assert items[5].title not in titles
    assert view.calendar.monthShown() == 6 and view.calendar.markers(date(2027, 6, 15))


def test_export_and_import_from_the_toolbar(
    qtbot, view: PlannerView, planned, tmp_path: Path, monkeypatch
) -> None:
    from workbench.views.planner import view as planner_view

    out = tmp_path / "plan.ics"
    messages: list[str] = []
    written = announcements(monkeypatch, planner_view)
    opened = opened_urls(monkeypatch)
    monkeypatch.setattr(view, "ask_export_filter", lambda: {})
    monkeypatch.setattr(view, "ask_export_path", lambda: str(out))
    monkeypatch.setattr(view, "inform", lambda title, text: messages.append(text))
    with qtbot.waitSignal(view.status_posted) as said:
        view.export_action.trigger()
    # nine events and the review due date of the planned workspace's artifact
    assert said.args == [f"Exported 10 events to {out}."]
    assert [box.text() for box in written] == [f"Wrote 10 event(s) to {out}."]
    assert b"BEGIN:VCALENDAR" in out.read_bytes()
    click(written[0], "fileShowInFolder")
    assert opened == [str(tmp_path)]

    monkeypatch.setattr(view, "ask_import_path", lambda: str(out))
    with qtbot.waitSignal(view.status_posted) as said:
        view.import_action.trigger()
    assert said.args == ["Imported plan.ics: 0 events added, 9 updated."]
    summary, skipped = messages[-1].split("\n")
    assert summary == "Imported plan.ics: 0 events added, 9 updated."
    assert skipped.endswith("review dates come from the artifacts and were not imported")


def test_malformed_import_is_reported_without_traceback(
    view: PlannerView, tmp_path: Path, monkeypatch, qtbot
) -> None:
    bad = tmp_path / "bad.ics"
    bad.write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    errors: list[str] = []
    monkeypatch.setattr(view, "ask_import_path", lambda: str(bad))
    monkeypatch.setattr(view, "report_error", lambda title, error: errors.append(str(error)))
    with qtbot.assertNotEmitted(view.changes_made):
        view.import_calendar()
    assert errors == ["bad.ics holds no events. Nothing was imported."]


def test_changes_of_other_kinds_do_not_refresh(view: PlannerView, monkeypatch) -> None:
    from workbench.services.store.changes import ChangeSet

    calls: list[str] = []
    monkeypatch.setattr(view, "refresh", lambda: calls.append("refresh"))
    view.apply_changes(ChangeSet(versions=frozenset({1})))
    view.apply_changes(ChangeSet(profile=True))
    assert calls == []
    view.apply_changes(ChangeSet(events=frozenset({1})))
    view.apply_changes(ChangeSet(artifacts=frozenset({1})))
    assert calls == ["refresh", "refresh"]


def test_pressing_and_moving_on_a_day_with_events_starts_a_drag(qtbot) -> None:
    calendar = EventCalendar()
    qtbot.addWidget(calendar)
    calendar.resize(700, 500)
    calendar.show()
    qtbot.waitExposed(calendar)
    calendar.setCurrentPage(2027, 3)
    calendar.set_markers({DAY: [(EventKind.INTERNAL_AUDIT, "Internal audit")]})
    viewport = calendar.view.viewport()
    centre = calendar.cell_centre(DAY)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=centre)
    with qtbot.waitSignal(calendar.drag_requested) as blocker:
        qtbot.mouseMove(viewport, centre + QPoint(30, 0))
    assert blocker.args == [DAY]
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=centre + QPoint(30, 0))


def test_a_rule_changed_in_the_file_is_named_under_the_calendar(view: PlannerView) -> None:
    from tests.helpers.tamper import tamper

    assert view.problems_label.isHidden()
    assert view.workspace is not None
    tamper(view.workspace, "UPDATE planner_event SET rrule = 'FREQ=DAILY;INTERVAL=0' WHERE id = 2")
    view.workspace.caches.clear()  # as a new session of the app would find it
    view.refresh()
    assert view.problems_label.isVisible()
    assert view.problems_label.text() == (
        "Event 2 'ISMS steering' is not shown (in full): its repeat rule FREQ=DAILY;INTERVAL=0 "
        "cannot be used: INTERVAL=0: each value must be 1 to 36524. Edit or delete the event."
    )
    titles = [
        view.agenda_model.occurrence(row).title for row in range(view.agenda_model.rowCount())
    ]
    assert "ISMS steering" not in titles and titles  # the rest of the week is still there


def test_the_event_dialog_refuses_a_rule_that_cannot_advance(view: PlannerView) -> None:
    dialog = view.new_event()
    dialog.title_edit.setText("Stand-up")
    dialog.repeat_combo.setCurrentIndex(dialog.repeat_combo.findData("custom"))
    dialog.rule_edit.setText("FREQ=DAILY;INTERVAL=0")
    assert dialog.rule_check.text() == "INTERVAL=0: each value must be 1 to 36524."
    dialog.accept()
    assert dialog.isVisible() and "INTERVAL=0" in dialog.error_label.text()
    dialog.reject()
