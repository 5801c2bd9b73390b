"""The plans as read: who handed in what (:func:`status_grid`), one person's plan, and the
working calendar of a month."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    and_,
    case,
    func,
    select,
    tuple_,
)

from ecomops.clock import zone
from ecomops.core import calendar as cal
from ecomops.core import plans as rules
from ecomops.core.calendar import Month
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import NotFound
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.people import Person, resolve
from ecomops.services.plans.members import Member, _expected_of, _require_records, _roster, due_of
from ecomops.services.plans.submitting import _plan_out, _versions
from ecomops.services.workcal import knows, next_year_missing, next_year_warning, work_calendar
from ecomops.views import (
    CalendarOut,
    DayOut,
    DeadlineOut,
    PlanOut,
    PlanStatusOut,
    PlanStatusRowOut,
)

PL = schema.plan
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NE = rules.NOT_EXPECTED


# --- reading -------------------------------------------------------------------------------------


def status_grid(
    session: Session,
    *,
    periods: list[tuple[str, str]],
    now: datetime,
    viewer: Actor | None = None,
) -> tuple[list[Member], list[datetime], list[list[str]]]:
    """The month report's plan table: the members (``viewer`` may read; the active ones, and
    whoever else was a member on one of the deadlines), each period's due time, and each
    member's status per period (``not_expected`` where the period's plan was not theirs to
    hand in: before they joined, after they left, a department summary of someone not its
    head), from three queries: the roster, the members' plans over the covering index, the
    department's summaries (the database decides who was a member when, and on time or late,
    so no date of joining nor submission time of a member is read: 60k statuses at 10k
    people)."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    dues = [due_of(session, kind, period)[0] for kind, period in periods]
    unsent = [cal.status(due, None, now) for due in dues]
    # each period's deadline day, as an index into the distinct days, ascending
    deadline_days = [due.astimezone(tz).date() for due in dues]
    days = sorted(set(deadline_days))
    at = [days.index(d) for d in deadline_days]
    roster = _roster(session, m, days, viewer)
    members = [p for p, _, _ in roster]
    if not periods:
        return members, dues, [[] for _ in members]
    # per period: NULL = nothing in, 1 = first version late, 2 = first version on time; the
    # members' plans from one grouped query over the covering index (the database decides on
    # time or late), the few department summaries from a second
    own_periods = [(i, p) for i, p in enumerate(periods) if p[0] != "dept"]
    cells = [
        func.max(
            case(
                (
                    and_(PL.c.kind == kind, PL.c.period == period),
                    case((PL.c.submitted_at <= dues[i], 2), else_=1),
                ),
            )
        )
        for i, (kind, period) in own_periods
    ]
    got: dict[int, list[int | None]] = {}
    prefix = [i for i, _ in own_periods] == list(range(len(own_periods)))
    pad = [None] * (len(periods) - len(own_periods))
    if own_periods:
        for staff_id, *codes in (
            session.connection()
            .execute(
                select(PL.c.staff_id, *cells)
                .where(tuple_(PL.c.kind, PL.c.period).in_([p for _, p in own_periods]))
                .group_by(PL.c.staff_id)
            )
            .all()
        ):
            if prefix:  # the usual order: the members' periods, then the summaries
                got[staff_id] = [*codes, *pad]
            else:
                row = got[staff_id] = [None] * len(periods)
                for (i, _), code in zip(own_periods, codes, strict=True):
                    row[i] = code
    summaries = {period: i for i, (kind, period) in enumerate(periods) if kind == "dept"}
    if summaries:
        for staff_id, period, first in session.connection().execute(
            select(PL.c.staff_id, PL.c.period, func.min(PL.c.submitted_at))
            .where(PL.c.kind == "dept", PL.c.period.in_(list(summaries)))
            .group_by(PL.c.staff_id, PL.c.period)
        ):
            i = summaries[period]
            got.setdefault(staff_id, [None] * len(periods))[i] = 2 if first <= dues[i] else 1
    none = [None] * len(periods)
    names = {None: None, 1: "late", 2: "on_time"}
    head = m.head()
    head_id = head.id if head is not None else None
    dept = [kind == "dept" for kind, _ in periods]
    # which periods are someone's who was a member on every one of the days: all of them for
    # the head, all but the department's summaries for anyone else
    everything, own = [True] * len(periods), [not d for d in dept]
    k, n = len(days), len(periods)
    grid = []
    for p, lo, hi in roster:
        codes = got.get(p.id, none)
        heads = p.position_id == head_id
        if lo == 0 and hi == k:
            expected = everything if heads else own
        else:
            expected = [lo <= at[i] < hi and (heads or not dept[i]) for i in range(n)]
        # core.plans.cell, inlined: 60k cells at 10k people
        grid.append([(names[c] or unsent[i]) if expected[i] else NE for i, c in enumerate(codes)])
    excused = [i for i, (kind, _) in enumerate(periods) if kind in rules.EXCUSED_KINDS]
    if excused:  # the few people on approved leave on a Monday deadline's day
        away = approved_leave(session, [deadline_days[i] for i in excused])
        for row_no, p in enumerate(members):
            spans = away.get(p.id)
            if spans:
                statuses = grid[row_no]
                for i in excused:
                    on = rules.away_on(deadline_days[i], spans)
                    statuses[i] = rules.excused(statuses[i], periods[i][0], on)
    return members, dues, grid


