"""Nothing destroyed that a command was not given: another application's SQLite file, a text
file, an empty --db, a non-empty database for the demo; and a read-only database still reads."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest


def _digest(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` with its SHA-256: what 'byte for byte unchanged' compares."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def others(tmp_path: Path) -> Path:
    """A folder holding another application's SQLite database and a text file."""
    folder = tmp_path / "others"
    folder.mkdir()
    conn = sqlite3.connect(folder / "invoices.db")
    conn.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, amount INTEGER)")
    conn.execute("INSERT INTO invoice VALUES (1, 100)")
    conn.commit()
    conn.close()
    (folder / "notes.txt").write_text("my notes\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "list"],
        ["staff", "add", "王芳", "-p", "copywriter"],
        ["init"],
        ["db", "status"],
    ],
    ids=["read", "write", "init", "status"],
)
def test_another_applications_sqlite_file_is_refused_and_unchanged(cli, others, args):
    before = _digest(others)
    r = cli(*args, "--db", str(others / "invoices.db"))
    assert r.exit_code == 1
    assert "another application's SQLite database (tables: invoice)" in r.stderr
    assert "nothing was changed" in r.stderr
    assert _digest(others) == before  # no new tables, no WAL switch, no -wal or -shm file


def test_a_file_that_is_not_a_database_is_refused_and_unchanged(cli, others):
    before = _digest(others)
    r = cli("tasks", "list", "--db", str(others / "notes.txt"))
    assert r.exit_code == 1 and "is not a SQLite database" in r.stderr
    assert _digest(others) == before


@pytest.mark.parametrize("args", [["demo"], ["demo", "--people", "20"]], ids=["demo", "people"])
@pytest.mark.parametrize("victim", ["invoices.db", "notes.txt"])
def test_demo_never_replaces_what_it_did_not_make(cli, others, args, victim):
    before = _digest(others)
    r = cli(*args, "--db", str(others / victim))
    assert r.exit_code == 1
    assert "exists and is not a demo database; the demo replaces only its own" in r.stderr
    assert _digest(others) == before


def test_demo_refuses_a_real_ecomops_database(cli, db, tmp_path):
    if db.path is None:  # PostgreSQL: the demo's --database-url refuses a non-empty database
        r = cli("demo", "--people", "20", "--database-url", db.url)
        assert r.exit_code == 1 and "is not empty" in r.stderr
        assert cli("staff", "list", "--json").json() == []  # no fake people added
        return
    assert cli("staff", "add", "王芳", "-p", "copywriter").exit_code == 0
    before = db.path.read_bytes()
    r = cli("demo", "--db", str(db.path))
    assert r.exit_code == 1 and "is not a demo database" in r.stderr
    assert db.path.read_bytes() == before
    assert [s["name"] for s in cli("staff", "list", "--json").json()] == ["王芳"]


def test_demo_replaces_its_own_database(cli, tmp_path):
    path = tmp_path / "demo.db"
    assert cli("demo", "--db", str(path)).exit_code == 0
    first = cli("staff", "list", "--json", "--db", str(path)).json()
    again = cli("demo", "--db", str(path))
    assert again.exit_code == 0, again.stderr
    people = cli("staff", "list", "--json", "--db", str(path)).json()
    assert people == first and len(people) == 6  # replaced, not added to
    big = cli("demo", "--people", "20", "--db", str(path))  # a demo may replace a demo
    assert big.exit_code == 0, big.stderr


@pytest.mark.parametrize("flag", ["--db", "--database-url"])
def test_an_empty_database_option_is_refused(cli, flag, isolated):
    r = cli("tasks", "list", flag, "")
    assert r.exit_code == 1 and "is empty" in r.stderr
    assert not (isolated / "ecomops").exists()  # the default database was not made instead


CHILD = textwrap.dedent(
    """
    import json, os, sys
    from typer.testing import CliRunner
    from ecomops.cli import app

    warm, target = sys.argv[1], sys.argv[2]
    commands = [["staff", "list", "--json"], ["tasks", "list", "--json"],
                ["staff", "add", "李四", "-p", "copywriter"]]
    runner = CliRunner()
    if os.geteuid() == 0:  # load every module first, then act as nobody
        for args in commands:
            runner.invoke(app, [*args, "--db", warm])
        os.setegid(65534)
        os.seteuid(65534)
    out = []
    for args in commands:
        r = runner.invoke(app, [*args, "--db", target])
        out.append([r.exit_code, r.stdout, r.stderr])
    print(json.dumps(out))
    """
)


