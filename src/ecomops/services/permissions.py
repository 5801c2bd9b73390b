"""Every write asks who may: the handbook's permission table (``permissions:`` in the YAML,
shown by ``ecomops roles permissions``) applied to the person acting, through the pure rule in
:mod:`ecomops.core.permissions`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from ecomops.core.permissions import About, Party, allowed, line_of
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import NotAllowed
from ecomops.handbook.model import ACTIONS, RELATIONS, Manual
from ecomops.services.handbook import current
from ecomops.services.people import Person

if TYPE_CHECKING:
    from ecomops.identity import Actor

ST = schema.staff


def tops(m: Manual) -> frozenset[str]:
    """The positions at the top of the organisation (reporting to nobody): above everyone."""
    return frozenset(p.id for p in m.positions if p.reports_to is None)


def managers(session: Session) -> dict[int, int | None]:
    """Each person's manager on the roster (read once per transaction)."""
    cached = session.info.get("ecomops.managers")
    if cached is None:
        rows = session.connection().execute(select(ST.c.id, ST.c.manager_id)).all()
        cached = session.info["ecomops.managers"] = {i: mid for i, mid in rows}
    return cached


def about_person(
    session: Session, m: Manual, person: Person, position: str | None = None
) -> About:
    """What an action on ``person`` (appraised in ``position``, default their own) concerns:
    who rates them and their reporting line."""
    pos = m.position(position or person.position_id)
    chain = line_of(person.id, managers(session))
    return About(
        person_id=person.id,
        raters=tuple(m.raters_of(pos)),
        line=chain,
        has_manager=bool(chain),
    )


def who_may(m: Manual, action: str) -> str:
    """The table's entry for ``action`` in words."""
    names = []
    for name in m.permission_table.get(action, []):
        names.append(RELATIONS[name][1] if name in RELATIONS else name)
    return "; ".join(names) or "nobody"


def may(session: Session, actor: Actor, action: str, about: About | None = None) -> bool:
    """Whether ``actor`` may take ``action`` (the keeper, naming nobody, may do everything)."""
    if actor.person is None:
        return actor.keeper
    m = current(session).manual
    who = Party(actor.person.id, actor.person.position_id)
    return allowed(m.permission_table, action, who, about or About(), tops(m))


def require(
    session: Session, actor: Actor, action: str, about: About | None = None, what: str = ""
) -> None:
    """Refuse ``action`` unless ``actor`` may take it: one line naming the rule and who may."""
    if may(session, actor, action, about):
        return
    m = current(session).manual
    person = actor.person
    who = f"{person.name} ({person.position_id})" if person else actor.login
    doing = ACTIONS.get(action, ("", action))[1]
    raise NotAllowed(
        f"{who} may not {doing}{' ' + what if what else ''}",
        f"who may: {who_may(m, action)} (the handbook's permissions.{action})",
    )
