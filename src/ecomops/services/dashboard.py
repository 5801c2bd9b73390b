"""What needs doing now (``ecomops today``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ecomops.clock import zone
from ecomops.core import calendar as cal
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.services import appraisal as appr
from ecomops.services.manual import current
from ecomops.services.people import find_person
from ecomops.services.plans import plan_status
from ecomops.services.tasks import tasks_list
from ecomops.views import DashboardOut

MONTH_END_NEAR_DAYS = 7


def today(session: Session, *, who: str | None, now: datetime, lang: str) -> DashboardOut:
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    local = now.astimezone(tz)
    person = find_person(session, who, active=False) if who else None
    owner = person.name if person else None
    overdue = tasks_list(session, now=now, lang=lang, overdue=True, owner=owner)
    sunday = local.date() + timedelta(days=6 - local.weekday())
    soon = tasks_list(
        session, now=now, lang=lang, owner=owner, due_within=(sunday - local.date()).days
    )
    soon = [t for t in soon if not t.overdue]
    week = cal.week_id(local.date())
    weekly = plan_status(session, kind="week", period=week, now=now)
    mine = next((r.status for r in weekly.members if person and r.name == person.name), None)
    monthly = plan_status(session, kind="month", period=cal.month_id(local.date()), now=now)
    near = timedelta(0) <= monthly.due_at - local <= timedelta(days=MONTH_END_NEAR_DAYS)
    cy = schema.cycle
    row = (
        session.connection()
        .execute(select(cy).where(cy.c.status == "open").order_by(cy.c.opened_at.desc()).limit(1))
        .first()
    )
    cycle_out = None
    to_rate: list[str] = []
    if row is not None:
        cycle_out = appr._cycle_out(session, m, row)
        if person is not None:
            state = appr.load_cycle(session, m, row.id)
            for ap in sorted(state.values(), key=lambda a: a.name):
                rated = {s.rater_id for s in ap.sheets}
                if (
                    person.position_id in ap.required
                    and person.id not in rated
                    and person.id != ap.employee_id
                ):
                    to_rate.append(ap.name)
    return DashboardOut(
        now=local,
        person=person.name if person else None,
        overdue=overdue,
        due_this_week=soon,
        week=week,
        monday_plan_due=weekly.due_at,
        monday_plan_status=mine,
        monday_plan_counts=weekly.counts,
        month_end_due=monthly.due_at,
        month_end_near=near,
        cycle=cycle_out,
        to_rate=to_rate,
    )
