"""Files the tool creates are readable by their owner only, whatever the umask: the SQLite
database and its -wal/-shm, its folder, backups and reports; db status warns about a database
others can read."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_database_and_its_folder_are_private(tmp_path, cli, loose_umask, monkeypatch):
    monkeypatch.delenv("ECOMOPS_DB", raising=False)
    db = tmp_path / "new" / "dept" / "ecomops.db"
    assert cli("init", "--db", str(db)).exit_code == 0
    assert mode(db) == 0o600
    assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
    reader = sqlite3.connect(db)  # keeps the -wal and -shm files while ecomops writes
    try:
        reader.execute("SELECT count(*) FROM staff").fetchone()
        assert cli("staff", "add", "张伟", "-p", "manager", "--db", str(db)).exit_code == 0
        for companion in ("-wal", "-shm"):
            path = f"{db}{companion}"
            assert os.path.exists(path) and mode(path) == 0o600, companion
    finally:
        reader.close()
    status = cli("db", "status", "--db", str(db), "--json").json()
    assert not any("readable by other users" in w for w in status["warnings"])


def test_backups_and_reports_are_private(db, cli, tmp_path, loose_umask):
    if db.path is not None:
        backup = tmp_path / "backup.db"
        assert cli("db", "backup", str(backup)).exit_code == 0
        assert mode(backup) == 0o600
    report = tmp_path / "report.md"
    r = cli("report", "--month", "2026-11", "--format", "markdown", "-o", str(report))
    assert r.exit_code == 0, r.stderr
    assert mode(report) == 0o600


def test_db_status_warns_about_a_database_others_can_read(db, cli):
    if db.path is None:
        pytest.skip("a PostgreSQL database has no file")  # the SQLite pass checks it
    os.chmod(db.path, 0o644)
    status = cli("db", "status", "--json").json()
    (warning,) = [w for w in status["warnings"] if "readable by other users" in w]
    assert str(db.path) in warning and "chmod 600" in warning
    shown = cli("db", "status")
    assert "warning: readable by other users" in shown.stderr
