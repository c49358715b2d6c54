from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from sqlmodel import col, select

from tests.helpers.planner import ACTOR, create_event
from workbench.models import (
    Artifact,
    ArtifactKind,
    ArtifactStatus,
    AuditLogEntry,
    EventException,
    EventKind,
    EventLink,
    EventStatus,
    FindingSeverity,
    FindingStatus,
    PlannerEvent,
)
from workbench.services.planner import (
    drafts,
    due_reviews,
    events,
    findings,
    programme,
    recurrence,
    rescheduling,
    schedule,
    upcoming,
)
from workbench.services.planner.drafts import (
    EventDraft,
    OccurrenceChange,
    PlannerError,
    all_day_start,
)
from workbench.services.planner.findings import FindingDraft
from workbench.services.planner.rescheduling import Scope
from workbench.services.planner.schedule import Source
from workbench.services.planner.upcoming import ItemKind
from workbench.services.register import profile

BERLIN = ZoneInfo("Europe/Berlin")


def _artifact(workspace, title: str = "Access control policy", **fields) -> int:
    with workspace.write() as session:
        artifact = Artifact(kind=ArtifactKind.POLICY, title=title, **fields)
        session.add(artifact)
        session.flush()
        assert artifact.id is not None
        return artifact.id


def _actions(workspace) -> list[str]:
    with workspace.read() as session:
        entries = session.exec(select(AuditLogEntry).order_by(col(AuditLogEntry.id)))
        return [entry.action for entry in entries]


def _starts(workspace, first: date, last: date, **kwargs) -> list[datetime]:
    return [o.start for o in schedule.occurrences(workspace, first, last, **kwargs)]


# --- recurrence ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "start", "all_day", "tzid"),
    [
        ("FREQ=MONTHLY", datetime(2027, 1, 31, 9, tzinfo=UTC), False, None),
        ("FREQ=MONTHLY;INTERVAL=3", datetime(2027, 2, 10, 14, 30, tzinfo=UTC), False, None),
        ("FREQ=YEARLY;COUNT=4", datetime(2027, 2, 28, tzinfo=UTC), True, None),
        ("FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270601T000000Z", datetime(2027, 3, 1, 8, tzinfo=UTC),
         False, None),
        ("FREQ=MONTHLY;BYDAY=2TU", datetime(2027, 1, 12, 9, tzinfo=UTC), False, "Europe/Berlin"),
        ("FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1", datetime(2027, 3, 1, tzinfo=UTC), True, None),
    ],
)  # fmt: skip
def test_expansion_matches_dateutil(workspace, rule, start, all_day, tzid) -> None:
    create_event(workspace, start=start, all_day=all_day, rrule=rule, tzid=tzid)
    first, last = date(2027, 1, 1), date(2029, 12, 31)
    if all_day:
        dtstart = datetime.combine(start.date(), datetime.min.time())
        expected = [
            d.replace(tzinfo=UTC)
            for d in rrulestr(rule, dtstart=dtstart).between(
                datetime(2027, 1, 1), datetime(2030, 1, 1), inc=True
            )
        ]
    else:
        zone = ZoneInfo(tzid) if tzid else UTC
        expected = [
            d.astimezone(UTC)
            for d in rrulestr(rule, dtstart=start.astimezone(zone)).between(
                datetime(2027, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC), inc=True
            )
        ]
    assert expected
    assert _starts(workspace, first, last) == expected


def test_series_in_a_zone_keeps_its_wall_clock_time_across_daylight_saving(workspace) -> None:
    create_event(
        workspace,
        start=datetime(2027, 3, 1, 9, tzinfo=BERLIN),
        rrule="FREQ=MONTHLY;COUNT=2",
        tzid="Europe/Berlin",
    )
    local = [
        s.astimezone(BERLIN).hour for s in _starts(workspace, date(2027, 3, 1), date(2027, 4, 30))
    ]
    assert local == [9, 9]  # 08:00 UTC in winter, 07:00 UTC in summer


