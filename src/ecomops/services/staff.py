"""The staff roster: add, edit (keeping the history), list, show, import (all or nothing, and
with ``update`` a re-import that changes only what changed), deactivate and reactivate; and the
company's mail domain (§3.2 rule 3).

The rules every write of a person's record keeps (add, edit, import, reactivate alike):

- a position typed is a position's id, name or alias exactly; text that is only part of a
  name is refused, with the positions it could mean (never picked silently);
- an e-mail address belongs to one active person (compared case-insensitively), and from the
  day the company's mail domain applies, only an address there is accepted;
- one department head (the handbook's ``head: true`` position), and a manager of the position
  the handbook has the person's position report to: both refused unless ``force``;
- nobody manages themselves, directly or round a cycle.

Each change to an existing record is kept as a row of ``staff_change`` (field, old and new
value, the day it took effect, when it was recorded and by whom); a cycle's members keep the
position they held when it opened (``cycle_member``), whatever the record says later.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Table, func, select

from ecomops.clock import now as clock_now
from ecomops.clock import server_clock, zone
from ecomops.core.calendar import parse_date, shown
from ecomops.core.roster import (
    Labelled,
    changed,
    clean_login,
    clean_name,
    depths,
    listed,
    mail_allowed,
    manager_fits,
    match_position,
    reporting_cycles,
)
from ecomops.db import schema
from ecomops.db.bulk import insert_rows, inserted_id, next_ids
from ecomops.db.limits import check_columns
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotAllowed, NotFound
from ecomops.handbook.model import Manual, Position
from ecomops.identity import Actor, require_bindable
from ecomops.services.files import read_text
from ecomops.services.handbook import current, known_positions
from ecomops.services.people import Person, person_by_id
from ecomops.services.permissions import below, require, require_below, tops
from ecomops.text import key, localize, to_simplified
from ecomops.views import (
    CompanyMailOut,
    ImportOut,
    StaffChangeOut,
    StaffDetailOut,
    StaffEditOut,
    StaffOut,
    trusted,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DOMAIN = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")
ST = schema.staff
SC = schema.staff_change
OPT = schema.database_option
#: the database_option keys of the company mail setting
MAIL_DOMAIN, MAIL_FROM = "company_mail_domain", "company_mail_from"
FORCE = "give --force to record it all the same"


def clean_email(raw: str | None) -> str | None:
    """A typed e-mail address, trimmed (None when blank); refused when it is not one."""
    if raw is None or not raw.strip():
        return None
    email = raw.strip()
    if not EMAIL.match(email) or len(email) > 254:
        raise InvalidInput(
            f"{email!r} is not an e-mail address", "write it like name@example.com", param="email"
        )
    return email


# --- reading the roster -------------------------------------------------------------------------


class _Rec(NamedTuple):
    """A roster row, as the checks and the output read it (plain attribute access)."""

    id: int
    name: str
    name_key: str
    position_id: str
    email: str | None
    manager_id: int | None
    active: bool
    created_at: datetime
    deactivated_at: datetime | None
    login: str | None
    joined_on: date | None
    left_on: date | None


_REC = [ST.c[f] for f in _Rec._fields]


def _records(session: Session, *where) -> list[_Rec]:
    q = select(*_REC).where(*where).order_by(ST.c.id)
    return [_Rec._make(t) for t in session.connection().execute(q)]


def _rec_by_name(session: Session, name: str, *, active_only: bool = False) -> _Rec:
    found = _records(session, ST.c.name_key == key(name))
    row = found[0] if found else None
    if row is None or (active_only and not row.active):
        state = "active " if active_only and row is not None else ""
        raise NotFound(
            f"no {state}staff member named {name!r}", "see the roster with: ecomops staff list"
        )
    return row


def _today(m: Manual, now: datetime) -> date:
    """``now``'s day in the handbook's time zone."""
    return now.astimezone(zone(m.calendar.timezone)).date()


def _by(actor: Actor) -> int | None:
    """Who records a change: the caller (bound logins), else the person named (``--as``)."""
    who = actor.caller or actor.person
    return who.id if who is not None else None


@dataclass
class _Shown:
    """What building output rows needs, read once."""

    m: Manual
    lang: str
    names: Mapping[int, str]

    def __post_init__(self) -> None:
        self.tz = zone(self.m.calendar.timezone)
        self.tops = tops(self.m)
        self.positions = {p.id: localize(p.name.zh, p.name.en, self.lang) for p in self.m.positions}

    def staff(self, r: _Rec) -> StaffOut:
        return trusted(StaffOut, self.fields(r))

    def fields(self, r: _Rec) -> dict:
        return {
            "id": r.id,
            "name": r.name,
            "position": r.position_id,
            "position_name": self.positions.get(r.position_id, r.position_id),
            "email": r.email,
            "manager": self.names.get(r.manager_id) if r.manager_id is not None else None,
            "active": r.active,
            "since": r.created_at.astimezone(self.tz),
            "until": r.deactivated_at.astimezone(self.tz) if r.deactivated_at else None,
            "login": r.login,
            "no_manager": r.manager_id is None and r.position_id not in self.tops,
            "joined": r.joined_on,
            "left": r.left_on,
        }

    def change(self, c) -> StaffChangeOut:
        return trusted(
            StaffChangeOut,
            {
                "id": c.id,
                "name": self.names.get(c.staff_id, str(c.staff_id)),
                "field": c.field,
                "old": c.old_value,
                "new": c.new_value,
                "effective": c.effective,
                "recorded_at": c.recorded_at.astimezone(self.tz),
                "by": self.names.get(c.by_id) if c.by_id is not None else None,
            },
        )


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    q = select(ST.c.id, ST.c.name).where(ST.c.id.in_(wanted))
    return dict(session.connection().execute(q).all())


def _shown(session: Session, recs: Sequence[_Rec], lang: str, *more: int | None) -> _Shown:
    """Output for ``recs`` (and changes by ``more``): the names of their managers read at once."""
    ids = [r.manager_id for r in recs] + [r.id for r in recs] + list(more)
    return _Shown(current(session).manual, lang, _names(session, ids))


def staff_list(session: Session, *, include_inactive: bool, lang: str) -> list[StaffOut]:
    """The active staff (everyone who ever was, with ``include_inactive``)."""
    m = current(session).manual
    everyone = _records(session)
    out = _Shown(m, lang, {r.id: r.name for r in everyone})
    return [out.staff(r) for r in everyone if include_inactive or r.active]


def _get(session: Session, staff_id: int, lang: str) -> StaffOut:
    (rec,) = _records(session, ST.c.id == staff_id)
    return _shown(session, [rec], lang).staff(rec)


def staff_show(session: Session, name: str, *, lang: str) -> StaffDetailOut:
    """A person's record and every change to it, oldest first (by the day each took effect)."""
    rec = _rec_by_name(session, name)
    rows = (
        session.connection()
        .execute(select(SC).where(SC.c.staff_id == rec.id).order_by(SC.c.effective, SC.c.id))
        .all()
    )
    out = _shown(session, [rec], lang, *(c.by_id for c in rows))
    return trusted(StaffDetailOut, {**out.fields(rec), "changes": [out.change(c) for c in rows]})


