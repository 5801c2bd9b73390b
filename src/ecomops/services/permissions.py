"""Every write asks who may: the handbook's permission table (``permissions:`` in the YAML,
shown by ``ecomops roles permissions``) applied to the person acting, through the pure rule in
:mod:`ecomops.core.permissions`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select

from ecomops.core.permissions import About, Party, allowed, line_of
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import NotAllowed
from ecomops.services.handbook import current
from ecomops.services.people import Person

if TYPE_CHECKING:
    from ecomops.handbook.model import Manual
    from ecomops.services.identity import Actor

ST = schema.staff


def tops(m: Manual) -> frozenset[str]:
    """The positions at the top of the organisation (reporting to nobody): above everyone."""
    return m.top_positions


def managers(session: Session) -> dict[int, int | None]:
    """Each person's manager on the roster (read once per transaction)."""
    cached = session.info.get("ecomops.managers")
    if cached is None:
        rows = session.connection().execute(select(ST.c.id, ST.c.manager_id)).all()
        cached = session.info["ecomops.managers"] = {i: mid for i, mid in rows}
    return cached


def about_rated(session: Session, person_id: int, raters: Iterable[str]) -> About:
    """What an action on the person ``person_id``, rated by the positions ``raters``,
    concerns: those raters and the person's reporting line."""
    chain = line_of(person_id, managers(session))
    return About(person_id=person_id, raters=tuple(raters), line=chain, has_manager=bool(chain))


def about_person(
    session: Session, m: Manual, person: Person, position: str | None = None
) -> About:
    """What an action on ``person`` (appraised in ``position``, default their own) concerns:
    who rates them and their reporting line."""
    return about_rated(session, person.id, m.raters_of(m.position(position or person.position_id)))


def position_label(m: Manual, position_id: str, *, english_name: bool = False) -> str:
    """A person's position beside their name in a refusal: in English its id (what
    ``--position`` takes; ``english_name``: its name), in Chinese its name (the manual's, in
    the script of the messages)."""
    from ecomops import i18n
    from ecomops.text import localize

    lang = i18n.current()
    if lang == "en" and not english_name:
        return position_id
    try:
        held = m.position(position_id).name
    except Exception:
        return position_id
    return localize(held.zh, held.en, lang)


def who_may(m: Manual, action: str, lang: str | None = None) -> str:
    """The table's entry for ``action`` in words: the positions by name and the relations
    in ``lang`` (default: the language of the messages), as the manual names them."""
    from ecomops import i18n
    from ecomops.handbook.model import RELATIONS  # the schema: only when words are needed
    from ecomops.text import localize

    lang = lang or i18n.current()
    names = []
    for name in m.permission_table.get(action, []):
        if name in RELATIONS:
            names.append(localize(*RELATIONS[name], lang))
            continue
        try:
            held = m.position(name).name
        except Exception:  # (a position the table names that the manual lacks: its id)
            names.append(name)
        else:
            names.append(localize(held.zh, held.en, lang))
    if not names:
        return i18n.gettext("nobody")
    return ("; " if lang == "en" else "、").join(names)


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
    from ecomops.handbook.model import ACTIONS

    m = current(session).manual
    person = actor.person
    who = f"{person.name} ({position_label(m, person.position_id)})" if person else actor.login
    doing = ACTIONS.get(action, ("", action))[1]
    raise NotAllowed(
        f"{who} may not {doing}{' ' + what if what else ''}",
        f"who may: {who_may(m, action)} (the handbook's permissions.{action})",
    )


def require_department_job(session: Session, actor: Actor, doing: str) -> None:
    """Refuse a job done for the whole department (sending its reminders, collecting its
    plans from the head's mailbox) unless ``actor`` may act for others (or is the keeper):
    one line saying what they may not do, whether or not they named anyone with --as."""
    if may(session, actor, "act_for_others"):
        return
    m = current(session).manual
    person = actor.person
    who = (
        f"{person.name} ({position_label(m, person.position_id, english_name=True)})"
        if person
        else actor.login
    )
    raise NotAllowed(
        f"{who} may not {doing}: it is the department's job",
        f"who may: {who_may(m, 'act_for_others')} (the handbook's permissions.act_for_others), "
        "or the database's keeper",
    )


def below(session: Session, m: Manual, boss: Person, other: Person) -> bool:
    """Whether ``other`` is under ``boss``: ``boss`` is in their reporting line, or holds a
    position at the top; for someone with no manager on the roster, ``boss``'s position is
    above theirs in the handbook's "reports to" chain."""
    if boss.id == other.id:
        return False
    if boss.position_id in tops(m):
        return other.position_id not in tops(m)
    chain = line_of(other.id, managers(session))
    if chain:
        return boss.id in chain
    seen: set[str] = set()
    position = m.position(other.position_id).reports_to
    while position is not None and position not in seen:
        if position == boss.position_id:
            return True
        seen.add(position)
        position = m.position(position).reports_to
    return False


def require_below(session: Session, boss: Person, other: Person) -> None:
    """Refuse acting for, or binding a login to, someone who is not under ``boss`` (a
    manager does not act as the general manager, or as themselves through someone else)."""
    m = current(session).manual
    if boss.id == other.id:
        raise NotAllowed(
            f"{boss.name} may not do this for themselves",
            "ask someone above them, or the keeper",
        )
    if not below(session, m, boss, other):
        raise NotAllowed(
            f"{boss.name} ({boss.position_id}) may act only for people under them, "
            f"not for {other.name} ({other.position_id})",
            "ask someone above them, or the keeper",
        )


def require_handbook_keeper(
    session: Session, actor: Actor, *, what: str = "load a handbook into this database"
) -> None:
    """Refuse loading a handbook (or ``what`` else of the handbook's: the official calendar)
    into a database unless ``actor`` is its keeper or holds a position at the top: the
    handbook holds the permission table itself."""
    if actor.keeper and actor.person is None:
        return
    m = current(session).manual
    if actor.caller is None and actor.keeper:  # the keeper naming someone: as them
        person = actor.person
    else:
        person = actor.caller
    if person is not None and person.position_id in tops(m):
        return
    who = f"{person.name} ({person.position_id})" if person else actor.login
    raise NotAllowed(
        f"{who} may not {what}: it is the handbook's, which holds who may do what",
        f"the keeper or the {', '.join(sorted(tops(m)))} may",
    )
