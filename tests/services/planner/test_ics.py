from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlmodel import select

from tests.helpers.planner import ACTOR, create_event
from workbench.models import AuditLogEntry, EventKind, EventStatus, PlannerEvent
from workbench.services.planner import (
    events,
    findings,
    ics_export,
    ics_format,
    ics_import,
    schedule,
)
from workbench.services.planner.drafts import OccurrenceChange, all_day_start
from workbench.services.planner.findings import FindingDraft
from workbench.services.planner.ics_format import IcsError
from workbench.services.store.workspace import open_workspace

DATA = Path(__file__).resolve().parents[2] / "data"
BERLIN = ZoneInfo("Europe/Berlin")
LONDON = ZoneInfo("Europe/London")
YEARS = (date(2026, 1, 1), date(2030, 12, 31))


@pytest.fixture
def planned(workspace):
    """A workspace with a series (one occurrence moved, one cancelled), an all-day audit,
    a timed one-off event and an event with a reminder and references."""
    series = create_event(
        workspace,
        kind=EventKind.MANAGEMENT_REVIEW,
        title="Management review",
        start=datetime(2027, 1, 12, 10, tzinfo=BERLIN),
        end=datetime(2027, 1, 12, 12, tzinfo=BERLIN),
        rrule="FREQ=MONTHLY;INTERVAL=3;COUNT=6",
        tzid="Europe/Berlin",
        location="Room 2.14",
        notes="Inputs per clause 9.3.2",
        reminder_minutes=30,
        refs=("ISO27001:2022/9.3",),
    )
    events.update_occurrence(
        workspace,
        series,
        datetime(2027, 4, 12, 8, tzinfo=UTC),
        OccurrenceChange(
            start=datetime(2027, 4, 14, 13, tzinfo=BERLIN),
            end=datetime(2027, 4, 14, 15, tzinfo=BERLIN),
            title="Management review (moved)",
        ),
        actor=ACTOR,
    )
    events.cancel_occurrence(workspace, series, datetime(2027, 7, 12, 8, tzinfo=UTC), actor=ACTOR)
    create_event(
        workspace,
        kind=EventKind.STAGE_2,
        title="Stage 2 audit",
        start=all_day_start(date(2027, 10, 18)),
        end=all_day_start(date(2027, 10, 20)),
        all_day=True,
        status=EventStatus.DONE,
        outcome="Recommended for certification",
    )
    create_event(workspace, title="Internal audit", start=datetime(2027, 9, 6, 8, 30, tzinfo=UTC))
    return workspace


def _occurrence_view(workspace) -> list[tuple[object, ...]]:
    return [
        (o.uid, o.kind, o.title, o.start, o.end, o.all_day, o.status, o.location)
        for o in schedule.occurrences(workspace, *YEARS, include_reviews=False)
    ]


# --- export ---------------------------------------------------------------------------------


