"""No repeat rule can hang a view: degenerate rules are refused on entry and on import, and a
bad rule already in the file is reported by name, never looped on."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from tests.helpers.cli import run
from tests.helpers.planner import create_event
from tests.helpers.tamper import rows, tamper
from workbench.models import PlannerEvent
from workbench.services.planner import ics_import, recurrence, schedule, upcoming
from workbench.services.planner.drafts import PlannerError
from workbench.services.planner.ics_format import IcsError

MONDAY = datetime(2027, 1, 4, 9, tzinfo=UTC)
# Enough for a few seconds' work on a slow machine; an unbounded walk takes minutes.
SECONDS = 10.0

DEGENERATE = [
    ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0: each value must be 1 to 36524"),
    ("FREQ=DAILY;INTERVAL=-1", "INTERVAL=-1: each value must be 1 to 36524"),
    ("FREQ=DAILY;INTERVAL=100000000", "INTERVAL=100000000: each value must be 1 to 36524"),
    ("FREQ=WEEKLY;COUNT=0", "COUNT=0: each value must be 1 to 10000"),
    ("FREQ=SECONDLY", "FREQ=SECONDLY is not supported"),
    ("FREQ=MINUTELY;INTERVAL=1", "FREQ=MINUTELY is not supported"),
    ("FREQ=HOURLY", "FREQ=HOURLY is not supported"),
    ("FREQ=DAILY;BYHOUR=9,10", "does not support BYHOUR"),
    ("FREQ=YEARLY;BYEASTER=0", "does not support BYEASTER"),
    ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=400", "BYSETPOS=400: each value must be"),
    ("FREQ=DAILY;BYDAY=MO;BYSETPOS=10", "BYSETPOS=10 picks a day beyond the 1"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31", "No month in the rule has day 31"),
    ("FREQ=MONTHLY;BYMONTH=4,6,9,11;BYMONTHDAY=31", "No month in the rule has day 31"),
    ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY=32: each value must be"),
    ("FREQ=MONTHLY;BYDAY=6MO", "'6MO' asks for a week no month has"),
    ("FREQ=YEARLY;BYWEEKNO=54", "BYWEEKNO=54: each value must be"),
    ("FREQ=MONTHLY;BYWEEKNO=20", "BYWEEKNO needs FREQ=YEARLY"),
    ("FREQ=DAILY;UNTIL=20200101", "ends (UNTIL) before the series starts"),
    # Rules that pass every check of their parts, and still match nothing:
    ("FREQ=DAILY;INTERVAL=7;BYDAY=TU", "never produces a date: none within 100 years"),
    ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "never produces a date: none within 100 years"),
    ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", "never produces a date"),
]


@pytest.mark.parametrize(("rule", "message"), DEGENERATE)
def test_degenerate_rules_are_refused_on_entry(workspace, rule: str, message: str) -> None:
    started = time.perf_counter()
    with pytest.raises(PlannerError) as refused:
        create_event(workspace, start=MONDAY, rrule=rule)
    assert message in str(refused.value)
    assert time.perf_counter() - started < SECONDS
    with workspace.read() as session:
        assert session.exec(select(PlannerEvent)).all() == []


def test_rare_but_real_rules_are_accepted(workspace) -> None:
    # 29 February on a Monday: 2044, then 2072.
    event_id = create_event(
        workspace, start=MONDAY, rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO"
    )
    found = schedule.occurrences(workspace, date(2027, 1, 1), date(2080, 12, 31))
    assert [o.start.date() for o in found if o.event_id == event_id] == [
        date(2044, 2, 29), date(2072, 2, 29)
    ]  # fmt: skip


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Attacker//EN
BEGIN:VEVENT
UID:good@example
DTSTART:20270110T090000Z
SUMMARY:A fine event
END:VEVENT
BEGIN:VEVENT
UID:loop@example
DTSTART:20270110T090000Z
SUMMARY:Stand-up
RRULE:{rule}
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.parametrize(
    ("rule", "message"),
    [("FREQ=DAILY;INTERVAL=0", "INTERVAL=0"), ("FREQ=DAILY;INTERVAL=7;BYDAY=MO", "never produces")],
)
def test_degenerate_rules_in_an_ics_file_refuse_the_file(workspace, rule, message) -> None:
    data = ICS.format(rule=rule).replace("\n", "\r\n").encode()
    started = time.perf_counter()
    with pytest.raises(IcsError) as refused:
        ics_import.import_ics_data(workspace, data, name="evil.ics", actor="Mara")
    assert str(refused.value).startswith("event 'Stand-up': ") and message in str(refused.value)
    assert time.perf_counter() - started < SECONDS
    with workspace.read() as session:
        assert session.exec(select(PlannerEvent)).all() == []  # nothing of the file


STORED = [
    "FREQ=DAILY;INTERVAL=0",  # once grew memory without end
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31",
    "FREQ=DAILY;INTERVAL=7;BYDAY=TU",  # walks dateutil to the year 9999 unless bounded
    "FREQ=MINUTELY",
    "FREQ=DAILY;COUNT=-3",
    "not a rule at all",
]


@pytest.mark.parametrize("rule", STORED)
def test_a_bad_rule_in_the_file_is_reported_not_looped_on(workspace, capsys, rule) -> None:
    good = create_event(workspace, title="Quarterly review", start=MONDAY,
                        rrule="FREQ=MONTHLY;INTERVAL=3")  # fmt: skip
    bad = create_event(workspace, title="Stand-up", start=MONDAY, rrule="FREQ=WEEKLY")
    tamper(workspace, "UPDATE planner_event SET rrule = ? WHERE id = ?", rule, bad)
    ws = str(workspace.path or workspace.url)

    started = time.perf_counter()
    code, out, err = run(capsys, "-w", ws, "planner", "list", "--from", "2027-01-01",
                         "--to", "2027-12-31")  # fmt: skip
    assert time.perf_counter() - started < SECONDS
    assert code == 0
    assert out.count("Quarterly review") == 4 and "Stand-up" not in out  # the rest is shown
    (warning,) = err.splitlines()
    assert warning.startswith(
        f"workbench: warning: Event {bad} 'Stand-up' is not shown (in full): its repeat rule "
        f"{rule} cannot be used: "
    )
    code, _, err = run(capsys, "-w", ws, "planner", "upcoming", "--days", "3000")
    assert code == 0 and f"Event {bad} 'Stand-up'" in err
    # the row is still there, unchanged, for the consultant to fix
    assert rows(workspace, "SELECT rrule FROM planner_event WHERE id = ?", bad) == [(rule,)]
    assert good != bad


def test_expansion_is_bounded_per_query(workspace) -> None:
    cache = recurrence.Expansions(8)
    problems: list[str] = []
    starts = recurrence.starts_between(
        "FREQ=DAILY", MONDAY, MONDAY, datetime(2999, 1, 1, tzinfo=UTC), cache=cache,
        problems=problems,
    )  # fmt: skip
    # never further than 50 years ahead of the start of the query...
    assert starts[-1].year <= MONDAY.year + recurrence.MAX_EXPANSION_YEARS
    assert problems == []
    # ...and a walk without dates stops after a century, naming why
    started = time.perf_counter()
    never = recurrence.starts_between(
        "FREQ=DAILY;INTERVAL=7;BYDAY=TU", MONDAY, MONDAY, datetime(2999, 1, 1, tzinfo=UTC),
        problems=problems,
    )  # fmt: skip
    assert never == []
    assert time.perf_counter() - started < SECONDS
    assert problems == ["it produces no date within 100 years"]


@pytest.mark.parametrize(
    ("first", "last"), [("0001-01-01", "9999-12-31"), ("1899-12-31", "2027-01-01"),
                        ("2027-01-01", "3000-01-01")],
)  # fmt: skip
def test_extreme_ranges_are_one_clear_line(capsys, tmp_path: Path, first: str, last: str) -> None:
    code, out, err = run(capsys, "-w", str(tmp_path / "w.grcw"), "planner", "list",
                         "--from", first, "--to", last)  # fmt: skip
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert "is outside the dates the planner uses (1900-01-01 to 2999-12-31)" in err
    with pytest.raises(PlannerError, match="outside them"):
        schedule.check_range(date(1, 1, 1), date(9999, 12, 31))


@pytest.mark.parametrize(
    "argv",
    [
        ("--start", "9999-12-31"),
        ("--start", "0001-01-01T09:00"),
        ("--start", "2027-01-01", "--end", "9999-12-31"),
    ],
)
def test_extreme_dates_on_entry_are_one_clear_line(capsys, tmp_path: Path, argv) -> None:
    code, out, err = run(capsys, "-w", str(tmp_path / "w.grcw"), "planner", "add", "--kind",
                         "other", "--title", "Far away", *argv)  # fmt: skip
    assert (code, out) == (2, "") and len(err.splitlines()) == 1
    assert "outside the dates the planner uses" in err


def test_extreme_dates_in_the_file_are_reported(workspace, capsys) -> None:
    single = create_event(workspace, title="Forever", start=MONDAY)
    series = create_event(workspace, title="Ancient series", start=MONDAY, rrule="FREQ=YEARLY")
    tamper(workspace, "UPDATE planner_event SET start = '0001-01-01 00:00:00.000000', "
           "\"end\" = '9999-12-31 23:00:00.000000' WHERE id = ?", single)  # fmt: skip
    tamper(workspace, "UPDATE planner_event SET start = '0001-01-01 00:00:00.000000', "
           "tzid = 'America/New_York' WHERE id = ?", series)  # fmt: skip
    problems: list[str] = []
    new_york = recurrence.series_zone("America/New_York", all_day=False)
    found = schedule.occurrences(workspace, date(2027, 1, 1), date(2027, 12, 31),
                                 zone=new_york, problems=problems)  # fmt: skip
    assert [o.event_id for o in found] == []
    assert [p.split(" is not shown")[0] for p in problems] == [
        "Event 2 'Ancient series'", "Event 1 'Forever'"
    ]  # fmt: skip
    items = upcoming.upcoming_and_overdue(workspace, today=date(2027, 1, 1), zone=new_york)
    assert all(item.event_id not in (single, series) for item in items)


def test_a_bad_rule_in_the_file_is_not_handed_to_other_calendars(workspace, capsys, tmp_path):
    bad = create_event(workspace, title="Stand-up", start=MONDAY, rrule="FREQ=WEEKLY")
    tamper(workspace, "UPDATE planner_event SET rrule = 'FREQ=DAILY;INTERVAL=0' WHERE id = ?", bad)
    target = tmp_path / "out.ics"
    location = str(workspace.path or workspace.url)
    code, out, err = run(capsys, "-w", location, "planner", "export-ics", "-o", str(target))
    assert (code, out) == (2, "") and not target.exists()
    assert err == (
        f"workbench: Event {bad} 'Stand-up' has a repeat rule that cannot be exported "
        "(FREQ=DAILY;INTERVAL=0: INTERVAL=0: each value must be 1 to 36524); edit or delete the "
        "event\n"
    )
