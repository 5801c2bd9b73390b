"""Opening the database: find it, create or upgrade it, load the handbook."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, inspect, select, update
from sqlalchemy.engine import Connection

from ecomops import clock
from ecomops.db import schema
from ecomops.db.engine import probe_uri, resolve, translate_errors
from ecomops.db.migrate import current_revision, needs_upgrade, upgrade
from ecomops.db.session import Database
from ecomops.errors import DatabaseError, InvalidInput, ManualError, Suggest
from ecomops.services.files import SQLITE_HEADER, private_file, private_folder
from ecomops.services.handbook_rows import ORDER, PRIMARY_KEYS, handbook_rows
from ecomops.services.tasks import sync_handbook_tasks
from ecomops.views import InitOut

if TYPE_CHECKING:
    from ecomops.handbook.loader import LoadedManual

Notify = Callable[[str], None]

#: a new database on a simulated clock, and a new database file
_NEW_SIMULATED = Suggest("init", options={"db": "NEW.db"}, flags=("simulated_clock",))
_INIT_AT = Suggest("init", options={"db": "PATH"})


def _quiet(_: str) -> None:
    pass


def refuse_other_tables(conn: Connection, shown: str, names: list[str] | None = None) -> None:
    """Refuse a database that holds tables but no ecomops schema (another application's),
    before anything is written to it. ``names``: its tables, when already read."""
    names = sorted(inspect(conn).get_table_names() if names is None else names)
    if names and "alembic_version" not in names:
        listed = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        raise DatabaseError(
            f"database {shown} holds another application's tables ({listed}); "
            "nothing was changed",
            "ecomops keeps a database of its own: create an empty one for it",
        )


def _normalise(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def _sync_table(conn: Connection, name: str, rows: list[dict]) -> tuple[int, int, int, list]:
    """Make ``name`` hold exactly ``rows``; return (added, updated, removed keys to delete)."""
    table = schema.metadata.tables[name]
    pk = PRIMARY_KEYS[name]
    existing = {tuple(r[c] for c in pk): dict(r) for r in conn.execute(select(table)).mappings()}
    desired = {tuple(r[c] for c in pk): r for r in rows}
    inserts = [r for k, r in desired.items() if k not in existing]
    updates = [
        r
        for k, r in desired.items()
        if k in existing and any(_normalise(existing[k][c]) != _normalise(v) for c, v in r.items())
    ]
    if inserts:
        conn.execute(table.insert(), inserts)
    for r in updates:
        cond = [table.c[c] == r[c] for c in pk]
        conn.execute(table.update().where(*cond).values(**r))
    removed = [k for k in existing if k not in desired]
    return len(inserts), len(updates), len(removed), removed


def _delete_unused(conn: Connection, name: str, keys: list[tuple]) -> None:
    """Delete handbook rows that the new handbook dropped, unless records still use them."""
    if not keys:
        return
    table = schema.metadata.tables[name]
    pk = PRIMARY_KEYS[name]
    for other in schema.metadata.sorted_tables:
        if other.name in PRIMARY_KEYS:
            continue
        for fk in other.foreign_key_constraints:
            if fk.referred_table is not table:
                continue
            cols = [e.parent for e in fk.elements]
            used = {tuple(r) for r in conn.execute(select(*cols).distinct())}
            hit = sorted(set(keys) & used)
            if hit:
                label = ", ".join(".".join(map(str, k)) for k in hit)
                raise ManualError(
                    f"the handbook drops {name} {label}, which {other.name} records still use",
                    hint="keep it in the handbook, or change those records first; "
                    "nothing was written",
                )
    for k in keys:
        conn.execute(table.delete().where(*[table.c[c] == v for c, v in zip(pk, k, strict=True)]))


def install_manual(
    conn: Connection, loaded: LoadedManual, *, year: int | None, now: datetime
) -> dict[str, Any]:
    """Load a validated handbook into the handbook tables, in the caller's transaction."""
    mv = schema.manual_version
    latest = conn.execute(select(mv).order_by(mv.c.id.desc()).limit(1)).mappings().first()
    the_year = year or loaded.manual.calendar.year or (latest["year"] if latest else now.year)
    rows = handbook_rows(loaded.manual, the_year)
    added: dict[str, int] = {}
    updated: dict[str, int] = {}
    removed: dict[str, int] = {}
    to_remove: dict[str, list] = {}
    for name in ORDER:
        a, u, r, keys = _sync_table(conn, name, rows[name])
        added[name], updated[name], removed[name] = a, u, r
        to_remove[name] = keys
    for name in reversed(ORDER):
        _delete_unused(conn, name, to_remove[name])
    changed = latest is None or latest["sha256"] != loaded.sha256 or latest["year"] != the_year
    if changed:
        conn.execute(
            mv.insert().values(
                sha256=loaded.sha256,
                source=str(loaded.path),
                year=the_year,
                document=loaded.manual.model_dump(mode="json"),
                loaded_at=now,
            )
        )
    return {
        "year": the_year,
        "changed": changed,
        "added": added,
        "updated": updated,
        "removed": removed,
    }


def init_database(
    db: str | None,
    database_url: str | None,
    *,
    manual_file: str | Path | None = None,
    year: int | None = None,
    now: datetime | None = None,
    simulated: bool = False,
    since: date | None = None,
) -> InitOut:
    """``ecomops init``: create or upgrade the schema and load the handbook, in one transaction.
    ``simulated``: a new database keeps a simulated clock (``ECOMOPS_NOW``); any other keeps
    real time. ``now`` stamps what it creates (default: the database's clock). ``since``: the
    department's start day, kept in the database (default for a new one: see
    :func:`start_day`); handbook tasks due before it are created cancelled, on this run and
    on later reloads; a task that exists already is never cancelled."""
    from ecomops.handbook.loader import load_manual  # YAML: only when loading a handbook

    loaded = load_manual(manual_file)  # a bad file fails here, before the database is touched
    target = resolve(db, database_url)
    if target.sqlite_path is not None and target.sqlite_path.exists():
        refuse_foreign(target.sqlite_path)  # only an ecomops database, or an empty file
    created = _prepare_file(target)
    fresh = created
    database = Database(target)
    try:
        with database.connect(write=True) as conn:
            refuse_other_tables(conn, target.display())
            fresh = fresh or current_revision(conn) is None
            if needs_upgrade(conn):
                upgrade(conn)
            mode = _settle_clock(conn, simulated=simulated, fresh=fresh or created)
            clock.check_clock(mode, target.display())
            if now is not None:
                stamp = now
            elif mode == clock.SIMULATED:
                stamp = clock.now(_tz(loaded))
            else:
                stamp = clock.server_clock(conn)().astimezone(clock.zone(_tz(loaded)))
            result = install_manual(conn, loaded, year=year, now=stamp)
            if since is None and fresh and stored_since(conn) is None:
                clock_set = (
                    now is not None
                    or mode != clock.SIMULATED
                    or clock.simulated_now(_tz(loaded)) is not None
                )
                since = start_day(stamp, result["year"], clock_set)
            start = keep_since(conn, since)
            counts = sync_handbook_tasks(
                conn, loaded.manual, result["year"], stamp, since=start
            )
            for what in ("added", "updated", "removed"):
                result[what]["task"] = counts[what]
    except BaseException:
        database.dispose()
        if created:
            remove_sqlite(target.sqlite_path)
        raise
    database.dispose()
    return InitOut(
        database=target.display(),
        created=fresh,  # a new file, or a database that held no ecomops schema yet
        clock=mode,
        manual=str(loaded.path),
        sha256=loaded.sha256,
        since=start,
        **result,
    )


def start_day(stamp: datetime, year: int, clock_set: bool) -> date:
    """A new database's start day when ``init --since`` gives none: the day it is made, by
    its clock (``stamp``). A simulated-clock database made without ``ECOMOPS_NOW``
    (``clock_set`` false) has no day of its own: it replays ``year``, from its first day."""
    return stamp.date() if clock_set else date(year, 1, 1)


def stored_since(conn: Connection) -> date | None:
    """The department's start day kept in the database (None: none recorded)."""
    opt = schema.database_option
    value = conn.execute(select(opt.c.value).where(opt.c.key == "since")).scalar()
    return date.fromisoformat(value) if value else None


def keep_since(conn: Connection, since: date | None) -> date | None:
    """Record ``since`` as the start day (when given); return the start day in force."""
    if since is None:
        return stored_since(conn)
    opt = schema.database_option
    if stored_since(conn) is None:
        conn.execute(insert(opt).values(key="since", value=since.isoformat()))
    else:
        conn.execute(update(opt).where(opt.c.key == "since").values(value=since.isoformat()))
    return since


def _settle_clock(conn: Connection, *, simulated: bool, fresh: bool) -> str:
    """The database's clock: chosen when it is made (``simulated``), kept after that."""
    opt = schema.database_option
    stored = conn.execute(select(opt.c.value).where(opt.c.key == "clock")).scalar()
    if stored is None:
        if simulated and not fresh:
            raise InvalidInput(
                "this database already holds records kept in real time",
                "a simulated clock is chosen when a database is made: {command}",
                suggest=_NEW_SIMULATED,
            )
        stored = clock.SIMULATED if simulated else clock.REAL
        conn.execute(insert(opt).values(key="clock", value=stored))
    elif simulated and stored != clock.SIMULATED:
        raise InvalidInput(
            "this database records real time",
            "a simulated clock is chosen when a database is made: {command}",
            suggest=_NEW_SIMULATED,
        )
    return str(stored)


def _tz(loaded: LoadedManual) -> str:
    return loaded.manual.calendar.timezone


def _prepare_file(target) -> bool:
    """Create the parent folder of a new SQLite file; True when the file is new."""
    path = target.sqlite_path
    if path is None or path.exists():
        return False
    try:
        private_folder(path.parent)
    except OSError as exc:
        raise DatabaseError(f"cannot create {path.parent}: {exc.strerror}") from None
    try:
        private_file(path)  # 0600 whatever the umask; SQLite's -wal and -shm follow it
    except OSError as exc:
        raise DatabaseError(f"cannot create {path}: {exc.strerror}") from None
    return True


def remove_sqlite(path: Path | None) -> None:
    """Delete a SQLite database file with its ``-wal`` and ``-shm`` companions."""
    if path is None:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


#: tables every ecomops database has, whatever its revision
ECOMOPS_TABLES = {"alembic_version", "manual_version"}


def sqlite_kind(path: Path) -> tuple[str, list[str]]:
    """What the file at ``path`` is, looked at read-only (nothing in it or beside it changes):
    ``empty`` (no bytes, or a SQLite database with nothing in it), ``ecomops``, ``other`` (a
    SQLite database of another application: its tables, views and other objects) or
    ``not-sqlite`` (a text file), ``not-a-file`` (a folder, a FIFO, a device …)."""
    import sqlite3
    import stat

    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror}") from None
    if not stat.S_ISREG(mode):  # never opened: a FIFO would block, /dev/null gets a journal
        return "not-a-file", []
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror}") from None
    if not head:
        return "empty", []
    if head != SQLITE_HEADER:
        return "not-sqlite", []
    try:
        conn = sqlite3.connect(probe_uri(path), uri=True)
        try:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                    "ORDER BY type = 'table' DESC, name"
                )
            ]
            marked = any(conn.execute(f"PRAGMA {p}").fetchone()[0] for p in _MARKS)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot read {path}: {exc}", "is it a SQLite database?") from None
    if not names:
        return ("other" if marked else "empty"), (["(no tables, an application's mark)"]
                                                   if marked else [])
    return ("ecomops" if ECOMOPS_TABLES <= set(names) else "other"), names


