"""Who owes what, for the whole department at one moment: the Monday plans and month-end
summaries not in, the open tasks overdue and due in the next three working days with the
people whose they are, and the ratings still owed in the open appraisal cycle, by rater.

One read, no viewer filtering: ``ecomops today`` narrows it to what the viewer may see, and
``ecomops remind`` turns it into reminders. Grouped queries only (10,000 people): the roster
once, the plans through :func:`ecomops.services.plans.status_grid`, the tasks through
:func:`ecomops.services.tasks.tasks_list`, the cycle's sheets in one grouped query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, text

from ecomops.clock import zone
from ecomops.core import calendar as cal
from ecomops.core import duties as rules
from ecomops.core import plans as plan_rules
from ecomops.core import tasks as task_rules
from ecomops.core.permissions import line_of
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.services.appraisal.state import counted_by_server
from ecomops.services.handbook import current
from ecomops.services.people import Person, people_where
from ecomops.services.permissions import managers, tops
from ecomops.services.plans import status_grid
from ecomops.services.tasks import tasks_list
from ecomops.services.workcal import work_calendar
from ecomops.views import HandoverOut, LeaveOut, TaskOut

ST = schema.staff
TK = schema.task
CY = schema.cycle
CM = schema.cycle_member
SH = schema.sheet


@dataclass(frozen=True)
class TaskDue:
    """An open task and the people it is theirs to do."""

    task: TaskOut  # views.TaskOut (title in the requested lang)
    owners: list[Person]  # the owner, or the holders of the owning position; active people only


@dataclass(frozen=True)
class Waiting:
    """A leave exception waiting for approval or a handover form waiting to be acknowledged:
    the record (``leave`` or ``handover``), whose it is, and who may decide it (the head; for
    the head's own, the general manager)."""

    person: Person
    deciders: list[Person]
    leave: LeaveOut | None = None
    handover: HandoverOut | None = None


@dataclass(frozen=True)
class Owed:
    """What the department owes at ``now`` (see the module's docstring)."""

    now: datetime  # local (handbook timezone)
    head: Person | None  # the active department head (the first, by id), if any
    week: str  # this week, 2026-W48
    week_due: datetime  # this week's Monday plan deadline
    plans_missing: list[Person]  # active members whose plan for `week` is expected, not in
    month: str  # this month, 2026-11
    month_due: datetime  # its month-end summary deadline
    month_near: bool  # from core.duties.MONTH_END_NEAR_DAYS before the deadline to the month's end
    summaries_missing: list[Person]  # active members whose `month` summary is expected, not in
    overdue: list[TaskDue]  # open tasks past due, by due date
    due_soon: list[TaskDue]  # open tasks due by `due_until`, not overdue, by due date
    cycle_id: str | None  # the open appraisal cycle (the newest opened)
    ratings_owed: dict[int, list[Person]]  # rater staff id -> people they still have to rate
    # --- beyond the agreed interface ----------------------------------------------------------
    due_until: datetime | None = None  # end of the 3rd working day from today (today included)
    people: dict[int, Person] = field(default_factory=dict)  # the active people, by id
    week_status: dict[int, str] = field(default_factory=dict)  # member id -> plan status
    month_status: dict[int, str] = field(default_factory=dict)  # member id -> summary status
    dept_status: str | None = None  # the head's weekly department summary (None: no head)
    #: the open cycle's members and complete appraisals (services.appraisal.progress's count,
    #: from the rows the ratings owed are read from)
    cycle_members: int = 0
    cycle_complete: int = 0
    #: the active holders of the positions at the top (the general manager): told when the
    #: head's weekly department summary is missing
    tops: list[Person] = field(default_factory=list)
    #: leave exceptions waiting for approval and handover forms not acknowledged yet
    leave_pending: list[Waiting] = field(default_factory=list)
    handovers_unacked: list[Waiting] = field(default_factory=list)

    def waiting_on(self, person: Person, items: list[Waiting]) -> list[Waiting]:
        """The ``items`` ``person`` is one of the deciders of."""
        return [w for w in items if any(p.id == person.id for p in w.deciders)]

    def tasks_of(self, person: Person, tasks: list[TaskDue]) -> list[TaskDue]:
        """The ``tasks`` that are ``person``'s to do."""
        return [t for t in tasks if any(p.id == person.id for p in t.owners)]


def owed(session: Session, *, now: datetime, lang: str) -> Owed:
    """Who owes what in the whole department at ``now`` (titles in ``lang``)."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    local = now.astimezone(tz)
    today = local.date()
    conn = session.connection()

    # the active people, once
    people = people_where(session, ST.c.active)
    holders: dict[str, list[int]] = {}
    for p in people.values():
        holders.setdefault(p.position_id, []).append(p.id)
    head_position = m.head()
    head_ids = holders.get(head_position.id, []) if head_position is not None else []
    head = people[head_ids[0]] if head_ids else None

    # the plans: this week's, the department's weekly summary, this month's summary
    week = cal.week_id(today)
    month = cal.month_id(today)
    members, (week_due, month_due, _), grid = status_grid(
        session, periods=[("week", week), ("month", month), ("dept", week)], now=now
    )
    week_status: dict[int, str] = {}
    month_status: dict[int, str] = {}
    dept_status: str | None = None
    plans_missing: list[Person] = []
    summaries_missing: list[Person] = []
    for member, (w, mo, d) in zip(members, grid, strict=True):
        person = people.get(member.id)
        if person is None:  # left: nothing is asked of them any more
            continue
        week_status[member.id] = w
        month_status[member.id] = mo
        if w in plan_rules.NOT_IN_STATUSES:
            plans_missing.append(person)
        if mo in plan_rules.NOT_IN_STATUSES:
            summaries_missing.append(person)
        if head is not None and member.id == head.id:
            dept_status = d
    by_name = lambda p: (p.name_key, p.id)  # noqa: E731
    plans_missing.sort(key=by_name)
    summaries_missing.sort(key=by_name)
    month_last = cal.parse_month(month).last
    near = rules.month_end_near(local, month_due.astimezone(tz), month_last)

    # the tasks: overdue, and due by the third working day from today
    work, _ = work_calendar(session, {today.year, today.year + 1})
    until = rules.due_soon_until(today, work.is_working)
    listed = tasks_list(session, now=now, lang=lang, due_within=(until - today).days)
    owner_rows = {
        i: (owner_id, position)
        for i, owner_id, position in conn.execute(
            select(TK.c.id, TK.c.owner_id, TK.c.owner_position_id).where(
                TK.c.status.not_in(task_rules.CLOSED), TK.c.due <= until
            )
        ).all()
    }

    def owners_of(task: TaskOut) -> list[Person]:
        owner_id, position = owner_rows.get(task.id, (None, task.owner_position))
        if owner_id is not None:
            return [people[owner_id]] if owner_id in people else []
        return [people[i] for i in holders.get(position or "", [])]

    overdue = [TaskDue(t, owners_of(t)) for t in listed if t.overdue]
    due_soon = [TaskDue(t, owners_of(t)) for t in listed if not t.overdue]

    # the open cycle's ratings still owed
    row = conn.execute(
        select(CY.c.id).where(CY.c.status == "open").order_by(CY.c.opened_at.desc()).limit(1)
    ).first()
    cycle_id = row.id if row is not None else None
    ratings_owed: dict[int, list[Person]] = {}
    counted = (0, 0)
    if cycle_id:
        ratings_owed, counted = _ratings_owed(session, cycle_id, people, holders)

    leave_pending, handovers_unacked = _waiting(session, now, people, holders)
    return Owed(
        now=local,
        head=head,
        week=week,
        week_due=week_due.astimezone(tz),
        plans_missing=plans_missing,
        month=month,
        month_due=month_due.astimezone(tz),
        month_near=near,
        summaries_missing=summaries_missing,
        overdue=overdue,
        due_soon=due_soon,
        cycle_id=cycle_id,
        ratings_owed=ratings_owed,
        due_until=cal.end_of(until, tz),
        people=people,
        week_status=week_status,
        month_status=month_status,
        dept_status=dept_status,
        cycle_members=counted[0],
        cycle_complete=counted[1],
        tops=[people[i] for p in sorted(tops(m)) for i in holders.get(p, [])],
        leave_pending=leave_pending,
        handovers_unacked=handovers_unacked,
    )


def _waiting(
    session: Session, now: datetime, people: dict[int, Person], holders: dict[str, list[int]]
) -> tuple[list[Waiting], list[Waiting]]:
    """The leave exceptions waiting for approval and the handover forms not acknowledged, each
    with who decides it (core.duties.deciders over the permission table's positions, the
    department head's first), in two small queries."""
    from ecomops.services.office import pending_leave, unacked_handovers

    m = current(session).manual
    head = m.head()

    def ranks(action: str) -> list[list[int]]:
        allowed = [p for p in m.permission_table.get(action, []) if p in m.positions_by_id]
        if head is not None and head.id in allowed:
            allowed = [head.id, *(p for p in allowed if p != head.id)]
        return [holders.get(p, []) for p in allowed]

    def waiting(staff_id: int, action: str, **record) -> Waiting | None:
        person = people.get(staff_id)
        if person is None:  # left since: nothing waits on their request any more
            return None
        who = [people[i] for i in rules.deciders(staff_id, ranks(action))]
        return Waiting(person, who, **record)

    leave = [waiting(i, "approve_leave", leave=lv) for i, lv in pending_leave(session)]
    forms = [
        waiting(i, "ack_handover", handover=h) for i, h in unacked_handovers(session, now=now)
    ]
    return [w for w in leave if w], [w for w in forms if w]


def _ratings_owed(
    session: Session, cycle_id: str, people: dict[int, Person], holders: dict[str, list[int]]
) -> tuple[dict[int, list[Person]], tuple[int, int]]:
    """Rater id -> the cycle's members they still have to rate: for each member, the rater
    positions the member's position requires with no current sheet yet, and the active people
    who rate the member in them by the reporting-line rule (core.duties.raters_owing), in two
    queries whatever the size of the cycle; and the cycle's (members, complete appraisals) as
    :func:`ecomops.services.appraisal.progress` counts them (a current sheet, and one from
    every rater position required), from the same rows."""
    m = current(session).manual
    conn = session.connection()
    required = {p.id: m.raters_of(p) for p in m.positions if p.rubric is not None}
    have: dict[int, set[str]] = {}
    status = (
        conn.execute(
            text("SELECT employee_id, complete, sent FROM ecomops_cycle_status(:c)"),
            {"c": cycle_id},
        ).all()
        if counted_by_server(session)
        else []
    )
    # row-level security hides the sheets of those the role may not read: the server tells
    # whoever reads every record which rater positions sent one (revision 0016); anyone else
    # is told who is complete, and owes ratings only on sheets of their own, which they read
    done = {employee for employee, complete, _ in status if complete}
    if status and all(sent is not None for *_, sent in status):
        have = {employee: set(sent) for employee, _, sent in status}
    else:
        for employee, position in conn.execute(
            select(SH.c.employee_id, SH.c.rater_position_id)
            .where(SH.c.cycle_id == cycle_id, SH.c.is_current)
            .distinct()
        ).all():
            have.setdefault(employee, set()).add(position)
    chain = managers(session)
    position_of = {i: p.position_id for i, p in people.items()}
    top = tops(m)
    owed: dict[int, list[int]] = {}
    members = complete = 0
    for staff_id, position in conn.execute(
        select(CM.c.staff_id, CM.c.position_id)
        .where(CM.c.cycle_id == cycle_id, CM.c.position_id.in_(sorted(required)))
        .order_by(CM.c.staff_id)
    ).all():
        members += 1
        if staff_id in done:
            complete += 1
            continue
        got = have.get(staff_id, set())
        missing = [r for r in required[position] if r not in got]
        if not missing:
            complete += 1 if got else 0
            continue
        for rater in rules.raters_owing(
            staff_id, missing, line_of(staff_id, chain), position_of, holders, top
        ):
            owed.setdefault(rater, []).append(staff_id)
    out: dict[int, list[Person]] = {}
    everyone = _people_by_id(session, {i for ids in owed.values() for i in ids}, people)
    for rater, ids in sorted(owed.items()):
        out[rater] = sorted((everyone[i] for i in ids), key=lambda p: (p.name_key, p.id))
    return out, (members, complete)


def _people_by_id(session: Session, ids: set[int], known: dict[int, Person]) -> dict[int, Person]:
    """The people ``ids`` (a cycle keeps members who have since left): the known ones as
    given, the rest read in one query."""
    out = {i: known[i] for i in ids if i in known}
    rest = sorted(ids - set(out))
    for i in range(0, len(rest), 500):
        out.update(people_where(session, ST.c.id.in_(rest[i : i + 500])))
    return out
