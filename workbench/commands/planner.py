"""``workbench planner add|list|upcoming|export-ics|import-ics|programme|review-done``.

Times without a zone are read in the computer's time zone (or ``--tz``); a date without a time
makes an all-day event. Listing expands repeating events and includes review due dates.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.commands.base import (
    EXIT_OK,
    Commands,
    UsageError,
    acting_name,
    add_acting_option,
    cli_workspace,
    one_line,
    print_json,
)

if TYPE_CHECKING:
    from workbench.models import EventKind
    from workbench.services.planner.schedule import Occurrence

DEFAULT_LIST_DAYS = 365


def add_to(commands: Commands) -> None:
    planner = commands.add_parser("planner", help="audits, reviews and the calendar")
    actions = planner.add_subparsers(dest="planner_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add an event (or a repeating series)")
    add.add_argument("--kind", required=True, help="e.g. internal_audit, management_review")
    add.add_argument("--title", required=True)
    add.add_argument("--start", required=True, metavar="DATE", help="YYYY-MM-DD[THH:MM]")
    add.add_argument("--end", metavar="DATE", help="end time, or last day of an all-day event")
    add.add_argument("--all-day", action="store_true", help="an all-day event")
    add.add_argument(
        "--rrule", metavar="RULE", help="monthly, quarterly, yearly or an RRULE (FREQ=...)"
    )
    add.add_argument("--location", default="")
    add.add_argument("--notes", default="")
    add.add_argument(
        "--ref", action="append", default=[], metavar="REF", help="clause or control, e.g. 9.2"
    )
    add.add_argument("--reminder", type=int, metavar="MINUTES", help="reminder lead time")
    _add_zone(add)
    add.add_argument("--json", action="store_true")
    add_acting_option(add)
    add.set_defaults(handler=add_event)

    listing = actions.add_parser("list", help="occurrences and review dates in a date range")
    listing.add_argument("--from", dest="first", metavar="DATE", help="default: today")
    listing.add_argument("--to", dest="last", metavar="DATE", help="default: a year on")
    listing.add_argument("--kind", help="only this kind")
    _add_zone(listing)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_events)

    upcoming = actions.add_parser("upcoming", help="overdue and upcoming items, open findings")
    upcoming.add_argument("--days", type=int, default=30, help="how far ahead (default 30)")
    _add_zone(upcoming)
    upcoming.add_argument("--json", action="store_true")
    upcoming.set_defaults(handler=list_upcoming)

    export = actions.add_parser("export-ics", help="write events to an iCalendar file")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")
    export.add_argument("--from", dest="first", metavar="DATE")
    export.add_argument("--to", dest="last", metavar="DATE")
    export.add_argument("--kind", help="only this kind")
    export.set_defaults(handler=export_ics)

    imports = actions.add_parser("import-ics", help="read events from an iCalendar file")
    imports.add_argument("file", type=Path, metavar="FILE")
    add_acting_option(imports)
    imports.set_defaults(handler=import_ics)

    programme = actions.add_parser("programme", help="propose the three-year audit programme")
    programme.add_argument("--target", metavar="DATE", help="stage 2 date (default: profile)")
    programme.add_argument("--accept", action="store_true", help="add the proposed events")
    programme.add_argument("--json", action="store_true")
    add_acting_option(programme)
    programme.set_defaults(handler=propose_programme)

    review = actions.add_parser("review-done", help="mark an artifact's review done")
    review.add_argument("artifact_id", type=int, metavar="ARTIFACT_ID")
    review.add_argument("--on", metavar="DATE", help="the day it was done (default: today)")
    add_acting_option(review)
    review.set_defaults(handler=review_done)


def _add_zone(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tz", metavar="ZONE", help="time zone, e.g. Europe/Berlin")


def _zone(args: argparse.Namespace) -> tuple[tzinfo, str | None]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from workbench.services.planner.recurrence import local_zone, local_zone_name

    if args.tz:
        try:
            return ZoneInfo(args.tz), args.tz
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(f"unknown time zone '{args.tz}'") from None
    return local_zone(), local_zone_name()


def _date(text: str, what: str) -> date:
    from workbench.services.planner.drafts import EARLIEST_DAY, LATEST_DAY

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what} '{text}' is not a date (YYYY-MM-DD)") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise UsageError(
            f"{what} {day.isoformat()} is outside the dates the planner uses "
            f"({EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()})"
        )
    return day


def _warn(problems: list[str]) -> None:
    """Events the command could not show, one line each, on stderr."""
    for problem in problems:
        print(f"workbench: warning: {one_line(problem)}", file=sys.stderr)


def _moment(text: str, what: str, zone: tzinfo) -> datetime | date:
    """A date (no time given) or an aware datetime (zone-less times are read in ``zone``)."""
    if len(text.strip()) == 10:
        return _date(text.strip(), what)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{what} '{text}' is not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
        ) from None
    _date(moment.date().isoformat(), what)  # within the planner's dates
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _full_ref(text: str) -> str:
    """``9.2`` and ``A.5.35`` name ISO/IEC 27001:2022 clauses and controls."""
    text = text.strip()
    if text and "/" not in text and (text[0].isdigit() or text.startswith("A.")):
        return f"ISO27001:2022/{text}"
    return text


def _kind(text: str | None) -> EventKind | None:
    from workbench.services.planner.drafts import parse_kind

    if text is None:
        return None
    return parse_kind(text)


def _rule(text: str | None) -> str | None:
    from workbench.services.planner.recurrence import Recurrence, rule_for

    if not text:
        return None
    try:
        preset = Recurrence(text.strip().lower())
    except ValueError:
        return text
    return text if preset is Recurrence.CUSTOM else rule_for(preset)


def add_event(args: argparse.Namespace) -> int:
    from workbench.services.planner import events
    from workbench.services.planner.drafts import EventDraft, all_day_start

    zone, zone_name = _zone(args)
    kind = _kind(args.kind)
    assert kind is not None
    start = _moment(args.start, "start", zone)
    end = _moment(args.end, "end", zone) if args.end else None
    all_day = args.all_day or not isinstance(start, datetime)
    if all_day:
        first = start.date() if isinstance(start, datetime) else start
        last = (end.date() if isinstance(end, datetime) else end) if end else None
        start_at = all_day_start(first)
        end_at = all_day_start(last + timedelta(days=1)) if last else None
    else:
        if end is not None and not isinstance(end, datetime):
            raise UsageError("give the end as a time (YYYY-MM-DDTHH:MM) for a timed event")
        assert isinstance(start, datetime)
        start_at, end_at = start, end
    draft = EventDraft(
        kind=kind,
        title=args.title,
        start=start_at,
        end=end_at,
        all_day=all_day,
        rrule=_rule(args.rrule),
        tzid=zone_name if not all_day else None,
        location=args.location,
        notes=args.notes,
        refs=tuple(_full_ref(ref) for ref in args.ref),
        reminder_minutes=args.reminder,
    )
    with cli_workspace(args) as workspace:
        (event_id,) = events.create_event(workspace, draft, actor=acting_name(args)).events
        details = events.get_event(workspace, event_id)
    if args.json:
        print_json({"id": event_id, "uid": details.draft.uid, "rrule": details.draft.rrule})
    else:
        print(f"Added event {event_id}: {details.draft.title}")
    return EXIT_OK


def _occurrence_json(occurrence: Occurrence, zone: tzinfo) -> dict[str, object]:
    first, last = occurrence.days(zone)
    return {
        "key": occurrence.key,
        "source": occurrence.source.value,
        "event_id": occurrence.event_id,
        "artifact_id": occurrence.artifact_id,
        "uid": occurrence.uid or None,
        "kind": occurrence.kind.value,
        "title": occurrence.title,
        "start": occurrence.start.isoformat(),
        "end": occurrence.end.isoformat() if occurrence.end else None,
        "all_day": occurrence.all_day,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "status": occurrence.status.value,
        "recurring": occurrence.recurring,
        "modified": occurrence.modified,
        "location": occurrence.location,
    }


def _occurrence_line(occurrence: Occurrence, zone: tzinfo) -> str:
    from workbench.services.planner.drafts import KIND_LABELS

    first, last = occurrence.days(zone)
    if occurrence.all_day:
        when = f"{first.isoformat()} all day" + (f" to {last.isoformat()}" if last > first else "")
    else:
        start = occurrence.start.astimezone(zone)
        when = f"{start:%Y-%m-%d %H:%M}"
        if occurrence.end:
            end = occurrence.end.astimezone(zone)
            when += f"-{end:%H:%M}" if last == first else f" to {end:%Y-%m-%d %H:%M}"
    flags = [flag for flag, on in (("repeats", occurrence.recurring),
                                   (occurrence.status.value, occurrence.status.value != "planned"))
             if on]  # fmt: skip
    suffix = f"  [{', '.join(flags)}]" if flags else ""
    return f"{when:<32} {KIND_LABELS[occurrence.kind]:<22} {occurrence.title}{suffix}"


def list_events(args: argparse.Namespace) -> int:
    from workbench.services.planner import schedule

    zone, _ = _zone(args)
    first = _date(args.first, "--from") if args.first else date.today()
    last = _date(args.last, "--to") if args.last else None
    if last is None:
        last = _date((first + timedelta(days=DEFAULT_LIST_DAYS)).isoformat(), "--to")
    if last < first:
        raise UsageError("--to is before --from")
    kind = _kind(args.kind)
    problems: list[str] = []
    with cli_workspace(args) as workspace:
        found = schedule.occurrences(
            workspace, first, last, zone=zone, kinds={kind} if kind else None, problems=problems
        )
    _warn(problems)
    if args.json:
        print_json([_occurrence_json(occurrence, zone) for occurrence in found])
        return EXIT_OK
    for occurrence in found:
        print(_occurrence_line(occurrence, zone))
    if not found:
        print(f"nothing planned from {first.isoformat()} to {last.isoformat()}")
    return EXIT_OK


def list_upcoming(args: argparse.Namespace) -> int:
    from workbench.services.planner import upcoming

    zone, _ = _zone(args)
    if not 0 <= args.days <= upcoming.MAX_HORIZON_DAYS:
        raise UsageError(f"--days must be from 0 to {upcoming.MAX_HORIZON_DAYS}")
    problems: list[str] = []
    with cli_workspace(args) as workspace:
        items = upcoming.upcoming_and_overdue(
            workspace, today=datetime.now(zone).date(), zone=zone, horizon_days=args.days,
            problems=problems,
        )  # fmt: skip
    _warn(problems)
    if args.json:
        print_json(
            [
                {
                    "item": item.item.value,
                    "day": item.day,
                    "title": item.title,
                    "overdue": item.overdue,
                    "kind": item.kind.value,
                    "detail": item.detail,
                }
                for item in items
            ]
        )
        return EXIT_OK
    for item in items:
        day = item.day.isoformat() if item.day else "no due date"
        mark = "OVERDUE " if item.overdue else ""
        print(f"{day:<12} {mark}{item.title}" + (f"  ({item.detail})" if item.detail else ""))
    if not items:
        print("nothing overdue or due soon")
    return EXIT_OK


def export_ics(args: argparse.Namespace) -> int:
    from workbench.services.planner import ics_export

    kind = _kind(args.kind)
    first = _date(args.first, "--from") if args.first else None
    last = _date(args.last, "--to") if args.last else None
    with cli_workspace(args) as workspace:
        count = ics_export.export_ics(
            workspace, args.output, first=first, last=last, kinds={kind} if kind else None
        )
    print(f"Wrote {count} event(s) to {args.output}")
    return EXIT_OK


def import_ics(args: argparse.Namespace) -> int:
    from workbench.services.planner import ics_import

    if not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")
    with cli_workspace(args) as workspace:
        result = ics_import.import_ics(workspace, args.file, actor=acting_name(args))
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(f"Imported {args.file.name}: {result.created} added, {result.updated} updated")
    return EXIT_OK


def propose_programme(args: argparse.Namespace) -> int:
    from workbench.services.planner import programme
    from workbench.services.planner.drafts import KIND_LABELS

    with cli_workspace(args) as workspace:
        target = (
            _date(args.target, "--target")
            if args.target
            else programme.default_target(workspace, date.today())
        )
        items = programme.propose_for(workspace, target)
        added = 0
        if args.accept:
            added = len(programme.accept(workspace, items, actor=acting_name(args)).events)
    if args.json:
        print_json(
            [
                {
                    "kind": item.kind.value,
                    "title": item.title,
                    "start": item.start,
                    "days": item.days,
                    "include": item.include,
                    "note": item.note,
                }
                for item in items
            ]
        )
    else:
        for item in items:
            tick = "x" if item.include else " "
            note = f"  ({item.note})" if item.note else ""
            print(
                f"[{tick}] {item.start.isoformat()}  {item.days}d  "
                f"{KIND_LABELS[item.kind]:<22} {item.title}{note}"
            )
    if args.accept:
        print(f"Added {added} event(s) to the planner")
    return EXIT_OK


def review_done(args: argparse.Namespace) -> int:
    from workbench.services.planner import due_reviews
    from workbench.services.register import listing

    done_on = _date(args.on, "--on") if args.on else date.today()
    with cli_workspace(args) as workspace:
        due_reviews.mark_review_done(
            workspace, args.artifact_id, actor=acting_name(args), done_on=done_on
        )
        row = listing.fetch_rows(workspace, [args.artifact_id])[args.artifact_id]
    following = row.next_review.isoformat() if row.next_review else "not set"
    print(f"Review of {row.title} recorded; next review {following}")
    return EXIT_OK
