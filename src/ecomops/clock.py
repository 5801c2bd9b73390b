"""The one place that reads the clock.

A database keeps real time unless it was made with ``ecomops init --simulated-clock`` (the
demo's, the test suite's, a training database). On a simulated-clock database ``ECOMOPS_NOW``
(ISO 8601: ``2026-11-30``, ``2026-11-30T09:15``, ``2026-11-30T01:15:00Z``; a value without an
offset is read in the handbook's time zone) sets "now"; any other database refuses it, and
records the real time: the server's on PostgreSQL, the system's on SQLite. Every other module
takes "now" from here, so every date rule can be tested on any day of a simulated database.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecomops.core.calendar import FIRST_YEAR, LAST_YEAR, YEARS, check_year, shown, typed_year
from ecomops.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ecomops.db.session import Session

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
    """Parse an ISO 8601 date or date-time; a naive value is taken in ``tz``. The instant must
    fall in the years the calendar works with (1900–2999, in ``tz``): anything else is refused
    with one line naming ``what`` (the option, or ``ECOMOPS_NOW``)."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            value = datetime.combine(date.fromisoformat(raw), time.min)
        else:
            value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        year = typed_year(raw)
        if year is not None:
            check_year(year, text, what)  # 0000-01-01: say so rather than "not ISO 8601"
        raise InvalidInput(
            f"{what} {shown(text)} is not an ISO 8601 date or date-time",
            "write it like 2026-11-30 or 2026-11-30T09:00",
        ) from None
    try:
        local = value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    except (OverflowError, ValueError):
        raise InvalidInput(
            f"{what} {shown(text)} is out of range", f"give a year from {YEARS}"
        ) from None
    if local.year != value.year and not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise InvalidInput(
            f"{what} {shown(text)} is out of range (it is {local:%Y-%m-%d %H:%M} in {tz.key})",
            f"give a year from {YEARS}",
        )
    check_year(local.year, text, what)
    return local


REAL = "real"
SIMULATED = "simulated"


def simulated_now(tz_name: str = DEFAULT_TIMEZONE) -> datetime | None:
    """The instant ``ECOMOPS_NOW`` names, if it is set."""
    override = os.environ.get(ENV_NOW)
    if override:
        return parse_instant(override, zone(tz_name), what=ENV_NOW)
    return None


def check_clock(mode: str, where: str) -> None:
    """Refuse ``ECOMOPS_NOW`` on a database that keeps real time."""
    if mode != SIMULATED and os.environ.get(ENV_NOW):
        raise InvalidInput(
            f"{ENV_NOW} is set, but {where} records real time",
            f"unset {ENV_NOW}; a simulated clock is for a database made with "
            "`ecomops init --simulated-clock` (the demo's, a training database)",
        )


def now(
    tz_name: str = DEFAULT_TIMEZONE, *, server: Callable[[], datetime] | None = None
) -> datetime:
    """The current instant in the handbook's time zone: ``ECOMOPS_NOW`` when set (the caller
    has checked the database allows it), else the server's clock when given, else the
    system's."""
    tz = zone(tz_name)
    override = simulated_now(tz_name)
    if override is not None:
        return override
    if server is not None:
        return server().astimezone(tz)
    return datetime.now(tz)


def server_clock(connection: Connection) -> Callable[[], datetime]:
    """The database server's clock on PostgreSQL (``clock_timestamp()``), the system's on
    SQLite (the same machine)."""
    if connection.dialect.name != "postgresql":
        return lambda: datetime.now(UTC)

    def read() -> datetime:
        from sqlalchemy import text

        value = connection.execute(text("SELECT clock_timestamp()")).scalar_one()
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    return read


def real_now(session: Session, tz_name: str = DEFAULT_TIMEZONE) -> datetime:
    """The real time (never ``ECOMOPS_NOW``): the audit trail's, and a record's "written at"."""
    return server_clock(session.connection())().astimezone(zone(tz_name))


def wall_clock() -> datetime:
    """The machine's real time, never ``ECOMOPS_NOW``: what a group robot checks a request's
    signature against (its own clock, within the hour), read when each request goes."""
    return datetime.now(UTC)


def today(tz_name: str = DEFAULT_TIMEZONE) -> date:
    return now(tz_name).date()
