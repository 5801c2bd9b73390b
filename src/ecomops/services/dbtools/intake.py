"""What a restore or a copy brings in, checked as it passes by the rules the tool's own writes
keep (:mod:`ecomops.core.backup`): once a row is refused nothing more is written, and the
whole is refused naming the first bad rows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Numeric, String, Table, Text, text
from sqlalchemy.engine import Connection

from ecomops.core.backup import (
    RESERVED_LOGINS,
    ColumnRule,
    Findings,
    Member,
    Rules,
    limited_positions,
    roster_problems,
    row_label,
    row_problem,
)
from ecomops.db.types import UTCDateTime
from ecomops.errors import InvalidInput, Suggest
from ecomops.i18n import N_
from ecomops.services.dbtools.tables import all_tables


def _kinds(column) -> tuple[type, ...]:
    """The Python values a column reads back as (empty: anything, a JSON document)."""
    kind = column.type
    for sql, python in (
        (UTCDateTime, (datetime,)),
        (DateTime, (datetime,)),
        (Date, (date,)),
        (Boolean, (bool,)),
        (Integer, (int,)),
        (Numeric, (Decimal,)),
        (String, (str,)),
        (Text, (str,)),
    ):
        if isinstance(kind, sql):
            return python
    if isinstance(kind, JSON):
        return ()
    raise AssertionError(f"no rule for the type of {column}")  # pragma: no cover


def column_rules() -> dict[str, dict[str, ColumnRule]]:
    """Every table's columns as core.backup checks them: the values each reads back as,
    whether it may be empty, how long its text may be."""
    from ecomops.db.limits import limit

    return {
        t.name: {
            c.name: ColumnRule(_kinds(c), bool(c.nullable), limit(t.name, c.name))
            for c in t.columns
        }
        for t in all_tables()
    }


def _reserved_logins(conn: Connection) -> frozenset[str]:
    """The logins nobody on the roster may hold in the database ``conn`` writes: the systems'
    own (root, postgres) and, on PostgreSQL, every superuser's."""
    if conn.dialect.name != "postgresql":
        return RESERVED_LOGINS
    found = conn.execute(text("SELECT rolname FROM pg_roles WHERE rolsuper")).scalars()
    return RESERVED_LOGINS | frozenset(str(r) for r in found)


class Intake:
    """The rows a restore or a copy brings in, checked as they pass, before any is written:
    once one is refused, nothing more is written (the rest is read only to count the
    problems), and :meth:`verdict` refuses the whole. The roster is checked whole once its
    table has been read, against the handbook the rows bring (the newest ``manual_version``):
    one holder of each position it has one of, unless ``force`` (as ``staff add --force``)."""

    def __init__(self, source: str, conn: Connection, *, force: bool, done: str, fix: str) -> None:
        self.source, self.force, self.done, self.fix = source, force, done, fix
        self.rules = Rules(column_rules(), _reserved_logins(conn))
        self.findings = Findings()
        self.members: list[Member] = []
        self.manual: tuple[int, object] | None = None
        self.roster_checked = False
        self.second_holder = False

    @property
    def writing(self) -> bool:
        """Whether rows are still written: nothing refused so far."""
        return not self.findings

    def check(self, table: Table, rows: list[dict]) -> bool:
        """Check ``rows`` of ``table``; whether to write them (nothing refused so far)."""
        name = table.name
        keys = [c.name for c in table.primary_key.columns]
        for row in rows:
            problem = row_problem(name, row, self.rules)
            if problem is not None:
                self.findings.add(row_label(name, row, keys), problem)
            elif name == "staff":
                self.members.append(
                    Member(
                        row["id"], row["name"], row["name_key"], row["position_id"],
                        row.get("manager_id"), bool(row["active"]), row.get("login"),
                    )
                )
            elif name == "manual_version" and (self.manual is None or row["id"] > self.manual[0]):
                self.manual = (row["id"], row["document"])
        return self.writing

    def table_done(self, name: str | None) -> None:
        """The rows of table ``name`` have all been read: the roster is checked whole."""
        if name == "staff":
            self._roster()

    def _limited(self) -> dict[str, str]:
        if self.force:
            return {}
        if self.manual is None:
            self.findings.add("manual_version", "no handbook: the roster cannot be checked")
            return {}
        from pydantic import ValidationError

        from ecomops.handbook.model import Manual

        try:
            m = Manual.model_validate(self.manual[1])
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "the document"
            self.findings.add(
                f"manual_version id {self.manual[0]}",
                f"the handbook is not one ecomops loads ({where}: {first['msg']})",
            )
            return {}
        return limited_positions((p.id, p.reports_to, p.head) for p in m.positions)

    def _roster(self) -> None:
        if self.roster_checked:
            return
        self.roster_checked = True
        limited = self._limited()
        for staff_id, problem in roster_problems(self.members, limited):
            self.second_holder = self.second_holder or " would be a second " in problem
            self.findings.add(f"staff id {staff_id}", problem)

    def verdict(self) -> None:
        """Refuse the whole when any row was: one line, then the first bad rows."""
        self._roster()
        if not self.findings:
            return
        n = self.findings.count
        hint = N_(f"ecomops never writes these; {self.fix}")
        if self.second_holder:
            hint += "; a second holder recorded with {command} is accepted with {param:force}"
        raise InvalidInput(
            f"{self.source}: {n} problem{'s' if n > 1 else ''}; nothing was {self.done}",
            hint,
            problems=self.findings.lines(),
            suggest=Suggest("staff.add", flags=("force",)) if self.second_holder else None,
        )
