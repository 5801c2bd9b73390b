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


def _pg_admin(*statements: str) -> None:
    """Run ``statements`` on the server's administration database, outside a transaction."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    eng = create_engine(make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg2"),
                        isolation_level="AUTOCOMMIT", poolclass=_null_pool())
    try:
        with eng.connect() as conn:
            for sql in statements:
                conn.execute(text(sql))
    finally:
        eng.dispose()


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def _pg_database(prefix: str = "ecomops_test", *, create: bool = True) -> Iterator[str]:
    """A database of a new name on the server of ``ECOMOPS_TEST_DATABASE_URL`` (``create``
    false: only its name, the caller creates it), dropped afterwards."""
    from sqlalchemy.engine import make_url

    admin = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg2")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    if create:
        _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            request: pytest.FixtureRequest) -> Iterator[Backend]:
    """An empty database, selected for every command through the environment."""
    if PG_ADMIN_URL:
        # a test of the ``db`` fixture gets its database from there, copied from a template
        gen = _pg_database(create="db" not in request.fixturenames)
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
    from ecomops import i18n
    from ecomops.cli import app

    try:
        r = CliRunner().invoke(app, list(args), input=input)
    finally:
        i18n.use(None)  # a command's language ends with it, as its process would
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return Result(r.exit_code, r.stdout, r.stderr)


@pytest.fixture
def cli():
    return run


#: "Now" on the ``db`` fixture's simulated clock until a test sets ``ECOMOPS_NOW`` itself: the
#: demo's first day (services/demo.py). No test depends on the day it runs.
NOW = "2026-10-08T09:00"


#: what ``db`` runs: the same command line on every database it makes
INIT = ("init", "--year", "2026", "--simulated-clock", "--since", "2026-01-01")
#: the environment of the tests themselves, which init does not read (or reads as the backend)
_NOT_INIT = ("ECOMOPS_TEST_DATABASE_URL", "ECOMOPS_STRICT_OUTPUT", "ECOMOPS_DB",
             "ECOMOPS_DATABASE_URL", "ECOMOPS_NOW")


#: settings of the mail servers and robots, which neither init nor demo reads (a test's
#: server is often set before its database)
_MAIL_SERVERS = ("ECOMOPS_IMAP_", "ECOMOPS_SMTP_", "ECOMOPS_WEBHOOK_")


def _env_key() -> tuple | None:
    """What a database that a command makes here depends on besides its name, or None when
    a test has set something the command may read (a settings file, an ECOMOPS_ variable):
    that test's database is made by the command itself."""
    from ecomops.config import config_path

    if config_path(os.environ).exists():
        return None
    ecomops = sorted((k, v) for k, v in os.environ.items()  # ECOMOPS_CONFIG: no file there
                     if k.startswith("ECOMOPS_") and k not in (*_NOT_INIT, "ECOMOPS_CONFIG"))
    if any(k != "ECOMOPS_LANG" and not k.startswith(_MAIL_SERVERS) for k, _ in ecomops):
        return None
    ecomops = [(k, v) for k, v in ecomops if not k.startswith(_MAIL_SERVERS)]
    locale = tuple(os.environ.get(k) for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"))
    return (tuple(ecomops), locale, os.environ.get("ECOMOPS_NOW"))


def _init_key(backend: Backend) -> tuple | None:
    """The template ``db`` copies for ``backend`` (None: run ``init`` itself)."""
    key = _env_key()
    if key is None or (backend.path is not None and backend.path.exists()):
        return None
    return (backend.kind, *key)


class Templates:
    """Databases ``init`` made once per process (one per backend and environment), that the
    ``db`` fixture copies: a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on
    PostgreSQL (0.5–0.8 s of migrations and handbook saved per test)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[tuple, Backend] = {}
        self.values: dict[tuple, object] = {}
        self._pg: list[Iterator[str]] = []

    def template(self, key: tuple, kind: str) -> Backend:
        if key not in self.made:
            self.made[key] = self._make(kind)
        return self.made[key]

    def _make(self, kind: str) -> Backend:
        """``init`` exactly as the fixture ran it per test, on a database of the template's
        name (nothing init writes names the database or its file)."""
        with pytest.MonkeyPatch.context() as mp:
            if kind == "postgresql":
                gen = _pg_database("ecomops_template")
                url = next(gen)
                self._pg.append(gen)
                mp.setenv("ECOMOPS_DATABASE_URL", url)
                made = Backend("postgresql", url, None)
            else:
                path = self.folder / f"template{len(self.made)}.db"
                mp.setenv("ECOMOPS_DB", str(path))
                made = Backend("sqlite", f"sqlite:///{path}", path)
            mp.setenv("ECOMOPS_NOW", NOW)
            r = run(*INIT)
            assert r.exit_code == 0, r.stderr
        if made.path is not None:
            self._settle(made.path)
        else:
            from ecomops.db.engine import close_all

            close_all()  # the connections init left open for this process's next command
            _pg_admin(f'ALTER DATABASE "{_pg_name(made.url)}" ALLOW_CONNECTIONS false')
        return made

    def copy(self, template: Backend, to: Backend) -> None:
        if template.path is not None and to.path is not None:
            data = template.path.read_bytes()
            fd = os.open(to.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            try:
                os.fchmod(fd, 0o600)  # as init makes it, whatever the umask
                os.write(fd, data)
            finally:
                os.close(fd)
            return
        _pg_admin(f'CREATE DATABASE "{_pg_name(to.url)}" TEMPLATE "{_pg_name(template.url)}"')

    def file(self, name: str, make, to: Path) -> None:
        """Make ``to`` a copy of the SQLite file that ``make(path)`` wrote once for the process
        (in the same environment; a test that set something unusual gets its own ``make``)."""
        key = _env_key()
        if key is None or to.exists():
            make(to)
            return
        key = ("file", name, *key)
        if key not in self.made:
            path = self.folder / f"{name}{len(self.made)}.db"
            make(path)
            self._settle(path)
            self.made[key] = Backend("sqlite", f"sqlite:///{path}", path)
        self.copy(self.made[key], Backend("sqlite", f"sqlite:///{to}", to))

    def prepared(self, name: str, build, to: Backend):
        """Make the test's database ``to`` what ``build()`` leaves it: the first time in the
        process (for this backend and environment) by running it, then by copying what that
        run left (a fixture's department: five ``staff add`` and a ``cycle open`` are 0.1 s
        on SQLite, more on PostgreSQL; a copy is a millisecond). Returns what ``build``
        returned. ``build`` may move ``ECOMOPS_NOW`` as it goes; what the test needs set
        afterwards the fixture sets after this call (a copy runs none of ``build``)."""
        key = _env_key()
        if key is None:  # a test that set something unusual: its own build
            return build()
        # a mail server or robot already set: the build's commands may send (plan submit)
        servers = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(_MAIL_SERVERS)))
        key = ("prepared", name, to.kind, servers, *key)
        if key not in self.made:
            value = build()
            self.made[key] = self._keep(to)
            self.values[key] = value
            return value
        self._replace(self.made[key], to)
        return self.values[key]

    def _keep(self, made: Backend) -> Backend:
        """A copy of ``made`` as it is now, to copy from."""
        if made.path is not None:
            path = self.folder / f"prepared{len(self.made)}.db"
            self._settle(made.path)
            self.copy(made, Backend("sqlite", f"sqlite:///{path}", path))
            return Backend("sqlite", f"sqlite:///{path}", path)
        from ecomops.db.engine import close_all

        close_all()  # (a template takes no other session)
        gen = _pg_database("ecomops_prepared", create=False)
        url = next(gen)
        self._pg.append(gen)
        _pg_admin(f'CREATE DATABASE "{_pg_name(url)}" TEMPLATE "{_pg_name(made.url)}"',
                  f'ALTER DATABASE "{_pg_name(url)}" ALLOW_CONNECTIONS false')
        return Backend("postgresql", url, None)

    def _replace(self, template: Backend, to: Backend) -> None:
        if to.path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{to.path}{suffix}").unlink(missing_ok=True)
            self.copy(template, to)
            return
        from ecomops.db.engine import close_all

        close_all()
        _pg_admin(f'DROP DATABASE IF EXISTS "{_pg_name(to.url)}" WITH (FORCE)')
        self.copy(template, to)

    @staticmethod
    def _settle(path: Path) -> None:
        import sqlite3

        conn = sqlite3.connect(path)  # everything in the file itself, no -wal
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        assert not Path(f"{path}-wal").exists()

    def close(self) -> None:
        for gen in self._pg:
            for _ in gen:  # drop the database
                pass


def _pg_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("templates"))
    yield made
    made.close()


@pytest.fixture
def prepared(db: Backend, db_templates: Templates):
    """``prepared(build)``: the test's database as ``build()`` (a fixture's set-up by
    commands) leaves it, built once per process and copied after (see
    :meth:`Templates.prepared`). ``build`` is known by where its code is; a value it reads
    from outside (a test's parameter) must be given as ``name`` too."""

    def use(build, name: str = ""):
        code = build.__code__
        return db_templates.prepared(f"{code.co_filename}:{code.co_firstlineno}:{name}",
                                     build, db)

    return use


@pytest.fixture
def db(backend: Backend, cli, monkeypatch: pytest.MonkeyPatch,
       db_templates: Templates) -> Backend:
    """A database initialised from the bundled handbook for the year 2026, its department at
    work since the year began (every handbook task starts open), on a simulated clock that
    reads ``NOW`` until the test moves it (``monkeypatch.setenv("ECOMOPS_NOW", ...)``): no
    test depends on the machine's date.

    It is a copy of one that ``init`` made for the process (tests/cli/test_init.py runs
    ``init`` itself); a test that set something init reads gets an ``init`` of its own."""
    monkeypatch.setenv("ECOMOPS_NOW", NOW)
    key = _init_key(backend)
    if key is None:
        if backend.kind == "postgresql":  # backend left it to this fixture
            _pg_admin(f'CREATE DATABASE "{_pg_name(backend.url)}"')
        r = cli(*INIT)
        assert r.exit_code == 0, r.stderr
    else:
        db_templates.copy(db_templates.template(key, backend.kind), backend)
    return backend


@pytest.fixture(scope="session")
def dovecot() -> Iterator:
    """``dovecot(tls)``: this session's Dovecot for ``tls`` (``none``, ``starttls``,
    ``implicit``; tests/imapserver.py), as a user (and mailbox) of the test's own."""
    from tests.imapserver import Shared

    shared = Shared()
    yield shared
    shared.close()


@pytest.fixture
def caller(backend: Backend) -> str:
    """The login the tests run as: the connected role on PostgreSQL, the OS user on SQLite."""
    if backend.kind == "postgresql":
        from sqlalchemy.engine import make_url

        return str(make_url(backend.url).username)
    import getpass

    return getpass.getuser()


# --- which tests a database backend changes ---------------------------------------------------

#: names in a test's (or its fixtures') source that make it follow ECOMOPS_TEST_DATABASE_URL
_FOLLOWS_THE_SERVER = ("PG_ADMIN_URL", "ECOMOPS_TEST_DATABASE_URL", "_pg_database")


def _follows_the_server(func, seen: dict) -> bool:
    import inspect

    func = getattr(func, "__func__", func)
    if getattr(func, "__module__", None) == __name__:
        return False  # this file's fixtures: ``backend`` is the one that follows it
    if func not in seen:
        try:
            source = inspect.getsource(func)  # decorators (skipif …) included
        except (OSError, TypeError):
            source = ""
        seen[func] = any(name in source for name in _FOLLOWS_THE_SERVER)
    return seen[func]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``database`` every test that the backend may change: it uses the ``backend``
    fixture (``db`` and every fixture built on it do), or it or a fixture of its names the
    PostgreSQL server of ``ECOMOPS_TEST_DATABASE_URL``. The PostgreSQL lane of .ci/run runs
    only these (``-m database``): the others run the same on either backend."""
    seen: dict = {}
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        defs = [d for ds in (info.name2fixturedefs.values() if info else ()) for d in ds]
        if (
            "backend" in getattr(item, "fixturenames", ())
            or item.get_closest_marker("postgres") is not None
            or _follows_the_server(getattr(item, "function", None), seen)
            or any(_follows_the_server(d.func, seen) for d in defs)
        ):
            item.add_marker(pytest.mark.database)
