"""Single writes of the roster: add, edit, deactivate, reactivate, link a login."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from ecomops.clock import now as clock_now
from ecomops.clock import server_clock
from ecomops.core.roster import (
    changed,
    clean_login,
    clean_name,
    cycle_through,
)
from ecomops.db.bulk import inserted_id
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotAllowed, Suggest
from ecomops.services.handbook import current
from ecomops.services.identity import Actor, require_bindable
from ecomops.services.people import person_by_id
from ecomops.services.permissions import managers, require, require_below
from ecomops.services.staff.bulk import (
    _changed_or_refused,
    _forget_managers,
    _record,
)
from ecomops.services.staff.reading import (
    ST,
    _by,
    _get,
    _left_message,
    _manager,
    _names,
    _Rec,
    _rec_by_name,
    _records,
    _shown,
    _today,
    clean_email,
)
from ecomops.services.staff.rules import (
    _acting_person,
    _check_fit,
    _check_head,
    _check_mail,
    _check_reports,
    _not_after_today,
    _require_may_place,
    _require_over,
    find_position,
)
from ecomops.text import key
from ecomops.views import (
    StaffChangeOut,
    StaffEditOut,
    StaffOut,
    trusted,
)


def staff_add(
    session: Session,
    *,
    name: str,
    position: str,
    email: str | None,
    manager: str | None,
    now: datetime,
    lang: str,
    actor: Actor,
    login: str | None = None,
    joined: date | None = None,
    force: bool = False,
) -> StaffOut:
    """Add ``name`` to the roster in ``position`` (exactly one of its names), with an e-mail
    address, a manager (an active person), a login and the day they joined (default: today)
    when given. ``force`` records a second department head or a manager the handbook's
    "reports to" does not name."""
    require(session, actor, "manage_staff")
    m = current(session).manual
    account = clean_login(login)
    if account is not None:
        require_bindable(session, account)
    clean = clean_name(name)
    pos = find_position(m, position, lang)
    mail = clean_email(email)
    boss = _manager(session, manager)
    found = _records(session, ST.c.name_key == key(clean))
    if found and found[0].active:
        raise InvalidInput(
            f"a staff member named {clean!r} already exists",
            "names must be unique; add a distinguishing mark, e.g. 王芳(二)",
        )
    if found:
        message, hint, back = _left_message(found[0])
        raise InvalidInput(
            message,
            f"{hint} (names are unique: someone else needs a distinguishing mark, e.g. 王芳(二))",
            suggest=back,
        )
    today = _today(m, now)
    _require_may_place(m, actor, pos.id)
    _check_mail(session, m, lang, mail, today, None)
    _check_fit(m, clean, pos.id, boss, force)
    _check_head(session, m, clean, pos.id, None, force)
    if account is not None:
        holder = (
            session.connection().execute(select(ST.c.name).where(ST.c.login == account)).first()
        )
        if holder is not None:
            raise InvalidInput(
                f"the login {account!r} is already {holder.name}'s",
                "move it with: {command}",
                param="login",
                suggest=Suggest("staff.link", (clean,), {"login": account}),
            )
    new_id = inserted_id(
        session.connection().execute(
            ST.insert().values(
                name=clean,
                name_key=key(clean),
                position_id=pos.id,
                email=mail,
                manager_id=boss.id if boss else None,
                active=True,
                created_at=now,
                login=account,
                joined_on=joined or today,
            )
        )
    )
    _forget_managers(session)
    return _get(session, new_id, lang)


def staff_edit(
    session: Session,
    name: str,
    *,
    actor: Actor,
    now: datetime,
    lang: str,
    position: str | None = None,
    manager: str | None = None,
    email: str | None = None,
    login: str | None = None,
    joined: date | None = None,
    effective: date | None = None,
    force: bool = False,
) -> StaffEditOut:
    """Change ``name``'s record: each option given (None: leave it; an empty ``manager``,
    ``email`` or ``login``: remove it) that differs becomes a row of their history, taking
    effect on ``effective`` (default today; not in the future, nor before they joined)."""
    require(session, actor, "manage_staff")
    if all(v is None for v in (position, manager, email, login, joined)):
        raise InvalidInput(
            "say what to change",
            "give {param:position}, {param:manager}, {param:email}, {param:login} or "
            "{param:joined}",
        )
    m = current(session).manual
    rec = _rec_by_name(session, name)
    _require_over(session, actor, rec)  # never oneself, nor someone above
    if position is not None:
        _require_may_place(m, actor, find_position(m, position, lang).id)
    today = _today(m, now)
    day = effective or today
    _not_after_today(
        day,
        today,
        f"the change would take effect on {day},",
        f"record it on the day: run the edit on or after {day}",
        "effective",
    )
    new_joined = joined or rec.joined_on
    if new_joined is not None and day < new_joined and effective is not None:
        raise InvalidInput(
            f"{rec.name} joined on {new_joined}, after {day}",
            "give a day since they joined",
            param="effective",
        )
    if joined is not None and rec.left_on is not None and joined > rec.left_on:
        raise InvalidInput(f"{rec.name} left on {rec.left_on}, before {joined}", param="joined")
    pos = find_position(m, position, lang).id if position is not None else rec.position_id
    mail = clean_email(email) if email is not None else rec.email
    account = clean_login(login) if login is not None else rec.login
    if manager is None:
        boss = _records(session, ST.c.id == rec.manager_id)[0] if rec.manager_id else None
    else:
        boss = _manager(session, manager)
    old = {
        "position": rec.position_id,
        "manager": str(rec.manager_id) if rec.manager_id else None,
        "email": rec.email,
        "login": rec.login,
        "joined": rec.joined_on.isoformat() if rec.joined_on else None,
    }
    new = {
        "position": pos,
        "manager": str(boss.id) if boss else None,
        "email": mail,
        "login": account,
        "joined": new_joined.isoformat() if new_joined else None,
    }
    diffs = changed(old, new)
    fields = {f for f, _, _ in diffs}
    if boss is not None and "manager" in fields:
        if boss.id == rec.id:
            raise InvalidInput(f"{rec.name} cannot be their own manager", param="manager")
        cycle = cycle_through({**managers(session), rec.id: boss.id}, rec.id)
        if cycle is not None:  # [rec, boss, …]: round from boss back to rec
            names = _names(session, cycle)
            loop = [names[i] for i in cycle[1:]] + [rec.name]
            raise InvalidInput(
                f"{boss.name} reports to {rec.name}: a reporting cycle "
                f"({' → '.join([rec.name, *loop])})",
                "choose someone who is not under them",
                param="manager",
            )
    if "email" in fields:
        _check_mail(session, m, lang, mail, max(day, today), rec.id)
    if "position" in fields and rec.active:
        _check_head(session, m, rec.name, pos, rec.id, force)
    if fields & {"position", "manager"}:
        _check_fit(m, rec.name, pos, boss, force)
    if "position" in fields and not force:
        _check_reports(session, m, rec, pos)
    if "login" in fields and account is not None:
        require_bindable(session, account)
        holder = (
            session.connection()
            .execute(select(ST.c.name).where(ST.c.login == account, ST.c.id != rec.id))
            .first()
        )
        if holder is not None:
            raise InvalidInput(
                f"the login {account!r} is already {holder.name}'s",
                "move it with: {command}",
                param="login",
                suggest=Suggest("staff.link", (rec.name,), {"login": account}),
            )
    out_changes: list[StaffChangeOut] = []
    if diffs:
        done = session.connection().execute(
            ST.update()
            .where(ST.c.id == rec.id)
            .values(
                position_id=pos,
                manager_id=boss.id if boss else None,
                email=mail,
                login=account,
                joined_on=new_joined,
            )
        )
        _changed_or_refused(done.rowcount, 1, rec.name)
        _forget_managers(session)
        names = _names(session, [rec.manager_id, boss.id if boss else None])

        def shown_value(f: str, v: str | None) -> str | None:
            return names.get(int(v)) if f == "manager" and v is not None else v

        rows = _record(
            session,
            [(rec.id, f, shown_value(f, a), shown_value(f, b), day) for f, a, b in diffs],
            now=now,
            by=_by(actor),
        )
        out = _shown(session, [rec], lang, _by(actor))
        out_changes = [out.change(c) for c in rows]
    return trusted(StaffEditOut, {"staff": _get(session, rec.id, lang), "changes": out_changes})


def _set_active(
    session: Session, rec: _Rec, active: bool, day: date, *, actor: Actor, now: datetime, lang: str
) -> StaffOut:
    """Write ``rec`` as active again, or as having left on ``day``; kept in their history."""
    left = (
        {"deactivated_at": None, "left_on": None}
        if active
        else {"deactivated_at": now, "left_on": day}
    )
    done = session.connection().execute(
        ST.update().where(ST.c.id == rec.id).values(active=active, **left)
    )
    _changed_or_refused(done.rowcount, 1, rec.name)
    was, now_is = ("false", "true") if active else ("true", "false")
    _record(session, [(rec.id, "active", was, now_is, day)], now=now, by=_by(actor))
    return _get(session, rec.id, lang)


def staff_deactivate(
    session: Session,
    name: str,
    *,
    actor: Actor,
    now: datetime,
    lang: str,
    left: date | None = None,
) -> StaffOut:
    """Mark ``name`` as no longer active from ``now``, having left on ``left`` (default today;
    not in the future, nor before they joined); their history stays."""
    require(session, actor, "manage_staff")
    rec = _rec_by_name(session, name)
    if not rec.active:
        raise InvalidInput(f"{rec.name} is already inactive")
    who = _acting_person(actor)
    if who is None or who.id != rec.id:  # one may record one's own leaving
        _require_over(session, actor, rec)
    m = current(session).manual
    today = _today(m, now)
    day = left or today
    _not_after_today(
        day, today, f"the leaving day {day} is", f"deactivate them on or after {day}", "left"
    )
    if rec.joined_on is not None and day < rec.joined_on:
        raise InvalidInput(f"{rec.name} joined on {rec.joined_on}, after {day}", param="left")
    return _set_active(session, rec, False, day, actor=actor, now=now, lang=lang)


def staff_reactivate(
    session: Session,
    name: str,
    *,
    actor: Actor,
    now: datetime,
    lang: str,
    effective: date | None = None,
    force: bool = False,
) -> StaffOut:
    """Bring back ``name``, who left: active again from ``effective`` (default today), with the
    record they had; the change is kept in their history. Their address and position are
    checked as for someone added (company mail, one address each, one department head)."""
    require(session, actor, "manage_staff")
    rec = _rec_by_name(session, name)
    if rec.active:
        raise InvalidInput(f"{rec.name} is active", "nothing to bring back")
    _require_over(session, actor, rec)
    m = current(session).manual
    today = _today(m, now)
    day = effective or today
    _not_after_today(
        day, today, f"the return day {day} is", f"bring them back on or after {day}", "effective"
    )
    if rec.left_on is not None and day < rec.left_on:
        raise InvalidInput(f"{rec.name} left on {rec.left_on}, after {day}", param="effective")
    try:
        _check_mail(session, m, lang, rec.email, today, rec.id)
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message,
            "give them another address first: {command}",
            suggest=Suggest("staff.edit", (rec.name,), {"email": "…"}),
        ) from None
    _check_head(session, m, rec.name, rec.position_id, rec.id, force)
    return _set_active(session, rec, True, day, actor=actor, now=now, lang=lang)


def staff_link(
    session: Session,
    name: str,
    *,
    login: str,
    actor: Actor,
    lang: str,
    now: datetime | None = None,
) -> StaffOut:
    """Bind ``login`` to ``name`` (moved from whoever held it): that login then acts as them
    (on PostgreSQL; on SQLite only the file owner's login is bound, and it only says whom the
    keeper is by default: :mod:`ecomops.services.identity`). The move is kept in both people's
    histories (at ``now``, default the database's clock)."""
    require(session, actor, "manage_staff")
    account = clean_login(login)
    if account is None:
        raise InvalidInput("the login is empty", "give the login name", param="login")
    require_bindable(session, account)
    row = _rec_by_name(session, name, active_only=True)
    if actor.caller is not None and not actor.keeper:  # never to someone above oneself
        require_below(session, actor.caller, person_by_id(session, row.id))
    conn = session.connection()
    holders = conn.execute(select(ST.c.id).where(ST.c.login == account, ST.c.id != row.id)).all()
    conn.execute(ST.update().where(ST.c.login == account).values(login=None))
    done = conn.execute(ST.update().where(ST.c.id == row.id).values(login=account))
    if done.rowcount != 1:  # PostgreSQL's row-level security filtered it out
        raise NotAllowed(f"the login could not be bound to {row.name}", "nothing was changed")
    if now is None:
        now = clock_now(current(session).timezone, server=server_clock(conn))
    today = _today(current(session).manual, now)
    history: list[tuple[int, str, str | None, str | None, date]] = [
        (h.id, "login", account, None, today) for h in holders
    ]
    if row.login != account:
        history.append((row.id, "login", row.login, account, today))
    _record(session, history, now=now, by=_by(actor))
    return _get(session, row.id, lang)
