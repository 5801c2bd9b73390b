"""The working calendar: mainland China's statutory holidays and adjusted working days, from
the year's official schedule when one is loaded (``ecomops calendar load``: the State
Council's notice, an iCalendar feed or a plain list, stored in the database), else from the
holiday package (chinese-calendar), plus the handbook's own extra days.

A year neither knows counts weekends only, and says so: every deadline in it is shown with
that warning, and from 1 December the head hears that next year's schedule is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from ecomops.core.calendar import WorkCalendar, days

if TYPE_CHECKING:
    from ecomops.core.schedule import Schedule
    from ecomops.db.session import Session
    from ecomops.handbook.model import Manual
    from ecomops.services.identity import Actor
    from ecomops.views import CalendarLoadOut, CalendarYearOut

#: where a year's days come from
OFFICIAL = "official"
PACKAGE = "package"
WEEKENDS = "weekends"


@dataclass(frozen=True)
class Official:
    """A year's official schedule as loaded: every day off of its holiday periods (weekend
    days inside them included) and its adjusted working days, each with the holiday's name."""

    year: int
    kind: str
    source: str
    sha256: str
    loaded_at: datetime
    loaded_by: str
    off: dict[date, str] = field(default_factory=dict)
    work: dict[date, str] = field(default_factory=dict)


@lru_cache(maxsize=32)
def _library_year(y: int) -> tuple[dict[date, str], dict[date, str]] | None:
    """The package's holidays on weekdays and working weekend days of ``y``; None when it does
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


def package_knows(year: int) -> bool:
    """Whether the holiday package holds ``year``'s official schedule."""
    return _library_year(year) is not None


def package_days(year: int) -> dict[date, str] | None:
    """The package's special days of ``year`` as ``off`` or ``work`` (None: unknown year):
    every holiday (weekend days inside a holiday period included) and adjusted working day."""
    import chinese_calendar as cc

    if not package_knows(year):
        return None
    out: dict[date, str] = {}
    for d in days(date(year, 1, 1), date(year, 12, 31)):
        on_holiday, name = cc.get_holiday_detail(d)
        if on_holiday and name is not None:
            out[d] = "off"
        elif not on_holiday and d.weekday() >= 5:
            out[d] = "work"
    return out


def holiday_names() -> dict[str, str]:
    """The statutory holidays' English names (as the calendar stores them) → their Chinese
    names (simplified characters), for a calendar shown in Chinese."""
    import chinese_calendar as cc

    return {str(h.value): str(h.chinese) for h in cc.Holiday}


def english_name(name: str) -> str:
    """A holiday's name as the package stores it (English) when it is one of the statutory
    holidays (春节 → Spring Festival; 国庆节、中秋节 → National Day, Mid-autumn Festival); any
    other name as it is."""
    by_chinese = {zh.removesuffix("节"): en for en, zh in holiday_names().items()}
    parts = [p.strip() for p in name.replace("，", "、").replace(",", "、").split("、")]
    found = [by_chinese.get(p.removesuffix("节")) for p in parts if p]
    if found and all(found):
        return ", ".join(f for f in found if f)
    return name


def china_calendar(
    years: set[int], m: Manual | None = None, official: Mapping[int, Official] | None = None
) -> tuple[WorkCalendar, list[str]]:
    """The calendar for ``years``: a year's loaded official schedule, else the package's; a
    year neither knows gives a warning and counts weekends only (plus the handbook's extra
    days, which win over both)."""
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    known: set[int] = set()
    warnings: list[str] = []
    for y in sorted(years):
        loaded = official.get(y) if official else None
        if loaded is not None:
            known.add(y)
            holidays.update(
                (d, english_name(name)) for d, name in loaded.off.items() if d.weekday() < 5
            )
            adjusted = "adjusted working day"
            workdays.update(
                (d, f"{adjusted} ({english_name(name)})" if name else adjusted)
                for d, name in loaded.work.items()
            )
            continue
        found = _library_year(y)
        if found is None:
            warnings.append(unknown_year_warning(y))
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


def unknown_year_warning(year: int) -> str:
    """The warning of a year the calendar does not know (the ``--json`` text; the terminal's
    is in the chosen language)."""
    return (
        f"the holiday calendar does not know {year} yet: counting weekends only (the {year} "
        f"schedule is not loaded: ecomops calendar load NOTICE.txt)"
    )


