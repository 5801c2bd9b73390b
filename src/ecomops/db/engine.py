"""Where the database is, and how to open it.

Which database a command works on is a setting (``[database]`` in config.toml, the environment,
``--db``/``--database-url``: :mod:`ecomops.config`); :func:`resolve` turns the file or URL chosen
into a :class:`Target` (neither: the default file ``ecomops.db`` in the user's data
directory). SQLite connections get foreign keys,
WAL, a busy timeout, and real transactions (``BEGIN IMMEDIATE`` for writes) so that two people
on one file lose nothing.
"""

from __future__ import annotations

import functools
import warnings
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine, make_url

from ecomops.errors import DatabaseError, InvalidInput

warnings.filterwarnings("ignore", message=r".*does \*not\* support Decimal objects natively")

BUSY_TIMEOUT_MS = 30_000


def default_db_path() -> Path:
    from ecomops.config import default_database_file

    return default_database_file()


@dataclass(frozen=True)
class Target:
    url: URL
    is_default: bool
    #: a SQLite file this user may read but not write: opened read-only, writes refused
    read_only: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    def display(self) -> str:
        if self.sqlite_path is not None:
            return str(self.sqlite_path)
        import re

        shown = self.url.render_as_string(hide_password=True)
        return re.sub(r"([?&]password=)[^&]*", r"\1***", shown)  # libpq's ?password= too


def _parse_url(raw: str) -> URL:
    """The URL typed (``--database-url``, ``ECOMOPS_DATABASE_URL``), refused with one line that
    never shows its password: whatever stands between ``://user:`` and the last ``@`` (or, with
    no ``@``, the next ``/``) is shown as ``***``, and so is any ``password=`` in the query."""
    import re

    def masked(text: str) -> str:
        text = re.sub(r"(?s)(://[^:/@]*:).*@", r"\1***@", text)
        text = re.sub(r"(://[^:/@]*:)(?!\*\*\*@)[^/@]*(?=/|$)", r"\1***", text)
        text = re.sub(r"(?i)(password=)[^&;\s]*", r"\1***", text)
        return repr(text if len(text) <= 80 else text[:80] + "…")

    how = "write it like postgresql://user:password@host:5432/dbname or sqlite:///path/to/file.db"
    try:
        url = make_url(raw)
    except sa_exc.ArgumentError:
        raise InvalidInput(f"{masked(raw)} is not a database URL", how) from None
    except ValueError:  # make_url reads the port with int(): postgresql://u@h:abc/db
        raise InvalidInput(
            f"{masked(raw)} is not a database URL: its port is not a number", how
        ) from None
    if url.port is not None and not 0 < url.port < 65536:
        raise InvalidInput(
            f"{masked(raw)} is not a database URL: its port {url.port} is out of range",
            "a port is a number from 1 to 65535",
        )
    backend = url.get_backend_name()
    # psycopg2, the driver we ship: it imports in ~20 ms where psycopg 3 takes ~180 ms, most
    # of a read command's budget (benchmarks/README.md)
    if backend in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg2")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise InvalidInput(
            f"unsupported database {url.get_backend_name()!r}",
            "use a SQLite file (--db PATH) or a postgresql:// URL",
        )
    return url


def _sqlite_url(path: str | Path) -> URL:
    p = Path(path).expanduser()
    return URL.create("sqlite", database=str(p.resolve() if p.exists() else p.absolute()))


def resolve(db: str | None = None, database_url: str | None = None) -> Target:
    """The database at the SQLite file ``db`` or the URL ``database_url`` (one of them;
    neither: the default file). The environment is not read here: the settings are."""
    if db is not None and not db.strip():
        raise InvalidInput(
            "--db is empty: no file name", "give the database file, or leave --db out"
        )
    if database_url is not None and not database_url.strip():
        raise InvalidInput(
            "--database-url is empty", "give the URL, or leave --database-url out"
        )
    if db and database_url:
        raise InvalidInput("--db and --database-url both given", "use one of them")
    if database_url:
        return Target(_parse_url(database_url), False)
    if db:
        return Target(_sqlite_url(db), False)
    return Target(_sqlite_url(default_db_path()), True)


def _configure_sqlite(engine: Engine, *, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy (not the sqlite3 module) decide where transactions begin, so that
        # DDL is transactional too; see the SQLAlchemy docs on pysqlite transactions.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not read_only:  # a read-only file keeps the journal mode its owner gave it
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        mode = conn.get_execution_options().get("ecomops_write", True)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode and not read_only else "BEGIN")


def sqlite_uri(path: Path) -> str:
    """``path`` as a read-only SQLite URI (any character in the name quoted).

    A WAL database is read through its ``-shm`` file, which a reader makes when it is
    missing; where it is missing and cannot be made (a folder this user may not write), the
    file is read as immutable: its owner is not writing it either, or the ``-shm`` would be
    there."""
    import os

    shm = Path(f"{path}-shm")
    readable = shm.exists() or os.access(path.parent, os.W_OK | os.X_OK, effective_ids=True)
    return _file_uri(path, "mode=ro" if readable else "immutable=1")


def probe_uri(path: Path) -> str:
    """A URI to look into the SQLite file ``path`` leaving no trace: with no ``-wal`` beside
    it, everything is in the file, read as immutable (a read-only open of a WAL database would
    make a ``-wal`` and a ``-shm``)."""
    import os

    return _file_uri(path, "mode=ro" if os.path.exists(f"{path}-wal") else "immutable=1")


