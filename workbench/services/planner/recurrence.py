"""Repeat rules for planner events: presets, validation of RFC 5545 RRULE text, and expansion.

A rule is stored as the RRULE value without the ``RRULE:`` prefix (``FREQ=MONTHLY;INTERVAL=3``).
Timed series repeat in their own IANA zone when they have one, so "09:00 every month" stays at
09:00 across daylight saving; all-day series repeat on dates. Expansion is done by
python-dateutil and cached per series, so a calendar that moves month to month stays quick.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr
from sqlmodel import Session

from workbench.services.common.errors import ServiceError
from workbench.services.common.lru import LruCache

# Re-exported: the planner and its callers have always found them in this module.
from workbench.services.common.zones import local_zone as local_zone
from workbench.services.common.zones import local_zone_name as local_zone_name
from workbench.services.store.workspace import session_cache


class RecurrenceError(ServiceError):
    """A repeat rule cannot be used; ``str(error)`` is one sentence for the user."""


class Recurrence(StrEnum):
    NONE = "none"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    CUSTOM = "custom"


PRESET_RULES: dict[Recurrence, str] = {
    Recurrence.MONTHLY: "FREQ=MONTHLY",
    Recurrence.QUARTERLY: "FREQ=MONTHLY;INTERVAL=3",
    Recurrence.YEARLY: "FREQ=YEARLY",
}
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# A series that never ends is expanded no further than this far ahead of what is asked for.
MAX_EXPANSION_YEARS = 50


def preset_of(rule: str | None) -> Recurrence:
    """Which preset a stored rule is, or CUSTOM (NONE when there is no rule)."""
    if not rule:
        return Recurrence.NONE
    for preset, text in PRESET_RULES.items():
        if rule == text:
            return preset
    return Recurrence.CUSTOM


def rule_for(preset: Recurrence, custom: str = "") -> str | None:
    if preset is Recurrence.NONE:
        return None
    if preset is Recurrence.CUSTOM:
        return custom.strip() or None
    return PRESET_RULES[preset]


def describe(rule: str | None) -> str:
    """A short label for a rule: "monthly", "every 3 months", or the rule itself."""
    preset = preset_of(rule)
    labels = {
        Recurrence.NONE: "",
        Recurrence.MONTHLY: "monthly",
        Recurrence.QUARTERLY: "quarterly",
        Recurrence.YEARLY: "yearly",
    }
    return labels.get(preset, rule or "")


def _parts(text: str) -> list[tuple[str, str]]:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    if not body:
        raise RecurrenceError("The repeat rule is empty; write it like FREQ=MONTHLY;INTERVAL=2.")
    if any(ch in body for ch in "\r\n"):
        raise RecurrenceError("A repeat rule is one line: FREQ=...;...; other properties go apart.")
    parts: list[tuple[str, str]] = []
    for chunk in body.split(";"):
        if not chunk:
            continue
        name, sep, value = chunk.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise RecurrenceError(
                f"The repeat rule part '{chunk}' is not NAME=VALUE (e.g. FREQ=MONTHLY)."
            )
        parts.append((name.strip().upper(), value.strip().upper()))
    return parts


def _until_text(value: str, *, dtstart: datetime, all_day: bool, zone: tzinfo) -> str:
    """UNTIL in the form dateutil accepts for this series: a date, or a UTC time."""
    try:
        if "T" in value:
            moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
            if value.endswith("Z"):
                moment = moment.replace(tzinfo=UTC)
            else:
                moment = moment.replace(tzinfo=zone)
        else:
            day = datetime.strptime(value, "%Y%m%d").date()
            moment = datetime.combine(day, time(23, 59, 59), tzinfo=zone)
    except ValueError:
        raise RecurrenceError(
            f"UNTIL={value} is not a date (YYYYMMDD) or a UTC time (YYYYMMDDTHHMMSSZ)."
        ) from None
    if all_day:
        return moment.astimezone(zone).date().strftime("%Y%m%d")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def normalize(text: str, *, dtstart: datetime, all_day: bool, tzid: str | None = None) -> str:
    """Check a rule and return it in the stored form; raise RecurrenceError saying what is wrong.

    Args:
        text: the rule as typed or imported (an ``RRULE:`` prefix is accepted).
        dtstart: the series' first start (aware).
        all_day: whether the series repeats on dates.
        tzid: the zone a timed series repeats in (None: UTC).
    """
    zone = series_zone(tzid, all_day=all_day)
    parts = _parts(text)
    names = [name for name, _ in parts]
    if "FREQ" not in names:
        raise RecurrenceError("A repeat rule needs FREQ, e.g. FREQ=MONTHLY or FREQ=YEARLY.")
    if len(set(names)) != len(names):
        raise RecurrenceError("A repeat rule names a part twice.")
    if "COUNT" in names and "UNTIL" in names:
        raise RecurrenceError("A repeat rule may have COUNT or UNTIL, not both.")
    freq = dict(parts)["FREQ"]
    if freq not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(
            f"FREQ={freq} is not supported for the planner; use DAILY, WEEKLY, MONTHLY or YEARLY."
        )
    fixed = [
        (name, _until_text(value, dtstart=dtstart, all_day=all_day, zone=zone))
        if name == "UNTIL"
        else (name, value)
        for name, value in parts
    ]
    rule_text = ";".join(f"{name}={value}" for name, value in fixed)
    rule = _build(rule_text, dtstart, all_day=all_day, tzid=tzid)
    if next(iter(rule), None) is None:
        raise RecurrenceError(f"The repeat rule {rule_text} never produces a date.")
    return rule_text


def _build(rule_text: str, dtstart: datetime, *, all_day: bool, tzid: str | None) -> rrule:
    try:
        rule = rrulestr(rule_text, dtstart=_local_start(dtstart, all_day=all_day, tzid=tzid))
    except (ValueError, TypeError) as error:
        raise RecurrenceError(f"The repeat rule {rule_text} is not valid: {error}.") from None
    if not isinstance(rule, rrule):
        raise RecurrenceError(f"The repeat rule {rule_text} is not a single RRULE.")
    return rule


def series_zone(tzid: str | None, *, all_day: bool) -> tzinfo:
    if all_day or not tzid:
        return UTC
    try:
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _local_start(dtstart: datetime, *, all_day: bool, tzid: str | None) -> datetime:
    # All-day series repeat on naive dates; timed ones on the wall clock of their zone.
    if all_day:
        return datetime.combine(dtstart.astimezone(UTC).date(), time())
    return dtstart.astimezone(series_zone(tzid, all_day=False))


def _to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class _Expansion:
    """The starts of one series, generated lazily and kept sorted for bisection."""

    def __init__(self, rule: rrule) -> None:
        self._iterator: Iterator[datetime] = iter(rule)
        self._starts: list[datetime] = []
        self._exhausted = False

    def _extend_to(self, limit: datetime) -> None:
        while not self._exhausted and (not self._starts or self._starts[-1] < limit):
            following = next(self._iterator, None)
            if following is None:
                self._exhausted = True
            else:
                self._starts.append(_to_utc(following))

    def between(self, after: datetime, before: datetime) -> list[datetime]:
        """Starts in ``[after, before)``, as aware UTC datetimes."""
        self._extend_to(before)
        low = bisect_left(self._starts, after)
        high = bisect_left(self._starts, before)
        return self._starts[low:high]

    def last(self) -> datetime | None:
        """The last start of a finite series (None for a series without end)."""
        limit = datetime.now(UTC).replace(year=datetime.now(UTC).year + MAX_EXPANSION_YEARS)
        self._extend_to(limit)
        return self._starts[-1] if self._exhausted and self._starts else None

    def contains(self, start: datetime) -> bool:
        self._extend_to(start + timedelta(seconds=1))
        index = bisect_left(self._starts, start)
        return index < len(self._starts) and self._starts[index] == start


EXPANSION_CACHE_SIZE = 4096
Expansions = LruCache[_Expansion]


def expansions(session: Session) -> Expansions:
    """The expanded series of the session's workspace, so a calendar that moves month to month
    does not expand the same rules again."""
    return session_cache(session, "rrule_expansions", lambda: Expansions(EXPANSION_CACHE_SIZE))


def _expansion(
    rule_text: str, dtstart: datetime, all_day: bool, tzid: str | None, cache: Expansions | None
) -> _Expansion:
    def make() -> _Expansion:
        return _Expansion(_build(rule_text, dtstart, all_day=all_day, tzid=tzid))

    if cache is None:
        return make()
    return cache.get_or_make((rule_text, dtstart, all_day, tzid), make)


def starts_between(
    rule_text: str,
    dtstart: datetime,
    after: datetime,
    before: datetime,
    *,
    all_day: bool = False,
    tzid: str | None = None,
    cache: Expansions | None = None,
) -> list[datetime]:
    """The series' occurrence starts in ``[after, before)``, aware UTC."""
    limit = max(after, dtstart) + timedelta(days=366 * MAX_EXPANSION_YEARS)
    expansion = _expansion(rule_text, dtstart, all_day, tzid, cache)
    return expansion.between(after, min(before, limit))


def is_occurrence(
    rule_text: str,
    dtstart: datetime,
    start: datetime,
    *,
    all_day: bool,
    tzid: str | None,
    cache: Expansions | None = None,
) -> bool:
    return _expansion(rule_text, dtstart, all_day, tzid, cache).contains(start)


def series_end(
    rule_text: str,
    dtstart: datetime,
    *,
    all_day: bool,
    tzid: str | None,
    cache: Expansions | None = None,
) -> datetime | None:
    """The start of the last occurrence of a finite series; None when it repeats for ever."""
    names = {name for name, _ in _parts(rule_text)}
    if not names & {"COUNT", "UNTIL"}:
        return None
    return _expansion(rule_text, dtstart, all_day, tzid, cache).last()


def day_bounds(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants from the start of ``first`` to the end of ``last`` in ``zone``."""
    begin = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return begin, end