def test_presets_and_description() -> None:
    assert recurrence.rule_for(recurrence.Recurrence.QUARTERLY) == "FREQ=MONTHLY;INTERVAL=3"
    assert recurrence.preset_of("FREQ=YEARLY") is recurrence.Recurrence.YEARLY
    assert recurrence.preset_of("FREQ=WEEKLY") is recurrence.Recurrence.CUSTOM
    assert recurrence.describe("FREQ=MONTHLY;INTERVAL=3") == "quarterly"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("INTERVAL=2", "needs FREQ"),
        ("FREQ=FORTNIGHTLY", "FREQ=FORTNIGHTLY is not supported"),
        ("FREQ=HOURLY", "FREQ=HOURLY is not supported"),
        ("FREQ=WEEKLY;BYDAY=MO,XX", "BYDAY=MO,XX: 'XX' is not a day like MO, 2TU or -1FR"),
        ("FREQ=MONTHLY;COUNT=2;UNTIL=20280101", "COUNT or UNTIL, not both"),
        ("FREQ=MONTHLY;UNTIL=tomorrow", "UNTIL=TOMORROW is not a date"),
        ("FREQ=MONTHLY;nonsense", "is not NAME=VALUE"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never produces a date"),
    ],
)
def test_bad_rules_are_refused_with_a_clear_message(workspace, rule, message) -> None:
    with pytest.raises(PlannerError, match=message):
        create_event(workspace, rrule=rule)
    with workspace.read() as session:
        assert session.exec(select(PlannerEvent)).all() == []


def test_until_is_normalised_for_timed_and_all_day_series(workspace) -> None:
    timed = create_event(workspace, rrule="RRULE:freq=monthly;until=20270401")
    all_day = create_event(workspace, all_day=True, rrule="FREQ=MONTHLY;UNTIL=20270401T000000Z")
    assert events.get_event(workspace, timed).draft.rrule == "FREQ=MONTHLY;UNTIL=20270401T235959Z"
    assert events.get_event(workspace, all_day).draft.rrule == "FREQ=MONTHLY;UNTIL=20270401"
    with workspace.read() as session:
        event = session.get(PlannerEvent, timed)
        assert event.recurrence_end == datetime(2027, 3, 15, 9, tzinfo=UTC)


# --- one-off events -----------------------------------------------------------------------


def test_create_writes_event_links_and_one_audit_entry(workspace) -> None:
    artifact = _artifact(workspace)
    event_id = create_event(
        workspace,
        end=datetime(2027, 1, 15, 17, tzinfo=UTC),
        location="Head office",
        refs=("ISO27001:2022/9.2",),
        artifact_ids=(artifact,),
        reminder_minutes=60,
    )
    details = events.get_event(workspace, event_id)
    assert details.draft.refs == ("ISO27001:2022/9.2",)
    assert details.artifact_titles == {artifact: "Access control policy"}
    assert details.draft.uid.endswith("@grc-workbench")
    assert _actions(workspace)[-1] == "planner.event.create"
    assert _actions(workspace).count("planner.event.create") == 1


def test_bad_input_is_refused(workspace) -> None:
    with pytest.raises(PlannerError, match="needs a title"):
        create_event(workspace, title="  ")
    with pytest.raises(PlannerError, match="ends before it starts"):
        create_event(workspace, end=datetime(2027, 1, 14, tzinfo=UTC))
    with pytest.raises(PlannerError, match="needs a time zone"):
        create_event(workspace, start=datetime(2027, 1, 15, 9))
    with pytest.raises(PlannerError, match="Unknown clause"):
        create_event(workspace, refs=("ISO27001:2022/99.9",))
    with pytest.raises(PlannerError, match="no artifact 42"):
        create_event(workspace, artifact_ids=(42,))
    with pytest.raises(PlannerError, match="Unknown event kind 'party'"):
        drafts.parse_kind("party")
    assert drafts.parse_kind("Management review") is EventKind.MANAGEMENT_REVIEW
    assert drafts.parse_kind("stage-1") is EventKind.STAGE_1


