"""Leave and shift swaps (§3.2 rule 7), the temporary work handover form (§3.2 rule 5) and the
visitor log (§3.1 rule 10)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, select, update

from ecomops.clock import zone
from ecomops.core import calendar as cal
from ecomops.core.calendar import Month
from ecomops.db import schema
from ecomops.db.bulk import inserted_id
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotFound
from ecomops.handbook.model import Manual
from ecomops.identity import Actor
from ecomops.services.handbook import current
from ecomops.services.people import Person, resolve
from ecomops.services.people import names as _names
from ecomops.services.permissions import may
from ecomops.services.workcal import china_calendar
from ecomops.text import check_name, localize
from ecomops.views import HandoverOut, LeaveOut, VisitorOut

ST = schema.staff
LV = schema.leave
HO = schema.handover
VI = schema.visitor


def _text(text: str | None, what: str) -> str:
    if text is None or not text.strip():
        raise InvalidInput(f"the {what} is empty", f"give the {what}")
    return text.strip()


def _rule(m: Manual, section: str, rule_key: str, lang: str) -> tuple[int, str]:
    items = getattr(m, section).items
    for n, item in enumerate(items, start=1):
        if item.key == rule_key:
            return n, localize(item.zh, item.en, lang)
    raise InvalidInput(f"the handbook has no rule with key {rule_key!r}")


# --- leave ----------------------------------------------------------------------------------


def _leave_out(r, names, tz, protected) -> LeaveOut:
    return LeaveOut(
        id=r.id,
        name=names[r.staff_id],
        kind=r.kind,
        start=r.start,
        end=r.end,
        reason=r.reason,
        special=r.special,
        protected_days=protected,
        created_at=r.created_at.astimezone(tz),
    )


def leave_request(
    session: Session,
    *,
    who: Person | str,
    start: date,
    end: date | None,
    kind: str,
    reason: str,
    special: bool,
    now: datetime,
    lang: str,
) -> LeaveOut:
    """``who`` asks for leave or a shift swap (``kind``) from ``start`` to ``end`` (one day
    when None); refused on a protected day (§3.2 rule 7) unless ``special``."""
    m = current(session).manual
    if kind not in ("leave", "swap"):
        raise InvalidInput(f"unknown kind {kind!r}", "use leave or swap", param="kind")
    person = resolve(session, who)
    first = start
    last = end if end is not None else first
    if last < first:
        raise InvalidInput(f"the last day {last} is before the first {first}", param="end")
    if (last - first).days > 366:
        raise InvalidInput("a request spans more than a year", "split it")
    why = _text(reason, "reason")
    years = {first.year, last.year}
    work, _ = china_calendar(years, m)
    protected = [d for d, _ in cal.protected_days(first, last, work)]
    if protected and not special:
        n, text = _rule(m, "daily_rules", "protected_days", lang)
        days = ", ".join(f"{d} ({cal.WEEKDAY_NAMES[d.weekday()]})" for d in protected)
        raise InvalidInput(
            f"§3.2 rule {n}: {text} — refused: {days} "
            f"{'is a protected day' if len(protected) == 1 else 'are protected days'}",
            "ask with a special reason (it is recorded as an exception)",
            param="special",
        )
    new_id = inserted_id(
        session.connection()
        .execute(
            insert(LV).values(
                staff_id=person.id,
                kind=kind,
                start=first,
                end=last,
                reason=why,
                special=special,
                created_at=now,
            )
        )
    )
    row = session.connection().execute(select(LV).where(LV.c.id == new_id)).one()
    return _leave_out(row, _names(session), zone(m.calendar.timezone), protected)


def leave_list(
    session: Session, *, month: Month | None, viewer: Actor | None = None
) -> list[LeaveOut]:
    """Leave and shift swaps (touching ``month``, when given), with their protected days;
    only those ``viewer`` may read (``read_records``: a member sees their own)."""
    m = current(session).manual
    q = select(LV).order_by(LV.c.start, LV.c.id)
    if viewer is not None and not may(session, viewer, "read_records"):
        me = viewer.person.id if viewer.person else -1
        q = q.where(LV.c.staff_id == me)
    if month is not None:
        q = q.where(LV.c.start < month.next().first, LV.c.end >= month.first)
    rows = session.connection().execute(q).all()
    years = {d.year for r in rows for d in (r.start, r.end)}
    work, _ = china_calendar(years, m) if rows else (cal.WorkCalendar(), [])
    names = _names(session)
    tz = zone(m.calendar.timezone)
    return [
        _leave_out(r, names, tz, [d for d, _ in cal.protected_days(r.start, r.end, work)])
        for r in rows
    ]


# --- handover -------------------------------------------------------------------------------


def _handover_out(r, names, tz, now) -> HandoverOut:
    return HandoverOut(
        id=r.id,
        name=names[r.staff_id],
        cover=names[r.cover_id],
        start_at=r.start_at.astimezone(tz),
        end_at=r.end_at.astimezone(tz),
        place=r.place,
        matter=r.matter,
        duties=r.duties,
        active=r.start_at <= now <= r.end_at,
    )


def _member(session: Session, m: Manual, name: Person | str, what: str) -> Person:
    row = resolve(session, name)
    if not m.position(row.position_id).in_department:
        raise InvalidInput(
            f"{row.name} ({row.position_id}) is not a member of the department",
            f"the {what} must be one",
        )
    return row


def handover_add(
    session: Session,
    *,
    who: Person | str,
    cover: Person | str,
    start: datetime,
    end: datetime,
    place: str,
    matter: str,
    duties: str | None,
    now: datetime,
) -> HandoverOut:
    """``who`` hands work over to ``cover`` (a member) from ``start`` to ``end``: the
    temporary work handover form (§3.2 rule 5)."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    person = resolve(session, who)
    covering = _member(session, m, cover, "cover")
    if covering.id == person.id:
        raise InvalidInput(
            "nobody covers for themselves", "the cover is another member", param="cover"
        )
    begin = start.astimezone(tz)
    finish = end.astimezone(tz)
    if finish <= begin:
        raise InvalidInput(
            f"the end {finish:%Y-%m-%d %H:%M} does not follow the start "
            f"{begin:%Y-%m-%d %H:%M}",
            param="end",
        )
    new_id = inserted_id(
        session.connection()
        .execute(
            insert(HO).values(
                staff_id=person.id,
                cover_id=covering.id,
                start_at=begin,
                end_at=finish,
                place=_text(place, "place"),
                matter=_text(matter, "matter"),
                duties=duties.strip() if duties and duties.strip() else None,
                created_at=now,
            )
        )
    )
    row = session.connection().execute(select(HO).where(HO.c.id == new_id)).one()
    return _handover_out(row, _names(session), tz, now)


