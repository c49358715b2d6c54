"""Planner: month view refresh and a year's agenda over 5,000 events, recurring series included.

The workspace holds 4,600 one-off events over three years (timed and all-day), 400 repeating
series (monthly, quarterly, yearly, weekly for a year, second Tuesday of every month, half of
them in a time zone, some with moved or cancelled occurrences) and 300 artifacts with review
dates. Measured in a shown Planner pane (offscreen): switching the calendar to another month
(query, expansion, markers and the repaint of the calendar), and listing a whole year in the
agenda (query, expansion and the list's repaint).
"""

from __future__ import annotations

import os
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import Result, percentile, timings_ms

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ONE_OFF = 4_600
SERIES = 400
ARTIFACTS = 300
RULES = (
    "FREQ=MONTHLY",
    "FREQ=MONTHLY;INTERVAL=3",
    "FREQ=YEARLY",
    "FREQ=WEEKLY;COUNT=52",
    "FREQ=MONTHLY;BYDAY=2TU",
)
FIRST_DAY = date(2026, 1, 1)
DAYS = 3 * 365


def build_workspace(path: Path) -> None:
    from workbench.models import Artifact, ArtifactKind, EventKind
    from workbench.services.planner.drafts import EventDraft, all_day_start, validate_draft
    from workbench.services.planner.events import add_event
    from workbench.services.store.workspace import open_workspace

    rng = random.Random(27001)
    kinds = list(EventKind)
    workspace = open_workspace(path)
    with workspace.write() as session:
        for number in range(ONE_OFF):
            day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
            kind, title = rng.choice(kinds), f"Event {number}"
            if number % 4 == 0:
                draft = EventDraft(kind=kind, title=title, start=all_day_start(day), all_day=True)
            else:
                start = datetime(day.year, day.month, day.day, rng.randrange(7, 17), tzinfo=UTC)
                end = start + timedelta(hours=rng.choice((1, 2, 8)))
                draft = EventDraft(kind=kind, title=title, start=start, end=end)
            add_event(session, validate_draft(draft))
        for number in range(SERIES):
            day = FIRST_DAY + timedelta(days=rng.randrange(365))
            start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
            draft = EventDraft(
                kind=rng.choice(kinds),
                title=f"Series {number}",
                start=start,
                end=start + timedelta(hours=1),
                rrule=RULES[number % len(RULES)],
                tzid="Europe/Berlin" if number % 2 else None,
            )
            event = add_event(session, validate_draft(draft))
            if number % 10 == 0:
                _add_exceptions(session, event)
        for number in range(ARTIFACTS):
            session.add(
                Artifact(
                    kind=rng.choice(list(ArtifactKind)),
                    title=f"Artifact {number}",
                    next_review=FIRST_DAY + timedelta(days=rng.randrange(DAYS)),
                )
            )
    workspace.close()


def _add_exceptions(session: Any, event: Any) -> None:
    """Cancel the second occurrence of a series and move the third by two days."""
    from workbench.models import EventException
    from workbench.services.planner import recurrence

    later = recurrence.starts_between(
        event.rrule,
        event.start,
        event.start + timedelta(seconds=1),
        event.start + timedelta(days=800),
        tzid=event.tzid,
    )
    second, third = later[0], later[1]
    session.add(EventException(event_id=event.id, original_start=second, cancelled=True))
    moved = EventException(
        event_id=event.id, original_start=third, start=third + timedelta(days=2), title="Moved"
    )
    session.add(moved)


def run(scratch: Path) -> list[Result]:
    from PySide6.QtWidgets import QApplication

    from workbench.services.store.workspace import open_workspace
    from workbench.views.planner.calendar import to_qdate
    from workbench.views.planner.view import AgendaRange, PlannerView

    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / "planner.grcw"
    build_workspace(path)
    app = QApplication.instance() or QApplication([])
    workspace = open_workspace(path)
    view = PlannerView()
    view.zone = UTC
    view.resize(1280, 820)
    view.set_workspace(workspace)
    view.show()
    app.processEvents()

    months = [(2026 + m // 12, m % 12 + 1) for m in range(36)]

    def switch(index: list[int]) -> None:
        year, month = months[index[0] % len(months)]
        index[0] += 1
        view.calendar.setCurrentPage(year, month)  # refreshes the markers
        view.calendar.repaint()

    counter = [0]
    first_visit = timings_ms(lambda: switch(counter), repeat=len(months))
    again = timings_ms(lambda: switch(counter), repeat=len(months))

    view.range_combo.setCurrentIndex(view.range_combo.findData(AgendaRange.YEAR.name))
    years = [date(2026, 6, 1), date(2027, 6, 1), date(2028, 6, 1)]
    year_index = [0]

    def year_agenda() -> None:
        day = years[year_index[0] % len(years)]
        view.calendar.setSelectedDate(to_qdate(day))  # refreshes the agenda
        year_index[0] += 1
        view.agenda.repaint()

    rows: list[int] = []

    def counted() -> None:
        year_agenda()
        rows.append(view.agenda_model.rowCount())

    agenda = timings_ms(counted, repeat=9)
    view.close()
    workspace.close()
    month = "planner month view refresh"
    year = f"planner agenda of a year (up to {max(rows)} rows)"
    return [
        Result(f"{month}, first visit (p95 of 36)", percentile(first_visit, 0.95), "ms", 50),
        Result(f"{month}, revisit (p95 of 36)", percentile(again, 0.95), "ms", 50),
        Result(f"{year}, p50 of 9", percentile(agenda, 0.5), "ms", 100),
        Result(f"{year}, max of 9", max(agenda), "ms", 100),
    ]
