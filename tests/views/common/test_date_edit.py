"""The one date field: typing, Ctrl+A and typing, the calendar, optional and invalid dates."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from workbench.views.common.date_edit import DateEdit, DateEntryError, DateTimeEdit, add_months
from workbench.views.common.dates import format_date, format_day, parse_date


@pytest.fixture
def field(qtbot) -> DateEdit:
    edit = DateEdit(date(2026, 6, 15), name="Certification target")
    qtbot.addWidget(edit)
    edit.show()
    edit.line.setFocus()
    return edit


def test_select_all_then_typing_replaces_the_whole_date(field: DateEdit, qtbot) -> None:
    seen: list[date | None] = []
    field.value_changed.connect(seen.append)
    qtbot.keyClick(field.line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field.line, "2027-06-15")
    assert field.value() == date(2027, 6, 15)
    assert seen[-1] == date(2027, 6, 15)
    assert field.text() == "2027-06-15"


def test_text_that_is_no_date_is_refused_with_how_to_write_it(field: DateEdit, qtbot) -> None:
    field.line.selectAll()
    qtbot.keyClicks(field.line, "2027-13-01")
    with pytest.raises(DateEntryError) as refused:
        field.value()
    assert str(refused.value) == (
        "Certification target: “2027-13-01” is not a date: write it as YYYY-MM-DD, e.g. 2026-12-01"
    )
    assert not field.is_valid()
    assert "#b00020" in field.line.styleSheet()
    field.line.selectAll()
    qtbot.keyClicks(field.line, "2027-12-01")
    assert field.line.styleSheet() == ""


def test_a_required_field_refuses_empty_and_an_optional_one_means_no_date(qtbot) -> None:
    required = DateEdit(date(2026, 1, 1), name="Due")
    optional = DateEdit(None, optional=True, placeholder="not set")
    for edit in (required, optional):
        qtbot.addWidget(edit)
    required.line.clear()
    with pytest.raises(DateEntryError, match="Due: enter a date as YYYY-MM-DD"):
        required.value()
    assert optional.value() is None
    assert optional.line.placeholderText() == "not set"
    optional.set_value(date(2027, 3, 31))
    assert optional.value() == date(2027, 3, 31)


def test_short_forms_are_read_and_tidied_on_leaving(field: DateEdit, qtbot) -> None:
    field.line.setText("2027-6-5")
    assert field.value() == date(2027, 6, 5)
    field.line.editingFinished.emit()
    assert field.text() == "2027-06-05"
    assert parse_date("20270605") == parse_date("2027/06/05") == date(2027, 6, 5)


def test_arrow_keys_step_days_and_page_keys_months(field: DateEdit, qtbot) -> None:
    field.set_value(date(2026, 1, 31))
    qtbot.keyClick(field.line, Qt.Key.Key_Up)
    assert field.value() == date(2026, 2, 1)
    qtbot.keyClick(field.line, Qt.Key.Key_PageDown)
    assert field.value() == date(2026, 1, 1)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_the_calendar_opens_on_the_date_and_a_click_sets_it(field: DateEdit, qtbot) -> None:
    calendar = field.open_calendar()
    assert field.menu is not None and field.menu.isVisible()
    assert calendar.selectedDate() == QDate(2026, 6, 15)
    with qtbot.wait_signal(field.value_changed):
        calendar.clicked.emit(QDate(2026, 7, 3))
    assert field.value() == date(2026, 7, 3)
    assert not field.menu.isVisible()


def test_alt_down_opens_the_calendar(field: DateEdit, qtbot) -> None:
    qtbot.keyClick(field.line, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert field.menu is not None and field.menu.isVisible()
    field.menu.hide()


def test_date_and_time(qtbot) -> None:
    from datetime import datetime

    edit = DateTimeEdit(datetime(2026, 3, 2, 9, 30))
    qtbot.addWidget(edit)
    edit.date_edit.line.selectAll()
    qtbot.keyClicks(edit.date_edit.line, "2026-03-04")
    assert edit.value() == datetime(2026, 3, 4, 9, 30)
    edit.set_time_shown(False)
    assert edit.time_edit.isHidden()


def test_one_format() -> None:
    assert format_date(date(2026, 12, 1)) == "2026-12-01"
    assert format_date(None) == ""
    assert format_day(date(2026, 12, 1)) == "Tue 2026-12-01"
