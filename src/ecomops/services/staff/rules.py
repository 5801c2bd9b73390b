"""The roster's rules, as every write of a person's record keeps them (add, edit, import,
reactivate): positions, company mail, one head, the handbook's reporting lines, reach."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TypeVar

from ecomops.core.calendar import shown
from ecomops.core.roster import (
    Labelled,
    listed,
    mail_allowed,
    manager_fits,
    match_position,
    may_place,
)
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotAllowed, NotFound, Suggest
from ecomops.handbook.model import Manual, Position
from ecomops.services.handbook import known_positions
from ecomops.services.identity import Actor
from ecomops.services.people import Person, person_by_id
from ecomops.services.permissions import require_below, tops
from ecomops.services.staff.reading import (
    FORCE,
    ST,
    _email_holder,
    _head_holders,
    _Mail,
    _mail_setting,
    _Rec,
    _records,
    _reports_to,
)
from ecomops.text import key, localize, to_simplified

T = TypeVar("T")


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


def _mail_problem(m: Manual, lang: str, address: str | None, mail: _Mail, day: date) -> str | None:
    """§3.2 rule 3, quoted, when ``address`` is not the company's on ``day``."""
    if mail_allowed(address, mail.domain, mail.since, day):
        return None
    n, text = _rule(m, "email", lang)
    return (
        f"{address!r} is not a company address (@{mail.domain}, from {mail.since}): "
        f"§3.2 rule {n}: “{text}”"
    )


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


def _second_holders(
    m: Manual, name: str, position: str, others: Callable[[str], Sequence[str]], *, top: bool = True
) -> list[InvalidInput]:
    """The problems with ``name`` in ``position`` when it is the department head's, or one at
    the top (with ``top``), and ``others(position)`` hold it already: the handbook has one of
    each. The rule add, edit, reactivate and import keep."""
    problems = []
    head = m.head()
    if head is not None and position == head.id:
        holders = others(head.id)
        if holders:
            problems.append(
                InvalidInput(
                    _second_head(name, head.id, holders),
                    f"the handbook has one department head; {FORCE}",
                )
            )
    if top and position in tops(m):
        holders = others(position)
        if holders:
            problems.append(
                InvalidInput(
                    f"{name} would be a second {position} beside {', '.join(holders)}",
                    f"the handbook has one; {FORCE}",
                )
            )
    return problems


def _check_head(
    session: Session, m: Manual, name: str, position: str, exclude: int | None, force: bool
) -> None:
    """Refuse a second holder of the department head's position, or of a position at the top
    (the general manager), without ``force``."""
    if force:
        return
    for problem in _second_holders(
        m, name, position, lambda held: _head_holders(session, held, exclude)
    ):
        raise problem


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
    if who is not None and not may_place(who.position_id, position, tops(m)):
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


def _misfits(
    m: Manual, position: str, reports: Iterable[T], position_of: Callable[[T], str]
) -> list[T]:
    """Those of ``reports`` whose position (``position_of``) does not report to ``position`` by
    the handbook: whether someone's reports still fit them when they move (edit and import)."""
    reports_to = _reports_to(m)
    return [r for r in reports if not manager_fits(position_of(r), position, reports_to)]


def _check_reports(session: Session, m: Manual, rec: _Rec, position: str) -> None:
    """Refuse moving ``rec`` to ``position`` when their reports' positions do not report to it."""
    reports = _records(session, ST.c.manager_id == rec.id, ST.c.active)
    misfits = _misfits(m, position, reports, lambda r: r.position_id)
    if misfits:
        who = listed([f"{r.name} ({r.position_id})" for r in misfits[:3]])
        expected = sorted({str(m.position(r.position_id).reports_to) for r in misfits})
        raise InvalidInput(
            f"{rec.name} manages {who}, who report{'s' if len(misfits) == 1 else ''} to a "
            f"{' or '.join(expected)} by the handbook, not to a {position}",
            f"give them another manager first ({{command}}), or {FORCE}",
            suggest=Suggest("staff.edit", ("NAME",), {"manager": "…"}),
        )