# --- the rules ----------------------------------------------------------------------------------


def _labelled(m: Manual) -> tuple[Labelled, ...]:
    return tuple(
        Labelled(p.id, tuple((key(x), x) for x in (p.id, p.name.zh, p.name.en, *p.aliases)))
        for p in m.positions
    )


def find_position(m: Manual, typed: str, lang: str = "en") -> Position:
    """The position ``typed`` names exactly (its id, a name or an alias, in either script):
    text that is only part of names is refused, naming the positions it could mean (in
    simplified characters under zh-hans, else in the script typed)."""
    found = match_position(key(typed), _labelled(m))
    if found.exact is not None:
        return m.position(found.exact)
    # the names in the script asked for (zh-hans), else in the script typed
    simplified = lang == "zh-hans" or (lang == "en" and to_simplified(typed) == typed)

    def named(pid: str, label: str) -> str:
        label = to_simplified(label) if simplified else label
        return pid if key(label) == pid else f"{pid} ({label})"

    options = [named(pid, label) for pid, label in found.partial]
    if len(options) > 1:
        raise InvalidInput(
            f"position {shown(typed)} matches {listed(options)}: say which",
            "give the position's id or its full name",
            param="position",
        )
    if options:
        raise NotFound(
            f"unknown position {shown(typed)} (did you mean {options[0]}?)",
            "give the position's id or its full name",
            param="position",
        )
    raise NotFound(
        f"unknown position {shown(typed)}",
        f"known positions: {known_positions(m, lang)}",
        param="position",
    )


class _Positions:
    """Positions typed in a file, each resolved once: (id, None) or (None, the problem)."""

    def __init__(self, m: Manual, lang: str = "en") -> None:
        self.m, self.lang = m, lang
        self.seen: dict[str, tuple[str | None, str | None]] = {}

    def get(self, typed: str) -> tuple[str | None, str | None]:
        found = self.seen.get(typed)
        if found is None:
            try:
                found = (find_position(self.m, typed, self.lang).id, None)
            except (InvalidInput, NotFound) as exc:
                found = (None, exc.message)
            self.seen[typed] = found
        return found


def _fit(m: Manual, name: str, position: str, manager: str, manager_position: str) -> str | None:
    """The problem with ``manager`` (in ``manager_position``) as ``name``'s manager, by the
    handbook's "reports to" for ``position``; None when it fits."""
    reports_to = {p.id: p.reports_to for p in m.positions}
    if manager_fits(position, manager_position, reports_to):
        return None
    expected = reports_to.get(position)
    if expected is None:
        return (
            f"a {position} reports to nobody by the handbook, but {name}'s manager would be "
            f"{manager} ({manager_position})"
        )
    return (
        f"{manager} ({manager_position}) is not {name}'s superior by the handbook: a "
        f"{position} reports to a {expected}"
    )


def _second_head(name: str, head: str, holders: Sequence[str]) -> str:
    others = listed([*holders[:3], f"{len(holders) - 3} more"] if len(holders) > 3 else holders)
    return f"{name} would be a second department head ({head}) beside {others}"


def _rule(m: Manual, rule_key: str, lang: str) -> tuple[int, str]:
    for n, item in enumerate(m.daily_rules.items, start=1):
        if item.key == rule_key:
            return n, localize(item.zh, item.en, lang)
    return 3, "once company e-mail exists, only company e-mail is used"


class _Mail(NamedTuple):
    domain: str | None
    since: date | None


def _mail_setting(session: Session) -> _Mail:
    rows = dict(
        session.connection()
        .execute(select(OPT.c.key, OPT.c.value).where(OPT.c.key.in_([MAIL_DOMAIN, MAIL_FROM])))
        .all()
    )
    since = rows.get(MAIL_FROM)
    return _Mail(rows.get(MAIL_DOMAIN) or None, date.fromisoformat(since) if since else None)


def company_mail_setting(session: Session) -> tuple[str | None, date | None]:
    """The company's mail domain (None: none set) and the day from which only its addresses
    may be used (§3.2 rule 3; None: from the start)."""
    mail = _mail_setting(session)
    return mail.domain, mail.since