def test_all_day_events_are_stored_at_midnight_utc_and_shown_on_their_dates(workspace) -> None:
    create_event(
        workspace,
        start=datetime(2027, 5, 3, 15, tzinfo=BERLIN),
        end=datetime(2027, 5, 5, tzinfo=BERLIN),
        all_day=True,
    )
    with workspace.read() as session:
        event = session.exec(select(PlannerEvent)).one()
    assert (event.start, event.end, event.all_day) == (
        datetime(2027, 5, 3, tzinfo=UTC),
        datetime(2027, 5, 5, tzinfo=UTC),
        True,
    )
    new_york = ZoneInfo("America/New_York")
    for zone in (UTC, BERLIN, new_york):
        (found,) = schedule.occurrences(workspace, date(2027, 5, 1), date(2027, 5, 31), zone=zone)
        assert found.days(zone) == (date(2027, 5, 3), date(2027, 5, 4))
        assert schedule.occurrences(workspace, date(2027, 5, 2), date(2027, 5, 2), zone=zone) == []


def test_timed_event_appears_on_its_local_day(workspace) -> None:
    create_event(workspace, start=datetime(2027, 6, 30, 23, 30, tzinfo=UTC))
    assert schedule.occurrences(workspace, date(2027, 7, 1), date(2027, 7, 1), zone=BERLIN)
    assert not schedule.occurrences(workspace, date(2027, 7, 1), date(2027, 7, 1), zone=UTC)


def test_kind_filter(workspace) -> None:
    create_event(workspace)
    create_event(workspace, kind=EventKind.TRAINING, title="Awareness")
    found = schedule.occurrences(
        workspace, date(2027, 1, 1), date(2027, 1, 31), kinds={EventKind.TRAINING}
    )
    assert [o.title for o in found] == ["Awareness"]


# --- one occurrence versus the series -----------------------------------------------------


@pytest.fixture
def series(workspace) -> int:
    return create_event(
        workspace,
        kind=EventKind.MANAGEMENT_REVIEW,
        title="Steering meeting",
        start=datetime(2027, 1, 15, 9, tzinfo=UTC),
        end=datetime(2027, 1, 15, 11, tzinfo=UTC),
        rrule="FREQ=MONTHLY;COUNT=6",
    )


def test_editing_one_occurrence_leaves_the_others(workspace, series) -> None:
    march = datetime(2027, 3, 15, 9, tzinfo=UTC)
    events.update_occurrence(
        workspace,
        series,
        march,
        OccurrenceChange(
            start=datetime(2027, 3, 17, 13, tzinfo=UTC),
            end=datetime(2027, 3, 17, 14, tzinfo=UTC),
            title="Steering meeting (moved)",
            status=EventStatus.DONE,
        ),
        actor=ACTOR,
    )
    found = schedule.occurrences(workspace, date(2027, 1, 1), date(2027, 12, 31))
    assert [o.start.date() for o in found] == [
        date(2027, 1, 15),
        date(2027, 2, 15),
        date(2027, 3, 17),
        date(2027, 4, 15),
        date(2027, 5, 15),
        date(2027, 6, 15),
    ]
    moved = found[2]
    assert (moved.title, moved.status, moved.modified, moved.original_start) == (
        "Steering meeting (moved)",
        EventStatus.DONE,
        True,
        march,
    )
    assert moved.end - moved.start == timedelta(hours=1)
    assert all(o.title == "Steering meeting" for o in found if o is not moved)
    assert schedule.find_occurrence(workspace, series, march) == moved


