"""Backup, restore and moving house: every table's rows arrive unchanged."""

from __future__ import annotations

import pytest

from ecomops.db.engine import resolve
from ecomops.db.session import Database
from ecomops.services.dbtools.copying import _digest
from ecomops.services.dbtools.tables import all_tables


def digests(target_args: dict, *, audit: bool = False, own: bool = True) -> dict[str, list]:
    """Every table's rows (the audit trail left out unless asked: copying and restoring are
    themselves audited; the database's own options left out unless ``own``: a restore keeps
    the target's clock)."""
    skip = ({"audit"} if not audit else set()) | ({"database_option"} if not own else set())
    database = Database(resolve(**target_args))
    try:
        with database.connect(write=False) as conn:
            return {t.name: _digest(conn, t) for t in all_tables() if t.name not in skip}
    finally:
        database.dispose()


@pytest.fixture
def demo_db(cli, tmp_path, db_templates):
    """The demo's SQLite file (a copy of the one the process built: tests/conftest.py)."""
    path = tmp_path / "demo.db"

    def make(to):
        r = cli("demo", "--db", str(to))
        assert r.exit_code == 0, r.stderr

    db_templates.file("demo", make, path)
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


# --- what a restore or a copy brings in is checked ----------------------------------------------

#: (what, the SQL that makes it, what the refusal says about it)
TAMPERED = [
    ("a second general manager",
     "UPDATE staff SET position_id = 'general_manager' WHERE name = '刘洋'",
     "staff id 3: '刘洋' would be a second general_manager (a position at the top) beside '赵海'"),
    ("a reporting loop", "UPDATE staff SET manager_id = 5 WHERE name = '张伟'",
     "staff id 2: a reporting cycle: '张伟' → '李娜' → '张伟'"),
    ("a root login", "UPDATE staff SET login = 'root' WHERE name = '王强'",
     "staff id 4: the login 'root' is the system's own (a superuser's)"),
    ("a postgres login", "UPDATE staff SET login = 'postgres' WHERE name = '王强'",
     "staff id 4: the login 'postgres' is the system's own"),
    ("a score of -500",
     "UPDATE sheet_score SET score = -500 WHERE rowid = (SELECT MIN(rowid) FROM sheet_score)",
     "is outside 0–100"),
    ("a bad status", "UPDATE task SET status = 'weird' WHERE id = 2",
     "task id 2: status 'weird' is not one of cancelled, doing, done, open"),
    ("a 100 KB name", "UPDATE staff SET name = printf('%.*c', 102400, 'x') WHERE name = '陈静'",
     "staff id 6: name 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' is 102,400 characters long; "
     "the most is 100"),
    ("a name hiding a character", "UPDATE staff SET name = '李' || char(8203) || '娜' WHERE id = 5",
     "staff id 5: the name '李\\u200b娜' holds an invisible character, U+200B"),
    ("a leave that ends before it starts", "UPDATE leave SET \"end\" = '2020-01-01'",
     "it ends on 2020-01-01, before it starts on"),
    ("a cycle in a year the calendar does not know",
     "UPDATE cycle SET opened_at = '3100-01-01 00:00:00.000000'",
     "opened_at 3100-01-01T00:00:00+00:00 is outside the years 1900 to 2999"),
]


def tamper(good, path, *sql: str):
    """A copy of the backup ``good`` at ``path``, edited with sqlite3."""
    import shutil
    import sqlite3

    shutil.copyfile(good, path)
    conn = sqlite3.connect(path)
    try:
        with conn:
            for statement in sql:
                conn.execute(statement)
    finally:
        conn.close()
    return path


