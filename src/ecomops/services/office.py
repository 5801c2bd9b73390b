"""Leave and shift swaps (§3.2 rule 7) and their approval, the temporary work handover form
(§3.2 rule 5) and its acknowledgement, and the visitor log (§3.1 rule 10). The rules are
:mod:`ecomops.core.leave`'s."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, or_, select, text, update

from ecomops.clock import zone
from ecomops.core import calendar as cal
from ecomops.core import leave as rules
from ecomops.core.calendar import Month
from ecomops.db import locks, schema
from ecomops.db.bulk import inserted_id
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotAllowed, NotFound
from ecomops.handbook.model import Manual
from ecomops.i18n import N_
from ecomops.identity import Actor
from ecomops.services.handbook import current
from ecomops.services.people import Person, resolve
from ecomops.services.people import names as _names
from ecomops.services.permissions import may, require
from ecomops.services.workcal import work_calendar
from ecomops.text import check_name, localize
from ecomops.views import HandoverOut, LeaveOut, VisitorOut

ST = schema.staff
LV = schema.leave
HO = schema.handover
VI = schema.visitor


def _text(text: str | None, what: str, param: str | None = None) -> str:
    if text is None or not text.strip():
        raise InvalidInput(f"the {what} is empty", f"give the {what}", param=param)
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
        status=r.status,
        decided_by=names[r.decided_by_id] if r.decided_by_id is not None else None,
        decided_at=r.decided_at.astimezone(tz) if r.decided_at else None,
        decision_reason=r.decision_reason,
    )


def _off(days: list[date], work: cal.WorkCalendar) -> str:
    """Why days are not working days, for a message: each day's holiday or weekday."""
    if len(days) > 7:
        return f"{len(days)} days of weekends and holidays"
    return ", ".join(
        f"{d} {work.holidays.get(d) or cal.WEEKDAY_NAMES[d.weekday()]}" for d in days
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
    """``who`` asks for leave or a shift swap (``kind``: leave or swap, or 请假/调休) from
    ``start`` to ``end`` (one day when None). Refused when the span holds no working day,
    overlaps another pending or approved request of theirs, or touches a protected day
    (§3.2 rule 7) without ``special``; a special request on a protected day is ``pending``
    until the department head decides (:func:`leave_decide`), any other is ``approved``."""
    m = current(session).manual
    kind_id = rules.parse_kind(kind)
    person = resolve(session, who)
    first = start
    last = end if end is not None else first
    if last < first:
        raise InvalidInput(f"the last day {last} is before the first {first}", param="end")
    if (last - first).days > 366:
        raise InvalidInput("a request spans more than a year", "split it")
    why = _text(reason, "reason")
    _since_joined(session, person, first, "start")
    years = {first.year, last.year}
    work, _ = work_calendar(session, years)
    if not rules.working_days(first, last, work):
        span = f"{first}" if first == last else f"{first} to {last}"
        raise InvalidInput(
            f"{span} holds no working day ({_off(list(cal.days(first, last)), work)})",
            "ask for working days only (see: ecomops calendar)",
            param="start",
        )
    protected = [d for d, _ in cal.protected_days(first, last, work)]
    if protected and not special:
        n, text = _rule(m, "daily_rules", "protected_days", lang)
        days = ", ".join(f"{d} ({cal.WEEKDAY_NAMES[d.weekday()]})" for d in protected)
        raise InvalidInput(
            f"§3.2 rule {n}: {text} — refused: {days} "
            f"{'is a protected day' if len(protected) == 1 else 'are protected days'}",
            "ask with a special reason (it is recorded as an exception, and waits for the "
            "department head's approval)",
            param="special",
        )
    conn = session.connection()
    locks.hold(conn, f"ecomops.leave:{person.id}")  # one person's requests, one at a time
    others = conn.execute(
        select(LV.c.id, LV.c.start, LV.c.end, LV.c.status).where(
            LV.c.staff_id == person.id,
            LV.c.start <= last,
            LV.c.end >= first,
            LV.c.status.in_(rules.HOLDING),
        )
    ).all()
    clash = rules.overlapping(first, last, [rules.Span(*r) for r in others])
    if clash is not None:
        raise InvalidInput(
            f"{person.name} already asked for {clash.start} to {clash.end} (leave {clash.id}, "
            f"{clash.status}), which overlaps {first} to {last}",
            "ask only for days not asked for yet",
            param="start",
        )
    new_id = inserted_id(
        conn.execute(
            insert(LV).values(
                staff_id=person.id,
                kind=kind_id,
                start=first,
                end=last,
                reason=why,
                special=special,
                created_at=now,
                status=rules.initial_status(protected),
            )
        )
    )
    row = conn.execute(select(LV).where(LV.c.id == new_id)).one()
    return _leave_out(row, _names(session), zone(m.calendar.timezone), protected)


def leave_list(
    session: Session, *, month: Month | None, viewer: Actor | None = None, pending: bool = False
) -> list[LeaveOut]:
    """Leave and shift swaps (touching ``month``, when given; only those awaiting a decision,
    when ``pending``), with their protected days; only those ``viewer`` may read
    (``read_records``: a member sees their own)."""
    m = current(session).manual
    q = select(LV).order_by(LV.c.start, LV.c.id)
    if viewer is not None and not may(session, viewer, "read_records"):
        me = viewer.person.id if viewer.person else -1
        q = q.where(LV.c.staff_id == me)
    if month is not None:
        q = q.where(LV.c.start < month.next().first, LV.c.end >= month.first)
    if pending:
        q = q.where(LV.c.status == rules.PENDING)
    rows = session.connection().execute(q).all()
    years = {d.year for r in rows for d in (r.start, r.end)}
    work, _ = work_calendar(session, years) if rows else (cal.WorkCalendar(), [])
    names = _names(session)
    tz = zone(m.calendar.timezone)
    return [
        _leave_out(r, names, tz, [d for d, _ in cal.protected_days(r.start, r.end, work)])
        for r in rows
    ]


def _record(session: Session, table, record_id: int, what: str, listing: str):
    """Row ``record_id`` of ``table``, or :class:`NotFound` naming ``what``."""
    row = None
    if 0 < record_id < 2**63:  # no id is ever outside the database's integers
        row = session.connection().execute(select(table).where(table.c.id == record_id)).first()
    if row is None:
        which = record_id if abs(record_id) < 2**63 else "that large"
        raise NotFound(f"no {what} with id {which}", f"see: {listing}")
    return row


def leave_decide(
    session: Session,
    *,
    leave_id: int,
    approve: bool,
    reason: str | None,
    actor: Actor,
    now: datetime,
) -> LeaveOut:
    """The department head or above (``approve_leave``) approves or declines (with a
    ``reason``) the pending request ``leave_id``; never their own. Records who decided, when,
    and a decline's reason."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    row = _record(session, LV, leave_id, N_("leave request"), "ecomops leave list --pending")
    names = _names(session)
    require(
        session, actor, "approve_leave", what=f"(leave {leave_id} of {names[row.staff_id]})"
    )
    decider = resolve(session, actor.required())
    status = rules.decision(row.status, leave_id, row.staff_id, decider.id, approve)
    why = None if approve else _text(reason, "reason", param="reason")
    done = session.connection().execute(
        update(LV)
        .where(LV.c.id == leave_id, LV.c.status == rules.PENDING)
        .values(status=status, decided_by_id=decider.id, decided_at=now, decision_reason=why)
    )
    if done.rowcount != 1:  # PostgreSQL: another head decided it since it was read
        raise InvalidInput(
            f"leave {leave_id} was decided by another command meanwhile",
            "see: ecomops leave list",
        )
    row = session.connection().execute(select(LV).where(LV.c.id == leave_id)).one()
    work, _ = work_calendar(session, {row.start.year, row.end.year})
    protected = [d for d, _ in cal.protected_days(row.start, row.end, work)]
    return _leave_out(row, names, tz, protected)


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
        acked_at=r.acked_at.astimezone(tz) if r.acked_at else None,
        acked_by=names[r.acked_by_id] if r.acked_by_id is not None else None,
    )


def _member(session: Session, m: Manual, name: Person | str, what: str) -> Person:
    row = resolve(session, name)
    if not m.position(row.position_id).in_department:
        raise InvalidInput(
            f"{row.name} ({row.position_id}) is not a member of the department",
            f"the {what} must be one",
        )
    return row


def _span(begin: datetime, finish: datetime) -> str:
    return f"{begin:%Y-%m-%d %H:%M} to {finish:%Y-%m-%d %H:%M}"


def _cover_free(
    session: Session, covering: Person, begin: datetime, finish: datetime, tz
) -> None:
    """Refuse a cover who is on approved leave during [``begin``, ``finish``), already covers
    for someone else then, or hands over their own work then (§3.2 rule 5: the cover does the
    duties)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":  # the dates only, whoever may read the leave rows
        on_leave = conn.execute(
            text('SELECT id, start, "end" FROM ecomops_leave_dates(:p, :a, :b)'),
            {"p": covering.id, "a": begin.date(), "b": finish.date()},
        ).all()
    else:
        on_leave = conn.execute(
            select(LV.c.id, LV.c.start, LV.c.end)
            .where(
                LV.c.staff_id == covering.id,
                LV.c.status == rules.APPROVED,
                LV.c.start <= finish.date(),
                LV.c.end >= begin.date(),
            )
            .order_by(LV.c.start, LV.c.id)
        ).all()
    for lv in on_leave:
        if rules.windows_overlap(*rules.day_window(lv.start, lv.end, tz), begin, finish):
            raise InvalidInput(
                f"{covering.name} is on approved leave from {lv.start} to {lv.end} "
                f"(leave {lv.id}) during {_span(begin, finish)}",
                "choose another cover",
                param="cover",
            )
    clash = conn.execute(
        select(HO)
        .where(
            or_(HO.c.cover_id == covering.id, HO.c.staff_id == covering.id),
            HO.c.start_at < finish,
            HO.c.end_at > begin,
        )
        .order_by(HO.c.start_at, HO.c.id)
    ).first()
    if clash is not None:
        names = _names(session)
        when = _span(clash.start_at.astimezone(tz), clash.end_at.astimezone(tz))
        if clash.cover_id == covering.id:
            said = f"already covers for {names[clash.staff_id]} from {when}"
        else:
            said = f"is away then: handing over to {names[clash.cover_id]} from {when}"
        raise InvalidInput(
            f"{covering.name} {said} (handover {clash.id})",
            "choose another cover, or another time",
            param="cover",
        )


def _since_joined(session: Session, person: Person, day: date, param: str) -> None:
    """Refuse a request or form for a day before ``person`` joined the department."""
    joined = (
        session.connection().execute(select(ST.c.joined_on).where(ST.c.id == person.id)).scalar()
    )
    if joined is not None and day < joined:
        raise InvalidInput(
            f"{person.name} joined on {joined}; {day} is before that",
            "give a day since they joined",
            param=param,
        )


def _not_covering(
    session: Session, person: Person, begin: datetime, finish: datetime, tz
) -> None:
    """Refuse handing over one's work while covering for someone else: their work would be
    left with nobody (§3.2 rule 5)."""
    clash = session.connection().execute(
        select(HO)
        .where(HO.c.cover_id == person.id, HO.c.start_at < finish, HO.c.end_at > begin)
        .order_by(HO.c.start_at, HO.c.id)
    ).first()
    if clash is not None:
        when = _span(clash.start_at.astimezone(tz), clash.end_at.astimezone(tz))
        raise InvalidInput(
            f"{person.name} covers for {_names(session)[clash.staff_id]} from {when} "
            f"(handover {clash.id}); their work would be left with nobody",
            "hand over at another time, or first give that cover to someone else",
            param="start",
        )


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
    """``who`` hands work over to ``cover`` from ``start`` to ``end``: the temporary work
    handover form (§3.2 rule 5). The cover is another active member of the department, not on
    approved leave then, and neither covering for someone else nor away themselves in an
    overlapping window."""
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
    place_text, matter_text = _text(place, "place"), _text(matter, "matter")
    _since_joined(session, person, begin.date(), "start")
    locks.hold(session.connection(), "ecomops.handover")  # covers are checked one at a time
    _cover_free(session, covering, begin, finish, tz)
    _not_covering(session, person, begin, finish, tz)
    new_id = inserted_id(
        session.connection()
        .execute(
            insert(HO).values(
                staff_id=person.id,
                cover_id=covering.id,
                start_at=begin,
                end_at=finish,
                place=place_text,
                matter=matter_text,
                duties=duties.strip() if duties and duties.strip() else None,
                created_at=now,
            )
        )
    )
    row = session.connection().execute(select(HO).where(HO.c.id == new_id)).one()
    return _handover_out(row, _names(session), tz, now)


def handover_ack(
    session: Session, *, handover_id: int, actor: Actor, now: datetime
) -> HandoverOut:
    """The department head or above (``ack_handover``) records that handover form
    ``handover_id`` was handed in (§3.2 rule 5), once; never for their own form."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    row = _record(session, HO, handover_id, N_("handover form"), "ecomops handover list")
    names = _names(session)
    require(
        session, actor, "ack_handover", what=f"(handover {handover_id} of {names[row.staff_id]})"
    )
    head = resolve(session, actor.required())
    if head.id == row.staff_id:
        raise NotAllowed(
            f"nobody acknowledges their own handover form (handover {handover_id})",
            "another department head or the general manager does",
        )
    if row.acked_at is not None:
        raise InvalidInput(
            f"handover {handover_id} was already acknowledged by "
            f"{names.get(row.acked_by_id, '—')} at {row.acked_at.astimezone(tz):%Y-%m-%d %H:%M}"
        )
    done = session.connection().execute(
        update(HO)
        .where(HO.c.id == handover_id, HO.c.acked_at.is_(None))
        .values(acked_at=now, acked_by_id=head.id)
    )
    if done.rowcount != 1:  # PostgreSQL: acknowledged by another command since it was read
        raise InvalidInput(
            f"handover {handover_id} was acknowledged by another command meanwhile",
            "see: ecomops handover list",
        )
    row = session.connection().execute(select(HO).where(HO.c.id == handover_id)).one()
    return _handover_out(row, names, tz, now)


def handover_list(session: Session, *, active: bool, now: datetime) -> list[HandoverOut]:
    """Handover forms (only those in force at ``now``, when ``active``), with the head's
    acknowledgement."""
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


# --- what waits on someone (``today``, ``remind``) ---------------------------------------------


def _names_of(session: Session, ids: set[int]) -> dict[int, str]:
    """The names of the staff ``ids``, from one query (not the whole roster)."""
    if not ids:
        return {}
    rows = session.connection().execute(
        select(ST.c.id, ST.c.name).where(ST.c.id.in_(sorted(ids)))
    ).all()
    return dict(rows)


def _protected(r, work: cal.WorkCalendar) -> list[date]:
    return [d for d, _ in cal.protected_days(r.start, r.end, work)]


def pending_leave(session: Session) -> list[tuple[int, LeaveOut]]:
    """The leave exceptions waiting for a decision (``pending``: special requests on a
    protected day), oldest first, each with the requester's staff id."""
    m = current(session).manual
    rows = (
        session.connection()
        .execute(select(LV).where(LV.c.status == rules.PENDING).order_by(LV.c.start, LV.c.id))
        .all()
    )
    if not rows:
        return []
    tz = zone(m.calendar.timezone)
    names = _names_of(session, {r.staff_id for r in rows})
    work, _ = work_calendar(session, {y for r in rows for y in (r.start.year, r.end.year)})
    return [
        (r.staff_id, _leave_out(r, names, tz, _protected(r, work)))
        for r in rows
    ]


def unacked_handovers(session: Session, *, now: datetime) -> list[tuple[int, HandoverOut]]:
    """The handover forms the department head has not acknowledged yet (§3.2 rule 5), by
    start, each with the staff id of whoever handed over."""
    m = current(session).manual
    rows = (
        session.connection()
        .execute(select(HO).where(HO.c.acked_at.is_(None)).order_by(HO.c.start_at, HO.c.id))
        .all()
    )
    if not rows:
        return []
    names = _names_of(session, {i for r in rows for i in (r.staff_id, r.cover_id)})
    tz = zone(m.calendar.timezone)
    return [(r.staff_id, _handover_out(r, names, tz, now)) for r in rows]
