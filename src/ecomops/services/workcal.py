"""Build the working calendar from the library (mainland China's statutory holidays and
adjusted working days, via chinese-calendar) and the handbook's own extra days."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from ecomops.core.calendar import WorkCalendar, days
from ecomops.handbook.model import Manual


@lru_cache(maxsize=32)
def _library_year(y: int) -> tuple[dict[date, str], dict[date, str]] | None:
    """The library's holidays on weekdays and working weekend days of ``y``; None when it does
    not know the year (asked once per year per process: a report asks for every week)."""
    import chinese_calendar as cc

    try:
        cc.is_workday(date(y, 6, 1))
    except NotImplementedError:
        return None
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    for d in days(date(y, 1, 1), date(y, 12, 31)):
        on_holiday, name = cc.get_holiday_detail(d)
        if on_holiday and d.weekday() < 5:
            holidays[d] = str(name or "holiday")
        elif not on_holiday and d.weekday() >= 5:
            workdays[d] = f"adjusted working day ({name})" if name else "adjusted working day"
    return holidays, workdays


def holiday_names() -> dict[str, str]:
    """The statutory holidays' English names (as the calendar stores them) → their Chinese
    names (simplified characters), for a calendar shown in Chinese."""
    import chinese_calendar as cc

    return {str(h.value): str(h.chinese) for h in cc.Holiday}


def china_calendar(years: set[int], m: Manual | None = None) -> tuple[WorkCalendar, list[str]]:
    """The calendar for ``years``; a year the library does not know gives a warning and
    counts weekends only (plus the handbook's extra days)."""
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    known: set[int] = set()
    warnings: list[str] = []
    for y in sorted(years):
        found = _library_year(y)
        if found is None:
            warnings.append(
                f"the holiday calendar does not know {y} yet: counting weekends only "
                f"(add the year's holidays under calendar.extra_holidays in the handbook, or "
                f"upgrade chinese-calendar)"
            )
            continue
        known.add(y)
        holidays.update(found[0])
        workdays.update(found[1])
    if m is not None:
        for extra in m.calendar.extra_holidays:
            if extra.date.year in years:
                holidays[extra.date] = extra.name
                workdays.pop(extra.date, None)
        for extra in m.calendar.extra_workdays:
            if extra.date.year in years:
                workdays[extra.date] = extra.name
                holidays.pop(extra.date, None)
    return WorkCalendar(holidays, workdays, frozenset(known)), warnings
