"""The working calendar and the manual's deadlines (§3.2 rules 6 and 7). Pure: no clock.

A day is a working day unless it is a weekend day or a statutory holiday; a weekend day made a
working day (调休) is one. Deadlines fall at the end of a day (23:59:59) in the handbook's time
zone:

- the Monday plan of an ISO week is due at the end of that week's Monday, or, when the Monday
  is not a working day, of the first working day of that week;
- the month-end summary is due at the end of the month's last Friday, or, when that Friday is
  not a working day, of the last working day before it.
"""

from __future__ import annotations

import calendar as _cal
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from ecomops.errors import InvalidInput

END_OF_DAY = time(23, 59, 59)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: The years a typed date, week, month or "now" may fall in. Python's dates end at 9999-12-31,
#: and a week, a month or a deadline reaches past the day typed (a week's Sunday, the next
#: month, the working day after a holiday), so the edges of that range cannot be worked with;
#: 1900–2999 leaves room on both sides and is the range ``init --year`` takes.
FIRST_YEAR = 1900
LAST_YEAR = 2999
YEARS = f"{FIRST_YEAR} to {LAST_YEAR}"


def shown(text: str, limit: int = 40) -> str:
    """A typed value for a one-line message: quoted, cut short when long."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def check_year(
    year: int, text: str | None = None, what: str = "year", *, param: str | None = None
) -> int:
    """``year`` when the calendar can work with it (``FIRST_YEAR``–``LAST_YEAR``), else
    :class:`InvalidInput` naming ``what`` and the value typed (``text``); ``param``: the
    parameter at fault, for the command line to name its option."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        typed = shown(text) if text is not None else str(year)
        raise InvalidInput(
            f"{what} {typed} is out of range", f"give a year from {YEARS}", param=param
        )
    return year


def typed_year(text: str) -> int | None:
    """The year a value typed as YYYY-… starts with (``None`` when it does not)."""
    head = text.strip()[:5]
    if len(head) >= 4 and head[:4].isdecimal() and head[:4].isascii() and head[4:] in ("", "-"):
        return int(head[:4])
    return None


