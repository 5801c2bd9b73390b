"""What the department owes now, as the pure rules (:mod:`ecomops.core.remind`) take it: who
has not handed in, overdue tasks, ratings owed, waiting leave and handovers.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ecomops.clock import zone
from ecomops.core import remind as rules
from ecomops.core.calendar import WorkCalendar
from ecomops.core.roster import mail_allowed
from ecomops.db.session import Session
from ecomops.services.handbook import current
from ecomops.services.people import Person


def _who(p: Person, domain: str | None = None) -> rules.Who:
    """``p`` as the rules name them; with the company mail ``domain`` in force, an address
    outside it is withheld (§3.2 rule 3: not mailed)."""
    if domain is not None and p.email and not mail_allowed(p.email, domain, None, date.min):
        return rules.Who(p.id, p.name, None, withheld=p.email)
    return rules.Who(p.id, p.name, p.email)


def _past(
    session: Session,
    now: datetime,
    people: dict[int, Person],
    work: WorkCalendar,
    domain: str | None = None,
) -> list[rules.Deadline]:
    """The previous week's and month's deadlines when today is the working day after them,
    with the active members who have not handed in."""
    from ecomops.core import calendar as cal
    from ecomops.services.plans import due_of, status_grid

    m = current(session).manual
    tz = zone(m.calendar.timezone)
    today = now.astimezone(tz).date()
    previous = [
        ("week", "plan", cal.week_id(today - timedelta(days=7))),
        ("month", "summary", cal.month_id(today.replace(day=1) - timedelta(days=1))),
    ]
    out: list[rules.Deadline] = []
    for kind, name, period in previous:
        due = due_of(session, kind, period)[0].astimezone(tz)
        if rules.next_working_day(due.date(), work.is_working) != today:
            continue
        members, _dues, grid = status_grid(session, periods=[(kind, period)], now=now)
        missing = sorted(
            (
                people[p.id]
                for p, (status,) in zip(members, grid, strict=True)
                if status == "missing" and p.id in people
            ),
            key=lambda p: (p.name_key, p.id),
        )
        out.append(rules.Deadline(name, period, due, tuple(_who(p, domain) for p in missing)))
    return out


def situation(session: Session, *, now: datetime, lang: str, work: WorkCalendar) -> rules.Situation:
    """What the department owes at ``now``, as the pure rules take it (``work``: the working
    calendar around ``now``)."""
    from ecomops.core import plans as plan_rules
    from ecomops.services.duties import owed
    from ecomops.services.staff import company_domain_on
    from ecomops.services.workcal import knows, next_year_missing

    o = owed(session, now=now, lang=lang)
    domain = company_domain_on(session, o.now.date())

    def who(p: Person) -> rules.Who:
        return _who(p, domain)

    def task(t) -> rules.TaskItem:
        return rules.TaskItem(
            t.task.id,
            t.task.title,
            t.task.due,
            t.task.days_overdue,
            tuple(who(p) for p in t.owners),
        )

    rated = [
        (who(o.people[r]), tuple(who(p) for p in people))
        for r, people in sorted(o.ratings_owed.items())
        if r in o.people
    ]
    return rules.Situation(
        now=o.now,
        head=who(o.head) if o.head is not None else None,
        week=o.week,
        week_due=o.week_due,
        plans_missing=tuple(who(p) for p in o.plans_missing),
        month=o.month,
        month_due=o.month_due,
        summaries_missing=tuple(who(p) for p in o.summaries_missing),
        overdue=tuple(task(t) for t in o.overdue),
        due_soon=tuple(task(t) for t in o.due_soon),
        cycle_id=o.cycle_id,
        ratings_owed=tuple(rated),
        past=tuple(_past(session, now, o.people, work, domain)),
        calendar_missing=next_year_missing(session, o.now.date()),
        unknown_years=frozenset(
            y for y in {o.week_due.year, o.month_due.year} if not knows(session, y)
        ),
        dept=(
            rules.Deadline("dept", o.week, o.week_due, (who(o.head),))
            if o.head is not None and o.dept_status in plan_rules.NOT_IN_STATUSES
            else None
        ),
        tops=tuple(who(p) for p in o.tops),
        leave_pending=tuple(
            rules.LeaveItem(
                w.leave.id,
                who(w.person),
                w.leave.kind,
                w.leave.start,
                w.leave.end,
                w.leave.reason,
                tuple(w.leave.protected_days),
                tuple(who(p) for p in w.deciders),
            )
            for w in o.leave_pending
            if w.leave is not None
        ),
        handovers_unacked=tuple(
            rules.HandoverItem(
                w.handover.id,
                who(w.person),
                w.handover.cover,
                w.handover.start_at,
                w.handover.end_at,
                w.handover.matter,
                tuple(who(p) for p in w.deciders),
            )
            for w in o.handovers_unacked
            if w.handover is not None
        ),
        mail_domain=domain,
    )


def work_calendar_around(session: Session, now: datetime):
    """The working calendar of the years around ``now`` (local to the handbook's zone)."""
    from ecomops.services.workcal import work_calendar

    m = current(session).manual
    local = now.astimezone(zone(m.calendar.timezone))
    work, _ = work_calendar(session, {local.year - 1, local.year, local.year + 1})
    return work
