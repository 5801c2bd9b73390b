"""Writing many rows at once: ids, updates at the driver's speed (per dialect), the history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Table

from ecomops.db.bulk import insert_rows, next_ids
from ecomops.db.limits import check_columns
from ecomops.db.session import Session
from ecomops.errors import NotAllowed
from ecomops.services.staff.reading import (
    SC,
)


def _new_ids(session: Session, table: Table, count: int) -> list[int]:
    """Ids for ``count`` new rows of ``table``: after the largest on SQLite (the transaction
    holds the write lock), taken from its sequence on PostgreSQL (shared with other writers)."""
    if count == 0:
        return []
    conn = session.connection()
    ids = next_ids(conn, table, count)
    if ids is not None:
        return ids
    seq = f"pg_get_serial_sequence('{table.name}', 'id')"
    q = f"SELECT nextval({seq}) FROM generate_series(1, {int(count)})"
    return [int(r[0]) for r in conn.exec_driver_sql(q)]


def _update_rows(session: Session, table: Table, columns: Sequence[str], rows: list[tuple]) -> int:
    """``UPDATE table SET columns[1:] WHERE columns[0] = …`` for every row (tuples in the order
    of ``columns``), at the driver's speed: ``executemany`` on SQLite, ``UPDATE … FROM
    (VALUES …)`` on PostgreSQL. Returns the number of rows changed."""
    if not rows:
        return 0
    check_columns(table.name, columns, rows)
    conn = session.connection()
    dialect = conn.dialect
    procs = [table.c[c].type._cached_bind_processor(dialect) for c in columns]
    cols = [
        list(col) if p is None else [p(v) for v in col]
        for p, col in zip(procs, zip(*rows, strict=True), strict=True)
    ]
    data = list(zip(*cols, strict=True))
    quote = dialect.identifier_preparer.quote
    name = dialect.identifier_preparer.format_table(table)
    ident, *fields = columns
    if dialect.name != "postgresql":
        sets = ", ".join(f"{quote(c)} = ?" for c in fields)
        data = [(*r[1:], r[0]) for r in data]
        result = conn.exec_driver_sql(f"UPDATE {name} SET {sets} WHERE {quote(ident)} = ?", data)
        return int(result.rowcount)
    from psycopg2.extras import execute_values

    sets = ", ".join(f"{quote(c)} = v.{quote(c)}" for c in fields)
    names = ", ".join(quote(c) for c in columns)
    types = [table.c[c].type.compile(dialect=dialect) for c in columns]
    template = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
    sql = (
        f"UPDATE {name} AS t SET {sets} FROM (VALUES %s) AS v ({names}) "
        f"WHERE t.{quote(ident)} = v.{quote(ident)}"
    )
    raw = conn.connection.driver_connection
    assert raw is not None, "a connection in a transaction has its driver connection"
    done = 0
    with raw.cursor() as cur:
        for start in range(0, len(data), 1000):
            page = data[start : start + 1000]
            execute_values(cur, sql, page, template=template, page_size=len(page))
            done += cur.rowcount
    return done


_CHANGE = ("id", "staff_id", "field", "old_value", "new_value", "effective", "recorded_at", "by_id")


class _Change(NamedTuple):
    id: int
    staff_id: int
    field: str
    old_value: str | None
    new_value: str | None
    effective: date
    recorded_at: datetime
    by_id: int | None


def _record(
    session: Session,
    changes: Sequence[tuple[int, str, str | None, str | None, date]],
    *,
    now: datetime,
    by: int | None,
) -> list[_Change]:
    """Record ``changes`` (staff id, field, old, new, effective day) in the history."""
    ids = _new_ids(session, SC, len(changes))
    rows = [_Change(i, *c, now, by) for i, c in zip(ids, changes, strict=True)]
    insert_rows(session.connection(), SC, _CHANGE, rows)
    return rows


def _forget_managers(session: Session) -> None:
    session.info.pop("ecomops.managers", None)  # permissions.managers() read it before


def _changed_or_refused(done: int, expected: int, who: str) -> None:
    if done != expected:  # PostgreSQL's row-level security filtered it out
        raise NotAllowed(f"{who} could not be changed", "nothing was changed")
