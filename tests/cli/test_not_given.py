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
        env = {**os.environ, "ECOMOPS_NOW": "2026-11-27T10:00"}
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
