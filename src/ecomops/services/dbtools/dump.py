"""The portable dump (``db backup`` on PostgreSQL): JSON lines, gzipped, a header naming the
format and schema, then one ``[table, row]`` a line in foreign-key order.
"""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Connection

from ecomops.db.migrate import HEAD, current_revision
from ecomops.errors import InvalidInput
from ecomops.services.dbtools.intake import Intake
from ecomops.services.dbtools.tables import BATCH, all_tables, batches, self_refs

DUMP_FORMAT = "ecomops-dump"


def _encode(value):
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$D": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        ((k, v),) = value.items()
        if k == "$d":
            try:
                return Decimal(v)
            except ArithmeticError:
                raise ValueError(f"{str(v)[:40]!r} is not a number") from None
        if k == "$t":
            return datetime.fromisoformat(v)
        if k == "$D":
            return date.fromisoformat(v)
    return value


def write_dump(conn: Connection, path: Path) -> dict[str, int]:
    """Write every table's rows to the dump at ``path``; the rows written by table."""
    counts = {}
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"format": DUMP_FORMAT, "revision": current_revision(conn)}) + "\n")
        for table in all_tables():
            n = 0
            for batch in batches(conn, table):
                for row in batch:
                    fh.write(
                        json.dumps(
                            [table.name, {k: _encode(v) for k, v in row.items()}],
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
                n += len(batch)
            counts[table.name] = n
    return counts


def read_dump(path: Path, target: Connection, intake: Intake) -> dict[str, int]:
    """Write the rows of the dump at ``path`` into the (empty) ``target``, each checked by
    ``intake`` first (the caller asks its verdict)."""
    by_name = {t.name: t for t in all_tables()}
    counts: dict[str, int] = dict.fromkeys(by_name, 0)
    pending: dict[str, list[dict]] = {}
    later: list[tuple] = []
    reading: str | None = None  # the table whose rows are arriving
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            head = json.loads(fh.readline())
            if not isinstance(head, dict) or head.get("format") != DUMP_FORMAT:
                raise InvalidInput(f"{path} is not an ecomops dump")
            if head.get("revision") != HEAD:
                raise InvalidInput(
                    f"{path} holds schema {head.get('revision')}, this ecomops has {HEAD}",
                    "restore it with the ecomops release that made it, then upgrade",
                )
            for number, line in enumerate(fh, start=2):
                item = json.loads(line)
                if not (
                    isinstance(item, list)
                    and len(item) == 2
                    and item[0] in by_name
                    and isinstance(item[1], dict)
                ):
                    raise InvalidInput(
                        f"{path} is not a readable ecomops dump (line {number} is not a row of "
                        "an ecomops table)"
                    )
                name, raw = item
                table = by_name[name]
                if name != reading:
                    # tables arrive in dependency order: flush the others before a new one
                    for other in list(pending):
                        target.execute(by_name[other].insert(), pending.pop(other))
                    intake.table_done(reading)
                    reading = name
                row = {k: _decode(v) for k, v in raw.items()}
                counts[name] += 1
                if not intake.check(table, [row]):
                    pending.clear()
                    continue
                for c in self_refs(table):
                    if row.get(c) is not None:
                        later.append((table, row["id"], c, row[c]))
                        row[c] = None
                pending.setdefault(name, []).append(row)
                if len(pending[name]) >= BATCH:
                    target.execute(table.insert(), pending.pop(name))
    except (OSError, EOFError, KeyError, ValueError, TypeError, ArithmeticError) as exc:
        raise InvalidInput(f"{path} is not a readable ecomops dump ({exc})") from None
    intake.table_done(reading)
    if not intake.writing:
        return counts
    for name, rows in pending.items():
        target.execute(by_name[name].insert(), rows)
    for table, pk, column, value in later:
        target.execute(update(table).where(table.c.id == pk).values(**{column: value}))
    return counts