# --- the loaded years ---------------------------------------------------------------------------


def official_years(session: Session) -> dict[int, Official]:
    """Every loaded year's schedule, read once per transaction."""
    cached = session.info.get("ecomops.official")
    if cached is not None:
        return cached
    from sqlalchemy import select

    from ecomops.db import schema

    cy, cd = schema.calendar_year, schema.calendar_day
    conn = session.connection()
    found: dict[int, Official] = {
        r.year: Official(r.year, r.kind, r.source, r.sha256, r.loaded_at, r.loaded_by)
        for r in conn.execute(select(cy))
    }
    for r in conn.execute(select(cd.c.day, cd.c.year, cd.c.kind, cd.c.name)):
        target = found[r.year].off if r.kind == "off" else found[r.year].work
        target[r.day] = r.name
    session.info["ecomops.official"] = found
    return found


def work_calendar(session: Session, years: set[int]) -> tuple[WorkCalendar, list[str]]:
    """The calendar of ``years`` for this database: its loaded years, the package, and the
    handbook in force."""
    from ecomops.services.handbook import current

    return china_calendar(years, current(session).manual, official_years(session))


def knows(session: Session, year: int) -> bool:
    """Whether the calendar knows ``year``: loaded, or in the package."""
    return year in official_years(session) or package_knows(year)


def next_year_missing(session: Session, today: date) -> int | None:
    """From 1 December, next year when its schedule is not known yet (None otherwise)."""
    if today.month != 12:
        return None
    return None if knows(session, today.year + 1) else today.year + 1


# --- loading and showing a year -----------------------------------------------------------------


def _differences(sched: Mapping[date, str], year: int) -> list[tuple[date, str, str]]:
    """Where a year's days (``sched``: date → off|work) differ from the package's: (day, as
    loaded, the package's), each side ``off``, ``work`` or ``normal``; [] for a year the
    package does not know."""
    theirs = package_days(year)
    if theirs is None:
        return []
    out = []
    for d in sorted(set(sched) | set(theirs)):
        ours, pkg = sched.get(d, "normal"), theirs.get(d, "normal")
        if ours != pkg and not _same_day(d, ours, pkg):
            out.append((d, ours, pkg))
    return out


def _same_day(d: date, a: str, b: str) -> bool:
    """An ``off`` weekend day and a plain weekend day are the same day off."""
    return d.weekday() >= 5 and {a, b} == {"off", "normal"}


def load_schedules(
    session: Session,
    schedules: list[Schedule],
    *,
    source: str,
    sha256: str,
    actor: Actor,
    now: datetime,
) -> CalendarLoadOut:
    """Store each year's official schedule (replacing a year loaded before), by those who may
    load a handbook (the keeper, the top of the organisation); the differences from the
    package are listed for a year it knows."""
    from sqlalchemy import delete, insert

    from ecomops.core.calendar import check_year
    from ecomops.db import schema
    from ecomops.errors import InvalidInput
    from ecomops.services.permissions import require_handbook_keeper
    from ecomops.views import CalendarDiffOut, CalendarLoadOut, CalendarLoadYearOut

    require_handbook_keeper(session, actor, what="load the official calendar")
    if not schedules:
        raise InvalidInput("the file holds no day of any year", param="file")
    cy, cd = schema.calendar_year, schema.calendar_day
    conn = session.connection()
    before = official_years(session)
    out: list[CalendarLoadYearOut] = []
    for sched in sorted(schedules, key=lambda s: s.year):
        check_year(sched.year, param="file")
        conn.execute(delete(cd).where(cd.c.year == sched.year))
        conn.execute(delete(cy).where(cy.c.year == sched.year))
        conn.execute(
            insert(cy).values(
                year=sched.year,
                kind=sched.kind,
                source=source[-1000:],
                sha256=sha256,
                loaded_at=now,
                loaded_by=actor.name[:100],
            )
        )
        rows = [
            {"day": d, "year": sched.year, "kind": kind, "name": (name or "")[:200]}
            for kind, table in (("off", sched.off), ("work", sched.work))
            for d, name in sorted(table.items())
            if d.year == sched.year
        ]
        # days the notice sets in another year (the 2019 notice's 2018-12-29 to 31): kept with
        # that year when it is loaded too (its own notice could not know them); else that
        # year is the package's, which has them from this very notice
        loaded = set(before) | {o.year for o in schedules if o.year < sched.year}
        beyond = {d: v for d, v in sched.outside.items() if d.year in loaded}
        if beyond:
            conn.execute(delete(cd).where(cd.c.day.in_(sorted(beyond))))
            rows += [
                {"day": d, "year": d.year, "kind": kind, "name": (name or "")[:200]}
                for d, (kind, name) in sorted(beyond.items())
            ]
        if rows:
            conn.execute(insert(cd), rows)
        marks = {d: "off" for d in sched.off} | {d: "work" for d in sched.work}
        out.append(
            CalendarLoadYearOut(
                year=sched.year,
                kind=sched.kind,
                days_off=len(sched.off),
                working_days=len(sched.work),
                replaced=sched.year in before,
                package_knows=package_knows(sched.year),
                differences=[
                    CalendarDiffOut(date=d, loaded=a, package=b)
                    for d, a, b in _differences(marks, sched.year)
                ],
            )
        )
    session.info.pop("ecomops.official", None)
    return CalendarLoadOut(source=source, sha256=sha256, years=out)


