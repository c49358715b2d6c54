"""Time zones: this computer's, and the IANA names a workspace may be set to."""

from __future__ import annotations

import os
from datetime import tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil import tz as dateutil_tz

from workbench.services.common.errors import ServiceError


class ZoneError(ServiceError):
    """A time zone name that is not an IANA zone this computer knows."""


def local_zone_name() -> str | None:
    """The IANA name of this computer's time zone, when it can be found."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        try:
            candidates.append(timezone_file.read_text(encoding="utf-8").strip())
        except OSError:
            pass
    for name in candidates:
        if name and "/" in name or name == "UTC":
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return name
    return None


def local_zone() -> tzinfo:
    """This computer's time zone, with its daylight-saving rules."""
    name = local_zone_name()
    if name:
        return ZoneInfo(name)
    return dateutil_tz.tzlocal()


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name this computer knows, sorted."""
    return tuple(sorted(available_timezones()))


def check_zone_name(name: str) -> str:
    """``name`` stripped, when it names an IANA zone.

    Raises:
        ZoneError: it does not.
    """
    cleaned = name.strip()
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise ZoneError(
            f"'{cleaned}' is not a time zone name; use an IANA name such as Europe/Berlin"
        ) from None
    return cleaned


def zone_named(name: str | None) -> tuple[tzinfo, str]:
    """The zone called ``name`` (empty: this computer's), and the name to show for it."""
    if name:
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a zone this computer does not know: fall back to its own
    return local_zone(), local_zone_name() or "local time"