def company_domain_on(session: Session, day: date) -> str | None:
    """The company's mail domain when only its addresses may be used on ``day`` (§3.2 rule 3:
    set, and in force from its day on), else None: any address will do."""
    mail = _mail_setting(session)
    if mail.domain is None or (mail.since is not None and day < mail.since):
        return None
    return mail.domain


def _mail_problem(m: Manual, lang: str, address: str | None, mail: _Mail, day: date) -> str | None:
    """§3.2 rule 3, quoted, when ``address`` is not the company's on ``day``."""
    if mail_allowed(address, mail.domain, mail.since, day):
        return None
    n, text = _rule(m, "email", lang)
    return (
        f"{address!r} is not a company address (@{mail.domain}, from {mail.since}): "
        f"§3.2 rule {n}: “{text}”"
    )


def _email_holder(session: Session, address: str, exclude: int | None) -> str | None:
    """The active person other than ``exclude`` who has ``address`` (any case)."""
    q = select(ST.c.id, ST.c.name, ST.c.email).where(
        ST.c.active, func.lower(ST.c.email) == address.lower()
    )
    for sid, name, email in session.connection().execute(q):
        if sid != exclude and email.casefold() == address.casefold():
            return name
    return None


def _head_holders(session: Session, head: str, exclude: int | None) -> list[str]:
    q = select(ST.c.id, ST.c.name).where(ST.c.active, ST.c.position_id == head).order_by(ST.c.id)
    return [n for i, n in session.connection().execute(q) if i != exclude]


def _check_mail(
    session: Session, m: Manual, lang: str, address: str | None, day: date, exclude: int | None
) -> None:
    if address is None:
        return
    problem = _mail_problem(m, lang, address, _mail_setting(session), day)
    if problem:
        raise InvalidInput(problem, "use the person's company mailbox", param="email")
    holder = _email_holder(session, address, exclude)
    if holder is not None:
        raise InvalidInput(
            f"the e-mail address {address!r} is already {holder}'s",
            "each person has an address of their own",
            param="email",
        )


def _check_head(
    session: Session, m: Manual, name: str, position: str, exclude: int | None, force: bool
) -> None:
    """Refuse a second holder of the department head's position, or of a position at the top
    (the general manager), without ``force``."""
    head = m.head()
    if force:
        return
    if head is not None and position == head.id:
        holders = _head_holders(session, head.id, exclude)
        if holders:
            raise InvalidInput(
                _second_head(name, head.id, holders),
                f"the handbook has one department head; {FORCE}",
            )
    if position in tops(m):
        holders = _head_holders(session, position, exclude)
        if holders:
            raise InvalidInput(
                f"{name} would be a second {position} beside {', '.join(holders)}",
                f"the handbook has one; {FORCE}",
            )


def _not_after_today(day: date, today: date, said: str, hint: str, param: str) -> None:
    """Refuse a roster change dated after today (``said``: the change, as the message opens)."""
    if day > today:
        raise InvalidInput(f"{said} after today ({today})", hint, param=param)


def _acting_person(actor: Actor) -> Person | None:
    """Whose reach a roster change is checked against: the caller bound to the login, else the
    person named with ``--as`` (None: the keeper, unnamed, who may change anyone)."""
    if actor.caller is not None and not actor.keeper:
        return actor.caller
    return actor.person


def _require_over(session: Session, actor: Actor, rec: _Rec) -> None:
    """Refuse changing oneself, or someone not under the person acting (a manager does not
    edit, deactivate or bring back the general manager)."""
    who = _acting_person(actor)
    if who is not None:
        require_below(session, who, person_by_id(session, rec.id))


def _require_may_place(m: Manual, actor: Actor, position: str) -> None:
    """Refuse putting someone into a position at the top unless the person acting is there."""
    who = _acting_person(actor)
    if who is not None and position in tops(m) and who.position_id not in tops(m):
        raise NotAllowed(
            f"{who.name} ({who.position_id}) may not put anyone in a position at the top "
            f"({position})",
            "ask the general manager, or the keeper",
        )


def _check_fit(m: Manual, name: str, position: str, manager: _Rec | None, force: bool) -> None:
    if force or manager is None:
        return
    problem = _fit(m, name, position, manager.name, manager.position_id)
    if problem:
        expected = m.position(position).reports_to
        choose = (
            f"choose someone in the {expected} position as their manager, or "
            if expected
            else "leave the manager out, or "
        )
        raise InvalidInput(problem, choose + FORCE)


def _manager(session: Session, typed: str | None) -> _Rec | None:
    return _rec_by_name(session, typed, active_only=True) if typed else None


def _left_message(rec: _Rec) -> tuple[str, str]:
    when = f"left on {rec.left_on}" if rec.left_on else "is no longer active"
    return f"{rec.name} {when}", f"bring them back with: ecomops staff reactivate {rec.name}"


# --- writing ------------------------------------------------------------------------------------


def _new_ids(session: Session, table: Table, count: int) -> list[int]:
    """Ids for ``count`` new rows of ``table``: after the largest on SQLite (the transaction
    holds the write lock), taken from its sequence on PostgreSQL (shared with other writers)."""
    if count == 0:
        return []
    conn = session.connection()
    ids = next_ids(conn, table, count)
    if ids is not None:
        return ids
    seq = f"pg_get_serial_sequence('{table.name}', 'id')"
    q = f"SELECT nextval({seq}) FROM generate_series(1, {int(count)})"
    return [int(r[0]) for r in conn.exec_driver_sql(q)]


