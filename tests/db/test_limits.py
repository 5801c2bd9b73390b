"""One set of text limits on both backends: each equals the column's own length, and a value
over it is refused with one line before anything is written (SQLite would store it;
PostgreSQL's varchar would refuse it half-way through a db copy)."""

from __future__ import annotations

import pytest
from sqlalchemy import String, Text, text

from ecomops.db import schema
from ecomops.db.engine import resolve
from ecomops.db.limits import TEXT_LIMITS, limit
from ecomops.db.session import Database


def _declared(backend) -> dict[tuple[str, str], int | None]:
    """The length each text column has in the database itself (None: unbounded)."""
    database = Database(resolve(db=str(backend.path)) if backend.path
                        else resolve(database_url=backend.url))
    out: dict[tuple[str, str], int | None] = {}
    try:
        with database.connect(write=False) as conn:
            if backend.path is None:
                for t, c, n, _kind in conn.execute(text(
                        "SELECT table_name, column_name, character_maximum_length, data_type "
                        "FROM information_schema.columns WHERE table_schema = current_schema() "
                        "AND data_type IN ('character varying', 'text')")):
                    out[(t, c)] = n
            else:
                for t in schema.metadata.tables:
                    for row in conn.execute(text(f'PRAGMA table_info("{t}")')):
                        kind = str(row[2]).upper()
                        if kind.startswith("VARCHAR("):
                            out[(t, row[1])] = int(kind[8:-1])
                        elif kind == "TEXT":
                            out[(t, row[1])] = None
    finally:
        database.dispose()
    return out


def test_every_text_column_has_a_limit_equal_to_its_declared_length(db):
    declared = _declared(db)
    text_columns = {
        (t.name, c.name)
        for t in schema.metadata.tables.values()
        for c in t.columns
        if isinstance(c.type, String | Text) and not c.type.__class__.__name__ == "JSON"
    }
    assert text_columns and text_columns <= set(declared)
    for (table, column) in text_columns:
        length = declared[(table, column)]
        want = length if length is not None else TEXT_LIMITS[(table, column)]
        assert limit(table, column) == want, (table, column)


def test_a_100000_character_task_title_is_refused_and_nothing_written(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    assert cli("staff", "add", "王芳", "-p", "copywriter").exit_code == 0
    before = cli("tasks", "list", "--json").json()
    r = cli("tasks", "add", "x" * 100_000, "--owner", "王芳", "--due", "2026-12-10")
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [
        "error: the task title is 100,000 characters long; the most is 2,000; "
        "shorten it; nothing was written"
    ]
    assert cli("tasks", "list", "--json").json() == before
    exact = cli("tasks", "add", "y" * 2000, "--owner", "王芳", "--due", "2026-12-10")
    assert exact.exit_code == 0, exact.stderr  # the limit itself is accepted


def test_a_plan_over_the_text_limit_names_the_option(db, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-02T10:00")
    assert cli("staff", "add", "王芳", "-p", "copywriter").exit_code == 0
    r = cli("plan", "submit", "--as", "王芳", "--summary", "s" * 20_001, "--plan", "p")
    assert r.exit_code == 1
    assert "the plan summary is 20,001 characters long; the most is 20,000" in r.stderr
    assert "(--summary)" in r.stderr
    status = cli("plan", "status", "--week", "2026-W45", "--json").json()
    assert [m["versions"] for m in status["members"]] == [0]


def test_bulk_inserts_keep_the_same_limits(db):
    """The driver-speed path (executemany / COPY) is checked as a Core insert is."""
    from datetime import UTC, datetime

    from ecomops.db.bulk import insert_rows
    from ecomops.errors import InvalidInput

    database = Database(resolve(db=str(db.path)) if db.path else resolve(database_url=db.url))
    at = datetime(2026, 11, 27, tzinfo=UTC)
    cols = ("name", "name_key", "position_id", "active", "created_at")
    try:
        with pytest.raises(InvalidInput, match="the name is 101 characters long; the most is 100"):
            with database.connect(write=True) as conn:
                insert_rows(conn, schema.staff, cols,
                            [("甲", "甲", "copywriter", True, at),
                             ("长" * 101, "长" * 101, "copywriter", True, at)])
        with database.connect(write=False) as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM staff")).scalar() == 0
    finally:
        database.dispose()
