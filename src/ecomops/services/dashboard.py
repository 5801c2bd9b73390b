"""What needs doing now (``ecomops today``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ecomops.clock import zone
from ecomops.core import calendar as cal
from ecomops.core import plans as plan_rules
from ecomops.core.permissions import Party, in_reporting_line
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.handbook.model import Manual
from ecomops.identity import Actor
from ecomops.services import appraisal as appr
from ecomops.services.appraisal.outputs import cycle_out
from ecomops.services.handbook import current
from ecomops.services.people import Person, resolve
from ecomops.services.people import names as staff_names
from ecomops.services.permissions import about_rated, tops
from ecomops.services.plans import due_of, status_grid
from ecomops.services.tasks import tasks_list
from ecomops.views import DashboardOut

MONTH_END_NEAR_DAYS = 7


def today(
    session: Session,
    *,
    who: Person | str | None,
    now: datetime,
    lang: str,
    viewer: Actor | None = None,
) -> DashboardOut:
    """What needs doing now, for ``who`` (or the whole department): overdue tasks, tasks due
    this week, this week's Monday plan (``not_expected`` for someone who was not a member on
    its deadline's day) and, for the department head, the department's weekly summary, the
    month-end deadline when near, the open cycle and whom ``who`` still has to rate in it."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    local = now.astimezone(tz)
    person = resolve(session, who, active=False) if who else None
    owner = person
    overdue = tasks_list(session, now=now, lang=lang, overdue=True, owner=owner)
    sunday = local.date() + timedelta(days=6 - local.weekday())
    soon = tasks_list(
        session, now=now, lang=lang, owner=owner, due_within=(sunday - local.date()).days
    )
    soon = [t for t in soon if not t.overdue]
    week = cal.week_id(local.date())
    # the week's Monday plans and the head's department summary from one grouped query (no
    # output row per member: 10k people); not_expected where the week's plan was not theirs
    members, (week_due, _), grid = status_grid(
        session, periods=[("week", week), ("dept", week)], now=now, viewer=viewer
    )
    counts = dict.fromkeys(plan_rules.STATUSES, 0)
    mine = department = None
    head = m.head()
    for member, (status, summary) in zip(members, grid, strict=True):
        counts[status] += 1
        if person is not None and member.id == person.id:
            mine = status
            if head is not None and member.position_id == head.id:
                department = summary
    month_due, _ = due_of("month", cal.month_id(local.date()), m)
    near = timedelta(0) <= month_due - local <= timedelta(days=MONTH_END_NEAR_DAYS)
    cy = schema.cycle
    row = (
        session.connection()
        .execute(select(cy).where(cy.c.status == "open").order_by(cy.c.opened_at.desc()).limit(1))
        .first()
    )
    open_cycle = None
    to_rate: list[str] = []
    if row is not None:
        counted = appr.progress(session, m, [row.id])[row.id]
        open_cycle = cycle_out(m, row, counted, staff_names(session))
        if person is not None:
            to_rate = _to_rate(session, m, row.id, person)
    return DashboardOut(
        now=local,
        person=person.name if person else None,
        overdue=overdue,
        due_this_week=soon,
        week=week,
        monday_plan_due=week_due,
        monday_plan_status=mine,
        monday_plan_counts=counts,
        department_summary_status=department,
        month_end_due=month_due,
        month_end_near=near,
        cycle=open_cycle,
        to_rate=to_rate,
    )


def _to_rate(session: Session, m: Manual, cycle_id: str, person: Person) -> list[str]:
    """Whom ``person`` still has to rate in the cycle: the members whose rubric names their
    position and whose reporting line they are in (the permission table's ``rate``), other
    than themselves, with no current sheet from them."""
    rated = [p.id for p in m.positions if p.rubric and person.position_id in m.raters_of(p)]
    if not rated:
        return []
    cm, sh, st = schema.cycle_member, schema.sheet, schema.staff
    mine = select(sh.c.employee_id).where(
        sh.c.cycle_id == cycle_id, sh.c.rater_id == person.id, sh.c.is_current
    )
    rows = (
        session.connection()
        .execute(
            select(st.c.id, st.c.name, cm.c.position_id)
            .join(cm, cm.c.staff_id == st.c.id)
            .where(
                cm.c.cycle_id == cycle_id,
                cm.c.position_id.in_(rated),
                cm.c.staff_id != person.id,
                cm.c.staff_id.not_in(mine),
            )
        )
        .all()
    )
    who, top = Party(person.id, person.position_id), tops(m)
    raters = {p: m.raters_of(m.position(p)) for p in rated}
    return sorted(
        name
        for staff_id, name, position in rows
        if in_reporting_line(who, about_rated(session, staff_id, raters[position]), top)
    )
