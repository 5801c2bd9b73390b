"""The month-end report (§3.2 rule 7): one data structure, built once, rendered in any format."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from ecomops.clock import zone
from ecomops.core import calendar as cal
from ecomops.core import plans as plan_rules
from ecomops.core import quota as quota_rules
from ecomops.core import tasks as task_rules
from ecomops.core.calendar import Month
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.handbook.model import Manual
from ecomops.services import appraisal as appr
from ecomops.services.appraisal.outputs import calibration_out
from ecomops.services.appraisal.state import may_read_cycle
from ecomops.services.goals import goal_progress
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.office import handover_list, leave_list, visitor_list
from ecomops.services.people import names as staff_names
from ecomops.services.plans import status_grid
from ecomops.services.tasks import tasks_cancelled, tasks_list
from ecomops.text import key, localize
from ecomops.views import (
    AppraisalReportOut,
    DepartmentPlansOut,
    GradeShareOut,
    MemberPlansOut,
    OwnerTasksOut,
    PlansReportOut,
    ReportGoalOut,
    ReportOut,
    ReportPersonOut,
    ViolationOut,
    trusted,
)


def _month_bounds(year: int, month: int, tz):
    first = date(year, month, 1)
    last = task_rules.month_end(year, month)
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    return first, last, start, cal.end_of(last, tz)


def _goals(session: Session, m, year: int, month: int, as_of: datetime, tz, lang: str):
    items = [(gid, gm, item) for gid, gm, _n, item in m.goal_items() if gm.month == month]
    progress = goal_progress(session, [gid for gid, *_ in items])
    out = []
    for gid, _gm, item in items:
        due = task_rules.month_end(year, month)
        p = progress.get(gid)
        done, total = (p.done, p.total) if p else (0, 0)
        finished = total > 0 and done == total
        status = (
            "done"
            if finished
            else ("overdue" if task_rules.is_overdue(due, False, as_of, tz) else "open")
        )
        out.append(
            ReportGoalOut(
                id=gid,
                text=localize(item.zh, item.en, lang),
                due=due,
                done=done,
                total=total,
                status=status,
            )
        )
    return out


def build_report(
    session: Session,
    *,
    month: Month | None,
    now: datetime,
    lang: str,
    viewer: Actor | None = None,
) -> ReportOut:
    """The month-end report of ``month`` (default: the month of ``now``), as ``viewer`` may
    see it: goals, tasks done, overdue and cancelled, plan compliance, the month's appraisal cycle,
    leave, handovers and visitors."""
    cur = current(session)
    m = cur.manual
    tz = zone(m.calendar.timezone)
    local_now = now.astimezone(tz)
    y, mo = month if month is not None else Month(local_now.year, local_now.month)
    first, last, start, end = _month_bounds(y, mo, tz)
    # a month that is over is reported as it stood when it ended (the first second after)
    as_of = local_now if start <= local_now <= end else end + timedelta(seconds=1)
    ny, nmo = (y + (mo == 12), mo % 12 + 1)

    # a goal's status is as it stands now: an unfinished goal of a past month is overdue
    goals = _goals(session, m, y, mo, local_now, tz, lang) if y == cur.year else []
    next_goals = _goals(session, m, ny, nmo, local_now, tz, lang) if ny == cur.year else []

    # only the tasks the report shows: done this month, or overdue as of the report
    all_tasks = tasks_list(session, now=as_of, lang=lang, overdue_or_done_between=(start, end))
    done = [t for t in all_tasks if t.done_at is not None and start <= t.done_at <= end]
    overdue = [t for t in all_tasks if t.overdue]
    # dropped in the month (and still dropped): shown as cancelled, never as overdue
    cancelled = tasks_cancelled(session, between=(start, end), now=as_of, lang=lang)
    owners: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for t in done:
        owners[t.owner or "—"][0] += 1
    for t in overdue:
        owners[t.owner or "—"][1] += 1
    by_owner = [OwnerTasksOut(owner=o, done=d, overdue=od) for o, (d, od) in sorted(owners.items())]

    plans = _plans(session, m, y, mo, as_of, viewer)
    appraisal = _appraisal(session, m, f"{y:04d}-{mo:02d}", viewer)
    month_id = f"{y:04d}-{mo:02d}"
    return ReportOut(
        month=month_id,
        lang=lang,
        company=localize(m.company.zh, m.company.en, lang),
        department=localize(m.department.zh, m.department.en, lang),
        position_names={p.id: localize(p.name.zh, p.name.en, lang) for p in m.positions},
        generated_at=local_now,
        as_of=as_of,
        goals=goals,
        next_month=f"{ny:04d}-{nmo:02d}",
        next_goals=next_goals,
        tasks_done=done,
        tasks_overdue=overdue,
        tasks_cancelled=cancelled,
        by_owner=by_owner,
        plans=plans,
        appraisal=appraisal,
        leave=leave_list(session, month=Month(y, mo), viewer=viewer),
        handovers=[
            h
            for h in handover_list(session, active=False, now=as_of)
            if h.start_at <= end and h.end_at >= start
        ],
        visitors=[v for v in visitor_list(session, day=None) if start <= v.arrived_at <= end],
    )


def _plans(
    session: Session, m: Manual, y: int, mo: int, as_of: datetime, viewer: Actor | None
) -> PlansReportOut:
    from ecomops.services.workcal import work_calendar

    first, last = date(y, mo, 1), task_rules.month_end(y, mo)
    weeks_all = sorted({d.isocalendar()[:2] for d in cal.days(first, last)})
    years = {d.year for wy, ww in weeks_all for d in cal.week_days(wy, ww)}
    work, _ = work_calendar(session, years)
    weeks = [
        f"{wy}-W{ww:02d}"
        for wy, ww in weeks_all
        if first <= cal.monday_plan_day(wy, ww, work) <= last
    ]
    # the members' Monday plans and month-end summary, then the head's department summaries
    periods = (
        [("week", w) for w in weeks]
        + [("month", f"{y:04d}-{mo:02d}")]
        + [("dept", w) for w in weeks]
    )
    people, dues, grid = status_grid(session, periods=periods, now=as_of, viewer=viewer)
    order = sorted(range(len(people)), key=lambda i: (people[i].position_id, key(people[i].name)))
    head = m.head()
    n_own = len(weeks) + 1
    members = []
    department = []
    totals = dict.fromkeys(plan_rules.STATUSES, 0)
    for i in order:
        p, row = people[i], grid[i]
        own = row[:n_own]
        counts = dict.fromkeys(totals, 0)
        for s in own:
            counts[s] += 1
        for s, n in counts.items():
            totals[s] += n
        members.append(
            trusted(
                MemberPlansOut,
                {
                    "name": p.name,
                    "position": p.position_id,
                    "weeks": dict(zip(weeks, own, strict=False)),
                    "month_end": own[-1],
                    **counts,
                },
            )
        )
        if head is not None and p.position_id == head.id:
            summaries = row[n_own:]
            department.append(
                trusted(
                    DepartmentPlansOut,
                    {
                        "name": p.name,
                        "position": p.position_id,
                        "weeks": dict(zip(weeks, summaries, strict=True)),
                        **{s: summaries.count(s) for s in plan_rules.STATUSES},
                    },
                )
            )
    return PlansReportOut(
        weeks=weeks,
        month_end_due=dues[len(weeks)],
        members=members,
        totals=totals,
        department=department,
    )


def _appraisal(session: Session, m: Manual, cycle_id: str, viewer: Actor | None):
    row = (
        session.connection()
        .execute(select(schema.cycle).where(schema.cycle.c.id == cycle_id))
        .first()
    )
    if row is None:
        return None
    who = viewer or Actor("", keeper=False)  # nobody: sees no one's scores
    state = appr.load_cycle(session, m, row.id, detail=False)
    quota = appr.build_quota(session, m, row, by="department", strict=None, viewer=who, state=state)
    # the grade counts are the cycle's raters' to read (in a small cycle they name grades)
    counts_visible = may_read_cycle(session, m, who, row.id)
    group = quota.groups[0] if quota.groups else None
    grades = [g for g in m.appraisal.grades]
    # each appraisal's complete-or-pending once (a computed property: 100,000 of them)
    flags = {ap.employee_id: ap.complete for ap in state.values()}
    complete = [ap for ap in state.values() if flags[ap.employee_id]]
    n = len(complete)
    counts = {g.id: 0 for g in grades}
    for ap in complete:
        final = ap.final_grade
        if final is not None:
            counts[final] += 1
    if group is not None and appr.counted_by_server(session):
        # row-level security hides the grades of those the role may not read: the server's
        # counts (which the quota's group holds) are the cycle's
        counts = {g.id: group.counts.get(g.id, 0) for g in grades}
    # next to each grade, the quota's own numbers for the group it caps: the grade and those
    # above it (cumulative rule), or the grade alone (strict rule); the last grade has no cap
    limits = group.limits if group else {}
    held = group.counts if group else {}
    strict = bool(quota.strict)
    ids = [g.id for g in grades]
    distribution = []
    cum_share, running = Decimal(0), 0
    for k, g in enumerate(grades):
        cum_share += g.share
        running += held.get(g.id, 0)
        label = g.id if strict else quota_rules.group_label(ids, k)
        distribution.append(
            GradeShareOut(
                grade=g.id,
                count=counts[g.id],
                share=(Decimal(counts[g.id]) * 100 / n).quantize(Decimal("0.1"))
                if n
                else Decimal(0),
                quota_share=g.share,
                group=label,
                group_count=held.get(g.id, 0) if strict else running,
                group_share=g.share if strict else cum_share,
                limit=limits.get(label),
            )
        )
    people = []
    # nobody in particular (no --as, the owner): the same answer for every appraisal
    anyone = who.keeper if who.person is None else None
    for ap in sorted(state.values(), key=lambda a: (a.position, key(a.name))):
        visible = appr.may_see(session, m, who, ap) if anyone is None else anyone
        done = flags[ap.employee_id]
        people.append(
            trusted(
                ReportPersonOut,
                {
                    "employee": ap.name,
                    "position": ap.position,
                    "status": "complete" if done else "pending",
                    "visible": visible,
                    "score": ap.score if visible else None,
                    "grade": ap.grade if visible else None,
                    "final_grade": ap.final_grade if visible and done else None,
                },
            )
        )
    names = staff_names(session)
    tz = zone(m.calendar.timezone)
    calibrations = [
        calibration_out(c, row.id, names, tz)
        for ap in state.values()
        for c in ap.calibrations
        if appr.may_see(session, m, who, ap)
    ]
    return AppraisalReportOut(
        cycle=row.id,
        kind=row.kind_id,
        status=row.status,
        exempt=quota.exempt,
        strict=strict,
        advisory=bool(group and group.advisory),
        complete=n,
        pending=len(state) - n,
        people=people,
        distribution=distribution if counts_visible else [],
        limits=group.limits if group and counts_visible else {},
        ok=quota.ok,
        violations=[
            ViolationOut(**v.model_dump())
            for v in (group.violations if group and counts_visible else [])
        ],
        calibrations=sorted(calibrations, key=lambda c: c.at),
    )


# --- the year's appraisals (``report --year``) ------------------------------------------------


def build_year_report(
    session: Session,
    *,
    year: int,
    month: Month | None,
    now: datetime,
    lang: str,
    viewer: Actor | None = None,
) -> ReportOut:
    """The report of ``month`` with the appraisals of ``year`` added (``report --year``, a
    :class:`~ecomops.views.YearReportOut`):
    everyone's final grades across the year's cycles (months, quarters, year-end), as
    ``viewer`` may read them, and who was graded A or D more than once. ``month`` defaults to
    the month of ``now`` when it falls in ``year``, else the year's December."""
    from ecomops.core.calendar import check_year
    from ecomops.views import YearReportOut

    check_year(year, param="year")
    m = current(session).manual
    if month is None:
        local = now.astimezone(zone(m.calendar.timezone))
        month = Month(year, local.month if local.year == year else 12)
    base = build_report(session, month=month, now=now, lang=lang, viewer=viewer)
    section = appr.year_appraisal(session, m, year, viewer)
    return trusted(YearReportOut, {**base.__dict__, "year_appraisal": section})
