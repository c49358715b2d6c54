"""Repeat rules for planner events: presets, validation of RFC 5545 RRULE text, and expansion.

A rule is stored as the RRULE value without the ``RRULE:`` prefix (``FREQ=MONTHLY;INTERVAL=3``).
Timed series repeat in their own IANA zone when they have one, so "09:00 every month" stays at
09:00 across daylight saving; all-day series repeat on dates. Expansion is done by
python-dateutil and cached per series, so a calendar that moves month to month stays quick.

No rule can hang a view. A rule is checked on entry and on import: it repeats at most daily,
advances (INTERVAL at least 1, at most a century's step), ends after its start, names only
days that exist, and produces a date at least once every 400 years. A rule that reached the
workspace some other way is checked again before it is expanded, and expansion itself is
bounded: it stops after :data:`MAX_OCCURRENCES` starts, on a start that does not advance, and
when dateutil walks 400 years without a date (dateutil tests UNTIL only on dates it produces,
so a rule that matches nothing would otherwise walk to the year 9999). A series that cannot
be expanded is reported by name, never looped on.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any
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
# A rule that produces no date in a century is taken to produce none at all (the rarest real
# rules, such as 29 February falling on a Monday, recur within 40 years).
YEARS_WITHOUT_DATE = 100
MAX_OCCURRENCES = 100_000
MAX_COUNT = 10_000
# The largest step of each frequency: a century.
MAX_INTERVAL = {"DAILY": 36_524, "WEEKLY": 5_217, "MONTHLY": 1_200, "YEARLY": 100}
SUPPORTED_PARTS = (
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS",
    "BYYEARDAY", "BYWEEKNO",
)  # fmt: skip
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The most days one period of each frequency holds, for BYSETPOS to pick among.
DAYS_PER_PERIOD = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}
_BYDAY = re.compile(r"^([+-]?)(\d{0,2})(MO|TU|WE|TH|FR|SA|SU)$")
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February at its longest


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


def _integers(name: str, value: str, low: int, high: int, *, signed: bool = False) -> list[int]:
    """A comma-separated list of integers from ``low`` to ``high`` (or minus that, ``signed``)."""
    numbers: list[int] = []
    for item in value.split(","):
        try:
            number = int(item)
        except ValueError:
            raise RecurrenceError(f"{name}={value} is not a list of whole numbers.") from None
        if not (low <= number <= high or (signed and -high <= number <= -low)):
            span = f"{low} to {high}" + (f" or -{high} to -{low}" if signed else "")
            raise RecurrenceError(f"{name}={value}: each value must be {span}.")
        numbers.append(number)
    if len(set(numbers)) != len(numbers):
        raise RecurrenceError(f"{name}={value} names a value twice.")
    return numbers


def _check_byday(value: str, freq: str) -> None:
    for item in value.split(","):
        match = _BYDAY.match(item)
        if match is None:
            raise RecurrenceError(f"BYDAY={value}: '{item}' is not a day like MO, 2TU or -1FR.")
        sign, digits, _ = match.groups()
        if not digits:
            if sign:
                raise RecurrenceError(f"BYDAY={value}: '{item}' has a sign but no number.")
            continue
        if freq not in ("MONTHLY", "YEARLY"):
            raise RecurrenceError(
                f"BYDAY={value}: a numbered day (like 2TU) needs FREQ=MONTHLY or FREQ=YEARLY."
            )
        limit = 5 if freq == "MONTHLY" else 53
        if not 1 <= int(digits) <= limit:
            raise RecurrenceError(f"BYDAY={value}: '{item}' asks for a week no month has.")


def _check_month_days(values: dict[str, str]) -> None:
    """Refuse day-of-month lists no listed month has (BYMONTH=2;BYMONTHDAY=30)."""
    if "BYMONTHDAY" not in values:
        return
    days = [int(day) for day in values["BYMONTHDAY"].split(",")]
    months = [int(m) for m in values["BYMONTH"].split(",")] if "BYMONTH" in values else range(1, 13)
    if not any(abs(day) <= DAYS_IN_MONTH[month - 1] for month in months for day in days):
        raise RecurrenceError(
            f"No month in the rule has day {values['BYMONTHDAY']}: the rule never produces a date."
        )


def check_parts(parts: list[tuple[str, str]]) -> dict[str, str]:
    """Check a rule's parts one by one; return them by name, or raise RecurrenceError."""
    names = [name for name, _ in parts]
    if "FREQ" not in names:
        raise RecurrenceError("A repeat rule needs FREQ, e.g. FREQ=MONTHLY or FREQ=YEARLY.")
    if len(set(names)) != len(names):
        raise RecurrenceError("A repeat rule names a part twice.")
    unsupported = [name for name in names if name not in SUPPORTED_PARTS]
    if unsupported:
        raise RecurrenceError(
            f"The planner does not support {', '.join(unsupported)} in a repeat rule; an event "
            "repeats at its own time of day."
        )
    if "COUNT" in names and "UNTIL" in names:
        raise RecurrenceError("A repeat rule may have COUNT or UNTIL, not both.")
    values = dict(parts)
    freq = values["FREQ"]
    if freq not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(
            f"FREQ={freq} is not supported for the planner; use DAILY, WEEKLY, MONTHLY or YEARLY."
        )
    if "INTERVAL" in values:
        _integers("INTERVAL", values["INTERVAL"], 1, MAX_INTERVAL[freq])
    if "COUNT" in values:
        _integers("COUNT", values["COUNT"], 1, MAX_COUNT)
    if "WKST" in values and values["WKST"] not in WEEKDAYS:
        raise RecurrenceError(f"WKST={values['WKST']} is not a day (MO, TU, ... SU).")
    if "BYDAY" in values:
        _check_byday(values["BYDAY"], freq)
    if "BYMONTH" in values:
        _integers("BYMONTH", values["BYMONTH"], 1, 12)
    if "BYMONTHDAY" in values:
        if freq == "WEEKLY":
            raise RecurrenceError("BYMONTHDAY cannot be used with FREQ=WEEKLY.")
        _integers("BYMONTHDAY", values["BYMONTHDAY"], 1, 31, signed=True)
    if "BYYEARDAY" in values:
        if freq != "YEARLY":
            raise RecurrenceError("BYYEARDAY needs FREQ=YEARLY.")
        _integers("BYYEARDAY", values["BYYEARDAY"], 1, 366, signed=True)
    if "BYWEEKNO" in values:
        if freq != "YEARLY":
            raise RecurrenceError("BYWEEKNO needs FREQ=YEARLY.")
        _integers("BYWEEKNO", values["BYWEEKNO"], 1, 53, signed=True)
    if "BYSETPOS" in values:
        if not {"BYDAY", "BYMONTHDAY", "BYMONTH", "BYYEARDAY", "BYWEEKNO"} & set(values):
            raise RecurrenceError("BYSETPOS picks among the days other BY parts give; add one.")
        positions = _integers("BYSETPOS", values["BYSETPOS"], 1, 366, signed=True)
        if all(abs(position) > DAYS_PER_PERIOD[freq] for position in positions):
            raise RecurrenceError(
                f"BYSETPOS={values['BYSETPOS']} picks a day beyond the "
                f"{DAYS_PER_PERIOD[freq]} a {freq.lower()} period holds: the rule never "
                "produces a date."
            )
    _check_month_days(values)
    return values


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
    values = check_parts(parts)
    fixed = [
        (name, _until_text(value, dtstart=dtstart, all_day=all_day, zone=zone))
        if name == "UNTIL"
        else (name, value)
        for name, value in parts
    ]
    rule_text = ";".join(f"{name}={value}" for name, value in fixed)
    expansion = _Expansion(_build(rule_text, dtstart, all_day=all_day, tzid=tzid))
    if expansion.first() is None:
        if expansion.problem and expansion.problem.startswith("it produces no date"):
            raise RecurrenceError(
                f"The repeat rule {rule_text} never produces a date: none within "
                f"{YEARS_WITHOUT_DATE} years of the start."
            )
        if expansion.problem:
            raise RecurrenceError(
                f"The repeat rule {rule_text} cannot be used: {expansion.problem}."
            )
        if "UNTIL" in values:
            raise RecurrenceError(
                f"The repeat rule {rule_text} ends (UNTIL) before the series starts."
            )
        raise RecurrenceError(f"The repeat rule {rule_text} never produces a date.")
    return rule_text