@pytest.fixture
def restored(demo_db, backend, cli, tmp_path, monkeypatch):
    """The configured backend holding the demo department (restored from a real backup), and
    that backup."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T09:00")
    good = tmp_path / "good.db"
    assert cli("db", "backup", str(good), "--db", str(demo_db)).exit_code == 0
    assert cli("init", "--simulated-clock").exit_code == 0  # a restore keeps the target's clock
    assert cli("db", "restore", str(good), "--yes").exit_code == 0
    return good


def _target(backend) -> dict:
    return {"db": str(backend.path)} if backend.path else {"database_url": backend.url}


def _still_works(cli) -> None:
    report = cli("report", "--month", "2026-11", "--as", "赵海", "--json")
    assert report.exit_code == 0, report.stderr
    assert report.json()["appraisal"]["people"][0]["score"] is not None
    quota = cli("quota", "check", "-c", "2026-11", "--as", "赵海", "--json")
    assert quota.exit_code in (0, 1) and quota.json()["cycle"] == "2026-11"


def test_a_tampered_backup_is_refused_whole_and_the_database_is_unchanged(
    restored, backend, cli, tmp_path
):
    before = digests(_target(backend), audit=True)
    counts = cli("db", "status", "--json").json()["rows"]
    for what, sql, said in TAMPERED:
        bad = tamper(restored, tmp_path / "bad.db", sql)
        r = cli("db", "restore", str(bad), "--yes")
        assert r.exit_code == 1, what
        lines = r.stderr.splitlines()
        assert lines[0].startswith(f"error: {bad}: 1 problem; nothing was restored; "), what
        assert len(lines) == 2 and said in lines[1], (what, r.stderr)
        assert "Traceback" not in r.stderr
    assert digests(_target(backend), audit=True) == before
    assert cli("db", "status", "--json").json()["rows"] == counts
    _still_works(cli)


def test_every_problem_is_counted_and_the_first_ten_named(restored, backend, cli, tmp_path):
    every_task = "UPDATE task SET status = 'weird'"  # 48 rows
    bad = tamper(restored, tmp_path / "bad.db", *(sql for _, sql, _ in TAMPERED), every_task)
    r = cli("db", "restore", str(bad), "--yes")
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    n = int(lines[0].split(": ")[2].split()[0])
    assert n > 48 and lines[0].endswith("ecomops never writes these; restore another backup; "
                                        "a second holder recorded with ecomops staff add --force is "
                                        "accepted with --force")
    assert len(lines) == 12 and lines[-1] == f"  and {n - 10} more"
    assert any("would be a second general_manager" in line for line in lines)
    _still_works(cli)


def test_force_accepts_a_second_holder_and_nothing_else(restored, backend, cli, tmp_path):
    second = tamper(restored, tmp_path / "second.db", TAMPERED[0][1])
    assert cli("db", "restore", str(second), "--yes").exit_code == 1
    done = cli("db", "restore", str(second), "--yes", "--force", "--json")
    assert done.exit_code == 0, done.stderr
    gms = [s["name"] for s in cli("staff", "list", "--json").json()
           if s["position"] == "general_manager"]
    assert gms == ["赵海", "刘洋"]
    looped = tamper(restored, tmp_path / "loop.db", TAMPERED[1][1])
    r = cli("db", "restore", str(looped), "--yes", "--force")
    assert r.exit_code == 1 and "a reporting cycle" in r.stderr


def test_a_tampered_dump_is_refused_too(demo_db, backend, cli, tmp_path):
    """The portable dump (what a PostgreSQL database backs up into) is checked the same way."""
    import gzip
    import json

    from ecomops.services.dbtools.dump import write_dump

    database = Database(resolve(db=str(demo_db)))
    dump = tmp_path / "demo.jsonl.gz"
    try:
        with database.connect(write=False) as conn:
            write_dump(conn, dump)
    finally:
        database.dispose()
    with gzip.open(dump, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    edited = []
    for line in lines:
        item = json.loads(line)
        if isinstance(item, list) and item[0] == "staff" and item[1]["name"] == "刘洋":
            item[1]["position_id"] = "general_manager"
        if isinstance(item, list) and item[0] == "task" and item[1]["id"] == 3:
            item[1]["status"] = "paused"
        edited.append(json.dumps(item, ensure_ascii=False))
    bad = tmp_path / "bad.jsonl.gz"
    with gzip.open(bad, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(edited) + "\n")
    assert cli("init").exit_code == 0
    before = digests(_target(backend), audit=True)
    r = cli("db", "restore", str(bad), "--yes")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[1:] == [
        "  staff id 3: '刘洋' would be a second general_manager (a position at the top) beside "
        "'赵海'",
        "  task id 3: status 'paused' is not one of cancelled, doing, done, open",
    ]
    assert digests(_target(backend), audit=True) == before
    assert cli("db", "restore", str(dump), "--yes").exit_code == 0  # the untouched dump


def test_a_copy_of_a_tampered_file_is_refused_and_the_target_left_as_it_was(
    demo_db, backend, cli, tmp_path, monkeypatch
):
    monkeypatch.delenv("ECOMOPS_DB", raising=False)
    monkeypatch.delenv("ECOMOPS_DATABASE_URL", raising=False)
    bad = tamper(demo_db, tmp_path / "bad.db", TAMPERED[0][1], TAMPERED[1][1], TAMPERED[4][1])
    r = cli("db", "copy", "--db", str(bad), "--to", backend.url)
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[0].startswith(f"error: {bad}: 3 problems; nothing was copied; ")
    assert "a reporting cycle: '张伟' → '李娜' → '张伟'" in lines[1]
    assert "would be a second general_manager" in lines[2] and "-500" in lines[3]
    if backend.path is not None:  # the file the copy would have made is not left behind
        assert not backend.path.exists()
    else:  # PostgreSQL: not even the tables (the schema was made in the same transaction)
        from sqlalchemy import create_engine, inspect

        engine = create_engine(backend.url.replace("postgresql://", "postgresql+psycopg2://"))
        try:
            assert inspect(engine).get_table_names() == []
        finally:
            engine.dispose()
    # a copy of the untouched file goes through, into the very same target
    assert cli("db", "copy", "--db", str(demo_db), "--to", backend.url).exit_code == 0


MALFORMED = [
    ("empty.db", b"", "is empty, not a backup"),
    ("notes.json", b'{"format": "something else"}\n', "is not a readable ecomops dump"),
    ("archive.zip", b"PK\x03\x04" + b"\x00" * 40, "is not a readable ecomops dump"),
]


def test_malformed_backups_are_one_line(restored, backend, cli, tmp_path):
    import gzip
    import sqlite3

    cases = [(tmp_path / name, content, said) for name, content, said in MALFORMED]
    for path, content, _ in cases:
        path.write_bytes(content)
    listed = tmp_path / "list.jsonl.gz"  # gzip'd JSON, but not our header
    with gzip.open(listed, "wt") as fh:
        fh.write("[1, 2]\n")
    cases.append((listed, b"", "is not an ecomops dump"))
    rows = tmp_path / "rows.jsonl.gz"  # our header, then something else
    with gzip.open(rows, "wt") as fh:
        from ecomops.db.migrate import HEAD

        fh.write(json_line({"format": "ecomops-dump", "revision": HEAD}) + '{"staff": 1}\n')
    cases.append((rows, b"", "line 2 is not a row of an ecomops table"))
    foreign = tmp_path / "foreign.db"  # another application's Alembic schema
    conn = sqlite3.connect(foreign)
    conn.executescript("CREATE TABLE alembic_version (version_num TEXT);"
                       "INSERT INTO alembic_version VALUES ('ae1027a6acf');")
    conn.close()
    cases.append((foreign, b"", "is not an ecomops database"))
    claims = tmp_path / "claims.db"  # our revision, but not our tables
    conn = sqlite3.connect(claims)
    conn.executescript(f"CREATE TABLE alembic_version (version_num TEXT);"
                       f"INSERT INTO alembic_version VALUES ('{HEAD}'); CREATE TABLE staff (id);")
    conn.close()
    cases.append((claims, b"", "is not an ecomops database: it has no table"))
    before = digests(_target(backend), audit=True)
    for path, _, said in cases:
        r = cli("db", "restore", str(path), "--yes")
        assert r.exit_code == 1, path.name
        assert said in r.stderr and r.stderr.count("\n") == 1, (path.name, r.stderr)
    assert digests(_target(backend), audit=True) == before
    _still_works(cli)


def json_line(value) -> str:
    import json

    return json.dumps(value) + "\n"
