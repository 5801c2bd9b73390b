"""The visitor log (§3.1 rule 10): a visit approved by a leader and accompanied by a member,
its end, and the log of a day.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, select, update

from ecomops.clock import zone
from ecomops.core import calendar as cal
from ecomops.db.bulk import inserted_id
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, Suggest
from ecomops.handbook.model import Manual
from ecomops.i18n import N_
from ecomops.services.handbook import current
from ecomops.services.office.records import (
    VI,
    department_member,
    find_record,
    given_text,
    handbook_rule,
)
from ecomops.services.people import Person, resolve
from ecomops.services.people import names as _names
from ecomops.text import check_name
from ecomops.views import VisitorOut


def leaders(m: Manual) -> list[str]:
    """The department head and everyone above them (who may approve a visit)."""
    head = m.head()
    out: list[str] = []
    p = head
    while p is not None and p.id not in out:
        out.append(p.id)
        p = m.position(p.reports_to) if p.reports_to else None
    return out


def _visitor_out(r, names, tz) -> VisitorOut:
    return VisitorOut(
        id=r.id,
        name=r.name,
        approved_by=names[r.approved_by_id],
        escort=names[r.escort_id],
        purpose=r.purpose,
        arrived_at=r.arrived_at.astimezone(tz),
        left_at=r.left_at.astimezone(tz) if r.left_at else None,
    )


def visitor_add(
    session: Session,
    *,
    name: str,
    approved_by: Person | str,
    escort: Person | str,
    purpose: str | None,
    at: datetime | None,
    now: datetime,
    lang: str,
) -> VisitorOut:
    """Record a visitor's arrival (at ``at``, default ``now``), approved by a leader and
    accompanied by a member (§3.1 rule 10)."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    visitor = check_name(given_text(name, "visitor's name"), "visitor's name", param="name")
    approver = resolve(session, approved_by)
    allowed = leaders(m)
    if approver.position_id not in allowed:
        n, text = handbook_rule(m, "conduct", "visitors", lang)
        raise InvalidInput(
            f"{approver.name} ({approver.position_id}) is not a leader who may approve a visit "
            f"(§3.1 rule {n}: {text})",
            f"the approver must be one of: {', '.join(allowed)}",
        )
    guide = department_member(session, m, escort, "escort")
    arrived = at if at is not None else now
    new_id = inserted_id(
        session.connection()
        .execute(
            insert(VI).values(
                name=visitor,
                approved_by_id=approver.id,
                escort_id=guide.id,
                purpose=purpose.strip() if purpose and purpose.strip() else None,
                arrived_at=arrived,
            )
        )
    )
    row = session.connection().execute(select(VI).where(VI.c.id == new_id)).one()
    return _visitor_out(row, _names(session), tz)


def visitor_leave(
    session: Session, *, visit_id: int, at: datetime | None, now: datetime
) -> VisitorOut:
    """Record that visit ``visit_id``'s visitor left (at ``at``, default ``now``)."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    row = find_record(session, VI, visit_id, N_("visit"), Suggest("visitor.list"))
    if row.left_at is not None:
        raise InvalidInput(
            f"visit {visit_id} ({row.name}) already ended at "
            f"{row.left_at.astimezone(tz):%Y-%m-%d %H:%M}"
        )
    left = (at if at is not None else now).astimezone(tz)
    if left < row.arrived_at:
        raise InvalidInput(
            f"the departure {left:%Y-%m-%d %H:%M} is before the arrival "
            f"{row.arrived_at.astimezone(tz):%Y-%m-%d %H:%M}",
            param="at",
        )
    session.connection().execute(update(VI).where(VI.c.id == visit_id).values(left_at=left))
    row = session.connection().execute(select(VI).where(VI.c.id == visit_id)).one()
    return _visitor_out(row, _names(session), tz)


def visitor_list(session: Session, *, day: date | None) -> list[VisitorOut]:
    """The visitor log (of one ``day``, when given)."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    q = select(VI).order_by(VI.c.arrived_at, VI.c.id)
    if day is not None:
        d = day
        start = cal.end_of(d, tz).replace(hour=0, minute=0, second=0)
        q = q.where(VI.c.arrived_at >= start, VI.c.arrived_at <= cal.end_of(d, tz))
    names = _names(session)
    return [_visitor_out(r, names, tz) for r in session.connection().execute(q)]
