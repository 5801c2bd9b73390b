"""What revision 0015's write guards cost (issue 21 item 1): the keeper's bulk writes (a row-level
BEFORE trigger that passes the keeper at once) and a member role's checked writes, against the
same writes with the guards switched off, interleaved, medians of several runs.

    ECOMOPS_DATABASE_URL=postgresql://postgres@HOST:PORT/postgres \\
        python benchmarks/write_guards.py [--rows 20000] [--runs 5]

Makes (and drops) a database ``ecomops_bench_guards_<random>`` on that server.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def _timed(engine, sql: str, rows: int) -> float:
    with engine.begin() as conn:
        start = time.perf_counter()
        conn.execute(text(sql), {"n": rows})
        took = time.perf_counter() - start
        conn.execute(text("DELETE FROM task_event"))
        conn.execute(text("DELETE FROM task"))
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    url = os.environ.get("ECOMOPS_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        raise SystemExit("set ECOMOPS_DATABASE_URL to a PostgreSQL server")
    admin = make_url(url).set(drivername="postgresql+psycopg2")
    name = f"ecomops_bench_guards_{uuid.uuid4().hex[:8]}"
    boot = create_engine(admin, isolation_level="AUTOCOMMIT")
    with boot.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(admin.set(database=name))
    try:
        from ecomops.db import migrate

        with engine.begin() as conn:
            migrate.upgrade(conn)
        insert = (
            "INSERT INTO task (source, title_zh, title_en, due, status, owner_by_hand, "
            "due_by_hand, created_at) SELECT 'manual', 't' || g, 't' || g, DATE '2026-12-20', "
            "'open', false, false, now() FROM generate_series(1, :n) g"
        )
        on: list[float] = []
        off: list[float] = []
        for _ in range(args.runs):
            on.append(_timed(engine, insert, args.rows))
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE task DISABLE TRIGGER ecomops_guard"))
            off.append(_timed(engine, insert, args.rows))
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE task ENABLE TRIGGER ecomops_guard"))
        a, b = statistics.median(on), statistics.median(off)
        print(f"keeper inserts {args.rows} tasks: guarded {a:.3f} s, unguarded {b:.3f} s, "
              f"ratio {a / b:.2f}")
    finally:
        engine.dispose()
        with boot.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        boot.dispose()


if __name__ == "__main__":
    main()
