"""What a process keeps between its commands (``db/engine.py``): one engine per database URL
(and, on PostgreSQL, the libpq environment), its connection kept open on a server for the
next command and closed when the process ends; a SQLite file's closed after every command."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_ADMIN_URL
from tests.db.test_row_level_security import _psycopg

on_postgres = pytest.mark.skipif(PG_ADMIN_URL is None, reason="a server's sessions (set "
                                 "ECOMOPS_TEST_DATABASE_URL)")


def _sessions(url: str) -> list[int]:
    """The clients' server processes connected to ``url``'s database (autovacuum's aside)."""
    dbname = make_url(url).database
    conn = _psycopg(PG_ADMIN_URL)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                        "AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
                        "ORDER BY pid", (dbname,))
            return [r[0] for r in cur.fetchall()]
    finally:
        conn.close()


@on_postgres
def test_commands_in_one_process_share_one_session_closed_at_its_end(db, cli):
    from ecomops.db.engine import close_all

    close_all()  # (whatever the fixture's commands left)
    assert _sessions(db.url) == []
    assert cli("staff", "add", "李娜", "-p", "copywriter").exit_code == 0
    first = _sessions(db.url)
    assert len(first) == 1
    assert cli("staff", "list", "--json").exit_code == 0
    assert cli("tasks", "list", "--json").exit_code == 0
    assert _sessions(db.url) == first  # the same server process answered all three
    close_all()
    assert _sessions(db.url) == []


@on_postgres
def test_a_kept_session_the_server_ended_is_replaced(db, cli):
    assert cli("staff", "add", "李娜", "-p", "copywriter").exit_code == 0
    [pid] = _sessions(db.url)
    admin = _psycopg(PG_ADMIN_URL)
    try:
        with admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    finally:
        admin.close()
    r = cli("staff", "list", "--json")
    assert r.exit_code == 0, r.stderr
    assert [p["name"] for p in r.json()] == ["李娜"]
    assert _sessions(db.url) not in ([], [pid])


@on_postgres
def test_the_command_line_closes_its_session_before_it_exits(db):
    """``ecomops`` run as people run it: the server sees the session end (no connection left
    to break off when the process goes)."""
    env = {**os.environ, "ECOMOPS_DATABASE_URL": db.url}
    r = subprocess.run([sys.executable, "-c",
                        "import sys; from ecomops.cli import main; sys.argv = ['ecomops', "
                        "'staff', 'list', '--json']; main()"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    from ecomops.cli import main
    from ecomops.db.engine import close_all

    close_all()
    assert _sessions(db.url) == []
    # and in this process: main() ends with no session of its own left open
    saved = sys.argv
    sys.argv = ["ecomops", "staff", "list", "--json"]
    try:
        with pytest.raises(SystemExit) as ended:
            main()
    finally:
        sys.argv = saved
    assert ended.value.code == 0
    assert _sessions(db.url) == []


@pytest.mark.skipif(PG_ADMIN_URL is not None, reason="a SQLite file")
def test_a_sqlite_file_is_let_go_after_each_command(db, cli, tmp_path):
    """Nothing holds the file between commands: replaced under the same name, the next
    command reads the new one (a kept connection would still read the old file's inode)."""
    assert cli("staff", "add", "李娜", "-p", "copywriter").exit_code == 0
    before = tmp_path / "before.db"
    shutil.copy(db.path, before)
    assert cli("staff", "add", "王强", "-p", "supervisor").exit_code == 0
    for suffix in ("-wal", "-shm"):
        assert not os.path.exists(f"{db.path}{suffix}"), suffix  # closed: checkpointed
    os.replace(before, db.path)
    names = [p["name"] for p in cli("staff", "list", "--json").json()]
    assert names == ["李娜"]
    with sqlite3.connect(db.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_databases_with_different_handbooks_in_one_process(tmp_path, cli, monkeypatch):
    """The handbook is parsed once per process for each stored text: two databases that hold
    different ones each answer with their own."""
    from tests.conftest import SEED

    changed = tmp_path / "manual.yaml"
    text = SEED.read_text(encoding="utf-8")
    title = "title: {zh: 電商部運營管理手冊"
    assert title in text
    changed.write_text(text.replace(title, "title: {zh: 網商部運營管理手冊"), encoding="utf-8")
    monkeypatch.setenv("ECOMOPS_NOW", "2026-10-08T09:00")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    assert cli("init", "--db", str(one), "--year", "2026", "--simulated-clock").exit_code == 0
    r = cli("init", "--db", str(two), "--year", "2026", "--simulated-clock",
            "--manual", str(changed))
    assert r.exit_code == 0, r.stderr
    for _ in range(2):  # in turn, each twice
        shown = {str(p): cli("manual", "show", "--db", str(p), "--lang", "zh").stdout
                     for p in (one, two)}
        assert "網商部" in shown[str(two)] and "網商部" not in shown[str(one)]
        assert shown[str(one)] != shown[str(two)]