def test_cancelling_one_occurrence(workspace, series) -> None:
    events.cancel_occurrence(workspace, series, datetime(2027, 2, 15, 9, tzinfo=UTC), actor=ACTOR)
    starts = _starts(workspace, date(2027, 1, 1), date(2027, 12, 31))
    assert date(2027, 2, 15) not in {s.date() for s in starts}
    assert len(starts) == 5
    assert schedule.find_occurrence(workspace, series, datetime(2027, 2, 15, 9, tzinfo=UTC)) is None
    with pytest.raises(PlannerError, match="no occurrence"):
        events.cancel_occurrence(
            workspace, series, datetime(2027, 2, 16, 9, tzinfo=UTC), actor=ACTOR
        )


def test_editing_the_series_keeps_changed_occurrences(workspace, series) -> None:
    events.update_occurrence(
        workspace,
        series,
        datetime(2027, 3, 15, 9, tzinfo=UTC),
        OccurrenceChange(title="Budget review"),
        actor=ACTOR,
    )
    events.cancel_occurrence(workspace, series, datetime(2027, 4, 15, 9, tzinfo=UTC), actor=ACTOR)
    draft = events.get_event(workspace, series).draft
    events.update_event(
        workspace,
        series,
        EventDraft(
            kind=draft.kind,
            title="ISMS steering",
            start=datetime(2027, 1, 18, 10, tzinfo=UTC),
            end=datetime(2027, 1, 18, 12, tzinfo=UTC),
            rrule=draft.rrule,
        ),
        actor=ACTOR,
    )
    found = schedule.occurrences(workspace, date(2027, 1, 1), date(2027, 12, 31))
    assert [(o.start.day, o.start.hour, o.title) for o in found] == [
        (18, 10, "ISMS steering"),
        (18, 10, "ISMS steering"),
        (18, 10, "Budget review"),  # the changed occurrence moved with its series
        (18, 10, "ISMS steering"),
        (18, 10, "ISMS steering"),
    ]
    assert [o.start.month for o in found] == [1, 2, 3, 5, 6]


def test_changing_the_rule_drops_exceptions_it_no_longer_has(workspace, series) -> None:
    events.cancel_occurrence(workspace, series, datetime(2027, 2, 15, 9, tzinfo=UTC), actor=ACTOR)
    draft = events.get_event(workspace, series).draft
    events.update_event(
        workspace, series, EventDraft(**{**vars(draft), "rrule": "FREQ=YEARLY"}), actor=ACTOR
    )
    with workspace.read() as session:
        assert session.exec(select(EventException)).all() == []


def test_rescheduling_by_drag_moves_one_occurrence_or_the_series(workspace, series) -> None:
    found = schedule.occurrences(workspace, date(2027, 2, 1), date(2027, 2, 28))
    rescheduling.reschedule(workspace, found[0], date(2027, 2, 19), actor=ACTOR)
    starts = _starts(workspace, date(2027, 1, 1), date(2027, 6, 30))
    assert datetime(2027, 2, 19, 9, tzinfo=UTC) in starts
    assert datetime(2027, 2, 15, 9, tzinfo=UTC) not in starts

    (april,) = schedule.occurrences(workspace, date(2027, 4, 1), date(2027, 4, 30))
    rescheduling.reschedule(workspace, april, date(2027, 4, 16), scope=Scope.SERIES, actor=ACTOR)
    assert [s.date() for s in _starts(workspace, date(2027, 1, 1), date(2027, 6, 30))] == [
        date(2027, 1, 16),
        date(2027, 2, 19),
        date(2027, 3, 16),
        date(2027, 4, 16),
        date(2027, 5, 16),
        date(2027, 6, 16),
    ]


def test_rescheduling_keeps_local_time_of_day(workspace) -> None:
    event_id = create_event(workspace, start=datetime(2027, 3, 26, 9, tzinfo=BERLIN))
    (found,) = schedule.occurrences(workspace, date(2027, 3, 26), date(2027, 3, 26), zone=BERLIN)
    rescheduling.reschedule(workspace, found, date(2027, 4, 2), zone=BERLIN, actor=ACTOR)
    start = events.get_event(workspace, event_id).draft.start
    assert start.astimezone(BERLIN) == datetime(2027, 4, 2, 9, tzinfo=BERLIN)


