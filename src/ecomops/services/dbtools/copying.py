"""``db copy``: the whole database into another one (SQLite → PostgreSQL), checked as a
restore is, then compared table by table.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from ecomops.db.engine import resolve
from ecomops.db.migrate import needs_upgrade, upgrade
from ecomops.db.session import Database, Session
from ecomops.errors import DatabaseError, InvalidInput
from ecomops.services.dbtools.backup import COMPANIONS
from ecomops.services.dbtools.intake import Intake
from ecomops.services.dbtools.tables import (
    all_tables,
    batches,
    copy_rows,
    count_all,
    reset_sequences,
)


def copy_to(
    database: Database,
    url: str,
    *,
    audit: Callable[[Session], None] | None = None,
    force: bool = False,
) -> dict:
    """Copy the whole database into another one (made or upgraded to this schema; it must hold
    no ecomops records yet), checking afterwards that every table has the same rows. The rows
    are checked as a restore checks them (``force`` as there): one refused refuses the whole,
    and the target is left as it was (a SQLite file the copy made is removed)."""
    from ecomops.services.database import refuse_foreign, refuse_other_tables

    target = Database(resolve(database_url=url))
    path = target.target.sqlite_path
    made = path is not None and not path.exists()
    if path is not None and path.exists():
        refuse_foreign(path)  # not another application's file, nor a FIFO or a device
    try:
        with target.connect(write=True) as dst:
            refuse_other_tables(dst, target.target.display())
            if needs_upgrade(dst):
                upgrade(dst)
            existing = {k: v for k, v in count_all(dst).items() if v}
            if existing:
                raise InvalidInput(
                    f"{target.target.display()} already holds ecomops records "
                    f"({', '.join(f'{k} {v}' for k, v in sorted(existing.items()))})",
                    "copy into an empty database",
                )
            intake = Intake(
                database.target.display(),
                dst,
                force=force,
                done="copied",
                fix="correct them in the source first",
            )
            with database.connect(write=False, snapshot=True) as src:
                counts = copy_rows(src, dst, intake, database.target.display())
            intake.verdict()  # refused: the target's transaction is rolled back
            reset_sequences(dst)
            if audit is not None:
                audit(Session(dst))
        with target.connect(write=False) as dst, database.connect(write=False) as src:
            for table in all_tables():
                if table.name == "audit":
                    continue  # the target's trail also holds this copy
                if _digest(src, table) != _digest(dst, table):
                    raise DatabaseError(f"the copy of table {table.name} differs")
    except BaseException:
        target.dispose()
        if made and path is not None:  # the copy made the file: nothing of it is left
            for suffix in COMPANIONS:
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        target.dispose()
    return {"from": database.target.display(), "to": target.target.display(), "rows": counts}


def _digest(conn: Connection, table: Table) -> list[tuple[tuple[str, str], ...]]:
    out: list[tuple[tuple[str, str], ...]] = []
    for batch in batches(conn, table):
        out.extend(tuple(sorted((k, repr(_norm(v))) for k, v in row.items())) for row in batch)
    return out


def _norm(value):
    if isinstance(value, Decimal):
        return value.normalize()
    return value
