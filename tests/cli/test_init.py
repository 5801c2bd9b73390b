"""`ecomops init`: create, reload in place, never touch operational records, refuse bad files."""

from __future__ import annotations

import pytest

from tests.conftest import SEED


def test_init_creates_the_database_and_loads_the_handbook(backend, cli):
    r = cli("init", "--year", "2026", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out["created"] is True  # a new file, or a PostgreSQL database with no schema yet
    assert out["year"] == 2026 and out["changed"] is True
    assert out["added"] == {"criterion": 10, "cycle_kind": 3, "goal": 14, "grade": 4,
                            "position": 6, "rubric": 2, "task": 46}
    assert sum(out["removed"].values()) == 0


def test_init_again_changes_nothing(db, cli):
    out = cli("init", "--json").json()
    assert out["changed"] is False
    assert sum(out["added"].values()) + sum(out["updated"].values()) == 0
    assert out["year"] == 2026  # the year stays what it was set to


def test_the_year_defaults_to_the_year_of_initialisation(backend, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2027-03-02T10:00")
    out = cli("init", "--simulated-clock", "--json").json()
    assert (out["year"], out["clock"]) == (2027, "simulated")
    goals = cli("goals", "list", "--json").json()
    assert {g["month"] for g in goals} == {"2027-11", "2027-12"}


def test_an_edited_handbook_updates_in_place_and_keeps_staff(db, cli, tmp_path):
    assert cli("staff", "add", "王芳", "--position", "copywriter").exit_code == 0
    edited = tmp_path / "edited.yaml"
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("name: {zh: 文案, en: Copywriter}", "name: {zh: 文案, en: Content Writer}")
    last = "          en: Implementation plan for the Shuanglong project's micro-platform.\n"
    text = text.replace(last, last + "        - zh: 新目標\n          en: A new goal.\n")
    edited.write_text(text, encoding="utf-8")
    r = cli("init", "--manual", str(edited), "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out["changed"] is True
    assert out["updated"]["position"] == 1 and out["added"]["goal"] == 1
    staff = cli("staff", "list", "--json").json()
    assert [(s["name"], s["position_name"]) for s in staff] == [("王芳", "Content Writer")]
    assert len(cli("goals", "list", "--month", "2026-12", "--json").json()) == 9


def test_a_handbook_that_drops_a_held_position_is_refused_whole(db, cli, tmp_path):
    assert cli("staff", "add", "陳靜", "--position", "clerk").exit_code == 0
    text = SEED.read_text(encoding="utf-8")
    start = text.index("  - id: clerk\n")
    end = text.index("\nappraisal:")
    dropped = text[:start] + text[end:]
    dropped = dropped.replace("    - position: clerk\n      section: \"8.2.3\"\n      truncated: true\n      tasks: []\n", "")
    # also change something else, to show that nothing at all is written
    dropped = dropped.replace("name: {zh: 文案, en: Copywriter}", "name: {zh: 文案, en: Writer}")
    f = tmp_path / "dropped.yaml"
    f.write_text(dropped, encoding="utf-8")
    r = cli("init", "--manual", str(f))
    assert r.exit_code == 1
    assert "drops position clerk, which staff records still use" in r.stderr
    roles = {p["id"]: p["name"] for p in cli("roles", "list", "--json").json()}
    assert roles["clerk"] == "Clerk" and roles["copywriter"] == "Copywriter"


def test_a_bad_handbook_writes_nothing(backend, cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED.read_text(encoding="utf-8").replace("      share: 5\n", "      share: 6\n"),
                   encoding="utf-8")
    r = cli("init", "--manual", str(bad))
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "the handbook is not valid (1 problem)" in r.stderr
    assert "shares add up to 101%, not 100%" in r.stderr
    if backend.path is not None:
        assert not backend.path.exists()
    else:
        r = cli("roles", "list")
        assert r.exit_code == 1 and "has no ecomops tables" in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["today"],
        ["remind", "--dry-run"],
        ["staff", "list"],
        ["plan", "collect", "--dry-run"],
        ["roles", "list", "--json"],
        ["staff", "add", "王芳", "--position", "copywriter"],
        [],  # no command: today's dashboard
    ],
    ids=lambda a: " ".join(a) or "(none)",
)
def test_a_missing_default_database_is_never_created(cli, isolated, monkeypatch, args):
    """Only init and demo create a database: a scheduled job on a machine without one fails
    loudly, saying where it looked, what chose that place and how to create it."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T15:00")
    monkeypatch.setenv("ECOMOPS_IMAP_HOST", "127.0.0.1")  # plan collect gets to the database
    monkeypatch.setenv("ECOMOPS_IMAP_PORT", "1")
    path = isolated / "ecomops" / "ecomops.db"
    r = cli(*args)
    assert r.exit_code == 1
    assert r.stdout == ""
    config = isolated.parent / "xdg-config" / "ecomops" / "config.toml"
    assert r.stderr == (
        f"error: no database at {path} (the default: set by --db, ECOMOPS_DB or [database] in "
        f"{config}); create it with: ecomops init\n"
    )
    assert not isolated.exists()  # not the file, nor its folder


def test_init_creates_the_default_database(cli, isolated):
    r = cli("init")
    assert r.exit_code == 0, r.stderr
    path = isolated / "ecomops" / "ecomops.db"
    assert r.stderr.startswith(f"ecomops: created {path}: handbook ")
    assert path.exists()
    again = cli("roles", "list", "--json")
    assert again.exit_code == 0 and again.stderr == "" and len(again.json()) == 6


def test_a_database_chosen_by_the_environment_or_the_settings_file_says_so(
    cli, tmp_path, monkeypatch
):
    path = tmp_path / "team.db"
    monkeypatch.setenv("ECOMOPS_DB", str(path))
    r = cli("staff", "list")
    assert r.exit_code == 1
    assert r.stderr == (
        f"error: no database at {path} (set by ECOMOPS_DB); create it with: ecomops init\n"
    )
    monkeypatch.delenv("ECOMOPS_DB")
    config = tmp_path / "config.toml"
    config.write_text('[database]\nfile = "team.db"\n', encoding="utf-8")  # beside the file
    monkeypatch.setenv("ECOMOPS_CONFIG", str(config))
    r = cli("staff", "list")
    assert r.exit_code == 1
    assert r.stderr == (
        f"error: no database at {path} (set by [database] file in {config}); create it with: "
        "ecomops init\n"
    )
    assert not path.exists()
    assert cli("init").exit_code == 0  # init makes it where the settings say
    assert path.exists()
    assert cli("staff", "list", "--json").stdout.strip() == "[]"


def test_an_empty_file_is_not_made_into_a_database_by_a_listing(cli, isolated):
    path = isolated / "ecomops" / "ecomops.db"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    r = cli("staff", "list")
    assert r.exit_code == 1
    assert f"error: database {path} has no ecomops tables (the default: " in r.stderr
    assert r.stderr.endswith("; initialise it with: ecomops init\n")
    assert path.read_bytes() == b""
    assert sorted(p.name for p in path.parent.iterdir()) == ["ecomops.db"]


def test_an_empty_postgresql_database_is_not_migrated_by_a_listing(backend, cli):
    """An empty database on a server is left empty: only init makes it an ecomops one."""
    if backend.kind != "postgresql":
        pytest.skip("a PostgreSQL database (set ECOMOPS_TEST_DATABASE_URL)")
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.engine import make_url

    r = cli("staff", "list")
    assert r.exit_code == 1
    assert "has no ecomops tables (set by ECOMOPS_DATABASE_URL)" in r.stderr
    assert r.stderr.endswith("; initialise it with: ecomops init\n")
    engine = create_engine(make_url(backend.url).set(drivername="postgresql+psycopg2"))
    try:
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == []
    finally:
        engine.dispose()


def test_an_explicit_missing_file_is_not_created(cli, tmp_path):
    path = tmp_path / "typo.db"
    r = cli("roles", "list", "--db", str(path))
    assert r.exit_code == 1
    assert r.stderr.strip() == f"error: no database at {path}; create it with: ecomops init --db {path}"
    assert not path.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--database-url", "nonsense"], "'nonsense' is not a database URL"),
        (["--database-url", "mysql://u@h/db"], "unsupported database 'mysql'"),
        (["--db", "a.db", "--database-url", "sqlite:///b.db"], "--db and --database-url both given"),
        (["--database-url", "postgresql://nobody@127.0.0.1:1/none"], "cannot use database"),
    ],
)
def test_bad_database_options_are_one_clear_line(cli, args, message):
    r = cli("roles", "list", *args)
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


def test_a_file_that_is_not_a_database(cli, tmp_path):
    f = tmp_path / "notes.db"
    f.write_text("this is not sqlite " * 100)
    r = cli("roles", "list", "--db", str(f))
    assert r.exit_code == 1
    assert "notes.db is not a SQLite database; nothing was changed" in r.stderr
    assert "Traceback" not in r.stderr
    assert f.read_text() == "this is not sqlite " * 100


def test_a_real_database_refuses_ecomops_now(backend, cli, monkeypatch):
    made = cli("init", "--json")
    assert made.exit_code == 0 and made.json()["clock"] == "real"
    assert cli("staff", "add", "张伟", "-p", "manager").exit_code == 0
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-30T09:00")
    for args in (["staff", "add", "李娜", "-p", "copywriter"], ["tasks", "list"], ["init"]):
        refused = cli(*args)
        assert refused.exit_code == 1, args
        assert refused.stderr.count("\n") == 1 and "ECOMOPS_NOW is set" in refused.stderr
        assert "records real time" in refused.stderr
    monkeypatch.delenv("ECOMOPS_NOW")
    names = [s["name"] for s in cli("staff", "list", "--json").json()]
    assert names == ["张伟"]  # nothing was written


def test_a_simulated_clock_is_chosen_when_the_database_is_made(backend, cli, monkeypatch):
    assert cli("init").exit_code == 0
    refused = cli("init", "--simulated-clock")
    assert refused.exit_code == 1 and "records real time" in refused.stderr
    status = cli("db", "status", "--json").json()
    assert status["clock"] == "real"


def test_the_db_fixture_holds_what_init_writes(db, cli, tmp_path):
    """The ``db`` fixture copies a database that ``init`` made once per process: the copy
    holds row for row what ``init`` writes into a database of its own (the audit entry's real
    time aside), and a SQLite copy is its owner's only (0600), as init makes it."""
    import stat

    from sqlalchemy import create_engine, select

    from ecomops.db import schema
    from tests.conftest import INIT, _pg_database

    gen = None
    if db.kind == "sqlite":
        assert db.path is not None
        assert stat.S_IMODE(db.path.stat().st_mode) == 0o600
        url, args = f"sqlite:///{tmp_path / 'real.db'}", ["--db", str(tmp_path / "real.db")]
    else:
        gen = _pg_database()
        url = next(gen)
        args = ["--database-url", url]
    try:
        r = cli(*INIT, *args)
        assert r.exit_code == 0, r.stderr

        def rows(where: str) -> dict[str, list]:
            engine = create_engine(where.replace("postgresql://", "postgresql+psycopg2://", 1))
            try:
                with engine.connect() as conn:
                    out = {}
                    for table in schema.metadata.sorted_tables:
                        cols = [c for c in table.c if table.name != "audit" or c.name == "command"]
                        out[table.name] = sorted(
                            (tuple(r) for r in conn.execute(select(*cols))), key=repr)
                    return out
            finally:
                engine.dispose()

        copied, made = rows(db.url), rows(url)
        assert copied == made
        assert copied["audit"] == [("init",)] and len(copied["task"]) == 46
        assert sorted(copied["database_option"]) == [("clock", "simulated"),
                                                     ("since", "2026-01-01")]
    finally:
        if gen is not None:
            for _ in gen:
                pass