def test_delete_removes_series_with_exceptions_links_and_findings(workspace, series) -> None:
    events.cancel_occurrence(workspace, series, datetime(2027, 2, 15, 9, tzinfo=UTC), actor=ACTOR)
    audit = create_event(workspace, refs=("ISO27001:2022/9.2",))
    findings.add_finding(workspace, audit, FindingDraft(text="No records"), actor=ACTOR)
    events.delete_event(workspace, series, actor=ACTOR)
    events.delete_event(workspace, audit, actor=ACTOR)
    with workspace.read() as session:
        for table in (PlannerEvent, EventException, EventLink):
            assert session.exec(select(table)).all() == []
    assert _actions(workspace)[-2:] == ["planner.event.delete", "planner.event.delete"]


# --- review due dates -----------------------------------------------------------------------


def test_review_due_dates_are_derived_from_the_register(workspace) -> None:
    due = _artifact(workspace, next_review=date(2027, 4, 12))
    _artifact(
        workspace, "Retired policy", next_review=date(2027, 4, 13), status=ArtifactStatus.RETIRED
    )
    _artifact(workspace, "No date")
    found = schedule.occurrences(workspace, date(2027, 4, 1), date(2027, 4, 30))
    assert [(o.source, o.title, o.artifact_id, o.all_day) for o in found] == [
        (Source.REVIEW, "Review due: Access control policy", due, True)
    ]
    assert (
        schedule.occurrences(workspace, date(2027, 4, 1), date(2027, 4, 30), include_reviews=False)
        == []
    )
    with workspace.read() as session:
        assert session.exec(select(PlannerEvent)).all() == []  # derived, not stored


def test_marking_a_review_done_moves_next_review_by_its_interval(workspace) -> None:
    artifact = _artifact(workspace, next_review=date(2027, 4, 12), review_interval_months=6)
    changes = due_reviews.mark_review_done(
        workspace, artifact, actor=ACTOR, done_on=date(2027, 4, 10)
    )
    assert changes.artifacts == {artifact} and len(changes.events) == 1
    with workspace.read() as session:
        assert session.get(Artifact, artifact).next_review == date(2027, 10, 12)
        record = session.get(PlannerEvent, next(iter(changes.events)))
        assert (record.kind, record.status, record.start) == (
            EventKind.DOCUMENT_REVIEW,
            EventStatus.DONE,
            datetime(2027, 4, 10, tzinfo=UTC),
        )
    assert _actions(workspace)[-1] == "planner.review.done"
    assert _actions(workspace).count("planner.event.create") == 0


def test_reviews_done_far_from_their_due_date_count_from_the_day_done() -> None:
    after = due_reviews.next_review_after
    assert after(date(2025, 1, 10), 12, date(2027, 3, 1)) == date(2028, 3, 1)  # two years late
    assert after(date(2027, 11, 28), 12, date(2026, 11, 28)) == date(2027, 11, 28)  # a year early
    assert after(None, 12, date(2027, 3, 1)) == date(2028, 3, 1)
    assert after(date(2027, 1, 31), 1, date(2027, 1, 20)) == date(2027, 2, 28)  # on time
    assert after(date(2027, 4, 12), 6, date(2027, 5, 10)) == date(2027, 10, 12)  # 4 weeks late


def test_dragging_a_review_moves_the_due_date(workspace) -> None:
    artifact = _artifact(workspace, next_review=date(2027, 4, 12))
    (review,) = schedule.occurrences(workspace, date(2027, 4, 1), date(2027, 4, 30))
    changes = rescheduling.reschedule(workspace, review, date(2027, 4, 20), actor=ACTOR)
    assert changes.artifacts == {artifact}
    with workspace.read() as session:
        assert session.get(Artifact, artifact).next_review == date(2027, 4, 20)


# --- findings and the upcoming list ---------------------------------------------------------