def _update_rows(session: Session, table: Table, columns: Sequence[str], rows: list[tuple]) -> int:
    """``UPDATE table SET columns[1:] WHERE columns[0] = …`` for every row (tuples in the order
    of ``columns``), at the driver's speed: ``executemany`` on SQLite, ``UPDATE … FROM
    (VALUES …)`` on PostgreSQL. Returns the number of rows changed."""
    if not rows:
        return 0
    check_columns(table.name, columns, rows)
    conn = session.connection()
    dialect = conn.dialect
    procs = [table.c[c].type._cached_bind_processor(dialect) for c in columns]
    cols = [
        list(col) if p is None else [p(v) for v in col]
        for p, col in zip(procs, zip(*rows, strict=True), strict=True)
    ]
    data = list(zip(*cols, strict=True))
    quote = dialect.identifier_preparer.quote
    name = dialect.identifier_preparer.format_table(table)
    ident, *fields = columns
    if dialect.name != "postgresql":
        sets = ", ".join(f"{quote(c)} = ?" for c in fields)
        data = [(*r[1:], r[0]) for r in data]
        result = conn.exec_driver_sql(f"UPDATE {name} SET {sets} WHERE {quote(ident)} = ?", data)
        return int(result.rowcount)
    from psycopg2.extras import execute_values

    sets = ", ".join(f"{quote(c)} = v.{quote(c)}" for c in fields)
    names = ", ".join(quote(c) for c in columns)
    types = [table.c[c].type.compile(dialect=dialect) for c in columns]
    template = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
    sql = (
        f"UPDATE {name} AS t SET {sets} FROM (VALUES %s) AS v ({names}) "
        f"WHERE t.{quote(ident)} = v.{quote(ident)}"
    )
    raw = conn.connection.driver_connection
    assert raw is not None, "a connection in a transaction has its driver connection"
    done = 0
    with raw.cursor() as cur:
        for start in range(0, len(data), 1000):
            page = data[start : start + 1000]
            execute_values(cur, sql, page, template=template, page_size=len(page))
            done += cur.rowcount
    return done


_CHANGE = ("id", "staff_id", "field", "old_value", "new_value", "effective", "recorded_at", "by_id")


class _Change(NamedTuple):
    id: int
    staff_id: int
    field: str
    old_value: str | None
    new_value: str | None
    effective: date
    recorded_at: datetime
    by_id: int | None


def _record(
    session: Session,
    changes: Sequence[tuple[int, str, str | None, str | None, date]],
    *,
    now: datetime,
    by: int | None,
) -> list[_Change]:
    """Record ``changes`` (staff id, field, old, new, effective day) in the history."""
    ids = _new_ids(session, SC, len(changes))
    rows = [_Change(i, *c, now, by) for i, c in zip(ids, changes, strict=True)]
    insert_rows(session.connection(), SC, _CHANGE, rows)
    return rows


def _forget_managers(session: Session) -> None:
    session.info.pop("ecomops.managers", None)  # permissions.managers() read it before


def _changed_or_refused(done: int, expected: int, who: str) -> None:
    if done != expected:  # PostgreSQL's row-level security filtered it out
        raise NotAllowed(f"{who} could not be changed", "nothing was changed")


# --- add, edit, deactivate, reactivate ----------------------------------------------------------


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
        message, hint = _left_message(found[0])
        raise InvalidInput(
            message,
            f"{hint} (names are unique: someone else needs a distinguishing mark, e.g. 王芳(二))",
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
                f"move it with: ecomops staff link {clean} --login {account}",
                param="login",
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
            "say what to change", "give --position, --manager, --email, --login or --joined"
        )
    m = current(session).manual
    rec = _rec_by_name(session, name)
    _require_over(session, actor, rec)  # never oneself, nor someone above
    if position is not None:
        _require_may_place(m, actor, find_position(m, position, lang).id)
    today = _today(m, now)
    day = effective or today
    _not_after_today(
        day, today, f"the change would take effect on {day},",
        f"record it on the day: run the edit on or after {day}", "effective",
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
    if "position" in fields and pos in tops(m) and actor.caller is not None and not actor.keeper:
        if actor.caller.position_id not in tops(m):
            raise NotAllowed(
                f"{actor.caller.name} ({actor.caller.position_id}) may not put anyone in a "
                f"position at the top ({pos})",
                "ask the general manager, or the keeper",
            )
    if boss is not None and "manager" in fields:
        if boss.id == rec.id:
            raise InvalidInput(f"{rec.name} cannot be their own manager", param="manager")
        chain = _chain(session, boss.id)
        if rec.id in chain:
            names = _names(session, chain)
            loop = [names[i] for i in chain[: chain.index(rec.id) + 1]]
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
                f"move it with: ecomops staff link {rec.name} --login {account}",
                param="login",
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


def _chain(session: Session, start: int) -> list[int]:
    """``start`` and the managers above them, nearest first (stopping at a repeat)."""
    from ecomops.services.permissions import managers

    above = managers(session)
    chain: list[int] = []
    node: int | None = start
    while node is not None and node not in chain:
        chain.append(node)
        node = above.get(node)
    return chain


def _check_reports(session: Session, m: Manual, rec: _Rec, position: str) -> None:
    """Refuse moving ``rec`` to ``position`` when their reports' positions do not report to it."""
    reports = _records(session, ST.c.manager_id == rec.id, ST.c.active)
    misfits = [r for r in reports if not manager_fits(r.position_id, position, _reports_to(m))]
    if misfits:
        who = listed([f"{r.name} ({r.position_id})" for r in misfits[:3]])
        expected = sorted({str(m.position(r.position_id).reports_to) for r in misfits})
        raise InvalidInput(
            f"{rec.name} manages {who}, who report{'s' if len(misfits) == 1 else ''} to a "
            f"{' or '.join(expected)} by the handbook, not to a {position}",
            f"give them another manager first (ecomops staff edit NAME --manager …), or {FORCE}",
        )


def _reports_to(m: Manual) -> dict[str, str | None]:
    return {p.id: p.reports_to for p in m.positions}


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
    done = session.connection().execute(
        ST.update().where(ST.c.id == rec.id).values(active=False, deactivated_at=now, left_on=day)
    )
    _changed_or_refused(done.rowcount, 1, rec.name)
    _record(session, [(rec.id, "active", "true", "false", day)], now=now, by=_by(actor))
    return _get(session, rec.id, lang)


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
            exc.message, f"give them another address first: ecomops staff edit {rec.name} --email …"
        ) from None
    _check_head(session, m, rec.name, rec.position_id, rec.id, force)
    done = session.connection().execute(
        ST.update().where(ST.c.id == rec.id).values(active=True, deactivated_at=None, left_on=None)
    )
    _changed_or_refused(done.rowcount, 1, rec.name)
    _record(session, [(rec.id, "active", "false", "true", day)], now=now, by=_by(actor))
    return _get(session, rec.id, lang)