#: what an application may set in a SQLite file it made, before any table
_MARKS = ("application_id", "user_version")


def refuse_foreign(path: Path) -> str:
    """Refuse a file that is not an ecomops database (left byte for byte as it was); return
    its kind, ``empty`` or ``ecomops``."""
    kind, names = sqlite_kind(path)
    if kind == "not-a-file":
        raise DatabaseError(
            f"{path} is not a file (a folder, a pipe or a device); nothing was changed",
            "give the path of an ecomops database file",
        )
    if kind == "not-sqlite":
        raise DatabaseError(
            f"{path} is not a SQLite database; nothing was changed",
            "give the path of an ecomops database, or a new path to: {command}",
            suggest=_INIT_AT,
        )
    if kind == "other":
        shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        raise DatabaseError(
            f"{path} is another application's SQLite database (tables: {shown}); "
            "nothing was changed",
            "ecomops keeps its own file: give a new path to: {command}",
            suggest=_INIT_AT,
        )
    return kind


def _writable(path: Path) -> bool:
    """Whether this user may write the SQLite file (and make its -wal and -shm beside it)."""
    import os

    mine = os.W_OK, os.W_OK | os.X_OK
    return os.access(path, mine[0], effective_ids=True) and os.access(
        path.parent, mine[1], effective_ids=True
    )


