"""Finding people on the roster by name (traditional or simplified, any width or case)."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotFound
from ecomops.text import key

ST = schema.staff


def find_person(session: Session, name: str, *, active: bool = True, role: str = "staff member"):
    """The roster row named ``name``; refused when unknown (or inactive, when ``active``)."""
    row = session.connection().execute(select(ST).where(ST.c.name_key == key(name))).first()
    if row is None:
        raise NotFound(f"no {role} named {name!r}", "see the roster with: ecomops staff list")
    if active and not row.active:
        raise InvalidInput(f"{row.name} is no longer active")
    return SimpleNamespace(**row._mapping)  # plain attributes: a Row's cost ~1 µs each


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
