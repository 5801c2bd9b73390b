"""What needs doing now (``ecomops today``), for the person acting: built on
:func:`ecomops.services.duties.owed`, narrowed to the viewer.

A member sees their own items, each gone once done: their overdue tasks and those due in the
next three working days, their Monday plan (in, or not in yet), their month-end summary when
near, whom they still have to rate. The department head and whoever may read others' records
(the general manager; the keeper, acting as nobody) see the team: overdue tasks by person, who
has not sent this week's Monday plan and, near month-end, the month's summary, by name, every
task due in the next three working days, and the open cycle's ratings still owed, by rater."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ecomops.core import duties as rules
from ecomops.core import plans as plan_rules
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.services import appraisal as appr
from ecomops.services.appraisal.outputs import cycle_out
from ecomops.services.duties import TaskDue, Waiting, owed
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.people import Person, resolve
from ecomops.services.people import names as staff_names
from ecomops.services.permissions import may
from ecomops.services.workcal import knows, next_year_missing
from ecomops.text import localize
from ecomops.views import (
    DashboardOut,
    DashboardOwnerOut,
    DashboardPersonOut,
    DashboardRaterOut,
    TaskOut,
)


def today(
    session: Session,
    *,
    who: Person | str | None,
    now: datetime,
    lang: str,
    viewer: Actor | None = None,
) -> DashboardOut:
    """What needs doing now for ``who`` (None: the whole department, as the keeper sees it):
    their own items, or the team's for the department head and whoever may read others'
    records (see the module's docstring); handbook text and positions in ``lang``."""
    m = current(session).manual
    person = resolve(session, who, active=False) if who else None
    o = owed(session, now=now, lang=lang)
    if person is None:
        view = "team"
    else:
        head = m.head()
        acting = viewer if viewer is not None and viewer.person is not None else Actor.of(person)
        view = rules.view_of(
            head is not None and person.position_id == head.id, may(session, acting, "read_records")
        )
    team = view == "team"

    def name_of(position_id: str | None) -> str | None:
        if position_id is None:
            return None
        p = m.positions_by_id.get(position_id)
        return localize(p.name.zh, p.name.en, lang) if p is not None else position_id

    def named(p: Person) -> DashboardPersonOut:
        return DashboardPersonOut(
            name=p.name, position=p.position_id, position_name=name_of(p.position_id) or ""
        )

    def mine(tasks: list[TaskDue]) -> list[TaskDue]:
        return tasks if team or person is None else o.tasks_of(person, tasks)

    overdue = mine(o.overdue)
    due_soon = mine(o.due_soon)
    week_status = o.week_status.get(person.id) if person is not None else None
    counts = dict.fromkeys(plan_rules.STATUSES, 0)
    for staff_id, status in o.week_status.items():
        if team or (person is not None and staff_id == person.id):
            counts[status] += 1
    is_head = person is not None and o.head is not None and person.id == o.head.id
    cycle = None
    if o.cycle_id is not None:
        row = (
            session.connection()
            .execute(select(schema.cycle).where(schema.cycle.c.id == o.cycle_id))
            .one()
        )
        counted = appr.Progress(o.cycle_members, o.cycle_complete)
        closer = row.closed_by_id
        cycle = cycle_out(m, row, counted, staff_names(session) if closer is not None else {})
    to_rate = [p.name for p in o.ratings_owed.get(person.id, [])] if person is not None else []

    def waiting(items: list[Waiting]) -> list[Waiting]:
        """What waits on the viewer's decision (acting as nobody: everything)."""
        if person is None:
            return items
        return o.waiting_on(person, items) if team else []

    dept_missing = (
        [named(o.head)]
        if team and o.head is not None and not is_head and o.dept_status == "missing"
        else []
    )
    today = o.now.date()
    shown = {today.year, o.week_due.year, o.month_due.year, (o.due_until or o.now).year}
    return DashboardOut(
        now=o.now,
        person=person.name if person else None,
        view=view,
        overdue=[t.task for t in overdue],
        overdue_by_person=_by_owner(overdue, name_of) if team else [],
        due_soon=[t.task for t in due_soon],
        due_soon_until=(o.due_until or o.now).date(),
        week=o.week,
        monday_plan_due=o.week_due,
        monday_plan_status=week_status,
        monday_plan_counts=counts,
        plans_missing=[named(p) for p in o.plans_missing] if team else [],
        department_summary_status=o.dept_status if is_head else None,
        month=o.month,
        month_end_due=o.month_due,
        month_end_near=o.month_near,
        month_end_status=o.month_status.get(person.id) if person is not None else None,
        summaries_missing=[named(p) for p in o.summaries_missing] if team and o.month_near else [],
        cycle=cycle,
        to_rate=to_rate,
        ratings_owed=_raters(o.people, o.ratings_owed, name_of) if team else [],
        unknown_years=sorted(y for y in shown if not knows(session, y)),
        # those who may load it (the head, the top, the keeper) hear of next year's in December
        next_year_missing=next_year_missing(session, today) if team else None,
        leave_pending=[w.leave for w in waiting(o.leave_pending) if w.leave is not None],
        handovers_unacked=[
            w.handover for w in waiting(o.handovers_unacked) if w.handover is not None
        ],
        department_summaries_missing=dept_missing,
    )


def _by_owner(tasks: list[TaskDue], name_of) -> list[DashboardOwnerOut]:
    """The overdue tasks grouped by the person whose they are (a task of a position held by
    two people is under each), by name; then the tasks with no active owner (a position
    nobody active holds, an owner who has left), by the owning position."""
    people: dict[int, tuple[Person, list[TaskOut]]] = {}
    unheld: dict[str, list[TaskOut]] = {}
    for t in tasks:
        for p in t.owners:
            people.setdefault(p.id, (p, []))[1].append(t.task)
        if not t.owners:
            unheld.setdefault(t.task.owner_position or "", []).append(t.task)
    out = [
        DashboardOwnerOut(
            name=p.name, position=p.position_id, position_name=name_of(p.position_id), tasks=ts
        )
        for p, ts in sorted(people.values(), key=lambda e: (e[0].name_key, e[0].id))
    ]
    out.extend(
        DashboardOwnerOut(
            name=None, position=pos or None, position_name=name_of(pos or None), tasks=ts
        )
        for pos, ts in sorted(unheld.items())
    )
    return out


def _raters(
    people: dict[int, Person], owed_by: dict[int, list[Person]], name_of
) -> list[DashboardRaterOut]:
    """Each rater who still owes ratings in the open cycle, by name, with whom."""
    raters = sorted((people[r] for r in owed_by if r in people), key=lambda p: (p.name_key, p.id))
    return [
        DashboardRaterOut(
            name=p.name,
            position=p.position_id,
            position_name=name_of(p.position_id) or "",
            to_rate=[e.name for e in owed_by[p.id]],
        )
        for p in raters
    ]
