"""A member's own role cannot stall the department (revision 0019, ``db/engine.py``).

A table-wide UPDATE privilege let a role ``LOCK TABLE staff IN ACCESS EXCLUSIVE MODE`` in an
open psql transaction, and every command then waited for as long as it stayed open. Roles
hold UPDATE column by column now (no lock stronger than ROW EXCLUSIVE), roles granted by an
older ecomops are moved over by the revision, and any lock still held (a row a member keeps
updated in an open transaction) makes the tool's command give up after ``lock_timeout`` with
one line instead of hanging."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_ADMIN_URL
from tests.db import test_write_matrix as matrix

_psycopg, _rows = matrix._psycopg, matrix._rows
roles = matrix.roles
dept = matrix.dept

pytestmark = pytest.mark.skipif(
    PG_ADMIN_URL is None, reason="roles and locks are PostgreSQL's (set ECOMOPS_TEST_DATABASE_URL)"
)

LOCKABLE = ("staff", "task", "cycle", "sheet", "plan", "leave", "handover", "visitor",
            "database_option", "audit")


def _lock(url: str, table: str) -> str | None:
    """The SQLSTATE of ``LOCK TABLE table IN ACCESS EXCLUSIVE MODE`` as the role of ``url``
    (None: it got the lock)."""
    import psycopg2

    conn = _psycopg(url)
    try:
        with conn.cursor() as cur:
            cur.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE NOWAIT")
        return None
    except psycopg2.Error as exc:
        return exc.pgcode
    finally:
        conn.rollback()
        conn.close()


def test_no_staff_role_can_lock_a_table_it_writes(dept):
    got = {(who, t): _lock(dept[who], t) for who in ("member", "head", "gm") for t in LOCKABLE}
    assert {k: v for k, v in got.items() if v != "42501"} == {}


def test_the_column_privileges_still_let_a_member_do_her_own_updates(dept, db):
    conn = _psycopg(dept["member"])
    try:
        with conn.cursor() as cur:
            cur.execute(f"UPDATE task SET status = 'doing' WHERE id = {matrix._task('李娜')}")
            assert cur.rowcount == 1
    finally:
        conn.rollback()
        conn.close()


def _revision():
    from ecomops.db import migrate

    path = Path(migrate.__file__).parent / "migrations" / "versions" / (
        "0019_no_table_locks_for_members.py")
    spec = importlib.util.spec_from_file_location("ecomops_revision_0019", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_role_granted_before_loses_its_table_wide_update(dept, db):
    """A role as an older ``db grant`` left it (UPDATE on whole tables) can lock; after the
    revision's upgrade it cannot, and keeps every column but the id."""
    role = make_url(dept["member"]).username
    owner = _psycopg(db.url)
    owner.autocommit = True
    with owner.cursor() as cur:
        cur.execute(f'GRANT UPDATE ON staff, task, cycle TO "{role}"')
    assert _lock(dept["member"], "staff") is None
    with owner.cursor() as cur:
        cur.execute(_revision().UPGRADE)
    owner.close()
    assert _lock(dept["member"], "staff") == "42501"
    cols = _rows(db.url, "SELECT column_name FROM information_schema.column_privileges "
                 f"WHERE grantee = '{role}' AND table_name = 'task' "
                 "AND privilege_type = 'UPDATE' ORDER BY 1")
    names = {c for (c,) in cols}
    assert "status" in names and "done_at" in names and "id" not in names


def test_a_held_lock_ends_the_command_with_one_line(dept, db, cli, monkeypatch):
    """The owner (who may lock) holds staff in an open transaction: a command waits no longer
    than the lock timeout (here the URL's own, 1 s), writes nothing, and says why."""
    conn = _psycopg(db.url)
    try:
        with conn.cursor() as cur:
            cur.execute("LOCK TABLE staff IN ACCESS EXCLUSIVE MODE")
        url = make_url(dept["member"]).update_query_dict({"options": "-c lock_timeout=1000"})
        monkeypatch.delenv("ECOMOPS_DATABASE_URL", raising=False)
        started = time.monotonic()
        r = cli("staff", "list", "--database-url", url.render_as_string(hide_password=False))
        waited = time.monotonic() - started
    finally:
        conn.rollback()
        conn.close()
    assert r.exit_code == 1
    assert "stayed busy" in r.stderr and "another session holds a lock" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert waited < 20


def test_the_tools_connections_wait_for_a_lock_no_longer_than_its_busy_timeout(backend):
    from ecomops.db.engine import BUSY_TIMEOUT_MS, make_engine, resolve

    engine = make_engine(resolve(database_url=backend.url))
    try:
        with engine.connect() as c:
            shown = c.exec_driver_sql("SHOW lock_timeout").scalar_one()
    finally:
        engine.dispose()
    assert shown == f"{BUSY_TIMEOUT_MS // 1000}s"
