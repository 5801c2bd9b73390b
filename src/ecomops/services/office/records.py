"""What the office's records share: their tables, a text that must be given, a handbook rule
quoted by key, a record found by id, a member of the department, a day since someone joined,
and names from one query.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotFound, Suggest
from ecomops.handbook.model import Manual
from ecomops.services.people import Person, resolve
from ecomops.text import localize

ST = schema.staff
LV = schema.leave
HO = schema.handover
VI = schema.visitor


def given_text(text: str | None, what: str, param: str | None = None) -> str:
    """``text`` stripped, or :class:`InvalidInput` saying the ``what`` is empty."""
    if text is None or not text.strip():
        raise InvalidInput(f"the {what} is empty", f"give the {what}", param=param)
    return text.strip()


def handbook_rule(m: Manual, section: str, rule_key: str, lang: str) -> tuple[int, str]:
    """The number and text (in ``lang``) of the rule ``rule_key`` of the handbook's ``section``."""
    items = getattr(m, section).items
    for n, item in enumerate(items, start=1):
        if item.key == rule_key:
            return n, localize(item.zh, item.en, lang)
    raise InvalidInput(f"the handbook has no rule with key {rule_key!r}")


def find_record(session: Session, table, record_id: int, what: str, listing: Suggest):
    """Row ``record_id`` of ``table``, or :class:`NotFound` naming ``what`` and suggesting
    ``listing`` (where the ids are)."""
    row = None
    if 0 < record_id < 2**63:  # no id is ever outside the database's integers
        row = session.connection().execute(select(table).where(table.c.id == record_id)).first()
    if row is None:
        which = record_id if abs(record_id) < 2**63 else "that large"
        raise NotFound(f"no {what} with id {which}", "see: {command}", suggest=listing)
    return row


def department_member(session: Session, m: Manual, name: Person | str, what: str) -> Person:
    """The person ``name``, refused unless a member of the department (``what``: their role)."""
    row = resolve(session, name)
    if not m.position(row.position_id).in_department:
        raise InvalidInput(
            f"{row.name} ({row.position_id}) is not a member of the department",
            f"the {what} must be one",
        )
    return row


def since_joined(session: Session, person: Person, day: date, param: str) -> None:
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


def names_of(session: Session, ids: set[int]) -> dict[int, str]:
    """The names of the staff ``ids``, from one query (not the whole roster)."""
    if not ids:
        return {}
    rows = session.connection().execute(
        select(ST.c.id, ST.c.name).where(ST.c.id.in_(sorted(ids)))
    ).all()
    return dict(rows)