def test_a_read_only_database_reads_and_refuses_writes(cli, tmp_path):
    """A database its reader may not write (file 0444 in a folder 0555, owned by someone else):
    read commands work without changing a byte; a write says why it cannot."""
    warm = tmp_path / "warm.db"
    assert cli("init", "--simulated-clock", "--db", str(warm)).exit_code == 0
    folder = Path(tempfile.mkdtemp(prefix="ecomops-ro-", dir="/tmp"))
    target = folder / "shared.db"
    try:
        # the child acts as nobody, who may not look into this test's config folder (every
        # command reads the settings file): it has none
        env = {**os.environ, "ECOMOPS_NOW": "2026-11-27T10:00",
               "ECOMOPS_CONFIG": "/nonexistent/config.toml"}
        assert cli("init", "--simulated-clock", "--db", str(target)).exit_code == 0
        os.environ["ECOMOPS_NOW"] = "2026-11-27T10:00"
        try:
            assert cli("staff", "add", "王芳", "-p", "copywriter", "--db",
                       str(target)).exit_code == 0
        finally:
            del os.environ["ECOMOPS_NOW"]
        os.chmod(target, 0o444)
        if os.geteuid() == 0:
            os.chown(target, 65534, 65534)
            os.chown(folder, 65534, 65534)
        os.chmod(folder, 0o555)
        before = _digest(folder)
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(warm), str(target)],
            capture_output=True, text=True, env=env, timeout=120, cwd="/tmp",
        )
        assert done.returncode == 0, done.stderr
        (listed, tasks, added) = json.loads(done.stdout)
        assert listed[0] == 0, listed[2]
        assert [p["name"] for p in json.loads(listed[1])] == ["王芳"]
        assert tasks[0] == 0 and len(json.loads(tasks[1])) > 0
        assert added[0] == 1 and "is read-only to you; nothing was written" in added[2]
        assert _digest(folder) == before  # no -wal, no -shm, not a byte changed
    finally:
        os.chmod(folder, 0o755)
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


# --- what an attacker tried next (the review of this issue) -----------------------------------


def test_a_report_never_replaces_the_live_database(db, cli, tmp_path, monkeypatch):
    if db.path is None:
        pytest.skip("a PostgreSQL database has no file to overwrite")
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    link = tmp_path / "live.link"
    link.symlink_to(db.path)
    before = db.path.read_bytes()
    for target in (db.path, link):
        r = cli("report", "--month", "2026-11", "--format", "markdown", "-o", str(target))
        assert r.exit_code == 1
        assert "is a database; a report or export never replaces one" in r.stderr
    assert db.path.read_bytes() == before and link.is_symlink()


def test_a_database_holding_another_applications_tables_is_refused(backend, cli):
    """SQLite file or PostgreSQL database: tables but no ecomops schema; nothing is added."""
    from sqlalchemy import inspect

    from ecomops.db.engine import resolve
    from ecomops.db.session import Database

    database = Database(resolve(db=str(backend.path)) if backend.path
                        else resolve(database_url=backend.url))
    with database.connect(write=True) as conn:
        conn.exec_driver_sql("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)")
    for args in (["tasks", "list"], ["init"], ["init", "--simulated-clock"], ["db", "status"]):
        r = cli(*args)
        assert r.exit_code == 1, (args, r.stderr)
        assert "another application's" in r.stderr and "orders" in r.stderr, r.stderr
    with database.connect(write=False) as conn:
        assert inspect(conn).get_table_names() == ["orders"]
    database.dispose()


def test_db_copy_never_writes_into_another_applications_file(cli, db, others):
    if db.path is None:
        pytest.skip("copies from a SQLite file")
    before = _digest(others)
    r = cli("db", "copy", "--to", f"sqlite:///{others / 'invoices.db'}")
    assert r.exit_code == 1 and "another application's SQLite database" in r.stderr
    assert _digest(others) == before


@pytest.mark.parametrize(
    "make",
    [
        "CREATE TABLE sqlitebrowser_settings (k TEXT)",
        "CREATE VIEW answer AS SELECT 42",
        "PRAGMA user_version = 7",
        "PRAGMA application_id = 1234",
    ],
    ids=["table-named-like-sqlite_", "view-only", "user-version", "application-id"],
)
def test_a_file_with_anything_of_another_application_in_it_is_not_empty(cli, tmp_path, make):
    f = tmp_path / "like.db"
    conn = sqlite3.connect(f)
    conn.execute(make)
    conn.commit()
    conn.close()
    before = f.read_bytes()
    r = cli("init", "--simulated-clock", "--db", str(f))
    assert r.exit_code == 1 and "another application's SQLite database" in r.stderr
    assert f.read_bytes() == before