# --- company mail (§3.2 rule 3) -----------------------------------------------------------------


def clean_domain(raw: str) -> str:
    """A mail domain as typed (``example.cn``, ``@example.cn``), lower-cased; refused when it
    is not one (a Unicode domain is given in its ASCII form, xn--…)."""
    domain = raw.strip().lstrip("@").rstrip(".").lower()
    if not DOMAIN.fullmatch(domain):
        raise InvalidInput(
            f"{shown(raw)} is not a mail domain",
            "write it like example.cn (a Unicode name in its xn-- form)",
            param="domain",
        )
    return domain


def company_mail(
    session: Session,
    *,
    now: datetime,
    lang: str,
    actor: Actor | None = None,
    domain: str | None = None,
    applies_from: date | None = None,
) -> CompanyMailOut:
    """The company's mail domain and from when it applies (§3.2 rule 3); with ``domain``, set
    them (``applies_from`` default today; for those who may manage staff). From that day, an
    address outside the domain is refused when a person is added or edited or imported."""
    m = current(session).manual
    today = _today(m, now)
    if domain is not None:
        assert actor is not None, "setting the domain needs the person acting"
        require(session, actor, "manage_staff")
        values = {MAIL_DOMAIN: clean_domain(domain), MAIL_FROM: (applies_from or today).isoformat()}
        conn = session.connection()
        for k, v in values.items():
            done = conn.execute(OPT.update().where(OPT.c.key == k).values(value=v))
            if done.rowcount == 0:
                conn.execute(OPT.insert().values(key=k, value=v))
    elif applies_from is not None:
        raise InvalidInput(
            "give the domain too",
            f"e.g. ecomops staff company-mail example.cn --from {applies_from}",
        )
    mail = _mail_setting(session)
    n, text = _rule(m, "email", lang)
    outside = []
    if mail.domain is not None:
        q = select(ST.c.name, ST.c.email).where(ST.c.active, ST.c.email.is_not(None))
        outside = [
            name
            for name, address in session.connection().execute(q.order_by(ST.c.id))
            if not mail_allowed(address, mail.domain, None, today)
        ]
    return trusted(
        CompanyMailOut,
        {
            "domain": mail.domain,
            "applies_from": mail.since,
            "in_force": mail.domain is not None and (mail.since is None or mail.since <= today),
            "rule": f"§3.2 rule {n}: {text}",
            "outside": outside,
        },
    )


# --- CSV import ---------------------------------------------------------------------------------

HEADERS = {
    "name": "name",
    "姓名": "name",
    "position": "position",
    "岗位": "position",
    "职位": "position",
    "email": "email",
    "e-mail": "email",
    "邮箱": "email",
    "manager": "manager",
    "上级": "manager",
    "直接上级": "manager",
    "joined": "joined",
    "joined on": "joined",
    "入职日期": "joined",  # 入職日期 too: headers are compared in simplified characters
    "入职时间": "joined",
}
COLUMNS = "name, position, email, manager, joined"
#: the columns of a new person, and how many are written at a time
_NEW = (
    "id",
    "name",
    "name_key",
    "position_id",
    "email",
    "manager_id",
    "active",
    "created_at",
    "joined_on",
)
CHUNK = 10_000


class _NewStaff(NamedTuple):
    line: int
    name: str
    position: str
    email: str | None
    manager: str | None
    joined: str | None = None


