"""Shared fixtures: an isolated data directory, a real database (SQLite file or PostgreSQL), and
a CLI runner that separates stdout (data) from stderr (messages).

Set ``ECOMOPS_TEST_DATABASE_URL`` to a PostgreSQL server's URL (any database the user may
create databases from, e.g. ``postgresql://postgres@127.0.0.1:55432/postgres``) to run every
database test against PostgreSQL: each test gets a fresh database of its own.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "seed_manual.yaml"
ZH_TEXT = Path(__file__).parent / "fixtures" / "handbook.zh.txt"
PG_ADMIN_URL = os.environ.get("ECOMOPS_TEST_DATABASE_URL")
# every output model the commands build without re-validation (views.trusted) is validated in
# full under test, in this process and in the commands the tests run as subprocesses
os.environ["ECOMOPS_STRICT_OUTPUT"] = "1"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data and config directories, English output and no inherited
    settings."""
    for var in list(os.environ):
        if var.startswith("ECOMOPS_") and var not in (
            "ECOMOPS_TEST_DATABASE_URL", "ECOMOPS_STRICT_OUTPUT"
        ):
            monkeypatch.delenv(var)
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    # no settings file of the machine's: a test that wants one sets ECOMOPS_CONFIG
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("ECOMOPS_LANG", "en")
    monkeypatch.setenv("COLUMNS", "200")
    from ecomops.cli.output import reset_console

    reset_console()
    return home


@dataclass
class Backend:
    """The database a test runs against; ``args`` select it on the command line."""

    kind: str
    url: str
    path: Path | None

    @property
    def args(self) -> list[str]:
        if self.path is not None:
            return ["--db", str(self.path)]
        return ["--database-url", self.url]


def _pg_database() -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg2")
    name = f"ecomops_test_{uuid.uuid4().hex[:12]}"
    eng = create_engine(admin, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with eng.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        eng.dispose()


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    """An empty database, selected for every command through the environment."""
    if PG_ADMIN_URL:
        gen = _pg_database()
        url = next(gen)
        monkeypatch.setenv("ECOMOPS_DATABASE_URL", url)
        yield Backend("postgresql", url, None)
        for _ in gen:  # drop the database
            pass
    else:
        path = tmp_path / "ecomops.db"
        monkeypatch.setenv("ECOMOPS_DB", str(path))
        yield Backend("sqlite", f"sqlite:///{path}", path)


def selected_target():
    """The database the environment selects (``ECOMOPS_DB``, ``ECOMOPS_DATABASE_URL``, set by
    :func:`backend`), as a command chooses it from its settings."""
    from ecomops.config import load
    from ecomops.db.engine import resolve

    choice = load().database
    return resolve(choice.file, choice.url)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def run(*args: str, input: str | None = None) -> Result:
    from ecomops.cli import app

    r = CliRunner().invoke(app, list(args), input=input)
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return Result(r.exit_code, r.stdout, r.stderr)


@pytest.fixture
def cli():
    return run


#: "Now" on the ``db`` fixture's simulated clock until a test sets ``ECOMOPS_NOW`` itself: the
#: demo's first day (services/demo.py). No test depends on the day it runs.
NOW = "2026-10-08T09:00"


@pytest.fixture
def db(backend: Backend, cli, monkeypatch: pytest.MonkeyPatch) -> Backend:
    """A database initialised from the bundled handbook for the year 2026, its department at
    work since the year began (every handbook task starts open), on a simulated clock that
    reads ``NOW`` until the test moves it (``monkeypatch.setenv("ECOMOPS_NOW", ...)``): no
    test depends on the machine's date."""
    monkeypatch.setenv("ECOMOPS_NOW", NOW)
    r = cli("init", "--year", "2026", "--simulated-clock", "--since", "2026-01-01")
    assert r.exit_code == 0, r.stderr
    return backend


@pytest.fixture
def caller(backend: Backend) -> str:
    """The login the tests run as: the connected role on PostgreSQL, the OS user on SQLite."""
    if backend.kind == "postgresql":
        from sqlalchemy.engine import make_url

        return str(make_url(backend.url).username)
    import getpass

    return getpass.getuser()