class NoDatabase(DatabaseError):
    """There is no ecomops database where the command looked (``empty``: a file or a database
    is there, with no ecomops tables); nothing was created or changed."""

    def __init__(self, message: str, *, empty: bool = False) -> None:
        hint = "initialise it with: {command}" if empty else "create it with: {command}"
        super().__init__(message, hint, suggest=Suggest("init"))
        self.empty = empty


def open_database(
    db: str | None = None, database_url: str | None = None, *, notify: Notify = _quiet
) -> Database:
    """The database a command works on, upgraded as needed; never created (only
    :func:`init_database` creates one): a missing one, or one with no ecomops tables, is
    :class:`NoDatabase`. A SQLite file that is not an ecomops database is refused and left
    unchanged; one this user may not write is opened read-only (a write command is then
    refused)."""
    import dataclasses

    target = resolve(db, database_url)
    path = target.sqlite_path
    if path is not None and not path.exists():
        raise NoDatabase(f"no database at {path}")
    if path is not None:
        if refuse_foreign(path) == "empty":
            raise NoDatabase(f"database {path} has no ecomops tables", empty=True)
        if not _writable(path):
            target = dataclasses.replace(target, read_only=True)
    database = Database(target)
    with database.connect(write=False) as conn:
        names = inspect(conn).get_table_names()  # one catalog query for both questions
        refuse_other_tables(conn, target.display(), names)
        stale = bool(names) and needs_upgrade(conn)
    if not names:  # never made into an ecomops database here: only init does that
        database.dispose()
        raise NoDatabase(f"database {target.display()} has no ecomops tables", empty=True)
    if stale:
        if target.read_only:
            raise DatabaseError(
                f"database {target.display()} needs a schema upgrade, and is read-only to you",
                "ask its owner to run any ecomops command on it once",
            )
        with database.connect(write=True) as conn:
            if needs_upgrade(conn):
                upgrade(conn)
                _sync_after_upgrade(conn)
        notify(f"upgraded the database schema of {target.display()}")
    return database