def check_stored(rule_text: str, dtstart: datetime, *, all_day: bool, tzid: str | None) -> None:
    """Check a rule as stored, before it is expanded (it may not have come through
    :func:`normalize`): RecurrenceError names what is wrong."""
    check_parts(_parts(rule_text))
    _local_start(dtstart, all_day=all_day, tzid=tzid)


class _NoDateWithin(Exception):
    """dateutil walked :data:`YEARS_WITHOUT_DATE` years without producing a date."""


class _BoundedRule(rrule):
    """A dateutil rule that stops walking when it goes too long without producing a date.

    dateutil rebuilds its month masks at least once for every month it walks, reading
    ``_bynweekday`` each time; counting those reads bounds the walk. ``months_left`` is reset
    before each date asked for. (A test walks a rule that matches nothing and times it, so a
    dateutil that stops reading the attribute is caught.)
    """

    months_left: int = 12 * YEARS_WITHOUT_DATE

    @property
    def _bynweekday(self) -> Any:
        self.months_left -= 1
        if self.months_left < 0:
            raise _NoDateWithin
        return self.__dict__["_bynweekday"]


def _build(rule_text: str, dtstart: datetime, *, all_day: bool, tzid: str | None) -> _BoundedRule:
    try:
        rule = rrulestr(rule_text, dtstart=_local_start(dtstart, all_day=all_day, tzid=tzid))
    except (ValueError, TypeError, OverflowError) as error:
        raise RecurrenceError(f"The repeat rule {rule_text} is not valid: {error}.") from None
    if not isinstance(rule, rrule):
        raise RecurrenceError(f"The repeat rule {rule_text} is not a single RRULE.")
    # Built by dateutil's own parser, then made bounded: the subclass adds no state of its own.
    rule.__class__ = _BoundedRule
    assert isinstance(rule, _BoundedRule)
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
    """The starts of one series, generated lazily and kept sorted for bisection.

    ``problem`` says why the series stopped early (or could not start): it is reported, and
    the starts found before it are kept.
    """

    def __init__(self, rule: _BoundedRule | None, problem: str | None = None) -> None:
        self._rule = rule
        self._iterator: Iterator[datetime] = iter(rule) if rule is not None else iter(())
        self._starts: list[datetime] = []
        self._exhausted = rule is None
        self.problem = problem

    def _stop(self, problem: str) -> None:
        self._exhausted = True
        self.problem = problem

    def _next(self) -> datetime | None:
        assert self._rule is not None
        self._rule.months_left = 12 * YEARS_WITHOUT_DATE
        try:
            return next(self._iterator, None)
        except _NoDateWithin:
            after = f" after {self._starts[-1]:%Y-%m-%d}" if self._starts else ""
            self._stop(f"it produces no date within {YEARS_WITHOUT_DATE} years{after}")
        except (ValueError, OverflowError) as error:  # a date beyond the year 9999, ...
            self._stop(f"it cannot be expanded further ({error})")
        return None

    def _extend_to(self, limit: datetime) -> None:
        while not self._exhausted and (not self._starts or self._starts[-1] < limit):
            following = self._next()
            if following is None:
                self._exhausted = True
                continue
            start = _to_utc(following)
            if self._starts and start <= self._starts[-1]:
                self._stop("it does not advance")
            elif len(self._starts) >= MAX_OCCURRENCES:
                self._stop(f"it has more than {MAX_OCCURRENCES:,} occurrences")
            else:
                self._starts.append(start)

    def first(self) -> datetime | None:
        if not self._starts and not self._exhausted:
            following = self._next()
            if following is None:
                self._exhausted = True
            else:
                self._starts.append(_to_utc(following))
        return self._starts[0] if self._starts else None

    def between(self, after: datetime, before: datetime) -> list[datetime]:
        """Starts in ``[after, before)``, as aware UTC datetimes."""
        self._extend_to(before)
        low = bisect_left(self._starts, after)
        high = bisect_left(self._starts, before)
        return self._starts[low:high]

    def last(self) -> datetime | None:
        """The last start of a finite series (None for a series without end)."""
        now = datetime.now(UTC)
        self._extend_to(now.replace(year=now.year + MAX_EXPANSION_YEARS))
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
        # The rule is checked again: it may have reached the workspace another way.
        try:
            check_stored(rule_text, dtstart, all_day=all_day, tzid=tzid)
            return _Expansion(_build(rule_text, dtstart, all_day=all_day, tzid=tzid))
        except RecurrenceError as error:
            return _Expansion(None, problem=str(error))
        except (ValueError, OverflowError) as error:  # a start the zones cannot hold
            return _Expansion(None, problem=f"its start cannot be used ({error})")

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
    problems: list[str] | None = None,
) -> list[datetime]:
    """The series' occurrence starts in ``[after, before)``, aware UTC. A series that cannot
    be expanded (further) gives what it has, and says why in ``problems``."""
    limit = max(after, dtstart) + timedelta(days=366 * MAX_EXPANSION_YEARS)
    expansion = _expansion(rule_text, dtstart, all_day, tzid, cache)
    found = expansion.between(after, min(before, limit))
    if expansion.problem is not None and problems is not None:
        problems.append(expansion.problem)
    return found


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
    try:
        names = {name for name, _ in _parts(rule_text)}
    except RecurrenceError:
        return None
    if not names & {"COUNT", "UNTIL"}:
        return None
    return _expansion(rule_text, dtstart, all_day, tzid, cache).last()


def stored_rule_problem(
    rule_text: str, dtstart: datetime, *, all_day: bool, tzid: str | None
) -> str | None:
    """Why a stored series cannot be expanded (None when it can): for ``workbench check``."""
    expansion = _expansion(rule_text, dtstart, all_day, tzid, None)
    expansion.first()
    return expansion.problem


def day_bounds(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants from the start of ``first`` to the end of ``last`` in ``zone``."""
    begin = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return begin, end