def test_findings_belong_to_audits_and_open_ones_are_listed(workspace) -> None:
    audit = create_event(workspace, start=datetime(2027, 2, 1, 9, tzinfo=UTC))
    meeting = create_event(workspace, kind=EventKind.TRAINING, title="Awareness")
    with pytest.raises(PlannerError, match="not an audit"):
        findings.add_finding(workspace, meeting, FindingDraft(text="x"), actor=ACTOR)
    with pytest.raises(PlannerError, match="Unknown clause"):
        findings.add_finding(workspace, audit, FindingDraft(text="x", ref="bad"), actor=ACTOR)
    findings.add_finding(
        workspace,
        audit,
        FindingDraft(
            text="Access reviews not done",
            ref="ISO27001:2022/A.5.18",
            severity=FindingSeverity.MAJOR,
            owner="Jonas",
            due=date(2027, 3, 1),
        ),
        actor=ACTOR,
    )
    improve = FindingDraft(text="Improve onboarding", severity=FindingSeverity.OPPORTUNITY)
    findings.add_finding(workspace, audit, improve, actor=ACTOR)
    rows = findings.list_findings(workspace, audit)
    assert [row.draft.text for row in rows] == ["Access reviews not done", "Improve onboarding"]
    assert events.get_event(workspace, audit).open_findings == 2

    items = upcoming.upcoming_and_overdue(workspace, today=date(2027, 3, 10))
    finding_items = [i for i in items if i.item is ItemKind.FINDING]
    assert [(i.title, i.overdue) for i in finding_items] == [
        ("Finding: Access reviews not done", True),
        ("Finding: Improve onboarding", False),
    ]
    assert "major" in finding_items[0].detail and "A.5.18" in finding_items[0].detail

    findings.close_finding(workspace, rows[0].id, actor=ACTOR)
    assert findings.get_finding(workspace, rows[0].id).draft.status is FindingStatus.CLOSED
    items = upcoming.upcoming_and_overdue(workspace, today=date(2027, 3, 10))
    assert [i.title for i in items if i.item is ItemKind.FINDING] == ["Finding: Improve onboarding"]
    assert _actions(workspace)[-1] == "planner.finding.update"


def test_upcoming_and_overdue(workspace, series) -> None:
    create_event(workspace, title="Missed audit", start=datetime(2027, 2, 20, 9, tzinfo=UTC))
    create_event(
        workspace,
        title="Done audit",
        start=datetime(2027, 2, 21, 9, tzinfo=UTC),
        status=EventStatus.DONE,
    )
    create_event(workspace, title="Next audit", start=datetime(2027, 3, 20, 9, tzinfo=UTC))
    create_event(workspace, title="Far audit", start=datetime(2027, 9, 20, 9, tzinfo=UTC))
    _artifact(workspace, "Old policy", next_review=date(2025, 1, 1))
    _artifact(workspace, "Soon policy", next_review=date(2027, 3, 25))
    items = upcoming.upcoming_and_overdue(workspace, today=date(2027, 3, 10), horizon_days=30)
    assert [(i.title, i.overdue, i.day) for i in items] == [
        ("Review due: Old policy", True, date(2025, 1, 1)),
        ("Missed audit", True, date(2027, 2, 20)),
        ("Steering meeting", False, date(2027, 3, 15)),
        ("Next audit", False, date(2027, 3, 20)),
        ("Review due: Soon policy", False, date(2027, 3, 25)),
    ]


def test_markers_by_day_cover_every_day_of_a_long_event(workspace) -> None:
    create_event(
        workspace,
        kind=EventKind.STAGE_2,
        start=all_day_start(date(2027, 5, 3)),
        end=all_day_start(date(2027, 5, 6)),
        all_day=True,
    )
    create_event(workspace, start=datetime(2027, 5, 4, 9, tzinfo=UTC))
    found = schedule.occurrences(workspace, date(2027, 5, 1), date(2027, 5, 31))
    markers = schedule.markers_by_day(found, UTC, date(2027, 5, 1), date(2027, 5, 31))
    assert markers == {
        date(2027, 5, 3): [EventKind.STAGE_2],
        date(2027, 5, 4): [EventKind.STAGE_2, EventKind.INTERNAL_AUDIT],
        date(2027, 5, 5): [EventKind.STAGE_2],
    }


