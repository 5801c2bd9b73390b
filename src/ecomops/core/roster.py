"""The roster's rules (pure, no database): names and logins, company mail (§3.2 rule 3), which
position a typed name means, whom the handbook has a position report to, reporting cycles, and
what changed in a person's record.

Names and labels are compared in their :func:`ecomops.text.key` form; the caller passes keys.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from ecomops.errors import InvalidInput
from ecomops.text import check_name

K = TypeVar("K", bound=Hashable)


# --- names and logins ---------------------------------------------------------------------------

#: the most characters a person's name has
MAX_NAME = 100
#: a login: a PostgreSQL role or an operating-system user name
LOGIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.@-]{0,99}")


def clean_name(raw: str) -> str:
    """A typed name, trimmed; refused when empty, too long or holding a control, zero-width or
    bidirectional-override character (text.check_name: "赵\\u200b海" is not "赵海")."""
    name = " ".join(check_name(raw.strip()).split())
    if not name:
        raise InvalidInput("a name is empty", "give the person's name")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"name {name[:20]!r}… is longer than {MAX_NAME} characters")
    return name


def clean_login(raw: str | None) -> str | None:
    """A login (a PostgreSQL role or an operating-system user name), trimmed; None when blank."""
    if raw is None or not raw.strip():
        return None
    login = check_name(raw.strip(), "login", param="login")
    if not LOGIN.fullmatch(login):
        raise InvalidInput(
            f"{login!r} is not a login name",
            "letters, digits and _ . @ -, starting with a letter or _, at most 100",
            param="login",
        )
    return login


# --- company mail (§3.2 rule 3) -----------------------------------------------------------------


def mail_domain(address: str) -> str:
    """The domain of an e-mail address, as compared: after the last ``@``, case-folded, without
    a trailing dot."""
    return address.rpartition("@")[2].strip().rstrip(".").casefold()


def mail_allowed(
    address: str | None, domain: str | None, from_date: date | None, today: date
) -> bool:
    """Whether ``address`` may be used for work on ``today`` (§3.2 rule 3: once the company has
    e-mail, only company e-mail). With no company ``domain`` set, or before ``from_date``, any
    address is; from that day, only an address at ``domain`` itself (not a subdomain; case does
    not matter). No address at all breaks no rule."""
    if not address or not domain:
        return True
    if from_date is not None and today < from_date:
        return True
    if "@" not in address:
        return False
    return mail_domain(address) == domain.strip().lstrip("@").rstrip(".").casefold()


# --- positions ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Labelled:
    """A position and every name it answers to: (key, the label as written)."""

    id: str
    labels: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class PositionMatch:
    """What a typed position name matches: one position exactly (its id, a name or an alias),
    or else the positions one of whose names holds the typed text (with the shortest such
    name), which the caller must not pick from on its own."""

    exact: str | None
    partial: tuple[tuple[str, str], ...] = ()


def match_position(typed: str, positions: Sequence[Labelled]) -> PositionMatch:
    """The position ``typed`` (a key) names: an exact match wins (``经理`` is the manager's
    alias, though ``总经理`` holds it too); otherwise every position with a name holding it."""
    for p in positions:
        if any(k == typed for k, _ in p.labels):
            return PositionMatch(p.id)
    if not typed:
        return PositionMatch(None)
    partial = []
    for p in positions:
        hits = [label for k, label in p.labels if typed in k]
        if hits:
            partial.append((p.id, min(hits, key=len)))
    return PositionMatch(None, tuple(partial))


def listed(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# --- reporting lines ----------------------------------------------------------------------------


def manager_fits(
    position: str, manager_position: str | None, reports_to: Mapping[str, str | None]
) -> bool:
    """Whether a person in ``position`` may have a manager in ``manager_position`` by the
    handbook's "reports to" (None: no manager, which always fits; the roster flags it)."""
    if manager_position is None:
        return True
    return reports_to.get(position) == manager_position


def may_place(acting_position: str | None, position: str, top: Collection[str]) -> bool:
    """Whether a person in ``acting_position`` (None: the keeper, unnamed, who may do anything)
    may put someone into ``position``: only someone at the ``top`` places anyone there."""
    return position not in top or acting_position is None or acting_position in top


def cycle_through(manager_of: Mapping[K, K | None], person: K) -> list[K] | None:
    """The reporting cycle ``person`` stands on, in reporting order starting with them (their
    manager next), found as :func:`reporting_cycles` finds every cycle; None when there is none."""
    for loop in reporting_cycles(manager_of):
        if person in loop:
            at = loop.index(person)
            return loop[at:] + loop[:at]
    return None


def reporting_cycles(manager_of: Mapping[K, K | None]) -> list[list[K]]:
    """Every cycle of the "manager of" relation (each person's manager, None at the top), each
    as its members in reporting order starting anywhere on it: at most one per member, found
    in time linear in the number of people (a chain of 100,000 is walked once)."""
    state: dict[K, int] = {}  # the walk that first reached a person
    cycles: list[list[K]] = []
    for walk, start in enumerate(manager_of, start=1):
        if start in state:
            continue
        path: list[K] = []
        node: K | None = start
        while node is not None and node not in state:
            state[node] = walk
            path.append(node)
            node = manager_of.get(node)
        if node is not None and state[node] == walk:  # came back onto this very walk
            cycles.append(path[path.index(node) :])
    return cycles


def depths(manager_of: Mapping[K, K | None], among: set[K]) -> dict[K, int]:
    """For each person of ``among``, how many of ``among`` stand above them (0: their manager is
    not one of them): inserting in this order puts every manager before their reports.
    ``manager_of`` must hold no cycle through ``among``."""
    depth: dict[K, int] = {}
    for start in among:
        path: list[K] = []
        node: K | None = start
        while node is not None and node in among and node not in depth:
            path.append(node)
            node = manager_of.get(node)
        base = depth[node] + 1 if node is not None and node in depth else 0
        for i, person in enumerate(reversed(path)):
            depth[person] = base + i
    return depth


# --- what changed -------------------------------------------------------------------------------


def changed(
    old: Mapping[str, str | None], new: Mapping[str, str | None]
) -> list[tuple[str, str | None, str | None]]:
    """The fields of ``new`` whose value differs from ``old``'s: (field, old, new), in
    ``new``'s order."""
    return [(f, old.get(f), v) for f, v in new.items() if old.get(f) != v]
