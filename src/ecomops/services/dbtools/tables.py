"""The ecomops tables in foreign-key order: read in batches, copied from one database
into another (each batch checked by an :class:`~ecomops.services.dbtools.intake.Intake`),
emptied, counted, and PostgreSQL's id sequences moved past the rows copied in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import Integer, func, select, text, update
from sqlalchemy.engine import Connection

from ecomops.db import schema
from ecomops.errors import InvalidInput

if TYPE_CHECKING:
    from ecomops.services.dbtools.intake import Intake


BATCH = 5000


def all_tables():
    """Every ecomops table, in foreign-key order (a table after those it refers to)."""
    return [t for t in schema.metadata.sorted_tables]


def self_refs(table) -> list[str]:
    """The columns of ``table`` that refer to ``table`` itself (a manager on the roster)."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def batches(conn: Connection, table) -> Iterator[list[dict]]:
    """The rows of ``table``, in primary-key order, :data:`BATCH` at a time."""
    pk = list(table.primary_key.columns)
    result = conn.execution_options(stream_results=True).execute(select(table).order_by(*pk))
    while batch := result.mappings().fetchmany(BATCH):
        yield [dict(r) for r in batch]


def source_batches(conn: Connection, table, source: str) -> Iterator[list[dict]]:
    """:func:`batches` of a source that may hold what no column type reads back (a SQLite file
    edited by hand: text in a date, a number that is not one): refused in one line."""
    try:
        yield from batches(conn, table)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise InvalidInput(
            f"cannot read {source}: its {table.name} table holds a value ecomops does not "
            f"write ({exc})"
        ) from None


def copy_rows(source: Connection, target: Connection, intake: Intake, where: str) -> dict[str, int]:
    """Copy every table's rows from ``source`` (named ``where``) into the (empty) ``target``,
    each batch checked by ``intake`` first (the caller asks its verdict)."""
    counts = {}
    for table in all_tables():
        deferred = self_refs(table)
        later: list[dict] = []
        n = 0
        for batch in source_batches(source, table, where):
            n += len(batch)
            if not intake.check(table, batch):
                continue
            if deferred:
                for row in batch:
                    if any(row[c] is not None for c in deferred):
                        later.append({"_pk": row["id"], **{c: row[c] for c in deferred}})
                        row.update(dict.fromkeys(deferred, None))
            target.execute(table.insert(), batch)
        intake.table_done(table.name)
        for row in later if intake.writing else ():
            target.execute(
                update(table)
                .where(table.c.id == row["_pk"])
                .values(**{c: row[c] for c in deferred})
            )
        counts[table.name] = n
    return counts


def reset_sequences(conn: Connection) -> None:
    """PostgreSQL: move each id sequence past the largest id copied in (SQLite: nothing)."""
    if conn.dialect.name != "postgresql":
        return
    for table in all_tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, Integer):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                    f"COALESCE(MAX({pk[0].name}), 1), MAX({pk[0].name}) IS NOT NULL) "
                    f"FROM {table.name}"
                )
            )


def empty_all(conn: Connection) -> None:
    """Delete every row of every table (self-references cleared first)."""
    for table in reversed(all_tables()):
        for c in self_refs(table):
            conn.execute(update(table).values(**{c: None}))
        conn.execute(table.delete())


def count_all(conn: Connection) -> dict[str, int]:
    """The number of rows of each table."""
    count = select(func.count())
    return {t.name: conn.execute(count.select_from(t)).scalar_one() for t in all_tables()}
