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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple, TypeVar

from ecomops.errors import InvalidInput
from ecomops.i18n import N_

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


# --- periods and days as people type them -----------------------------------------------------
#
# A week, a month or a day may be typed without its year (``W49``, ``12月``, ``1月8日``): it is
# then the one nearest ``today``, which the caller passes (a command's today, by its database's
# clock; the core reads no clock): the nearest in weeks, in months or in days, among last year's,
# this year's and next year's, and of two equally near the later one (typed in June, ``12月`` is
# this December, not last). Without ``today`` a value without its year is refused.

_T = TypeVar("_T")


def _nearest(options: Iterable[_T], offset: Callable[[_T], int]) -> _T:
    """The option nearest today, ``offset(option)`` being how far from today it lies (negative:
    before today); of two equally near, the later. ``options`` is not empty."""
    return min(options, key=lambda o: (abs(offset(o)), -offset(o)))


def _example_year(year: int, has: Callable[[int], bool]) -> int:
    """For a hint: the year nearest ``year`` (within the calendar's years) that ``has`` holds
    of (a leap year, a year with a week 53: one is never more than 7 years away)."""
    near = range(max(FIRST_YEAR, year - 8), min(LAST_YEAR, year + 8) + 1)
    return _nearest([y for y in near if has(y)], lambda y: y - year)