@dataclass(frozen=True)
class WorkCalendar:
    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)
    known_years: frozenset[int] = frozenset()

    def is_working(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def knows(self, year: int) -> bool:
        return year in self.known_years


def days(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


# --- periods ----------------------------------------------------------------------------------


def _number(digits: str, width: tuple[int, ...]) -> int:
    """A field of a typed period: ASCII (or full-width) decimal digits of one of ``width``."""
    if len(digits) not in width or not digits.isdecimal():
        raise ValueError(digits)
    return int(digits)


def parse_week(text: str) -> tuple[int, int]:
    """An ISO week, ``2026-W48``: ``(year, week)``, the year within ``FIRST_YEAR``–``LAST_YEAR``."""
    how = "write it like 2026-W48 (year, W, week number)"
    try:
        y, w = text.strip().upper().split("-W")
        year, week = _number(y, (4,)), _number(w, (1, 2))
    except ValueError:
        raise InvalidInput(f"{shown(text)} is not an ISO week", how, param="week") from None
    if not (year == LAST_YEAR + 1 and week == 1):  # 3000-W01 holds 2999-12-30 and 31
        check_year(year, text, "week", param="week")
    weeks = date(year, 12, 28).isocalendar()[1]  # 28 December is always in the last week
    if not 1 <= week <= weeks:
        raise InvalidInput(
            f"{shown(text)} is not an ISO week ({year} has weeks 1 to {weeks})", how, param="week"
        )
    return year, week


def week_id(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


class Month(NamedTuple):
    """A calendar month (unpacks as ``year, month``); ``str()`` is its id, ``2026-11``."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> date:
        return self._day(1)

    @property
    def last(self) -> date:
        return self._day(None)

    def next(self) -> Month:
        return Month(self.year + (self.month == 12), self.month % 12 + 1)

    def _day(self, day: int | None) -> date:
        # parse_month bounds what is typed; this guards months reached by arithmetic
        try:
            if day is None:
                day = _cal.monthrange(self.year, self.month)[1]
            return date(self.year, self.month, day)
        except (ValueError, OverflowError):
            raise InvalidInput(
                f"month {self} is out of range", f"give a year from {YEARS}"
            ) from None


def parse_month(text: str) -> Month:
    """A month, ``2026-11``, the year within ``FIRST_YEAR``–``LAST_YEAR``."""
    try:
        y, mo = text.strip().split("-")
        year, month = _number(y, (4,)), _number(mo, (1, 2))
    except ValueError:
        raise InvalidInput(
            f"{shown(text)} is not a month", "write it as YYYY-MM, e.g. 2026-11", param="month"
        ) from None
    if not 1 <= month <= 12:
        raise InvalidInput(
            f"{shown(text)} is not a month",
            "write it as YYYY-MM with a month from 01 to 12, e.g. 2026-11",
            param="month",
        )
    check_year(year, text, "month", param="month")
    return Month(year, month)


#: the ways people write a day: 2026-11-30, 2026/11/30, 2026.11.30, 2026年11月30日 (one-digit
#: months and days too); without the year, 11-30, 11/30, 11.30, 11月30日
_DAY = re.compile(r"(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?")


def parse_date(text: str, what: str = "date", *, year: int | None = None) -> date:
    """A day as people type it: ``2026-11-30`` (ISO 8601), ``2026/11/30``, ``2026.11.30``,
    ``2026年11月30日``, full-width digits too; without a year (``11-30``, ``11/30``,
    ``11月30日``) in ``year`` (this year, which the caller knows; refused without it). The year
    is within ``FIRST_YEAR``–``LAST_YEAR``; ``what`` names the value in a message (``--due``)."""
    typed = unicodedata.normalize("NFKC", text).strip()
    found = _DAY.fullmatch(typed)
    hint = "write it as YYYY-MM-DD (2026-11-30, 2026/11/30, 2026年11月30日 or 11月30日)"
    if found is None:
        start = typed_year(typed)
        if start is not None:
            check_year(start, text, what)  # 0000-01-01: say so rather than "not a date"
        raise InvalidInput(f"{what} {shown(text)} is not a date", hint)
    y, m, d = found.groups()
    if y is None:
        if year is None:
            raise InvalidInput(f"{what} {shown(text)} has no year", hint)
        y = str(year)
    check_year(int(y), text, what)
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise InvalidInput(
            f"{what} {shown(text)} is not a day of the calendar", hint
        ) from None


def month_id(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def week_days(year: int, week: int) -> list[date]:
    monday = date.fromisocalendar(year, week, 1)
    return [monday + timedelta(days=i) for i in range(7)]


def last_friday(year: int, month: int) -> date:
    last = date(year, month, _cal.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - 4) % 7)


# --- deadlines --------------------------------------------------------------------------------


def end_of(d: date, tz: tzinfo) -> datetime:
    return datetime.combine(d, END_OF_DAY, tzinfo=tz)


def monday_plan_day(year: int, week: int, cal: WorkCalendar) -> date:
    """The week's Monday, or the first working day of that week (or after, if none)."""
    for d in week_days(year, week):
        if cal.is_working(d):
            return d
    d = week_days(year, week)[-1] + timedelta(days=1)
    while not cal.is_working(d):
        d += timedelta(days=1)
    return d


def month_end_day(year: int, month: int, cal: WorkCalendar) -> date:
    """The month's last Friday, or the last working day before it."""
    d = last_friday(year, month)
    while not cal.is_working(d):
        d -= timedelta(days=1)
    return d


def protected_days(start: date, end: date, cal: WorkCalendar) -> list[tuple[date, str]]:
    """The days in [start, end] on which §3.2 rule 7 takes no leave and no shift swap: each
    week's plan day (its Monday, or the working day standing in for it) and each month's
    summary day (its last Friday, or the working day standing in for it)."""
    out: dict[date, str] = {}
    weeks = {d.isocalendar()[:2] for d in days(start, end)}
    for y, w in weeks:
        day = monday_plan_day(y, w, cal)
        if start <= day <= end:
            out[day] = "monday"
    months = {(d.year, d.month) for d in days(start, end)}
    for y, mo in months:
        day = month_end_day(y, mo, cal)
        if start <= day <= end:
            out[day] = "month_end"
    return sorted(out.items())


def status(due: datetime, submitted: datetime | None, now: datetime) -> str:
    """on_time, late, missing (past due, nothing in) or open (not yet due, nothing in)."""
    if submitted is not None:
        return "on_time" if submitted <= due else "late"
    return "missing" if now > due else "open"
