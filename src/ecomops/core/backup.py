"""What a backup may bring in (pure): the rules the tool's own writes keep, applied to the rows
``db restore`` and ``db copy`` read, so that neither writes what no command could.

Rows are plain mappings (a column's name → its value), checked table by table:

- :func:`row_problem`: each row on its own — every value of its column's kind and length (no
  NUL), dates within the years the calendar knows (``FIRST_YEAR``–``LAST_YEAR``), then the
  table's own rule (:data:`TABLE_RULES`): a name and a login as the roster writes them (and no
  login of the system's own: ``root``, ``postgres``, a superuser's), scores 0–100, the statuses
  and kinds a command writes, nobody rating or calibrating themselves, no end before its start;
- :func:`roster_problems`: the roster whole — a manager who is on it, no reporting loop, each
  name and login once, and one active holder of each position the handbook has one of
  (:func:`limited_positions`: the top, the department head);
- :class:`Findings`: the problems found, the first :data:`MOST` of them listed and the rest
  counted, so that a refusal names the first bad rows in one screen.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ecomops.core import leave, plans, tasks
from ecomops.core.calendar import FIRST_YEAR, LAST_YEAR, YEARS, shown
from ecomops.core.cycles import STATUSES as CYCLE_STATUSES
from ecomops.core.cycles import parse_cycle_id
from ecomops.core.roster import clean_login, clean_name, reporting_cycles
from ecomops.core.schedule import KINDS as CALENDAR_KINDS
from ecomops.errors import InvalidInput
from ecomops.text import key

#: the most problems a refusal lists (the rest are counted: "and N more")
MOST = 10
#: logins nobody on the roster may hold, whatever the database: the systems' own superusers
RESERVED_LOGINS = frozenset({"root", "postgres"})
#: a task's statuses (revision 0014 widened the column for cancelled tasks)
TASK_STATUSES = frozenset((*tasks.STATUSES, "cancelled"))
#: what a day of a loaded calendar year is: a day off, or an adjusted working day
DAY_KINDS = ("off", "work")

Row = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ColumnRule:
    """What a column holds: values of ``kinds`` (empty: anything, e.g. JSON), None only when
    ``nullable``, text at most ``limit`` characters long."""

    kinds: tuple[type, ...]
    nullable: bool
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class Rules:
    """What the rows are checked against: each table's columns (by table, then column), and the
    logins nobody may hold."""

    columns: Mapping[str, Mapping[str, ColumnRule]] = field(default_factory=dict)
    reserved_logins: frozenset[str] = RESERVED_LOGINS


def _kind_word(kinds: tuple[type, ...]) -> str:
    words = {int: "a whole number", str: "text", bool: "true or false", Decimal: "a number",
             date: "a date", datetime: "a time"}
    return " or ".join(words.get(k, k.__name__) for k in kinds)


def _in_years(value: date) -> bool:
    return FIRST_YEAR <= value.year <= LAST_YEAR


def column_problem(column: str, value: Any, rule: ColumnRule) -> str | None:
    """What is wrong with ``value`` in ``column``: missing, of another kind (the kind itself:
    ``True`` is no number, a time no date), too long, holding a NUL, or a date outside the
    years the calendar knows; None when nothing is."""
    if value is None:
        return None if rule.nullable else f"no {column}"
    kind = type(value)
    if rule.kinds and kind not in rule.kinds:
        return f"{column} {shown(str(value))} is not {_kind_word(rule.kinds)}"
    if kind is str:
        if rule.limit is not None and len(value) > rule.limit:
            return (
                f"{column} {shown(value)} is {len(value):,} characters long; "
                f"the most is {rule.limit:,}"
            )
        if "\x00" in value:
            return f"{column} {shown(value)} holds a NUL character"
    elif (kind is date or kind is datetime) and not _in_years(value):
        return f"{column} {value.isoformat()} is outside the years {YEARS}"
    return None


#: the kinds :func:`column_problem` has nothing more to say about once a value is of them
_PLAIN = frozenset((int, bool, Decimal))


# --- each table's own rule ------------------------------------------------------------------


def login_problem(login: str, reserved: Collection[str] = RESERVED_LOGINS) -> str | None:
    """What is wrong with ``login`` as a roster entry's login: not a login name (the rule of
    ``staff link``), or one of the system's own (``reserved``), which would make the system's
    superuser someone on the roster. None when nothing is."""
    try:
        clean = clean_login(login)
    except InvalidInput as exc:
        return exc.message
    if clean != login:
        return f"the login {shown(login)} is not a login name (blank, or spaces around it)"
    if login in reserved:
        return (
            f"the login {login!r} is the system's own (a superuser's): nobody on the roster "
            "acts as it"
        )
    return None


def name_problem(name: str, name_key: Any) -> str | None:
    """What is wrong with a stored name: it breaks the roster's rule (empty, too long, an
    invisible or control character), is not as the roster writes it (trimmed, single spaces),
    or its ``name_key`` (the form names are compared in) is not its own."""
    try:
        clean = clean_name(name)
    except InvalidInput as exc:
        return exc.message
    if clean != name:
        return f"the name {shown(name)} is not trimmed to single spaces"
    if name_key != key(name):
        return f"the name key {shown(str(name_key))} is not the name {shown(name)}'s"
    return None


def _staff(row: Row, rules: Rules) -> str | None:
    problem = name_problem(row["name"], row.get("name_key"))
    if problem is None and row.get("login") is not None:
        problem = login_problem(row["login"], rules.reserved_logins)
    if problem is None:
        problem = _order(row, "joined_on", "left_on", "left on {1}, before joining on {0}")
    return problem


def _order(row: Row, start: str, end: str, message: str) -> str | None:
    """``message`` (formatted with the two values) when ``row[end]`` is before ``row[start]``."""
    a, b = row.get(start), row.get(end)
    if a is not None and b is not None and b < a:
        return message.format(a.isoformat(), b.isoformat())
    return None


def _one_of(row: Row, column: str, allowed: Collection[str]) -> str | None:
    value = row.get(column)
    if value not in allowed:
        return f"{column} {shown(str(value))} is not one of {', '.join(sorted(allowed))}"
    return None


def _first(*problems: Callable[[], str | None]) -> str | None:
    for problem in problems:
        found = problem()
        if found is not None:
            return found
    return None


def _version(row: Row) -> str | None:
    return None if row.get("version", 1) >= 1 else f"version {row['version']} is below 1"


def _sheet(row: Row, rules: Rules) -> str | None:
    if row["employee_id"] == row["rater_id"]:
        return f"staff id {row['rater_id']} rates themselves (nobody rates themselves)"
    if row.get("entered_by_id") == row["employee_id"]:
        return f"staff id {row['employee_id']} entered a sheet about themselves"
    return _version(row)


def _sheet_score(row: Row, rules: Rules) -> str | None:
    score = row["score"]
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        return f"score {score} is outside 0–100"
    return None


def _calibration(row: Row, rules: Rules) -> str | None:
    if row["by_id"] == row["employee_id"]:
        return f"staff id {row['by_id']} calibrated their own grade"
    return None


def _cycle(row: Row, rules: Rules) -> str | None:
    def named() -> str | None:
        try:
            found = parse_cycle_id(row["id"])
        except InvalidInput as exc:
            return exc.message
        if found != (row["id"], row["kind_id"]):
            return f"{row['id']!r} is not how a {row['kind_id']} cycle is named"
        return None

    return _first(lambda: _one_of(row, "status", CYCLE_STATUSES), named)


def _plan(row: Row, rules: Rules) -> str | None:
    return _first(lambda: _one_of(row, "kind", plans.KINDS), lambda: _version(row))


def _leave(row: Row, rules: Rules) -> str | None:
    return _first(
        lambda: _one_of(row, "status", leave.STATUSES),
        lambda: _one_of(row, "kind", leave.KINDS),
        lambda: _order(row, "start", "end", "it ends on {1}, before it starts on {0}"),
    )


def _handover(row: Row, rules: Rules) -> str | None:
    if row["staff_id"] == row["cover_id"]:
        return f"staff id {row['staff_id']} hands over to themselves"
    return _order(row, "start_at", "end_at", "it ends at {1}, before it starts at {0}")


def _visitor(row: Row, rules: Rules) -> str | None:
    return _order(row, "arrived_at", "left_at", "they left at {1}, before arriving at {0}")


def _task(row: Row, rules: Rules) -> str | None:
    return _first(
        lambda: _one_of(row, "status", TASK_STATUSES),
        lambda: _one_of(row, "source", tasks.SOURCES),
    )


def _calendar_year(row: Row, rules: Rules) -> str | None:
    return _one_of(row, "kind", CALENDAR_KINDS)


def _calendar_day(row: Row, rules: Rules) -> str | None:
    if row["day"].year != row["year"]:
        return f"day {row['day'].isoformat()} is not in the year {row['year']}"
    return _one_of(row, "kind", DAY_KINDS)


#: each table's own rule, applied once every value is of its column's kind
TABLE_RULES: dict[str, Callable[[Row, Rules], str | None]] = {
    "staff": _staff,
    "sheet": _sheet,
    "sheet_score": _sheet_score,
    "calibration": _calibration,
    "cycle": _cycle,
    "plan": _plan,
    "leave": _leave,
    "handover": _handover,
    "visitor": _visitor,
    "task": _task,
    "calendar_year": _calendar_year,
    "calendar_day": _calendar_day,
}


def row_problem(table: str, row: Row, rules: Rules) -> str | None:
    """The first thing wrong with ``row`` of ``table`` (None: nothing): a column the table does
    not have, a value :func:`column_problem` refuses, then the table's own rule."""
    columns = rules.columns.get(table)
    if columns is None:
        return f"there is no table {table!r}"
    for column in row:
        if column not in columns:
            return f"there is no column {column!r}"
    for column, rule in columns.items():
        value = row.get(column)
        kind = type(value)
        if kind in _PLAIN and kind in rule.kinds:
            continue  # the usual case, a number: nothing more to ask (a restore reads millions)
        problem = column_problem(column, value, rule)
        if problem is not None:
            return problem
    own = TABLE_RULES.get(table)
    return own(row, rules) if own is not None else None