def _fold(text: str) -> str:
    """A typed value with full-width forms folded (２０２６年 → 2026年, Ｗ → W), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def weeks_in(year: int) -> int:
    """How many ISO weeks ``year`` has: 52, or 53 (2020, 2026, 2032 …)."""
    return date(year, 12, 28).isocalendar()[1]  # 28 December is always in the last week


#: 2026-W49, 2026W49, 2026-w49, W49; 2026年第49周 (週), 第49周, 49周
_WEEK = re.compile(
    r"(?:([0-9]{4})\s*-?\s*)?W\s*([0-9]{1,2})"
    r"|(?:([0-9]{4})\s*年\s*)?(?:第\s*)?([0-9]{1,2})\s*[周週]",
    re.ASCII | re.IGNORECASE,
)
#: the forms of a week, for a hint
_WEEK_FORMS = "2026-W49, 2026W49, 2026年第49周, or W49, 第49周 or 49周 for the nearest week 49"


def parse_week(text: str, today: date | None = None) -> tuple[int, int]:
    """An ISO week as people type it, ``(year, week)``: ``2026-W49``, ``2026W49``,
    ``2026-w49``, ``2026年第49周`` (or 週), full-width digits too; without the year (``W49``,
    ``w49``, ``第49周``, ``49周``) the week of that number nearest ``today``'s week (refused
    without ``today``): on 2026-12-30 ``W1`` is 2027-W01, on 2027-01-02 (in 2026-W53) ``W53``
    is 2026-W53. Week 53 exists in the years that have one (2020, 2026, 2032 …). The year is
    within ``FIRST_YEAR``–``LAST_YEAR`` (or 3000-W01, which holds 2999-12-30 and 31)."""
    how = N_(
        "write it like 2026-W49, 2026W49, 2026年第49周, or W49, 第49周 or 49周 for the nearest "
        "week 49"
    )
    found = _WEEK.fullmatch(_fold(text))
    if found is None:
        raise InvalidInput(f"{shown(text)} is not an ISO week", how, param="week")
    y1, w1, y2, w2 = found.groups()
    typed, week = y1 or y2, int(w1 or w2)
    if typed is not None:
        year = int(typed)
    elif not 1 <= week <= 53:
        raise InvalidInput(
            f"{shown(text)} is not an ISO week (a year has weeks 1 to 52, some 1 to 53)",
            how,
            param="week",
        )
    elif today is None:
        raise InvalidInput(
            f"{shown(text)} has no year", f"write it with the year, e.g. 2026-W{week:02d}",
            param="week",
        )
    else:
        this = today.isocalendar()[0]
        monday = today - timedelta(days=today.weekday())
        years = [y for y in (this - 1, this, this + 1) if week <= weeks_in(y)]
        if not years:  # week 53, and none of the three years has one
            example = _example_year(this, lambda y: weeks_in(y) == 53)
            raise InvalidInput(
                f"{shown(text)} is not an ISO week near {today} ({this - 1}, {this} and "
                f"{this + 1} have weeks 1 to 52)",
                f"give the year of a week 53, e.g. {example}-W53",
                param="week",
            )
        year = _nearest(years, lambda y: (date.fromisocalendar(y, week, 1) - monday).days // 7)
    if not (year == LAST_YEAR + 1 and week == 1):  # 3000-W01 holds 2999-12-30 and 31
        check_year(year, text, "week", param="week")
    weeks = weeks_in(year)
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


#: 2026-11, 2026/11, 2026.11; 2026年11月, 2026年11月份, 11月, 11月份
_MONTH = re.compile(
    r"([0-9]{4})\s*[-/.]\s*([0-9]{1,2})|(?:([0-9]{4})\s*年\s*)?([0-9]{1,2})\s*月份?", re.ASCII
)
#: the forms of a month, for a hint
_MONTH_FORMS = "YYYY-MM (2026-11), 2026/11, 2026年11月(份), or 11月(份) for the nearest November"


def parse_month(text: str, today: date | None = None) -> Month:
    """A month as people type it: ``2026-11``, ``2026/11``, ``2026.11``, ``2026年11月``,
    ``2026年11月份``, full-width digits too; without the year (``11月``, ``11月份``) the month of
    that number nearest ``today``'s month (refused without ``today``): in December 2026 ``1月``
    is 2027-01 and ``11月`` 2026-11. The year is within ``FIRST_YEAR``–``LAST_YEAR``."""
    found = _MONTH.fullmatch(_fold(text))
    if found is None:
        raise InvalidInput(
            f"{shown(text)} is not a month", f"write it as {_MONTH_FORMS}", param="month"
        )
    y1, m1, y2, m2 = found.groups()
    typed, month = y1 or y2, int(m1 or m2)
    if not 1 <= month <= 12:
        raise InvalidInput(
            f"{shown(text)} is not a month",
            "write it as YYYY-MM with a month from 01 to 12, e.g. 2026-11, or as 11月",
            param="month",
        )
    if typed is not None:
        year = int(typed)
    elif today is None:
        raise InvalidInput(
            f"{shown(text)} has no year", f"write it with the year, e.g. 2026-{month:02d}",
            param="month",
        )
    else:
        here = today.year * 12 + today.month - 1
        years = (today.year - 1, today.year, today.year + 1)
        year = _nearest(years, lambda y: y * 12 + month - 1 - here)
    check_year(year, text, "month", param="month")
    return Month(year, month)


#: the ways people write a day: 2026-11-30, 2026/11/30, 2026.11.30, 2026年11月30日 (one-digit
#: months and days too); without the year, 11-30, 11/30, 11.30, 11月30日
_DAY = re.compile(
    r"(?:([0-9]{4})\s*[-/.年]\s*)?([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*[日号號]?", re.ASCII
)


def _day_of(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, what: str = "date", *, today: date | None = None) -> date:
    """A day as people type it: ``2026-11-30`` (ISO 8601), ``2026/11/30``, ``2026.11.30``,
    ``2026年11月30日``, full-width digits too; without the year (``1-8``, ``01-08``, ``1/8``,
    ``1月8日``) the day nearest ``today`` (refused without ``today``): on 2026-12-31 ``1月8日``
    is 2027-01-08, on 2026-06-15 it is 2026-01-08; of two equally near (half a year either
    way, which a 29 February between them makes possible) the later. ``2月29日`` is the
    nearest 29 February of last year, this year and next year, refused when none is a leap
    year. The year is within ``FIRST_YEAR``–``LAST_YEAR``; ``what`` names the value in a
    message (``--due``)."""
    typed = _fold(text)
    found = _DAY.fullmatch(typed)
    hint = N_(
        "write it as YYYY-MM-DD (2026-11-30, 2026/11/30, 2026年11月30日), or 11月30日 or 11/30 "
        "for the nearest 30 November"
    )
    if found is None:
        start = typed_year(typed)
        if start is not None:
            check_year(start, text, what)  # 0000-01-01: say so rather than "not a date"
        raise InvalidInput(f"{what} {shown(text)} is not a date", hint)
    y, m, d = found.groups()
    month, day = int(m), int(d)
    if y is not None:
        check_year(int(y), text, what)
        got = _day_of(int(y), month, day)
    else:
        got = _day_of(2000, month, day)  # a leap year: 29 February is a day
    if got is None:
        raise InvalidInput(f"{what} {shown(text)} is not a day of the calendar", hint)
    if y is not None:
        return got
    if today is None:
        raise InvalidInput(f"{what} {shown(text)} has no year", hint)
    years = (today.year - 1, today.year, today.year + 1)
    options = [x for x in (_day_of(year, month, day) for year in years) if x is not None]
    if not options:  # 29 February, and none of the three years is a leap year
        leap = _example_year(today.year, _cal.isleap)
        raise InvalidInput(
            f"{what} {shown(text)} has no year, and none of {years[0]}, {years[1]} and "
            f"{years[2]} has a 29 February",
            f"give the year, e.g. {leap}-02-29",
        )
    near = _nearest(options, lambda x: (x - today).days)
    check_year(near.year, text, what)
    return near


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
