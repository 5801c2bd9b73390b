"""People on the roster: the :class:`Person` every service takes, found by name (traditional
or simplified, any width or case) or by id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, type_coerce
from sqlalchemy.engine import Row
from sqlalchemy.types import NullType

from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotFound, Suggest
from ecomops.text import key

ST = schema.staff


@dataclass(frozen=True, slots=True)
class Person:
    """A roster entry, as the services pass it around (plain attributes: a SQLAlchemy Row's
    attribute access costs ~1 µs, and a report asks thousands of times)."""

    id: int
    name: str
    name_key: str
    position_id: str
    email: str | None
    manager_id: int | None
    active: bool
    created_at: datetime
    deactivated_at: datetime | None


_COLUMNS = tuple(Person.__dataclass_fields__)


def person_of(row: Row[Any]) -> Person:
    """A ``staff`` row (every column) as a :class:`Person`."""
    return Person(*(row._mapping[c] for c in _COLUMNS))


def _utc(value: Any) -> datetime | None:
    """A stored UTC time as the driver gives it (SQLite: text; PostgreSQL: a naive datetime)
    made aware, as db.types.UTCDateTime reads it, without its per-value processing."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


_TIMES = ("created_at", "deactivated_at")
assert _COLUMNS[6:] == ("active", *_TIMES), "people_where reads these three last"


def people_where(session: Session, *where: Any) -> dict[int, Person]:
    """The people matching ``where`` (every one, none given), by id in id order, from one query
    fetched at once: no per-row mapping, the two times read raw and made aware here (10,000
    people in a few tens of milliseconds)."""
    raw = NullType()
    columns = [type_coerce(ST.c[c], raw).label(c) if c in _TIMES else ST.c[c] for c in _COLUMNS]
    q = select(*columns).where(*where).order_by(ST.c.id)
    return {r[0]: _person(*r) for r in session.connection().execute(q).all()}


def _person(
    i: int,
    name: str,
    name_key: str,
    position: str,
    email: Any,
    manager: Any,
    active: Any,
    made: Any,
    off: Any,
) -> Person:
    """A person from :func:`people_where`'s raw row."""
    made_at = _utc(made)
    assert made_at is not None, "created_at is NOT NULL"
    return Person(i, name, name_key, position, email, manager, bool(active), made_at, _utc(off))


def find_person(
    session: Session, name: str, *, active: bool = True, role: str = "staff member"
) -> Person:
    """The person named ``name``; refused when unknown (or inactive, when ``active``)."""
    row = session.connection().execute(select(ST).where(ST.c.name_key == key(name))).first()
    if row is None:
        raise NotFound(
            f"no {role} named {name!r}",
            "see the roster with: {command}",
            suggest=Suggest("staff.list"),
        )
    if active and not row.active:
        raise InvalidInput(f"{row.name} is no longer active")
    return person_of(row)


def person_by_id(session: Session, staff_id: int) -> Person:
    """The person with roster id ``staff_id``."""
    row = session.connection().execute(select(ST).where(ST.c.id == staff_id)).first()
    if row is None:
        raise NotFound(f"no staff member with id {staff_id}")
    return person_of(row)


def resolve(
    session: Session, who: Person | str, *, active: bool = True, role: str = "staff member"
) -> Person:
    """``who`` as a :class:`Person`: a person is taken as given (re-checked for ``active``),
    a name is looked up."""
    if isinstance(who, Person):
        if active and not who.active:
            raise InvalidInput(f"{who.name} is no longer active")
        return who
    return find_person(session, who, active=active, role=role)


def names(session: Session) -> dict[int, str]:
    """Every staff id with its name, read once per read-only transaction (a month report
    asks from five places)."""
    cached = session.info.get("ecomops.names")
    if cached is not None:
        return cached
    found = dict(session.connection().execute(select(ST.c.id, ST.c.name)).all())
    if not session.write:
        session.info["ecomops.names"] = found
    return found