def handover_list(session: Session, *, active: bool, now: datetime) -> list[HandoverOut]:
    """Handover forms (only those in force at ``now``, when ``active``)."""
    m = current(session).manual
    q = select(HO).order_by(HO.c.start_at, HO.c.id)
    if active:
        q = q.where(HO.c.start_at <= now, HO.c.end_at >= now)
    names = _names(session)
    tz = zone(m.calendar.timezone)
    return [_handover_out(r, names, tz, now) for r in session.connection().execute(q)]


# --- visitors -------------------------------------------------------------------------------


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
    visitor = check_name(_text(name, "visitor's name"), "visitor's name", param="name")
    approver = resolve(session, approved_by)
    allowed = leaders(m)
    if approver.position_id not in allowed:
        n, text = _rule(m, "conduct", "visitors", lang)
        raise InvalidInput(
            f"{approver.name} ({approver.position_id}) is not a leader who may approve a visit "
            f"(§3.1 rule {n}: {text})",
            f"the approver must be one of: {', '.join(allowed)}",
        )
    guide = _member(session, m, escort, "escort")
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
    row = None
    if 0 < visit_id < 2**63:  # no id is ever outside the database's integers
        row = session.connection().execute(select(VI).where(VI.c.id == visit_id)).first()
    if row is None:
        which = visit_id if abs(visit_id) < 2**63 else "that large"
        raise NotFound(f"no visit with id {which}", "see: ecomops visitor list")
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