def row_label(table: str, row: Row, key_columns: Sequence[str]) -> str:
    """How a problem names its row: ``staff id 7``, ``sheet_score sheet_id 3, criterion_id
    'analysis'``."""
    parts = []
    for c in key_columns:
        v = row.get(c)
        parts.append(f"{c} {shown(v) if isinstance(v, str) else v}")
    return f"{table} {', '.join(parts)}"


# --- the roster whole ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """A roster row as the roster's rules read it."""

    id: int
    name: str
    name_key: str
    position: str
    manager_id: int | None
    active: bool
    login: str | None = None


def limited_positions(
    positions: Iterable[tuple[str, str | None, bool]],
) -> dict[str, str]:
    """The positions the handbook has one holder of, each with why, from every position's
    (id, the position it reports to, whether it heads the department): a position at the top
    (reporting to nobody), and the department head."""
    out: dict[str, str] = {}
    for pid, reports_to, head in positions:
        if reports_to is None:
            out[pid] = "a position at the top"
        elif head:
            out[pid] = "the department head"
    return out


def roster_problems(
    members: Sequence[Member], limited: Mapping[str, str]
) -> list[tuple[int, str]]:
    """What is wrong with the roster whole, as (staff id, problem) by id: a manager not on the
    roster, a reporting loop (named at its lowest id), a name or a login held twice, and a
    second active holder of a position in ``limited`` (position → why it has one)."""
    by_id = {m.id: m for m in members}
    out: list[tuple[int, str]] = []
    for m in members:
        if m.manager_id is not None and m.manager_id not in by_id:
            out.append((m.id, f"{shown(m.name)}'s manager, staff id {m.manager_id}, is not on "
                              "the roster"))
    manager_of = {m.id: m.manager_id if m.manager_id in by_id else None for m in members}
    for loop in reporting_cycles(manager_of):
        at = loop.index(min(loop))
        names = [shown(by_id[i].name) for i in loop[at:] + loop[:at]]
        out.append((loop[at], f"a reporting cycle: {' → '.join([*names, names[0]])}"))
    for what, value in (("name", lambda m: m.name_key), ("login", lambda m: m.login)):
        first: dict[str, Member] = {}
        for m in sorted(members, key=lambda m: m.id):
            v = value(m)
            if v is None:
                continue
            if v in first:
                out.append((m.id, f"the {what} of {shown(m.name)} is also "
                                  f"{shown(first[v].name)}'s (staff id {first[v].id})"))
            else:
                first[v] = m
    for position, why in limited.items():
        holders = sorted((m for m in members if m.active and m.position == position),
                         key=lambda m: m.id)
        for extra in holders[1:]:
            out.append((extra.id, f"{shown(extra.name)} would be a second {position} ({why}) "
                                  f"beside {shown(holders[0].name)}"))
    return sorted(out, key=lambda p: p[0])


# --- the problems found -------------------------------------------------------------------------


class Findings:
    """The problems found: the first ``most`` listed as ``WHERE: PROBLEM``, the rest counted."""

    def __init__(self, most: int = MOST) -> None:
        self.most = most
        self.count = 0
        self.listed: list[str] = []

    def add(self, where: str, problem: str) -> None:
        self.count += 1
        if len(self.listed) < self.most:
            self.listed.append(f"{where}: {problem}")

    def __bool__(self) -> bool:
        return self.count > 0

    def lines(self) -> list[str]:
        """The problems listed, then "and N more" when some were not."""
        more = self.count - len(self.listed)
        return [*self.listed, *([f"and {more} more"] if more else [])]