def test_export_parses_back_with_the_same_events(planned, tmp_path: Path) -> None:
    out = tmp_path / "plan.ics"
    assert ics_export.export_ics(planned, out) == 3
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == ics_format.PRODID
    events = calendar.walk("VEVENT")
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    assert len(masters) == 3 and len(events) == 4
    for event in events:  # RFC 5545 requires these in every VEVENT
        assert {"UID", "DTSTAMP", "DTSTART"} <= set(event)
        assert event.errors == []

    review = next(e for e in masters if str(e["SUMMARY"]) == "Management review")
    start = review.decoded("DTSTART")
    assert start == datetime(2027, 1, 12, 10, tzinfo=BERLIN)
    assert review["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert review.get("RRULE").to_ical() == b"FREQ=MONTHLY;COUNT=6;INTERVAL=3"
    (exdate,) = [d.dt for d in review.get("EXDATE").dts]
    assert exdate == datetime(2027, 7, 12, 10, tzinfo=BERLIN)
    assert review.walk("VALARM")[0].decoded("TRIGGER") == timedelta(minutes=-30)
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {"Europe/Berlin"}

    moved = next(e for e in events if "RECURRENCE-ID" in e)
    assert str(moved["UID"]) == str(review["UID"])
    assert moved.decoded("RECURRENCE-ID") == datetime(2027, 4, 12, 10, tzinfo=BERLIN)
    assert moved.decoded("DTSTART") == datetime(2027, 4, 14, 13, tzinfo=BERLIN)

    stage_2 = next(e for e in masters if str(e["SUMMARY"]) == "Stage 2 audit")
    assert stage_2.decoded("DTSTART") == date(2027, 10, 18)  # a DATE, not a DATE-TIME
    assert stage_2.decoded("DTEND") == date(2027, 10, 20)
    assert str(stage_2[ics_format.X_STATUS]) == "done"

    one_off = next(e for e in masters if str(e["SUMMARY"]) == "Internal audit")
    assert one_off.decoded("DTSTART") == datetime(2027, 9, 6, 8, 30, tzinfo=UTC)
    assert "RRULE" not in one_off


def test_export_filters_by_range_and_kind(planned) -> None:
    calendar, count = ics_export.build_calendar(
        planned, first=date(2027, 9, 1), last=date(2027, 9, 30)
    )
    assert count == 1
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Internal audit"]
    calendar, count = ics_export.build_calendar(planned, kinds={EventKind.MANAGEMENT_REVIEW})
    assert count == 1 and len(calendar.walk("VEVENT")) == 2


def test_export_to_an_unwritable_place_is_reported(planned, tmp_path: Path) -> None:
    with pytest.raises(IcsError, match="Cannot write"):
        ics_export.export_ics(planned, tmp_path / "missing" / "plan.ics")


# --- round trip -----------------------------------------------------------------------------


def test_round_trip_into_another_workspace_gives_the_same_calendar(planned, tmp_path) -> None:
    out = tmp_path / "plan.ics"
    ics_export.export_ics(planned, out)
    other = open_workspace(tmp_path / "other.grcw")
    try:
        result = ics_import.import_ics(other, out, actor=ACTOR)
        assert (result.created, result.updated, result.warnings) == (3, 0, ())
        assert _occurrence_view(other) == _occurrence_view(planned)
        imported = events.get_event(other, next(iter(result.changes.events)))
        assert imported.draft.uid.endswith("@grc-workbench")
        by_title = {
            events.get_event(other, i).draft.title: events.get_event(other, i).draft
            for i in result.changes.events
        }
        review = by_title["Management review"]
        assert review.refs == ("ISO27001:2022/9.3",)
        assert (review.reminder_minutes, review.tzid, review.notes) == (
            30,
            "Europe/Berlin",
            "Inputs per clause 9.3.2",
        )
        assert by_title["Stage 2 audit"].outcome == "Recommended for certification"
    finally:
        other.close()


def test_reimport_updates_by_uid_instead_of_duplicating(planned, tmp_path) -> None:
    out = tmp_path / "plan.ics"
    ics_export.export_ics(planned, out)
    before = _occurrence_view(planned)
    audit = next(
        o.event_id
        for o in schedule.occurrences(planned, *YEARS)
        if o.title == "Internal audit" and o.event_id
    )
    findings.add_finding(planned, audit, FindingDraft(text="Logs not reviewed"), actor=ACTOR)

    edited = out.read_bytes().replace(b"SUMMARY:Internal audit", b"SUMMARY:Internal audit (IT)")
    result = ics_import.import_ics_data(planned, edited, name="plan.ics", actor=ACTOR)
    assert (result.created, result.updated) == (0, 3)
    with planned.read() as session:
        assert len(session.exec(select(PlannerEvent)).all()) == 3
    after = _occurrence_view(planned)
    assert len(after) == len(before)
    assert [row[2] for row in after if row[1] is EventKind.INTERNAL_AUDIT] == [
        "Internal audit (IT)"
    ]
    assert events.get_event(planned, audit).open_findings == 1  # kept across the update


# --- calendars written by other programs ------------------------------------------------


def test_import_google_calendar_export(workspace) -> None:
    result = ics_import.import_ics(workspace, DATA / "google_calendar.ics", actor=ACTOR)
    assert (result.created, result.updated) == (3, 0)
    found = schedule.occurrences(workspace, *YEARS, include_reviews=False)
    group = [o for o in found if o.uid.startswith("4k2n1f6v")]
    # Monthly on the 1st, 09:30 London time, March to August, May cancelled, June moved.
    assert [o.start.astimezone(LONDON) for o in group] == [
        datetime(2027, 3, 1, 9, 30, tzinfo=LONDON),
        datetime(2027, 4, 1, 9, 30, tzinfo=LONDON),
        datetime(2027, 6, 3, 14, 0, tzinfo=LONDON),
        datetime(2027, 7, 1, 9, 30, tzinfo=LONDON),
        datetime(2027, 8, 1, 9, 30, tzinfo=LONDON),
    ]
    assert group[0].start == datetime(2027, 3, 1, 9, 30, tzinfo=UTC)  # GMT
    assert group[1].start == datetime(2027, 4, 1, 8, 30, tzinfo=UTC)  # BST
    assert group[2].title == "ISMS working group (moved)" and group[2].location == "Online"
    series = events.get_event(workspace, group[0].event_id).draft
    assert series.location == "Meeting room Thames, 2nd floor"
    assert series.notes.startswith("Monthly ISMS working group: risk register, actions")
    assert (series.tzid, series.reminder_minutes) == ("Europe/London", 10)

    audit = next(o for o in found if o.title == "Internal audit 2027")
    assert (audit.kind, audit.all_day) == (EventKind.INTERNAL_AUDIT, True)
    assert audit.days(UTC) == (date(2027, 4, 14), date(2027, 4, 15))
    training = next(o for o in found if o.title == "Security awareness training")
    assert (training.kind, training.status) == (EventKind.TRAINING, EventStatus.CANCELLED)


def test_import_outlook_export_with_windows_time_zone(workspace) -> None:
    result = ics_import.import_ics(workspace, DATA / "outlook_calendar.ics", actor=ACTOR)
    assert result.created == 2
    found = schedule.occurrences(workspace, *YEARS, include_reviews=False)
    reviews = [o for o in found if o.kind is EventKind.MANAGEMENT_REVIEW]
    assert [o.start.astimezone(BERLIN).strftime("%Y-%m-%d %a %H:%M") for o in reviews] == [
        "2027-01-12 Tue 10:00",
        "2027-04-13 Tue 10:00",
        "2027-07-13 Tue 10:00",
        "2027-10-12 Tue 10:00",
        "2028-01-11 Tue 10:00",
        "2028-04-11 Tue 10:00",
        "2028-07-11 Tue 10:00",
        "2028-10-10 Tue 10:00",
    ]
    assert reviews[0].end - reviews[0].start == timedelta(minutes=90)
    details = events.get_event(workspace, reviews[0].event_id).draft
    assert (details.tzid, details.reminder_minutes) == ("Europe/Berlin", 15)
    assert details.uid.startswith("040000008200E00074C5B7101A82E008")
    (stage_2,) = [o for o in found if o.kind is EventKind.STAGE_2]
    assert (stage_2.all_day, stage_2.days(UTC)) == (True, (date(2027, 10, 18), date(2027, 10, 19)))
    assert ics_import.import_ics(workspace, DATA / "outlook_calendar.ics", actor=ACTOR).updated == 2


def test_floating_times_are_read_as_local_time(workspace, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:f1@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270105T090000\r\n"
        b"SUMMARY:Training\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    ics_import.import_ics_data(workspace, data, name="f.ics", actor=ACTOR)
    (found,) = schedule.occurrences(workspace, *YEARS)
    assert found.start == datetime(2027, 1, 5, 14, tzinfo=UTC)


# --- malformed files ------------------------------------------------------------------------

GOOD_EVENT = (
    "BEGIN:VEVENT\r\nUID:good@test\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART:20270105T090000Z\r\nSUMMARY:Fine\r\nEND:VEVENT\r\n"
)


def _calendar(*events: str) -> bytes:
    body = "".join(events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n".encode()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "bad.ics is empty"),
        (b"this is not a calendar\r\n", "bad.ics is not a valid iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n", "not a valid iCalendar file"),
        (_calendar(), "holds no events"),
        (
            _calendar(GOOD_EVENT, "BEGIN:VEVENT\r\nUID:a@t\r\nSUMMARY:No start\r\nEND:VEVENT\r\n"),
            "event 'No start' has no start",
        ),
        (
            _calendar(
                GOOD_EVENT,
                "BEGIN:VEVENT\r\nUID:b@t\r\nSUMMARY:Broken\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\n",
            ),
            "event 'Broken': DTSTART cannot be read",
        ),
        (
            _calendar(
                GOOD_EVENT,
                "BEGIN:VEVENT\r\nUID:c@t\r\nSUMMARY:Bad rule\r\nDTSTART:20270105T090000Z\r\n"
                "RRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n",
            ),
            "event 'Bad rule'",
        ),
        (
            _calendar(
                GOOD_EVENT,
                "BEGIN:VEVENT\r\nUID:d@t\r\nSUMMARY:Backwards\r\nDTSTART:20270105T090000Z\r\n"
                "DTEND:20270104T090000Z\r\nEND:VEVENT\r\n",
            ),
            "event 'Backwards' ends before it starts",
        ),
        (_calendar(GOOD_EVENT, GOOD_EVENT), "the UID good@test is used by two events"),
    ],
)
def test_malformed_file_is_reported_and_nothing_is_imported(workspace, data, message) -> None:
    with workspace.read() as session:
        log_before = len(session.exec(select(AuditLogEntry)).all())
    with pytest.raises(IcsError, match=message):
        ics_import.import_ics_data(workspace, data, name="bad.ics", actor=ACTOR)
    with workspace.read() as session:
        assert session.exec(select(PlannerEvent)).all() == []
        assert len(session.exec(select(AuditLogEntry)).all()) == log_before


def test_a_database_failure_midway_leaves_nothing_behind(workspace, monkeypatch) -> None:
    data = (DATA / "google_calendar.ics").read_bytes()
    original = events.add_event
    calls = {"n": 0}

    def failing(session, draft, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(session, draft, **kwargs)

    monkeypatch.setattr(ics_import, "add_event", failing)
    with pytest.raises(RuntimeError):
        ics_import.import_ics_data(workspace, data, name="g.ics", actor=ACTOR)
    with workspace.read() as session:
        assert session.exec(select(PlannerEvent)).all() == []


def test_missing_file_is_reported(workspace, tmp_path: Path) -> None:
    with pytest.raises(IcsError, match="Cannot read"):
        ics_import.import_ics(workspace, tmp_path / "nope.ics", actor=ACTOR)


def test_damaged_files_only_ever_raise_ics_error() -> None:
    """Truncated, shuffled and corrupted copies of real exports: a clear error, never a crash."""
    import random

    data = (DATA / "google_calendar.ics").read_bytes() + (
        DATA / "outlook_calendar.ics"
    ).read_bytes()
    rng = random.Random(5545)
    for number in range(400):
        damaged = bytearray(data)
        if number % 3 == 0:
            damaged = damaged[: rng.randrange(len(damaged))]
        elif number % 3 == 1:
            for _ in range(5):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        else:
            lines = bytes(damaged).split(b"\r\n")
            rng.shuffle(lines)
            damaged = bytearray(b"\r\n".join(lines))
        try:
            ics_import.parse_ics(bytes(damaged), name="damaged.ics")
        except IcsError as error:
            assert str(error).startswith(("damaged.ics", "event")), error


def test_review_due_dates_are_exported_and_not_imported_back(workspace, tmp_path) -> None:
    from datetime import date as day

    import icalendar as ical

    from workbench.models import ArtifactKind
    from workbench.services.planner import ics_export, ics_import
    from workbench.services.register import artifacts

    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.SCOPE, title="ISMS Scope Statement",
        review_interval_months=12, today=day(2026, 11, 28),
    )  # fmt: skip
    target = tmp_path / "acme.ics"
    ics_export.export_ics(workspace, target)
    parsed = ical.Calendar.from_ical(target.read_bytes())
    (review,) = [
        e for e in parsed.walk("VEVENT") if str(e["UID"]) == ics_export.review_uid(artifact_id)
    ]
    assert review.decoded("DTSTART") == day(2027, 11, 28)
    assert "ISMS Scope Statement" in str(review["SUMMARY"])
    without = ical.Calendar.from_ical(
        ics_export.build_calendar(workspace, include_reviews=False)[0].to_ical()
    )
    assert not [e for e in without.walk("VEVENT") if "review" in str(e["UID"])]
    result = ics_import.import_ics(workspace, target, actor="Mara")
    assert any("review dates come from the artifacts" in w for w in result.warnings)
    again = ical.Calendar.from_ical(ics_export.build_calendar(workspace)[0].to_ical())
    assert len([e for e in again.walk("VEVENT") if "review" in str(e["UID"])]) == 1
