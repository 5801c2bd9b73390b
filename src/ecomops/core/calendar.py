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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from ecomops.errors import InvalidInput

END_OF_DAY = time(23, 59, 59)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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


def parse_week(text: str) -> tuple[int, int]:
    raw = text.strip().upper()
    try:
        y, w = raw.split("-W")
        year, week = int(y), int(w)
        date.fromisocalendar(year, week, 1)
        if len(y) != 4:
            raise ValueError
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not an ISO week", "write it like 2026-W48 (year, W, week number)"
        ) from None
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
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, _cal.monthrange(self.year, self.month)[1])

    def next(self) -> Month:
        return Month(self.year + (self.month == 12), self.month % 12 + 1)


def parse_month(text: str) -> Month:
    try:
        y, mo = text.strip().split("-")
        year, month = int(y), int(mo)
        if len(y) != 4 or not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a month", "write it as YYYY-MM, e.g. 2026-11"
        ) from None
    return Month(year, month)


def parse_date(text: str, what: str = "date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} {text!r} is not a date", "write it as YYYY-MM-DD") from None


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