def _sync_after_upgrade(conn: Connection) -> None:
    """A schema that just gained the task table gets the handbook's tasks."""
    from ecomops.handbook.model import Manual

    mv = schema.manual_version
    row = conn.execute(select(mv.c.document, mv.c.year).order_by(mv.c.id.desc()).limit(1)).first()
    if row is not None:
        manual = Manual.model_validate(row.document)
        stamp = clock.server_clock(conn)().astimezone(clock.zone(manual.calendar.timezone))
        sync_handbook_tasks(conn, manual, row.year, stamp, since=stored_since(conn))


def check_database(db: str | None, database_url: str | None, *, timeout: float) -> str:
    """Whether the database is there and is an ecomops database, and its schema version,
    looked at read-only (nothing is created, upgraded or written; a SQLite file is opened as
    :func:`sqlite_kind` opens it). Returns what it found; raises :class:`DatabaseError`."""
    from sqlalchemy import create_engine

    from ecomops.db.migrate import HEAD, known_revisions

    target = resolve(db, database_url)
    path = target.sqlite_path
    if path is not None:
        if not path.exists():
            raise NoDatabase(f"no database at {path}")
        kind = refuse_foreign(path)
        if kind == "empty":
            raise NoDatabase(f"database {path} has no ecomops tables", empty=True)
        revision = _sqlite_revision(path)
        where = f"SQLite file {path}"
    else:
        connect_args = {"connect_timeout": max(1, round(timeout))}
        engine = create_engine(target.url, connect_args=connect_args, poolclass=_null_pool())
        try:
            with translate_errors(target), engine.connect() as conn:
                conn.exec_driver_sql(f"SET statement_timeout = {max(1, round(timeout * 1000))}")
                names = inspect(conn).get_table_names()
                if not names:
                    raise NoDatabase(
                        f"database {target.display()} has no ecomops tables", empty=True
                    )
                refuse_other_tables(conn, target.display(), names)
                revision = current_revision(conn)
                server = conn.exec_driver_sql("SHOW server_version").scalar()
        finally:
            engine.dispose()
        where = f"PostgreSQL {server} at {target.display()}"
    if revision == HEAD:
        state = "current"
    elif revision in known_revisions():
        state = f"older than {HEAD}: the next command upgrades it"
    else:
        raise DatabaseError(
            f"the schema of {target.display()} ({revision}) is newer than this ecomops knows "
            f"({HEAD})",
            "upgrade ecomops",
        )
    return f"{where}: an ecomops database, schema {revision} ({state})"


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def _sqlite_revision(path: Path) -> str | None:
    """The schema revision of the ecomops SQLite file ``path``, read leaving no trace."""
    import sqlite3

    try:
        conn = sqlite3.connect(probe_uri(path), uri=True)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot read {path}: {exc}") from None
    return row[0] if row else None
