"""The planner in the audit pack and in .ics files: the workspace's time zone whatever the
computer's, every status filled, and the whole programme covered."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.helpers.readers import Page
from workbench.models import EventKind, EventStatus
from workbench.services.common import zones
from workbench.services.common.zones import ZoneError
from workbench.services.exports import audit_pack
from workbench.services.planner import drafts, events, ics_export, programme
from workbench.services.register import profile

BERLIN = ZoneInfo("Europe/Berlin")
PACK_TIME = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


@pytest.fixture
def on_a_utc_computer(monkeypatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    assert zones.local_zone_name() == "UTC"


@pytest.fixture
def berlin_audit(workspace, on_a_utc_computer) -> int:
    profile.update_profile(workspace, actor="Mara", time_zone="Europe/Berlin")
    changes = events.create_event(
        workspace,
        drafts.EventDraft(
            kind=EventKind.INTERNAL_AUDIT, title="Internal audit",
            start=datetime(2027, 6, 10, 9, tzinfo=BERLIN),
            end=datetime(2027, 6, 10, 17, tzinfo=BERLIN),
        ),
        actor="Mara",
    )  # fmt: skip
    (event_id,) = changes.events
    return event_id


def _rows(html: str) -> list[list[str]]:
    rows: list[list[str]] = []

    class Cells(Page):
        def handle_starttag(self, tag, attrs):
            super().handle_starttag(tag, attrs)
            if tag == "tr":
                rows.append([])
            if tag == "td":
                rows[-1].append("")

        def handle_data(self, data):
            super().handle_data(data)
            if rows and self.lasttag == "td":
                rows[-1][-1] += data

    Cells().feed(html)
    return [row for row in rows if row]


def _pack(workspace, tmp_path: Path) -> zipfile.ZipFile:
    audit_pack.build_pack(workspace, tmp_path / "pack.zip", actor="Mara", now=PACK_TIME)
    return zipfile.ZipFile(tmp_path / "pack.zip")


def test_pack_planner_shows_the_workspace_zone(workspace, berlin_audit, tmp_path: Path) -> None:
    with _pack(workspace, tmp_path) as archive:
        html = archive.read("planner.html").decode("utf-8")
    assert "times in Europe/Berlin" in html
    (row,) = [row for row in _rows(html) if "Internal audit" in row]
    # date, time, kind, title, status, location: 09:00 in Berlin, not 07:00 UTC
    assert row[:2] == ["2027-06-10", "09:00–17:00"]
    assert row[4] == "planned"


def test_every_status_is_filled(workspace, berlin_audit, tmp_path: Path) -> None:
    events.create_event(
        workspace,
        drafts.EventDraft(
            kind=EventKind.MANAGEMENT_REVIEW, title="Management review",
            start=datetime(2027, 5, 3, 10, tzinfo=BERLIN), status=EventStatus.DONE,
        ),
        actor="Mara",
    )  # fmt: skip
    with _pack(workspace, tmp_path) as archive:
        rows = _rows(archive.read("planner.html").decode("utf-8"))
    assert {row[3]: row[4] for row in rows} == {
        "Management review": "done", "Internal audit": "planned",
    }  # fmt: skip


def test_ics_times_are_in_the_workspace_zone(workspace, berlin_audit) -> None:
    calendar, _ = ics_export.build_calendar(workspace)
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Internal audit"]
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART") == datetime(2027, 6, 10, 9, tzinfo=BERLIN)
    assert b"DTSTART;TZID=Europe/Berlin:20270610T090000" in calendar.to_ical()
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {"Europe/Berlin"}
    assert str(event["STATUS"]) == "CONFIRMED"
    # round trip through an independent parser keeps the instant
    again = icalendar.Calendar.from_ical(calendar.to_ical())
    (back,) = [e for e in again.walk("VEVENT") if str(e["SUMMARY"]) == "Internal audit"]
    assert back.decoded("DTSTART").astimezone(UTC) == datetime(2027, 6, 10, 7, tzinfo=UTC)


def test_ics_review_dates_carry_a_status(workspace, on_a_utc_computer) -> None:
    from workbench.models import ArtifactKind
    from workbench.services.register import artifacts

    artifacts.create_artifact(workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Policy",
                              content="# P\n", today=date(2026, 1, 10))  # fmt: skip
    calendar, _ = ics_export.build_calendar(workspace)
    (review,) = calendar.walk("VEVENT")
    assert str(review["SUMMARY"]) == "Review due: Policy"
    assert str(review["STATUS"]) == "CONFIRMED"


def test_pack_planner_covers_the_whole_programme(workspace, tmp_path: Path) -> None:
    profile.update_profile(workspace, actor="Mara", time_zone="Europe/Berlin")
    items = programme.propose(date(2027, 6, 15))
    programme.accept(workspace, items, actor="Mara")
    recertification = max(item.start for item in items if item.kind is EventKind.RECERTIFICATION)
    first = min(item.start for item in items)
    with _pack(workspace, tmp_path) as archive:
        html = archive.read("planner.html").decode("utf-8")
    job = audit_pack.PackJob(workspace, tmp_path / "x.zip", actor="Mara", now=PACK_TIME)
    start, end = job.planner_range()
    assert start == first and end >= recertification
    titles = [row[3] for row in _rows(html)]
    assert sorted(titles) == sorted(item.title for item in items)


def test_a_time_zone_must_be_one(workspace) -> None:
    with pytest.raises(ZoneError, match="'Mars/Olympus' is not a time zone name"):
        profile.update_profile(workspace, actor="Mara", time_zone="Mars/Olympus")
    assert profile.get_profile(workspace).time_zone == ""
    profile.update_profile(workspace, actor="Mara", time_zone=" Asia/Tokyo ")
    assert profile.workspace_zone(workspace) == (ZoneInfo("Asia/Tokyo"), "Asia/Tokyo")
