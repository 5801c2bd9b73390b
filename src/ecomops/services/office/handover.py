"""The temporary work handover form (§3.2 rule 5): a cover who is free, the head's
acknowledgement, the forms in force and those not acknowledged yet.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, or_, select, text, update

from ecomops.clock import zone
from ecomops.core import leave as rules
from ecomops.db import locks
from ecomops.db.bulk import inserted_id
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotAllowed, Suggest
from ecomops.i18n import N_
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.office.records import (
    HO,
    LV,
    department_member,
    find_record,
    given_text,
    names_of,
    since_joined,
)
from ecomops.services.people import Person, resolve
from ecomops.services.people import names as _names
from ecomops.services.permissions import require
from ecomops.views import HandoverOut


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
    covering = department_member(session, m, cover, "cover")
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
    place_text, matter_text = given_text(place, "place"), given_text(matter, "matter")
    since_joined(session, person, begin.date(), "start")
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
    row = find_record(session, HO, handover_id, N_("handover form"), Suggest("handover.list"))
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
            "see: {command}",
            suggest=Suggest("handover.list"),
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
    names = names_of(session, {i for r in rows for i in (r.staff_id, r.cover_id)})
    tz = zone(m.calendar.timezone)
    return [(r.staff_id, _handover_out(r, names, tz, now)) for r in rows]