# --- the audit programme --------------------------------------------------------------------


def test_programme_dates_follow_the_three_year_cycle() -> None:
    items = programme.propose(date(2027, 6, 15))  # a Tuesday
    by_title = {item.title: item for item in items}
    stage_2 = by_title["Certification audit stage 2"]
    stage_1 = by_title["Certification audit stage 1 (documentation review)"]
    assert stage_2.start == date(2027, 6, 15)
    assert stage_1.start == date(2027, 5, 4)
    assert by_title["Surveillance audit 1"].start == date(2028, 6, 15)
    assert by_title["Surveillance audit 2"].start == date(2029, 6, 15)
    assert by_title["Recertification audit"].start == date(2030, 6, 17)  # 15th is a Saturday
    assert [item.kind for item in items].count(EventKind.INTERNAL_AUDIT) == 4
    assert [item.kind for item in items].count(EventKind.MANAGEMENT_REVIEW) == 4
    for label, audit in (
        ("stage 1", stage_1),
        ("surveillance audit 1", by_title["Surveillance audit 1"]),
        ("recertification", by_title["Recertification audit"]),
    ):
        internal = by_title[f"Internal audit (before {label})"]
        review = by_title[f"Management review (before {label})"]
        assert internal.start < review.start < audit.start
    assert all(item.start.weekday() < 5 for item in items)
    assert items == sorted(items, key=lambda item: item.start)


def test_programme_target_comes_from_the_profile(workspace) -> None:
    assert programme.default_target(workspace, date(2027, 1, 10)) == date(2027, 7, 10)
    profile.update_profile(workspace, actor=ACTOR, certification_target=date(2027, 9, 1))
    assert programme.default_target(workspace, date(2027, 1, 10)) == date(2027, 9, 1)


def test_accepting_a_programme_is_one_transaction_and_one_audit_entry(workspace) -> None:
    items = programme.propose_for(workspace, date(2027, 6, 15))
    items[0] = type(items[0])(**{**vars(items[0]), "include": False})
    before = len(_actions(workspace))
    changes = programme.accept(workspace, items, actor=ACTOR)
    assert len(changes.events) == len(items) - 1
    assert _actions(workspace)[before:] == ["planner.programme.accept"]
    stage_2 = next(
        o
        for o in schedule.occurrences(workspace, date(2027, 6, 1), date(2027, 6, 30))
        if o.kind is EventKind.STAGE_2
    )
    assert stage_2.days(UTC) == (date(2027, 6, 15), date(2027, 6, 16))

    again = programme.propose_for(workspace, date(2027, 6, 15))
    assert not any(item.include for item in again[1:])
    assert again[1].note.startswith("already planned on")


def test_a_failing_programme_item_writes_nothing(workspace) -> None:
    items = programme.propose(date(2027, 6, 15))
    items[-1] = type(items[-1])(**{**vars(items[-1]), "title": " "})
    before = len(_actions(workspace))
    with pytest.raises(PlannerError):
        programme.accept(workspace, items, actor=ACTOR)
    with workspace.read() as session:
        assert session.exec(select(PlannerEvent)).all() == []
    assert len(_actions(workspace)) == before


def test_accept_rolls_back_when_the_database_refuses_midway(workspace, monkeypatch) -> None:
    items = programme.propose(date(2027, 6, 15))
    calls = {"n": 0}
    original = events.add_event

    def failing(session, draft, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk full")
        return original(session, draft, **kwargs)

    monkeypatch.setattr(programme, "add_event", failing)
    with pytest.raises(RuntimeError):
        programme.accept(workspace, items, actor=ACTOR)
    with workspace.read() as session:
        assert session.exec(select(PlannerEvent)).all() == []
