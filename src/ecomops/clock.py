"""The one place that reads the clock.

``ECOMOPS_NOW`` (ISO 8601: ``2026-11-30``, ``2026-11-30T09:15``, ``2026-11-30T01:15:00Z``) overrides
the system clock. A value without an offset is read in the handbook's time zone. Every other
module takes "now" from here, so every date rule can be tested on any day.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecomops.errors import InvalidInput

DEFAULT_TIMEZONE = "Asia/Shanghai"
ENV_NOW = "ECOMOPS_NOW"


def zone(name: str = DEFAULT_TIMEZONE) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown time zone {name!r}", "use an IANA name such as Asia/Shanghai"
        ) from None


def parse_instant(text: str, tz: ZoneInfo, *, what: str = "time") -> datetime:
    """Parse an ISO 8601 date or date-time; a naive value is taken in ``tz``."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            value = datetime.combine(date.fromisoformat(raw), time.min)
        else:
            value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise InvalidInput(
            f"{what} {text!r} is not an ISO 8601 date or date-time",
            "write it like 2026-11-30 or 2026-11-30T09:00",
        ) from None
    if value.tzinfo is None:
        return value.replace(tzinfo=tz)
    return value.astimezone(tz)


def now(tz_name: str = DEFAULT_TIMEZONE) -> datetime:
    """The current instant in the handbook's time zone (``ECOMOPS_NOW`` when set)."""
    tz = zone(tz_name)
    override = os.environ.get(ENV_NOW)
    if override:
        return parse_instant(override, tz, what=ENV_NOW)
    return datetime.now(tz)


def today(tz_name: str = DEFAULT_TIMEZONE) -> date:
    return now(tz_name).date()