def _lines(text: str) -> Iterator[str]:
    """``text``'s lines, each with its ``\\n`` (as a text file reads; a StringIO would hold a
    copy of the whole file at four bytes a character)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _read(text: str, file: str) -> tuple[list[_NewStaff], list[str], set[str]]:
    """The file's rows, every problem of the file itself, and the columns it has."""
    reader = csv.reader(_lines(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(
            f"{file} is empty", f"the first line names the columns: {COLUMNS.replace(' ', '')}"
        ) from None
    except csv.Error as exc:
        raise InvalidInput(f"{file}:1: {exc}") from None
    cols: list[str | None] = []
    problems = []
    while header and not header[-1].strip():  # Excel's empty columns after the last one
        header.pop()
    unnamed: list[int] = []  # empty headers between named columns: ignored while empty
    for i, h in enumerate(header):
        col = HEADERS.get(key(h))
        if col is None and not h.strip():
            unnamed.append(i)
        elif col is None:
            problems.append(f"{file}:1: unknown column {h!r} (columns: {COLUMNS})")
        cols.append(col)
    for need in ("name", "position"):
        if need not in cols:
            problems.append(f"{file}:1: the column {need!r} is missing")
    if problems:
        return [], problems, set()
    where = {c: i for i, c in enumerate(cols) if c is not None}
    n_cols = len(cols)
    i_name, i_pos = where["name"], where["position"]
    i_mail, i_boss, i_join = where.get("email"), where.get("manager"), where.get("joined")
    rows = []
    try:
        for record in reader:
            while len(record) > n_cols and not record[-1].strip():
                record.pop()  # the empty cells of Excel's trailing columns
            if len(record) < n_cols and len(record) > max(where.values()):
                record += [""] * (n_cols - len(record))
            if len(record) != n_cols:
                if not any(cell.strip() for cell in record):
                    continue
                problems.append(
                    f"{file}:{reader.line_num}: {len(record)} fields, expected {n_cols}"
                )
                continue
            if not any(record) or not any(cell.strip() for cell in record):
                continue
            stray = [i + 1 for i in unnamed if record[i].strip()]
            if stray:
                problems.append(
                    f"{file}:{reader.line_num}: a value in column {stray[0]}, which has no "
                    "name in the first line"
                )
                continue
            boss = record[i_boss].strip() if i_boss is not None else ""
            joined = record[i_join].strip() if i_join is not None else ""
            rows.append(
                _NewStaff(
                    reader.line_num,
                    record[i_name],
                    record[i_pos],
                    (record[i_mail] or None) if i_mail is not None else None,
                    boss or None,
                    joined or None,
                )
            )
    except csv.Error as exc:
        problems.append(f"{file}:{reader.line_num}: {exc}")
    if not rows and not problems:
        raise InvalidInput(
            f"{file} has the line of column names and no rows; nothing was imported",
            "add one line per person below it",
        )
    return rows, problems, set(where)


def read_staff_csv(text: str, file: str) -> tuple[list[_NewStaff], list[str]]:
    """Parse the CSV; return the rows and every problem found in the file itself."""
    rows, problems, _cols = _read(text, file)
    return rows, problems


@dataclass(slots=True)
class _Entry:
    """A line of the file, checked on its own."""

    line: int
    name: str
    key: str
    position: str
    email: str | None
    manager: str | None  # the manager's name key
    joined: date | None
    old: _Rec | None
    diffs: list[tuple[str, str | None, str | None]]
    typed_manager: str | None  # as the file has it (None: the column is not there)


def staff_import(
    session: Session,
    path: Path,
    *,
    actor: Actor,
    now: datetime,
    lang: str,
    encoding: str | None = None,
    update: bool = False,
    deactivate_missing: bool = False,
    force: bool = False,
    show: int | None = None,
) -> ImportOut:
    """Import the staff of a CSV file (name, position, email, manager, joined; or Chinese
    headers): every row or none, with the line of each problem. ``encoding``: the file's, when
    it is not UTF-8 or Chinese GB18030 (see files.read_text).

    With ``update`` the file is the roster: people not on it are added, people whose position,
    e-mail, manager or join date differs are changed (each change kept in their history; a
    column the file lacks is left as it is, a blank e-mail or manager cell removes it), the
    rest are counted as unchanged; with ``deactivate_missing`` too, the active people of the
    department's positions whom the file leaves out are deactivated. ``force``: a second
    department head or a manager the handbook's "reports to" does not name, all the same.
    ``show``: the most people and changes to list in the answer (None: all of them; the
    counts are always whole), so that a terminal showing a few never builds 100,000."""
    require(session, actor, "manage_staff")
    if deactivate_missing and not update:
        raise InvalidInput(
            "--deactivate-missing works with --update",
            "give both: ecomops staff import FILE --update --deactivate-missing",
        )
    file = str(path)
    rows, problems, cols = _read(read_text(path, encoding), file)
    m = current(session).manual
    today = _today(m, now)
    roster = _records(session)
    by_key = {r.name_key: r for r in roster}
    by_id = {r.id: r for r in roster}
    has_email, has_manager = "email" in cols, "manager" in cols
    positions = _Positions(m, lang)
    days: dict[str, date] = {}  # each join date typed, read once

    def bad(line: int, message: str) -> None:
        problems.append(f"{file}:{line}: {message}")

    # each line on its own
    entries: list[_Entry] = []
    line_of: dict[str, int] = {}
    for r in rows:
        try:
            name = clean_name(r.name)
        except InvalidInput as exc:
            bad(r.line, exc.message)
            continue
        k = key(name)
        if k in line_of:
            bad(r.line, f"{name!r} is also on line {line_of[k]}")
            continue
        line_of[k] = r.line
        old = by_key.get(k)
        if old is not None and not old.active:
            message, hint = _left_message(old)
            bad(r.line, f"{message}; {hint}")
            continue
        if old is not None and not update:
            bad(r.line, f"{name!r} is already on the roster (import with --update to change it)")
            continue
        pos, problem = positions.get(r.position)
        if problem is not None or pos is None:
            bad(r.line, problem or "no position")
            continue
        try:
            email = clean_email(r.email) if has_email else (old.email if old else None)
            joined = None
            if r.joined:
                joined = days.get(r.joined)
                if joined is None:
                    joined = days[r.joined] = parse_date(r.joined, "joined", today=today)
        except InvalidInput as exc:
            bad(r.line, exc.message)
            continue
        if has_manager or old is None:
            boss = key(r.manager) if r.manager else None
        else:  # the file says nothing about their manager: they keep theirs
            boss = by_id[old.manager_id].name_key if old.manager_id else None
        if boss == k:
            bad(r.line, f"{name} cannot be their own manager")
            continue
        typed = r.manager if has_manager else None
        entries.append(_Entry(r.line, name, k, pos, email, boss, joined, old, [], typed))

    del rows  # the lines are entries now (a 100,000-line file: ~15 MB)

    # the roster as the file would leave it
    in_file = {e.key: e for e in entries}
    leaving: list[_Rec] = []
    if deactivate_missing:
        outside = {p.id for p in m.positions if not p.in_department}
        leaving = [
            r
            for r in roster
            if r.active and r.name_key not in line_of and r.position_id not in outside
        ]
        me = actor.caller
        if me is not None and any(r.id == me.id for r in leaving):
            problems.append(
                f"{file}: you ({me.name}) are not in the file: --deactivate-missing would "
                "deactivate you"
            )
    gone = {r.name_key for r in leaving}
    final_pos: dict[str, str] = {}
    final_boss: dict[str, str | None] = {}
    for p in roster:
        if p.active and p.name_key not in gone:
            final_pos[p.name_key] = p.position_id
            final_boss[p.name_key] = by_id[p.manager_id].name_key if p.manager_id else None
    names_by_key = {p.name_key: p.name for p in roster}
    for e in entries:
        final_pos[e.key] = e.position
        names_by_key[e.key] = e.name
        final_boss[e.key] = e.manager

    written: list[_Entry] = []
    for e in entries:
        old = e.old
        was = by_id[old.manager_id].name_key if old and old.manager_id else None
        if e.manager is not None and e.manager not in in_file and (old is None or e.manager != was):
            boss_rec = by_key.get(e.manager)
            if boss_rec is None:
                bad(e.line, f"manager {e.typed_manager!r} is neither on the roster nor in the file")
                continue
            if not boss_rec.active:
                bad(e.line, f"manager {e.typed_manager!r} is inactive")
                continue
        if e.manager is not None and e.manager in gone:
            bad(
                e.line,
                f"manager {names_by_key[e.manager]} is not in the file, and "
                "--deactivate-missing would deactivate them",
            )
            continue
        if old is None:
            written.append(e)
            continue
        if e.position != old.position_id:
            e.diffs.append(("position", old.position_id, e.position))
        if has_manager:
            if e.manager != was:
                e.diffs.append(
                    (
                        "manager",
                        names_by_key[was] if was else None,
                        names_by_key[e.manager] if e.manager else None,
                    )
                )
        if has_email and e.email != old.email:
            e.diffs.append(("email", old.email, e.email))
        if e.joined is not None and e.joined != old.joined_on:
            e.diffs.append(
                (
                    "joined",
                    old.joined_on.isoformat() if old.joined_on else None,
                    e.joined.isoformat(),
                )
            )
        if e.diffs:
            written.append(e)

    # the rules, on what the file writes
    _check_reach(session, m, actor, file, written, leaving, bad, problems)
    mail = _mail_setting(session)
    holders: dict[str, list[str]] = {}
    for p in roster:
        if p.active and p.email and p.name_key not in gone and p.name_key not in in_file:
            holders.setdefault(p.email.casefold(), []).append(p.name_key)
    for e in entries:
        if e.email:
            holders.setdefault(e.email.casefold(), []).append(e.key)
    new_mail = {  # the people the file gives an address they did not have
        e.key
        for e in written
        if e.email is not None and (e.old is None or any(f == "email" for f, _, _ in e.diffs))
    }
    head = m.head()
    heads = [k for k, p in final_pos.items() if head is not None and p == head.id]
    top = tops(m)
    at_top: dict[str, list[str]] = {}
    for holder, held_pos in final_pos.items():
        if held_pos in top:
            at_top.setdefault(held_pos, []).append(holder)
    position_moved = set()
    for e in written:
        fields = {f for f, _, _ in e.diffs}
        new = e.old is None
        if e.key in new_mail:
            assert e.email is not None
            problem = _mail_problem(m, lang, e.email, mail, today)
            if problem:
                bad(e.line, problem)
            others = [k for k in holders[e.email.casefold()] if k != e.key]
            held = [k for k in others if k not in new_mail]  # theirs already
            earlier = [
                in_file[k].line for k in others if k in new_mail and in_file[k].line < e.line
            ]
            if held:  # an address the file gives twice is said at the later line
                bad(e.line, f"the e-mail address {e.email!r} is already {names_by_key[held[0]]}'s")
            elif earlier:
                bad(e.line, f"the e-mail address {e.email!r} is also on line {min(earlier)}")
        if new or "position" in fields:
            if head is not None and e.position == head.id and len(heads) > 1 and not force:
                others = [names_by_key[k] for k in heads if k != e.key]
                bad(e.line, f"{_second_head(e.name, head.id, others)}; {FORCE}")
            acting = _acting_person(actor)
            if e.position in top and (acting is None or acting.position_id in top):
                # (a manager putting someone at the top is refused for that reason alone)
                if len(at_top[e.position]) > 1 and not force:
                    others = [names_by_key[k] for k in at_top[e.position] if k != e.key]
                    bad(e.line, f"{e.name} would be a second {e.position} beside "
                                f"{', '.join(others)}; {FORCE}")
            if not new:
                position_moved.add(e.key)
        boss = final_boss.get(e.key)
        if boss is not None and not force and (new or fields & {"position", "manager"}):
            boss_pos = final_pos.get(boss)
            if boss_pos is not None:
                problem = _fit(m, e.name, e.position, names_by_key[boss], boss_pos)
                if problem:
                    bad(e.line, f"{problem}; {FORCE}")
    if position_moved and not force:  # those who report to someone whose position changed
        checked = {e.key for e in written}
        for k, boss in final_boss.items():
            if boss in position_moved and k not in checked:
                problem = _fit(
                    m, names_by_key[k], final_pos[k], names_by_key[boss], final_pos[boss]
                )
                if problem:
                    bad(in_file[boss].line, f"{problem}; {FORCE}")
    rewired = {
        e.key for e in written if e.old is None or any(f == "manager" for f, _, _ in e.diffs)
    }
    if rewired:
        for loop in reporting_cycles(final_boss):
            for k in loop:
                if k in rewired:
                    at = loop.index(k)
                    round_ = [names_by_key[x] for x in loop[at:] + loop[:at]]
                    bad(
                        in_file[k].line,
                        f"a reporting cycle: {' → '.join([*round_, round_[0]])}",
                    )
    if problems:
        count = len(problems)
        raise InvalidInput(
            f"{file}: {count} problem{'s' if count > 1 else ''}; nothing was imported",
            "fix the lines below and run the import again",
            problems=sorted(problems, key=_line_number),
        )

    # the writes: new people (managers first), changes, departures, the history; what only
    # the checks needed goes first (a 100,000-line file: some 50 MB)
    unchanged = len(entries) - len(written)
    del entries, line_of, in_file, holders, final_pos, names_by_key, heads, new_mail
    added = [e for e in written if e.old is None]
    changes_of = [e for e in written if e.old is not None]
    del written
    ids = dict(zip((e.key for e in added), _new_ids(session, ST, len(added)), strict=True))
    ids.update((r.name_key, r.id) for r in roster if r.name_key in final_boss)
    order = depths(final_boss, {e.key for e in added})
    del final_boss
    added.sort(key=lambda e: order[e.key])
    conn = session.connection()
    for start in range(0, len(added), CHUNK):  # in chunks: the driver's copy of each is small
        insert_rows(
            conn,
            ST,
            _NEW,
            [
                (
                    ids[e.key],
                    e.name,
                    e.key,
                    e.position,
                    e.email,
                    ids[e.manager] if e.manager else None,
                    True,
                    now,
                    e.joined or today,
                )
                for e in added[start : start + CHUNK]
            ],
        )
    updated = [
        e.old._replace(
            position_id=e.position,
            email=e.email,
            manager_id=ids[e.manager] if e.manager else None,
            joined_on=e.joined or e.old.joined_on,
        )
        for e in changes_of
        if e.old is not None
    ]
    done = _update_rows(
        session,
        ST,
        ("id", "position_id", "email", "manager_id", "joined_on"),
        [(r.id, r.position_id, r.email, r.manager_id, r.joined_on) for r in updated],
    )
    _changed_or_refused(done, len(updated), "the roster")
    left = [r._replace(active=False, deactivated_at=now, left_on=today) for r in leaving]
    done = _update_rows(
        session,
        ST,
        ("id", "active", "deactivated_at", "left_on"),
        [(r.id, False, now, today) for r in left],
    )
    _changed_or_refused(done, len(left), "the roster")
    _forget_managers(session)
    history = [(ids[e.key], f, a, b, today) for e in changes_of for f, a, b in e.diffs]
    history += [(r.id, "active", "true", "false", today) for r in left]
    recorded = _record(session, history, now=now, by=_by(actor))[:show]

    # the answer: the people touched (as many as asked for), as they are now
    listed_ids = sorted(
        [*(ids[e.key] for e in added), *(r.id for r in updated), *(r.id for r in left)]
    )
    wanted = set(listed_ids[:show])
    people = [r for r in (*updated, *left) if r.id in wanted]
    people += [
        _Rec(
            ids[e.key],
            e.name,
            e.key,
            e.position,
            e.email,
            ids[e.manager] if e.manager else None,
            True,
            now,
            None,
            None,
            e.joined or today,
            None,
        )
        for e in added
        if ids[e.key] in wanted
    ]
    people.sort()
    named = {r.manager_id for r in people} | {c.staff_id for c in recorded} | {_by(actor)}
    names = {r.id: r.name for r in roster if r.id in named}
    names.update((ids[e.key], e.name) for e in added if ids[e.key] in named)
    out = _Shown(m, lang, names)
    return trusted(
        ImportOut,
        {
            "file": file,
            "added": len(added),
            "changed": len(updated),
            "unchanged": unchanged,
            "deactivated": len(left),
            "staff": [out.staff(r) for r in people],
            "changes": [out.change(c) for c in recorded],
        },
    )


def _check_reach(
    session: Session,
    m: Manual,
    actor: Actor,
    file: str,
    written: Sequence[_Entry],
    leaving: Sequence[_Rec],
    bad,
    problems: list[str],
) -> None:
    """A caller bound to someone (not the keeper) changes only the records of people under
    them, as ``staff edit`` does, and puts nobody at the top (PostgreSQL's row-level security
    says the same)."""
    me = _acting_person(actor)
    if me is None:
        return
    top = tops(m)

    def under(r: _Rec) -> bool:
        return below(session, m, me, Person(*r[:9]))

    for e in written:
        if e.old is not None and not under(e.old):
            bad(e.line, f"{e.name} is not under you ({me.name}): ask someone above them")
        moved = e.old is None or any(f == "position" for f, _, _ in e.diffs)
        if moved and e.position in top and me.position_id not in top:
            bad(
                e.line, f"{me.name} ({me.position_id}) may not put anyone at the top ({e.position})"
            )
    for r in leaving:
        if r.id != me.id and not under(r):
            problems.append(
                f"{file}: --deactivate-missing would deactivate {r.name}, who is not under you "
                f"({me.name})"
            )


def _line_number(problem: str) -> int:
    parts = problem.split(":")
    for p in parts[1:]:
        if p.isdigit():
            return int(p)
    return 0


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
    keeper is by default: :mod:`ecomops.identity`). The move is kept in both people's
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
