"""db/bulk.py stores exactly what a Core insert stores (executemany on SQLite, COPY on
PostgreSQL), including the awkward strings COPY's text format must escape."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, insert, select

from ecomops.db import schema
from ecomops.db.bulk import insert_rows, next_ids
from ecomops.db.engine import resolve
from ecomops.db.session import Database

AWKWARD = ["plain", "tab\there", "new\nline", "back\\slash \\N", "cr\rlf", "", "中文 ＡＢ", None]


def _database(backend) -> Database:
    return Database(resolve(db=str(backend.path)) if backend.path else resolve(database_url=backend.url))


def test_bulk_rows_read_back_as_core_rows(db):
    au, tk = schema.audit, schema.task
    at = datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=UTC)
    audits = [(at, f"actor {i}", "cmd", {"args": [s], "n": i, "nested": {"k": s}})
              for i, s in enumerate(AWKWARD)]
    tasks = [(s, "manual", s or "x", s or "y", date(2026, 11, 2 + i), i % 2 == 0,
              at if i % 3 else None, at)
             for i, s in enumerate(AWKWARD)]
    task_cols = ("note", "source", "title_zh", "title_en", "due", "owner_by_hand", "done_at",
                 "created_at")
    database = _database(db)
    try:
        results = {}
        for how in ("core", "bulk"):
            with database.connect(write=True) as conn:
                conn.execute(delete(au))
                conn.execute(delete(schema.task_event))
                conn.execute(delete(tk))
                if how == "core":
                    conn.execute(insert(au), [dict(zip(("at", "actor", "command", "details"), r,
                                                       strict=True)) for r in audits])
                    conn.execute(insert(tk), [dict(zip(task_cols, r, strict=True), status="open")
                                              for r in tasks])
                else:
                    assert insert_rows(conn, au, ("at", "actor", "command", "details"),
                                       audits) == len(AWKWARD)
                    assert insert_rows(conn, tk, (*task_cols, "status"),
                                       [(*r, "open") for r in tasks]) == len(AWKWARD)
            with database.connect(write=False) as conn:
                results[how] = (
                    [tuple(r)[1:] for r in conn.execute(select(au).order_by(au.c.id))],
                    [tuple(r)[1:] for r in conn.execute(select(tk).order_by(tk.c.id))],
                )
    finally:
        database.dispose()
    assert results["bulk"] == results["core"]
    notes = [r[tk.c.keys().index("note") - 1] for r in results["bulk"][1]]
    assert notes == AWKWARD
    details = au.c.keys().index("details") - 1
    assert results["bulk"][0][1][details] == {
        "args": ["tab\there"], "n": 1, "nested": {"k": "tab\there"}}


def test_next_ids_follow_the_table_on_sqlite_only(db):
    database = _database(db)
    try:
        with database.connect(write=True) as conn:
            ids = next_ids(conn, schema.audit, 3)
            top = conn.execute(select(schema.audit.c.id).order_by(schema.audit.c.id.desc())
                               .limit(1)).scalar() or 0
    finally:
        database.dispose()
    if db.path is None:
        assert ids is None  # PostgreSQL: sequences are shared, RETURNING gives the ids
    else:
        assert ids == [top + 1, top + 2, top + 3]
