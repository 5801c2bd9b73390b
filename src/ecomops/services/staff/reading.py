"""Reading the roster: its rows, the output built from them, and the company mail setting."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, select

from ecomops.clock import zone
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotFound, Suggest
from ecomops.handbook.model import Manual
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.people import Person
from ecomops.services.permissions import tops
from ecomops.text import key, localize
from ecomops.views import (
    StaffChangeOut,
    StaffDetailOut,
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


FORCE = "give {param:force} to record it all the same"


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
#: a record's first fields are a :class:`Person`'s, in the same order
_PERSON = tuple(Person.__dataclass_fields__)
assert _Rec._fields[:9] == _PERSON, "a roster record starts with a Person, all nine fields"


def _person(r: _Rec) -> Person:
    """The :class:`Person` ``r`` holds (its first fields)."""
    return Person(*r[:9])


def _records(session: Session, *where) -> list[_Rec]:
    q = select(*_REC).where(*where).order_by(ST.c.id)
    return [_Rec._make(t) for t in session.connection().execute(q)]


def _rec_by_name(session: Session, name: str, *, active_only: bool = False) -> _Rec:
    found = _records(session, ST.c.name_key == key(name))
    row = found[0] if found else None
    if row is None or (active_only and not row.active):
        state = "active " if active_only and row is not None else ""
        raise NotFound(
            f"no {state}staff member named {name!r}",
            "see the roster with: {command}",
            suggest=Suggest("staff.list"),
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


def _manager(session: Session, typed: str | None) -> _Rec | None:
    return _rec_by_name(session, typed, active_only=True) if typed else None


def _left_message(rec: _Rec) -> tuple[str, str, Suggest]:
    """Who left and when, the hint, and the use case that brings them back."""
    when = f"left on {rec.left_on}" if rec.left_on else "is no longer active"
    back = Suggest("staff.reactivate", (rec.name,))
    return f"{rec.name} {when}", "bring them back with: {command}", back


def _reports_to(m: Manual) -> dict[str, str | None]:
    return {p.id: p.reports_to for p in m.positions}
