"""Leave and shift swaps (§3.2 rule 7): asked for, listed, decided by the department head, and
those waiting for a decision.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, select, update

from ecomops.clock import zone
from ecomops.core import calendar as cal
from ecomops.core import leave as rules
from ecomops.core.calendar import Month
from ecomops.db import locks
from ecomops.db.bulk import inserted_id
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, Suggest
from ecomops.i18n import N_
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.office.records import (
    LV,
    find_record,
    given_text,
    handbook_rule,
    names_of,
    since_joined,
)
from ecomops.services.people import Person, resolve
from ecomops.services.people import names as _names
from ecomops.services.permissions import may, require
from ecomops.services.workcal import work_calendar
from ecomops.views import LeaveOut


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


def _protected(r, work: cal.WorkCalendar) -> list[date]:
    """The protected days (§3.2 rule 7) a leave row ``r`` touches."""
    return [d for d, _ in cal.protected_days(r.start, r.end, work)]


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
    why = given_text(reason, "reason")
    since_joined(session, person, first, "start")
    years = {first.year, last.year}
    work, _ = work_calendar(session, years)
    if not rules.working_days(first, last, work):
        span = f"{first}" if first == last else f"{first} to {last}"
        raise InvalidInput(
            f"{span} holds no working day ({_off(list(cal.days(first, last)), work)})",
            "ask for working days only (see: {command})",
            param="start",
            suggest=Suggest("calendar"),
        )
    protected = [d for d, _ in cal.protected_days(first, last, work)]
    if protected and not special:
        n, text = handbook_rule(m, "daily_rules", "protected_days", lang)
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
    return [_leave_out(r, names, tz, _protected(r, work)) for r in rows]


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
    row = find_record(session, LV, leave_id, N_("leave request"),
                      Suggest("leave.list", flags=("pending",)))
    names = _names(session)
    require(
        session, actor, "approve_leave", what=f"(leave {leave_id} of {names[row.staff_id]})"
    )
    decider = resolve(session, actor.required())
    status = rules.decision(row.status, leave_id, row.staff_id, decider.id, approve)
    why = None if approve else given_text(reason, "reason", param="reason")
    done = session.connection().execute(
        update(LV)
        .where(LV.c.id == leave_id, LV.c.status == rules.PENDING)
        .values(status=status, decided_by_id=decider.id, decided_at=now, decision_reason=why)
    )
    if done.rowcount != 1:  # PostgreSQL: another head decided it since it was read
        raise InvalidInput(
            f"leave {leave_id} was decided by another command meanwhile",
            "see: {command}",
            suggest=Suggest("leave.list"),
        )
    row = session.connection().execute(select(LV).where(LV.c.id == leave_id)).one()
    work, _ = work_calendar(session, {row.start.year, row.end.year})
    return _leave_out(row, names, tz, _protected(row, work))


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
    names = names_of(session, {r.staff_id for r in rows})
    work, _ = work_calendar(session, {y for r in rows for y in (r.start.year, r.end.year)})
    return [(r.staff_id, _leave_out(r, names, tz, _protected(r, work))) for r in rows]
