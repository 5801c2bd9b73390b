"""One set of text limits on both backends (lengths, and no NUL character).

PostgreSQL refuses a value longer than its ``varchar(n)`` column; SQLite stores any length. So
that whatever SQLite accepts PostgreSQL accepts too (and ``db copy`` never stops half-way on a
long value), every write is checked against the column's length here, before it reaches
either database, and refused with one line naming the field. Long-text columns (``text`` on
PostgreSQL) get a limit of their own, :data:`TEXT_LIMITS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, Text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.dml import Insert, Update

from ecomops.errors import InvalidInput

#: columns of unbounded type (``text``) and the most characters they take
TEXT_LIMITS = {("plan", "summary"): 20_000, ("plan", "plan"): 20_000}


def limit(table: str, column: str) -> int | None:
    """The most characters ``table.column`` takes (None: not a text column)."""
    return _limits(table).get(column)


@cache
def _limits(table: str) -> dict[str, int]:
    from ecomops.db import schema

    t = schema.metadata.tables.get(table)
    if t is None:
        return {}
    out = {}
    for c in t.columns:
        length = getattr(c.type, "length", None)
        if length:
            out[c.key] = int(length)
        elif isinstance(c.type, Text):
            out[c.key] = TEXT_LIMITS[(table, c.key)]
    return out


def _label(table: str, column: str) -> str:
    """How a user calls the field: ``task title``, ``visitor purpose``, ``name``."""
    field = column.removesuffix("_zh").removesuffix("_en").replace("_", " ")
    return f"{table.replace('_', ' ')} {field}".replace("staff name", "name")


def check(table: str, values: Mapping[str, Any]) -> None:
    """Refuse a value longer than its column takes, naming the field and the limit."""
    limits = _limits(table)
    for key, value in values.items():
        most = limits.get(key)
        if most is not None and isinstance(value, str) and "\x00" in value:
            raise InvalidInput(  # SQLite would keep it; PostgreSQL refuses it in any text
                f"the {_label(table, key)} holds a NUL character "
                f"(character {value.index(chr(0)) + 1})",
                "remove it (a file saved as UTF-16 shows this: save it as UTF-8); "
                "nothing was written",
                param=key,
            )
        if most is not None and isinstance(value, str) and len(value) > most:
            raise InvalidInput(
                f"the {_label(table, key)} is {len(value):,} characters long; "
                f"the most is {most:,}",
                "shorten it; nothing was written",
                param=key,
            )


def check_columns(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """:func:`check` for rows given as tuples in the order of ``columns`` (bulk inserts)."""
    limits = _limits(table)
    watched = [(i, c, limits[c]) for i, c in enumerate(columns) if c in limits]
    if not watched:
        return
    for row in rows:
        for i, c, most in watched:
            v = row[i]
            if isinstance(v, str) and (len(v) > most or "\x00" in v):
                check(table, {c: v})


def _statement_values(stmt: Insert | Update, dialect: Any = None) -> dict[str, Any]:
    """The values written by ``stmt`` itself (``.values(...)``), by column key."""
    compiled = stmt.compile(dialect=dialect)
    table = stmt.table
    keys = set(table.c.keys()) if isinstance(table, Table) else set()
    return {k: v for k, v in compiled.params.items() if k in keys}


def _before_execute(conn, clauseelement, multiparams, params, execution_options):
    if not isinstance(clauseelement, Insert | Update):
        return
    table = clauseelement.table
    if not isinstance(table, Table) or not _limits(table.name):
        return
    check(table.name, _statement_values(clauseelement, conn.dialect))
    for row in (*(multiparams or ()), params):  # executemany's rows, or one row's values
        if isinstance(row, Mapping):
            check(table.name, row)


def guard(engine: Engine | Connection) -> None:
    """Check every Core insert and update on ``engine`` against the limits."""
    from sqlalchemy import event

    event.listen(engine, "before_execute", _before_execute)
