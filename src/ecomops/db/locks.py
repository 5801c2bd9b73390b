"""Writers that must not race: a lock held until the transaction ends.

SQLite needs none: a write transaction (``BEGIN IMMEDIATE``) holds the file's one write lock.
PostgreSQL lets writers run side by side, so a command that reads a record's newest version
and writes the next one first takes a transaction-scoped advisory lock named after the record;
a second writer waits for the first to commit, then reads what it wrote. The unique indexes of
revision 0011 stay behind the locks as the last guard.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


def hold(conn: Connection, name: str) -> None:
    """Take the lock called ``name`` (e.g. ``cycle:2026-11``) until the transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


def cycle(conn: Connection, cycle_id: str) -> None:
    """A cycle's lock: opening, closing, reopening it, and writing its sheets and grades."""
    hold(conn, f"ecomops.cycle:{cycle_id}")


def plan(conn: Connection, staff_id: int, kind: str, period: str) -> None:
    """The lock of one person's plan (or summary) for one period."""
    hold(conn, f"ecomops.plan:{staff_id}:{kind}:{period}")
