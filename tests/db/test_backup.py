"""Backup, restore and moving house: every table's rows arrive unchanged."""

from __future__ import annotations

import pytest

from ecomops.db.engine import resolve
from ecomops.db.session import Database
from ecomops.services.dbtools import _digest, _tables


def digests(target_args: dict, *, audit: bool = False, own: bool = True) -> dict[str, list]:
    """Every table's rows (the audit trail left out unless asked: copying and restoring are
    themselves audited; the database's own options left out unless ``own``: a restore keeps
    the target's clock)."""
    skip = ({"audit"} if not audit else set()) | ({"database_option"} if not own else set())
    database = Database(resolve(**target_args))
    try:
        with database.connect(write=False) as conn:
            return {t.name: _digest(conn, t) for t in _tables() if t.name not in skip}
    finally:
        database.dispose()


@pytest.fixture
def demo_db(cli, tmp_path):
    path = tmp_path / "demo.db"
    assert cli("demo", "--db", str(path)).exit_code == 0
    return path


def test_copy_a_sqlite_database_into_the_configured_one(demo_db, backend, cli, monkeypatch):
    """SQLite → PostgreSQL when PostgreSQL is configured (else into another SQLite file)."""
    monkeypatch.delenv("ECOMOPS_DB", raising=False)
    monkeypatch.delenv("ECOMOPS_DATABASE_URL", raising=False)
    url = backend.url
    r = cli("db", "copy", "--db", str(demo_db), "--to", url, "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out["rows"]["staff"] == 6 and out["rows"]["sheet"] == 7 and out["rows"]["task"] == 48
    source = digests({"db": str(demo_db)})
    copied = digests({"database_url": url})
    assert {k: len(v) for k, v in copied.items()} == {k: len(v) for k, v in source.items()}
    assert copied == source
    # the moved database works: new ids continue after the copied ones
    added = cli("staff", "add", "新人", "-p", "clerk", "--database-url", url, "--json")
    assert added.exit_code == 0, added.stderr and added.json()["id"] == 7
    report = cli("report", "--month", "2026-11", "--json", "--as", "赵海", "--database-url", url)
    assert report.json()["appraisal"]["people"][0]["score"] is not None
    again = cli("db", "copy", "--db", str(demo_db), "--to", url)
    assert again.exit_code == 1 and "already holds ecomops records" in again.stderr


def test_backup_and_restore_round_trip(demo_db, backend, cli, tmp_path, monkeypatch):
    monkeypatch.delenv("ECOMOPS_DB", raising=False)
    monkeypatch.delenv("ECOMOPS_DATABASE_URL", raising=False)
    first = tmp_path / "first.db"
    r = cli("db", "backup", str(first), "--db", str(demo_db), "--json")
    assert r.exit_code == 0 and r.json()["format"] == "sqlite"
    # Monday plans (one missing), month-end summaries, the head's five department summaries
    assert r.json()["rows"]["plan"] == 5 * 5 - 1 + 5 + 5
    # into the configured backend (which holds something else already)
    args = backend.args
    assert cli("init", *args).exit_code == 0
    assert cli("staff", "add", "旧人", "-p", "clerk", *args).exit_code == 0
    refused = cli("db", "restore", str(first), *args)
    assert refused.exit_code == 1 and "add --yes to confirm" in refused.stderr
    done = cli("db", "restore", str(first), "--yes", *args, "--json")
    assert done.exit_code == 0, done.stderr
    target = {"db": str(backend.path)} if backend.path else {"database_url": backend.url}
    assert digests(target, own=False) == digests({"db": str(demo_db)}, own=False)
    # the demo keeps a simulated clock; the restored database still keeps real time (and its
    # own start day, the day it was made: whatever day the test runs)
    options = {
        dict(row)["key"]: dict(row)["value"] for row in digests(target)["database_option"]}
    assert options["'clock'"] == "'real'" and set(options) == {"'clock'", "'since'"}
    trail = cli("audit", "--json", *args).json()
    assert [e["command"] for e in trail] == ["db restore"]
    # a backup of that backend restores back into a fresh SQLite file, unchanged
    second = tmp_path / ("second.jsonl.gz" if backend.kind == "postgresql" else "second.db")
    made = cli("db", "backup", str(second), *args, "--json").json()
    assert made["format"] == ("dump" if backend.kind == "postgresql" else "sqlite")
    fresh = tmp_path / "fresh.db"
    assert cli("init", "--db", str(fresh)).exit_code == 0
    assert cli("db", "restore", str(second), "--yes", "--db", str(fresh)).exit_code == 0
    assert digests({"db": str(fresh)}, own=False) == digests({"db": str(demo_db)}, own=False)


def test_restoring_something_that_is_not_a_backup(db, cli, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a backup at all")
    before = cli("staff", "list", "--json").json()
    r = cli("db", "restore", str(junk), "--yes")
    assert r.exit_code == 1 and "is not a readable ecomops dump" in r.stderr
    assert cli("staff", "list", "--json").json() == before
    missing = cli("db", "restore", str(tmp_path / "none.db"), "--yes")
    assert missing.exit_code == 1 and "no backup at" in missing.stderr


def test_status(db, cli):
    out = cli("db", "status", "--json").json()
    from ecomops.db.migrate import HEAD

    assert out["schema"] == HEAD and out["handbook"]["year"] == 2026
    assert out["rows"]["position"] == 6 and out["backend"] == db.kind
