"""Who owes a plan: periods and their deadlines, the department's members on a deadline's
day (:func:`membership_sql`), the plan rules of a position, and the department head."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    case,
    literal,
    or_,
    select,
    true,
)

from ecomops.clock import zone
from ecomops.core import calendar as cal
from ecomops.core import plans as rules
from ecomops.core.permissions import About
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotAllowed, NotFound, Suggest
from ecomops.handbook.model import Manual
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.people import Person, person_of
from ecomops.services.permissions import may, require
from ecomops.services.workcal import work_calendar

ST = schema.staff


# --- periods and deadlines ------------------------------------------------------------------


def due_of(session: Session, kind: str, period: str) -> tuple[datetime, list[str]]:
    """When a ``week``'s Monday plan (and the head's ``dept`` summary of that week) or a
    ``month``'s summary is due, with the calendar's warnings (a year the holiday calendar does
    not know)."""
    tz = zone(current(session).manual.calendar.timezone)
    if kind in ("week", "dept"):
        y, w = cal.parse_week(period)
        years = {d.year for d in cal.week_days(y, w)} | {y}
        work, warnings = work_calendar(session, years)
        return cal.end_of(cal.monday_plan_day(y, w, work), tz), warnings[:1]
    y, mo = cal.parse_month(period)
    work, warnings = work_calendar(session, {y})
    return cal.end_of(cal.month_end_day(y, mo, work), tz), warnings


# --- people ------------------------------------------------------------------------------------


class Member(NamedTuple):
    """A department member, as the plan rules need them."""

    id: int
    name: str
    position_id: str


def _joined_by(day: date, tz: tzinfo) -> ColumnElement[bool]:
    """Whether a ``staff`` row had joined on or before ``day`` (core.plans.joined_day: a NULL
    join date is the day the entry was made, in ``tz``)."""
    after = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)  # day's end
    return case((ST.c.joined_on.is_(None), ST.c.created_at < after), else_=ST.c.joined_on <= day)


def _not_left_by(day: date, tz: tzinfo) -> ColumnElement[bool]:
    """Whether a ``staff`` row had not left by ``day``: left after it, or not at all
    (core.plans.left_day: no leaving date but deactivated is the day of the deactivation)."""
    after = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return case(
        (ST.c.left_on.is_not(None), ST.c.left_on > day),
        (or_(ST.c.active, ST.c.deactivated_at.is_(None)), true()),
        else_=ST.c.deactivated_at >= after,
    )


def membership_sql(days: list[date], tz: tzinfo) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """For each ``staff`` row, ``(lo, hi)`` over the ascending ``days``: the row is a member of
    the department (core.plans.member_on) on ``days[j]`` exactly when ``lo <= j < hi``, since
    membership is one stretch of days. Each CASE stops at its first true test: for the usual
    member, one test each."""
    k = len(days)
    lo = case(*((_joined_by(d, tz), j) for j, d in enumerate(days)), else_=k)
    hi = case(*((_not_left_by(days[j], tz), j + 1) for j in reversed(range(k))), else_=0)
    return lo, hi


def _roster(
    session: Session, m: Manual, days: list[date], viewer: Actor | None
) -> list[tuple[Member, int, int]]:
    """The people of the department's positions (the positions ``in_department``: the plan
    rule's; the general manager's is not) who are active or a member on one of the ascending
    ``days``, each with their ``(lo, hi)`` over ``days`` (:func:`membership_sql`), from one
    query; only those whose records ``viewer`` may read (the permission table's
    ``read_records``: a member sees their own)."""
    inside = [p.id for p in m.positions if p.in_department]
    if days:
        lo, hi = membership_sql(days, zone(m.calendar.timezone))
        rows = (
            select(
                ST.c.id, ST.c.name, ST.c.position_id, ST.c.active, lo.label("lo"), hi.label("hi")
            )
            .where(ST.c.position_id.in_(inside))
            .subquery()
        )
        query = (
            select(rows.c.id, rows.c.name, rows.c.position_id, rows.c.lo, rows.c.hi)
            .where(or_(rows.c.active, rows.c.lo < rows.c.hi))
            .order_by(rows.c.id)
        )
    else:
        query = (
            select(ST.c.id, ST.c.name, ST.c.position_id, literal(0), literal(0))
            .where(ST.c.active, ST.c.position_id.in_(inside))
            .order_by(ST.c.id)
        )
    roster = [
        (Member(i, name, position), lo, hi)
        for i, name, position, lo, hi in session.connection().execute(query).all()
    ]
    if viewer is None or may(session, viewer, "read_records"):
        return roster
    return [r for r in roster if may_read_records(session, viewer, r[0].id)]


def _expected_of(session: Session, m: Manual, staff_id: int, kind: str, due: datetime) -> bool:
    """Whether the plan of ``kind`` due at ``due`` was expected of the person ``staff_id``."""
    tz = zone(m.calendar.timezone)
    row = (
        session.connection()
        .execute(
            select(
                ST.c.position_id,
                ST.c.joined_on,
                ST.c.left_on,
                ST.c.created_at,
                ST.c.active,
                ST.c.deactivated_at,
            ).where(ST.c.id == staff_id)
        )
        .one()
    )
    position = m.position(row.position_id)
    head = m.head()
    if not position.in_department or (kind == "dept" and (head is None or head.id != position.id)):
        return False
    return rules.member_on(
        due.astimezone(tz).date(),
        rules.joined_day(row.joined_on, row.created_at, tz),
        rules.left_day(row.left_on, row.active, row.deactivated_at, tz),
    )


def _require_plan_rule(m: Manual, person: Person, kind: str) -> None:
    """Refuse a plan the handbook does not ask of ``person``: any, of someone outside the
    department (the general manager); the department's summary, of anyone but its head."""
    position = m.position(person.position_id)
    if not position.in_department:
        raise NotAllowed(
            f"{person.name} is the {position.name.en}, outside the department: the Monday plan "
            "and the month-end summary (§3.2 rules 6–7) are its members' to hand in to the "
            "department head; nothing was stored",
            "plans are handed in by the people of the department's positions ({command}: "
            "in_department)",
            suggest=Suggest("roles.list"),
            param="who",
        )
    if kind == "dept":
        head = m.head()
        if head is None:
            raise InvalidInput("the handbook names no department head (a position with head: true)")
        if position.id != head.id:
            raise NotAllowed(
                f"the department's weekly summary is the department head's ({head.name.en}) "
                f"to hand in; {person.name} is the {position.name.en}",
                "submit your own Monday plan, without {param:kind}",
                param="kind",
            )


def may_read_records(session: Session, viewer: Actor, staff_id: int) -> bool:
    """Whether ``viewer`` may read the plans and leave of the person ``staff_id``."""
    return may(session, viewer, "read_records", About(person_id=staff_id))


def _require_records(session: Session, viewer: Actor, person: Person) -> None:
    require(session, viewer, "read_records", About(person_id=person.id), what=person.name)


def department_head(session: Session, m: Manual) -> Person:
    """The department head on the roster, with an e-mail address (plans are mailed there)."""
    head = m.head()
    if head is None:
        raise InvalidInput("the handbook names no department head (a position with head: true)")
    row = (
        session.connection()
        .execute(select(ST).where(ST.c.active, ST.c.position_id == head.id).order_by(ST.c.id))
        .first()
    )
    if row is None:
        raise NotFound(
            f"nobody on the roster holds the {head.id} position",
            "add the department head: {command}",
            suggest=Suggest("staff.add", ("NAME",), {"position": head.id}),
        )
    if not row.email:
        raise InvalidInput(
            f"{row.name}, the department head, has no e-mail address",
            "add one to the roster (staff import, or re-add with an e-mail address)",
        )
    return person_of(row)