def test_a_wal_file_of_another_application_gets_no_wal_or_shm_beside_it(cli, tmp_path):
    folder = tmp_path / "wal"
    folder.mkdir()
    conn = sqlite3.connect(folder / "other.db")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = _digest(folder)
    for args in (["tasks", "list"], ["init"], ["db", "status"], ["demo"]):
        assert cli(*args, "--db", str(folder / "other.db")).exit_code == 1
    assert _digest(folder) == before


def test_a_fifo_or_a_device_as_the_database_is_refused_at_once(cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for args in (["tasks", "list"], ["init"], ["staff", "list"]):
        r = cli(*args, "--db", str(fifo))  # would block forever if opened
        assert r.exit_code == 1 and "is not a file (a folder, a pipe or a device)" in r.stderr
    r = cli("init", "--db", "/dev/null")
    assert r.exit_code == 1 and "is not a file" in r.stderr
    assert not Path("/dev/null-journal").exists()


def test_demo_with_an_empty_db_is_refused(cli, isolated):
    for args in (["demo"], ["demo", "--people", "20"]):
        r = cli(*args, "--db", "")
        assert r.exit_code == 1 and "no file name" in r.stderr
    assert not (isolated / "ecomops" / "demo.db").exists()


def test_restore_from_a_folder_is_one_line(db, cli, tmp_path):
    r = cli("db", "restore", str(tmp_path), "--yes")
    assert r.exit_code == 1 and "is not a file" in r.stderr


def test_a_nul_in_a_file_is_refused_on_both_backends(db, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-02T10:00")
    assert cli("staff", "add", "王芳", "-p", "copywriter").exit_code == 0
    f = tmp_path / "plan.md"
    f.write_text("## 上周总结\n做了\x00海报\n## 本周计划\n写文案\n", encoding="utf-8")
    r = cli("plan", "submit", "--as", "王芳", "--file", str(f))
    assert r.exit_code == 1 and "holds a NUL character" in r.stderr
    status = cli("plan", "status", "--week", "2026-W45", "--json").json()
    assert [m["versions"] for m in status["members"]] == [0]


def test_an_argument_that_is_not_utf8_is_one_line(tmp_path):
    env = {**os.environ, "ECOMOPS_DB": str(tmp_path / "none.db")}
    done = subprocess.run(
        [sys.executable, "-m", "ecomops", "tasks", "list", "--owner", b"\xff".decode(
            "utf-8", "surrogateescape")],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: argument 4 is not valid UTF-8 text")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["\x1b[31mGhost\u202e", "Q\u2028Z", "Q\ufe0fZ"])
def test_hidden_characters_are_refused_in_as_and_in_visitor_names(db, cli, monkeypatch, name):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    assert cli("staff", "add", "赵海", "-p", "general_manager").exit_code == 0
    assert cli("staff", "add", "李娜", "-p", "copywriter").exit_code == 0
    task = cli("tasks", "list", "--json").json()[0]["id"]
    r = cli("tasks", "start", str(task), "--as", name)
    assert r.exit_code == 1 and "character" in r.stderr
    r = cli("visitor", "add", "--name", name, "--approved-by", "赵海", "--escort", "李娜")
    assert r.exit_code == 1 and "character" in r.stderr
    assert cli("visitor", "list", "--json").json() == []
    audit = cli("audit", "--json").json()
    assert not any(name in str(entry) for entry in audit)


def test_acting_for_someone_with_two_long_names_fits_the_task_history(
    db, cli, monkeypatch, caller
):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    boss, worker = "长" * 100, "短" * 100
    assert cli("staff", "add", boss, "-p", "manager").exit_code == 0
    assert cli("staff", "add", worker, "-p", "copywriter", "--manager", boss).exit_code == 0
    task = cli("tasks", "add", "海报", "--owner", worker, "--due", "2026-12-10", "--json")
    assert task.exit_code == 0, task.stderr
    linked = cli("staff", "link", boss, "--login", caller)
    assert linked.exit_code == 0, linked.stderr
    r = cli("tasks", "start", str(task.json()["id"]), "--as", worker)
    assert r.exit_code == 0, r.stderr
    shown = cli("tasks", "show", str(task.json()["id"]), "--json").json()
    assert f"{worker} (by {boss})" in str(shown)


def test_a_backup_restored_leaves_nothing_beside_it(db, cli, tmp_path):
    if db.path is None:
        pytest.skip("a SQLite backup file")
    folder = tmp_path / "backups"
    folder.mkdir()
    assert cli("db", "backup", str(folder / "b.db")).exit_code == 0
    assert cli("db", "restore", str(folder / "b.db"), "--yes").exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["b.db"]