def calendar_year(session: Session, year: int, *, today: date) -> CalendarYearOut:
    """``year``'s special days (holidays, adjusted working days, the handbook's extra days),
    each with where it comes from, and where a loaded schedule differs from the package."""
    from ecomops.clock import zone
    from ecomops.core.calendar import check_year
    from ecomops.services.handbook import current
    from ecomops.views import CalendarDiffOut, CalendarSpecialDayOut, CalendarYearOut

    check_year(year, param="year")
    m = current(session).manual
    loaded = official_years(session).get(year)
    marks: dict[date, tuple[str, str, str]] = {}  # day → (off|work, name, source)
    if loaded is not None:
        source = OFFICIAL
        for d, name in loaded.off.items():
            marks[d] = ("off", name, OFFICIAL)
        for d, name in loaded.work.items():
            marks[d] = ("work", name, OFFICIAL)
    elif package_knows(year):
        import chinese_calendar as cc

        source = PACKAGE
        names = holiday_names()
        for d, kind in (package_days(year) or {}).items():
            _, en = cc.get_holiday_detail(d)
            name = names.get(str(en), str(en)) if en else ""
            marks[d] = (kind, name, PACKAGE)
    else:
        source = WEEKENDS
    for extra in m.calendar.extra_holidays:
        if extra.date.year == year:
            marks[extra.date] = ("off", extra.name, "handbook")
    for extra in m.calendar.extra_workdays:
        if extra.date.year == year:
            marks[extra.date] = ("work", extra.name, "handbook")
    differences = (
        _differences(
            {d: k for d, (k, _, src) in marks.items() if src == OFFICIAL}, year
        )
        if loaded is not None
        else []
    )
    missing = next_year_missing(session, today)
    warnings = [] if source != WEEKENDS else [unknown_year_warning(year)]
    if missing is not None and missing != year:
        warnings.append(next_year_warning(missing))
    return CalendarYearOut(
        year=year,
        source=source,
        kind=loaded.kind if loaded else None,
        file=loaded.source if loaded else None,
        loaded_at=loaded.loaded_at.astimezone(zone(m.calendar.timezone)) if loaded else None,
        loaded_by=loaded.loaded_by if loaded else None,
        known=source != WEEKENDS,
        next_year_missing=missing,
        warnings=warnings,
        days=[
            CalendarSpecialDayOut(date=d, kind=k, name=name, source=src)
            for d, (k, name, src) in sorted(marks.items())
        ],
        differences=[CalendarDiffOut(date=d, loaded=a, package=b) for d, a, b in differences],
    )


def next_year_warning(year: int) -> str:
    """The ``--json`` text of the December warning (the terminal's is in the chosen language)."""
    return (
        f"next year's official schedule ({year}) is not loaded: load the State Council's "
        f"notice when it is published (ecomops calendar load NOTICE.txt)"
    )