def approved_leave(session: Session, days: list[date]) -> dict[int, list[tuple[date, date]]]:
    """Who is on approved leave (or an approved shift swap) on one of ``days``: staff id ->
    their approved spans (first, last day) that hold one of them, from one query."""
    if not days:
        return {}
    lv = schema.leave
    rows = session.connection().execute(
        select(lv.c.staff_id, lv.c.start, lv.c.end).where(
            lv.c.status == "approved", lv.c.start <= max(days), lv.c.end >= min(days)
        )
    ).all()
    out: dict[int, list[tuple[date, date]]] = {}
    for staff_id, first, last in rows:
        if any(first <= d <= last for d in days):
            out.setdefault(staff_id, []).append((first, last))
    return out


def plan_status(
    session: Session, *, kind: str, period: str, now: datetime, viewer: Actor | None = None
) -> PlanStatusOut:
    """Every member's Monday plan (``kind`` week) or month-end summary (``kind`` month) for
    ``period``: on time, late, missing (past due), open, or not expected (not a member on the
    deadline's day); of the members ``viewer`` may read. A week's also lists the department
    head's summary of the department."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    due, warnings = due_of(session, kind, period)
    kinds = [kind, "dept"] if kind == "week" else [kind]
    head = m.head()
    roster = _roster(session, m, [due.astimezone(tz).date()], viewer)
    got = {
        (staff_id, k): (when, n)
        for staff_id, k, n, when in session.connection()
        .execute(
            select(PL.c.staff_id, PL.c.kind, func.count(), func.min(PL.c.submitted_at))
            .where(PL.c.kind.in_(kinds), PL.c.period == period)
            .group_by(PL.c.staff_id, PL.c.kind)
        )
        .all()
    }
    unsent = cal.status(due, None, now)
    day = due.astimezone(tz).date()
    away = approved_leave(session, [day]) if kind == "week" else {}
    rows: list[PlanStatusRowOut] = []
    department: list[PlanStatusRowOut] = []
    for p, lo, hi in roster:
        member = lo == 0 and hi == 1  # a member on the deadline's day
        for k, out in zip(kinds, (rows, department), strict=False):
            if k == "dept" and (head is None or p.position_id != head.id):
                continue  # the department's summary is its head's alone
            when, n = got.get((p.id, k), (None, 0))
            out.append(
                PlanStatusRowOut(
                    name=p.name,
                    position=p.position_id,
                    due_at=due,
                    submitted_at=when.astimezone(tz) if when else None,
                    status=rules.excused(
                        rules.cell(member, cal.status(due, when, now) if when else None, unsent),
                        k,
                        rules.away_on(day, away.get(p.id, ())),
                    ),
                    versions=n,
                )
            )
    counts = {s: sum(1 for r in rows if r.status == s) for s in rules.STATUSES}
    return PlanStatusOut(
        kind=kind,
        period=period,
        due_at=due,
        warnings=warnings,
        calendar_known=knows(session, due.astimezone(tz).year),
        counts=counts,
        members=rows,
        department=department,
    )


def plan_show(
    session: Session, *, who: Person | str, kind: str, period: str, viewer: Actor | None = None
) -> PlanOut:
    """``who``'s submitted plan for ``period`` (its newest version), if ``viewer`` may read
    it."""
    m = current(session).manual
    person = resolve(session, who, active=False)
    if viewer is not None:
        _require_records(session, viewer, person)
    rows = _versions(session, person.id, kind, period)
    if not rows:
        what = {"week": "Monday plan", "dept": "department summary"}.get(kind, "month-end summary")
        raise NotFound(f"{person.name} has no {what} for {period}")
    due, _ = due_of(session, kind, period)
    return _plan_out(
        rows,
        person.name,
        zone(m.calendar.timezone),
        _expected_of(session, m, person.id, kind, due),
        due,
    )


def calendar_month(session: Session, *, month: Month | None, now: datetime) -> CalendarOut:
    """``month`` (default: the month of ``now``): working days, holidays, adjusted working
    days, and the Monday-plan and month-end deadlines."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    y, mo = month if month is not None else (now.year, now.month)
    first = date(y, mo, 1)
    last = date(y + (mo == 12), mo % 12 + 1, 1).toordinal() - 1
    month_days = list(cal.days(first, date.fromordinal(last)))
    weeks = sorted({d.isocalendar()[:2] for d in month_days})
    years = {d.year for wy, ww in weeks for d in cal.week_days(wy, ww)}
    work, warnings = work_calendar(session, years)
    deadlines: list[DeadlineOut] = []
    marks: dict[date, list[str]] = {}
    for wy, ww in weeks:
        day = cal.monday_plan_day(wy, ww, work)
        if day.month == mo and day.year == y:
            period = f"{wy}-W{ww:02d}"
            deadlines.append(
                DeadlineOut(kind="monday_plan", period=period, due_at=cal.end_of(day, tz))
            )
            marks.setdefault(day, []).append(f"monday_plan {period}")
    end_day = cal.month_end_day(y, mo, work)
    deadlines.append(
        DeadlineOut(kind="month_end", period=f"{y:04d}-{mo:02d}", due_at=cal.end_of(end_day, tz))
    )
    marks.setdefault(end_day, []).append(f"month_end {y:04d}-{mo:02d}")
    days_out = [
        DayOut(
            date=d,
            weekday=WEEKDAYS[d.weekday()],
            working=work.is_working(d),
            holiday=work.holidays.get(d),
            adjusted_workday=work.workdays.get(d),
            deadlines=marks.get(d, []),
        )
        for d in month_days
    ]
    missing = next_year_missing(session, now.astimezone(tz).date())
    if missing is not None:
        warnings = [*warnings, next_year_warning(missing)]
    return CalendarOut(
        month=f"{y:04d}-{mo:02d}",
        known=work.knows(y),
        next_year_missing=missing,
        warnings=warnings,
        working_days=sum(1 for d in days_out if d.working),
        deadlines=sorted(deadlines, key=lambda d: d.due_at),
        days=days_out,
    )