def _file_uri(path: Path, query: str) -> str:
    from urllib.parse import quote

    return f"file:{quote(str(path))}?{query}"


def make_engine(target: Target) -> Engine:
    """The engine for ``target``: one per process for each URL and its settings, so a process
    that runs more than one command (the tests, a program using :mod:`ecomops.api`) compiles
    each statement once, meets each server's dialect once and, on PostgreSQL, keeps its
    connections for the next command (:meth:`Database.release`; :func:`close_all` at the
    process's end)."""
    if target.is_sqlite:
        url: URL | str = target.url
        if target.read_only and target.sqlite_path is not None:
            url = "sqlite:///" + sqlite_uri(target.sqlite_path) + "&uri=true"
        return _engine(str(url) if isinstance(url, str) else url, target.read_only, ())
    # a server that does not answer costs [network] timeout, not libpq's forever (a URL's
    # own ?connect_timeout= stays); libpq counts whole seconds, at least 2
    args: dict = {}
    if "connect_timeout" not in target.url.query:
        from math import ceil

        from ecomops.config import network_timeout

        args["connect_timeout"] = max(2, ceil(network_timeout()))
    # waiting for a lock ends like SQLite's busy timeout: a role that holds a row or table
    # lock (an open transaction in psql) stalls nobody's command for longer (a URL's own
    # ?options= stays)
    if "options" not in target.url.query:
        args["options"] = f"-c lock_timeout={BUSY_TIMEOUT_MS}"
    # libpq reads the environment too (PGSERVICEFILE, PGPASSFILE, PGUSER …, and ~/.pgpass,
    # ~/.pg_service.conf under HOME): the same URL in another environment is another login
    import os

    libpq = tuple(
        sorted((k, v) for k, v in os.environ.items() if k.startswith("PG") or k == "HOME")
    )
    return _engine(target.url, False, tuple(sorted(args.items())), libpq)


#: every engine made in this process (for :func:`close_all`)
_MADE: weakref.WeakSet[Engine] = weakref.WeakSet()


def close_all() -> None:
    """Close the connections every engine of this process keeps (at the process's end: the
    server then sees each session end, not a connection that broke off)."""
    for engine in list(_MADE):
        engine.dispose()


@functools.lru_cache(maxsize=16)
def _engine(url: URL | str, read_only: bool, args: tuple, environment: tuple = ()) -> Engine:
    if isinstance(url, str) or url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine, read_only=read_only)
    else:
        # no hstore columns here: skip psycopg2's hstore lookup on connect (one catalog query);
        # a kept connection is tried before a command uses it (the server may have ended it:
        # a restart, pg_terminate_backend) and replaced if it is gone
        engine = create_engine(
            url, pool_pre_ping=True, use_native_hstore=False, connect_args=dict(args)
        )
    from ecomops.db.limits import guard

    guard(engine)  # the same text limits on both backends
    _MADE.add(engine)
    return engine


@contextmanager
def translate_errors(target: Target):
    """Turn driver errors into one line that says what to do."""
    try:
        yield
    except sa_exc.OperationalError as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if getattr(exc.orig, "pgcode", None) == LOCK_NOT_AVAILABLE:
            raise DatabaseError(
                f"database {target.display()} stayed busy for {BUSY_TIMEOUT_MS // 1000} s: "
                "another session holds a lock on what this command needs",
                "nothing was written; try again in a moment (if it lasts, the database's "
                "keeper can see which session holds it in pg_stat_activity)",
            ) from None
        if "locked" in detail or "busy" in detail:
            raise DatabaseError(
                f"database {target.display()} stayed busy for {BUSY_TIMEOUT_MS // 1000} s",
                "try again in a moment",
            ) from None
        raise DatabaseError(
            f"cannot use database {target.display()}: {detail}",
            "check the path or URL, that the server is running, and your permissions",
        ) from None
    except sa_exc.DatabaseError as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raced = conflict(exc)
        if raced is not None:
            raise DatabaseError(raced, "nothing was written; run the command again") from None
        if getattr(exc.orig, "pgcode", None) == "42501":  # insufficient privilege / RLS
            raise DatabaseError(
                f"the database refused it: {detail}",
                "your role may not do this (row-level security follows the handbook's "
                "permission table; see: ecomops roles permissions); nothing was written",
            ) from None
        raise DatabaseError(
            f"cannot use database {target.display()}: {detail}",
            "is it an ecomops database? check --db / --database-url",
        ) from None


#: PostgreSQL's code for a lock not granted within ``lock_timeout``
LOCK_NOT_AVAILABLE = "55P03"

#: PostgreSQL's codes for a write that lost a race: unique violation, serialization failure,
#: deadlock detected
_RACE_CODES = {"23505", "40001", "40P01"}


def conflict(exc: BaseException) -> str | None:
    """What went wrong, when ``exc`` is a write that collided with another writer's (a unique
    index, a serialization failure or a deadlock); None for any other error."""
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "pgcode", None)
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    if code in _RACE_CODES or text.startswith("UNIQUE constraint failed"):
        where = getattr(getattr(orig, "diag", None), "constraint_name", None) or text
        return f"another command has written the same record ({where})"
    return None
