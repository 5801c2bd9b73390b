"""Backup, restore, moving house (SQLite → PostgreSQL), and "where is my data?".

Every ecomops table is copied in foreign-key order with SQLAlchemy Core (``executemany`` in
batches), through the same column types on both sides, so values round-trip exactly. A
self-referencing key (a manager on the roster) is filled in a second pass. After rows with
explicit ids go into PostgreSQL, its id sequences are moved past them.

What a restore or a copy brings in is checked as it passes, by the rules the tool's own writes
keep (:mod:`ecomops.core.backup`): once a row is refused nothing more is written, the rest is
only read to count the problems, and the whole is refused in the one transaction, naming the
first bad rows; the target is left as it was.
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from ecomops.core.backup import (
    RESERVED_LOGINS,
    ColumnRule,
    Findings,
    Member,
    Rules,
    limited_positions,
    roster_problems,
    row_label,
    row_problem,
)
from ecomops.core.pgservice import ENCRYPTED, SERVICE, Service, default_sslmode, is_local
from ecomops.db import schema
from ecomops.db.engine import Target, probe_uri, resolve
from ecomops.db.migrate import HEAD, current_revision, needs_upgrade, upgrade
from ecomops.db.session import Database, Session
from ecomops.db.types import UTCDateTime
from ecomops.errors import DatabaseError, InvalidInput, NotAllowed
from ecomops.i18n import N_
from ecomops.identity import Actor
from ecomops.services.files import SQLITE_HEADER

BATCH = 5000
DUMP_FORMAT = "ecomops-dump"


def _tables():
    return [t for t in schema.metadata.sorted_tables]


def _self_refs(table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


# --- reading a source --------------------------------------------------------------------


def _rows(conn: Connection, table) -> Iterator[list[dict]]:
    pk = list(table.primary_key.columns)
    result = conn.execution_options(stream_results=True).execute(select(table).order_by(*pk))
    while batch := result.mappings().fetchmany(BATCH):
        yield [dict(r) for r in batch]


def _source_rows(conn: Connection, table, source: str) -> Iterator[list[dict]]:
    """:func:`_rows` of a source that may hold what no column type reads back (a SQLite file
    edited by hand: text in a date, a number that is not one): refused in one line."""
    try:
        yield from _rows(conn, table)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise InvalidInput(
            f"cannot read {source}: its {table.name} table holds a value ecomops does not "
            f"write ({exc})"
        ) from None


# --- checking what comes in (core.backup's rules) ----------------------------------------------


def _kinds(column) -> tuple[type, ...]:
    """The Python values a column reads back as (empty: anything, a JSON document)."""
    kind = column.type
    for sql, python in (
        (UTCDateTime, (datetime,)),
        (DateTime, (datetime,)),
        (Date, (date,)),
        (Boolean, (bool,)),
        (Integer, (int,)),
        (Numeric, (Decimal,)),
        (String, (str,)),
        (Text, (str,)),
    ):
        if isinstance(kind, sql):
            return python
    if isinstance(kind, JSON):
        return ()
    raise AssertionError(f"no rule for the type of {column}")  # pragma: no cover


def column_rules() -> dict[str, dict[str, ColumnRule]]:
    """Every table's columns as core.backup checks them: the values each reads back as,
    whether it may be empty, how long its text may be."""
    from ecomops.db.limits import limit

    return {
        t.name: {
            c.name: ColumnRule(_kinds(c), bool(c.nullable), limit(t.name, c.name))
            for c in t.columns
        }
        for t in _tables()
    }


def _reserved_logins(conn: Connection) -> frozenset[str]:
    """The logins nobody on the roster may hold in the database ``conn`` writes: the systems'
    own (root, postgres) and, on PostgreSQL, every superuser's."""
    if conn.dialect.name != "postgresql":
        return RESERVED_LOGINS
    found = conn.execute(text("SELECT rolname FROM pg_roles WHERE rolsuper")).scalars()
    return RESERVED_LOGINS | frozenset(str(r) for r in found)


class _Intake:
    """The rows a restore or a copy brings in, checked as they pass, before any is written:
    once one is refused, nothing more is written (the rest is read only to count the
    problems), and :meth:`verdict` refuses the whole. The roster is checked whole once its
    table has been read, against the handbook the rows bring (the newest ``manual_version``):
    one holder of each position it has one of, unless ``force`` (as ``staff add --force``)."""

    def __init__(self, source: str, conn: Connection, *, force: bool, done: str, fix: str) -> None:
        self.source, self.force, self.done, self.fix = source, force, done, fix
        self.rules = Rules(column_rules(), _reserved_logins(conn))
        self.findings = Findings()
        self.members: list[Member] = []
        self.manual: tuple[int, object] | None = None
        self.roster_checked = False
        self.second_holder = False

    @property
    def writing(self) -> bool:
        """Whether rows are still written: nothing refused so far."""
        return not self.findings

    def check(self, table: Table, rows: list[dict]) -> bool:
        """Check ``rows`` of ``table``; whether to write them (nothing refused so far)."""
        name = table.name
        keys = [c.name for c in table.primary_key.columns]
        for row in rows:
            problem = row_problem(name, row, self.rules)
            if problem is not None:
                self.findings.add(row_label(name, row, keys), problem)
            elif name == "staff":
                self.members.append(
                    Member(
                        row["id"], row["name"], row["name_key"], row["position_id"],
                        row.get("manager_id"), bool(row["active"]), row.get("login"),
                    )
                )
            elif name == "manual_version" and (self.manual is None or row["id"] > self.manual[0]):
                self.manual = (row["id"], row["document"])
        return self.writing

    def table_done(self, name: str | None) -> None:
        """The rows of table ``name`` have all been read: the roster is checked whole."""
        if name == "staff":
            self._roster()

    def _limited(self) -> dict[str, str]:
        if self.force:
            return {}
        if self.manual is None:
            self.findings.add("manual_version", "no handbook: the roster cannot be checked")
            return {}
        from pydantic import ValidationError

        from ecomops.handbook.model import Manual

        try:
            m = Manual.model_validate(self.manual[1])
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "the document"
            self.findings.add(
                f"manual_version id {self.manual[0]}",
                f"the handbook is not one ecomops loads ({where}: {first['msg']})",
            )
            return {}
        return limited_positions((p.id, p.reports_to, p.head) for p in m.positions)

    def _roster(self) -> None:
        if self.roster_checked:
            return
        self.roster_checked = True
        limited = self._limited()
        for staff_id, problem in roster_problems(self.members, limited):
            self.second_holder = self.second_holder or " would be a second " in problem
            self.findings.add(f"staff id {staff_id}", problem)

    def verdict(self) -> None:
        """Refuse the whole when any row was: one line, then the first bad rows."""
        self._roster()
        if not self.findings:
            return
        n = self.findings.count
        hint = N_(f"ecomops never writes these; {self.fix}")
        if self.second_holder:
            hint += (
                "; a second holder recorded with staff add --force is accepted with --force"
            )
        raise InvalidInput(
            f"{self.source}: {n} problem{'s' if n > 1 else ''}; nothing was {self.done}",
            hint,
            problems=self.findings.lines(),
        )


def _copy(source: Connection, target: Connection, intake: _Intake, where: str) -> dict[str, int]:
    """Copy every table's rows from ``source`` (named ``where``) into the (empty) ``target``,
    each batch checked by ``intake`` first (the caller asks its verdict)."""
    counts = {}
    for table in _tables():
        deferred = _self_refs(table)
        later: list[dict] = []
        n = 0
        for batch in _source_rows(source, table, where):
            n += len(batch)
            if not intake.check(table, batch):
                continue
            if deferred:
                for row in batch:
                    if any(row[c] is not None for c in deferred):
                        later.append({"_pk": row["id"], **{c: row[c] for c in deferred}})
                        row.update(dict.fromkeys(deferred, None))
            target.execute(table.insert(), batch)
        intake.table_done(table.name)
        for row in later if intake.writing else ():
            target.execute(
                update(table)
                .where(table.c.id == row["_pk"])
                .values(**{c: row[c] for c in deferred})
            )
        counts[table.name] = n
    return counts


def _reset_sequences(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, Integer):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                    f"COALESCE(MAX({pk[0].name}), 1), MAX({pk[0].name}) IS NOT NULL) "
                    f"FROM {table.name}"
                )
            )


def _empty(conn: Connection) -> None:
    for table in reversed(_tables()):
        for c in _self_refs(table):
            conn.execute(update(table).values(**{c: None}))
        conn.execute(table.delete())


def _count_all(conn: Connection) -> dict[str, int]:
    count = select(func.count())
    return {t.name: conn.execute(count.select_from(t)).scalar_one() for t in _tables()}


# --- portable dump (JSON lines, gzip) --------------------------------------------------------


def _encode(value):
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$D": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        ((k, v),) = value.items()
        if k == "$d":
            try:
                return Decimal(v)
            except ArithmeticError:
                raise ValueError(f"{str(v)[:40]!r} is not a number") from None
        if k == "$t":
            return datetime.fromisoformat(v)
        if k == "$D":
            return date.fromisoformat(v)
    return value


def _write_dump(conn: Connection, path: Path) -> dict[str, int]:
    counts = {}
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"format": DUMP_FORMAT, "revision": current_revision(conn)}) + "\n")
        for table in _tables():
            n = 0
            for batch in _rows(conn, table):
                for row in batch:
                    fh.write(
                        json.dumps(
                            [table.name, {k: _encode(v) for k, v in row.items()}],
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
                n += len(batch)
            counts[table.name] = n
    return counts


def _read_dump(path: Path, target: Connection, intake: _Intake) -> dict[str, int]:
    """Write the rows of the dump at ``path`` into the (empty) ``target``, each checked by
    ``intake`` first (the caller asks its verdict)."""
    by_name = {t.name: t for t in _tables()}
    counts: dict[str, int] = dict.fromkeys(by_name, 0)
    pending: dict[str, list[dict]] = {}
    later: list[tuple] = []
    reading: str | None = None  # the table whose rows are arriving
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            head = json.loads(fh.readline())
            if not isinstance(head, dict) or head.get("format") != DUMP_FORMAT:
                raise InvalidInput(f"{path} is not an ecomops dump")
            if head.get("revision") != HEAD:
                raise InvalidInput(
                    f"{path} holds schema {head.get('revision')}, this ecomops has {HEAD}",
                    "restore it with the ecomops release that made it, then upgrade",
                )
            for number, line in enumerate(fh, start=2):
                item = json.loads(line)
                if not (
                    isinstance(item, list)
                    and len(item) == 2
                    and item[0] in by_name
                    and isinstance(item[1], dict)
                ):
                    raise InvalidInput(
                        f"{path} is not a readable ecomops dump (line {number} is not a row of "
                        "an ecomops table)"
                    )
                name, raw = item
                table = by_name[name]
                if name != reading:
                    # tables arrive in dependency order: flush the others before a new one
                    for other in list(pending):
                        target.execute(by_name[other].insert(), pending.pop(other))
                    intake.table_done(reading)
                    reading = name
                row = {k: _decode(v) for k, v in raw.items()}
                counts[name] += 1
                if not intake.check(table, [row]):
                    pending.clear()
                    continue
                for c in _self_refs(table):
                    if row.get(c) is not None:
                        later.append((table, row["id"], c, row[c]))
                        row[c] = None
                pending.setdefault(name, []).append(row)
                if len(pending[name]) >= BATCH:
                    target.execute(table.insert(), pending.pop(name))
    except (OSError, EOFError, KeyError, ValueError, TypeError, ArithmeticError) as exc:
        raise InvalidInput(f"{path} is not a readable ecomops dump ({exc})") from None
    intake.table_done(reading)
    if not intake.writing:
        return counts
    for name, rows in pending.items():
        target.execute(by_name[name].insert(), rows)
    for table, pk, column, value in later:
        target.execute(update(table).where(table.c.id == pk).values(**{column: value}))
    return counts


# --- commands ----------------------------------------------------------------------------------


_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _live_file(database: Database, target: Path) -> str | None:
    """Whether ``target`` is a file of the SQLite database being backed up, by any name (the
    one it was opened with, the file a link names, a hard link): ``""`` for the database,
    ``"-wal"``, ``"-shm"`` or ``"-journal"`` for the files SQLite keeps beside it."""
    path = database.target.sqlite_path
    if path is None:
        return None
    names = {Path(path).expanduser().absolute(), Path(os.path.realpath(path))}
    for suffix in _COMPANIONS:
        for name in names:
            live = Path(f"{name}{suffix}")
            if Path(os.path.realpath(live)) == target:
                return suffix
            try:
                if os.path.samefile(live, target):
                    return suffix
            except OSError:  # either is missing
                continue
    return None


def backup(database: Database, path: str | os.PathLike[str], *, force: bool = False) -> dict:
    """SQLite: an online backup (a SQLite file). PostgreSQL: a portable dump (.jsonl.gz).

    Written beside ``path`` and moved into place (a link: the file it points to). An existing
    file is replaced only with ``force``; the database being backed up (or its -wal, -shm),
    under any name, never."""
    from ecomops.services.files import output_path, replace_atomically

    target = output_path(path, database_ok=True)
    live = _live_file(database, target)
    if live is not None:
        what = f"the {live} file of " if live else ""
        raise InvalidInput(
            f"{os.fspath(path)} is {what}the database being backed up",
            "back it up into another file",
        )
    output_path(path, force=force, database_ok=True)  # an existing file only with --force
    counts: dict[str, int] = {}
    if database.target.is_sqlite:

        def write(tmp: Path) -> None:
            raw = database.engine.raw_connection()
            try:
                dst = sqlite3.connect(tmp)
                try:
                    with dst:
                        source = raw.driver_connection
                        assert source is not None, "an open connection has its driver connection"
                        source.backup(dst)
                    # one self-contained file: reading it later leaves no -wal or -shm beside it
                    dst.execute("PRAGMA journal_mode = DELETE")
                    counts.update(
                        {
                            t.name: dst.execute(f'SELECT COUNT(*) FROM "{t.name}"').fetchone()[0]
                            for t in _tables()
                        }
                    )
                finally:
                    dst.close()
            finally:
                raw.close()

        kind = "sqlite"
    else:

        def write(tmp: Path) -> None:
            with database.connect(write=False, snapshot=True) as conn:
                counts.update(_write_dump(conn, tmp))

        kind = "dump"
    replace_atomically(target, write)
    return {"file": os.fspath(path), "format": kind, "rows": counts}


class _open_backup:
    """Open a backup for reading: a SQLite file (upgraded in a scratch copy if older). The
    scratch copy (a whole database, in the temporary folder) is removed however it ends: the
    read done, or the backup refused or unreadable halfway through opening it."""

    def __init__(self, path: Path):
        self.path = path
        self.scratch: Path | None = None
        self.database: Database | None = None
        self._cm: AbstractContextManager[Connection] | None = None

    def __enter__(self):
        with open(self.path, "rb") as fh:
            magic = fh.read(16)
        if magic != SQLITE_HEADER:
            raise InvalidInput(f"{self.path} is a dump, not a SQLite file")
        fd, tmp = tempfile.mkstemp(suffix=".db", prefix="ecomops-restore-")
        os.close(fd)
        self.scratch = Path(tmp)
        try:
            src = sqlite3.connect(probe_uri(self.path), uri=True)  # no -wal, -shm beside it
            try:
                dst = sqlite3.connect(self.scratch)
                try:
                    with dst:
                        src.backup(dst)
                finally:
                    dst.close()
            finally:
                src.close()
            self.database = Database(resolve(db=str(self.scratch)))
            with self.database.connect(write=True) as conn:
                revision = current_revision(conn)
                if revision is None or not (revision.isdigit() and len(revision) == 4):
                    # ours are numbered 0001, 0002 …: another application's Alembic schema
                    raise InvalidInput(f"{self.path} is not an ecomops database")
                if needs_upgrade(conn):
                    upgrade(conn)
                missing = _missing_columns(conn)
                if missing:
                    raise InvalidInput(
                        f"{self.path} is not an ecomops database: it has no {missing}"
                    )
            self._cm = self.database.connect(write=False)
            return self._cm.__enter__(), self.database
        except (sqlite3.DatabaseError, DatabaseError) as exc:  # truncated, not a database …
            # the driver's words, without the scratch copy's name (it is gone)
            detail = str(exc).split(f"{self.scratch}: ", 1)[-1].split("; ")[0]
            self._cm = None
            self._remove()
            raise InvalidInput(f"cannot read {self.path} as a backup: {detail}") from None
        except BaseException:
            self._cm = None  # not entered (or failed entering): nothing to leave
            self._remove()
            raise

    def __exit__(self, *exc):
        try:
            if self._cm is not None:
                self._cm.__exit__(*exc)
        finally:
            self._remove()
        return False

    def _remove(self) -> None:
        if self.database is not None:
            self.database.dispose()
            self.database = None
        if self.scratch is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.scratch}{suffix}").unlink(missing_ok=True)
            self.scratch = None


def _missing_columns(conn: Connection) -> str | None:
    """The first of our tables or columns the database ``conn`` lacks (a file that calls
    itself ours), in words; None when it has them all."""
    found = inspect(conn)
    tables = set(found.get_table_names())
    for table in _tables():
        if table.name not in tables:
            return f"table {table.name}"
        columns = {c["name"] for c in found.get_columns(table.name)}
        for c in table.columns:
            if c.name not in columns:
                return f"column {table.name}.{c.name}"
    return None


def restore(database: Database, path: Path, *, force: bool = False) -> dict:
    """Replace everything in the database with the backup's rows, in one transaction. The rows
    are checked as the tool's own writes are (:mod:`ecomops.core.backup`): one refused refuses
    the whole, naming the first bad rows, and the database is left as it was. ``force``: a
    second holder of a position the handbook has one of (the general manager, the department
    head) is accepted, as ``staff add --force`` records one."""
    if not path.exists():
        raise InvalidInput(f"no backup at {path}")
    if not path.is_file():
        raise InvalidInput(
            f"{path} is not a file (a folder, a pipe or a device)", "give a backup file"
        )
    with open(path, "rb") as fh:
        magic = fh.read(16)
    if not magic:
        raise InvalidInput(f"{path} is empty, not a backup", "give a file made by db backup")
    with database.connect(write=True) as target:
        if needs_upgrade(target):
            upgrade(target)
        opt = schema.database_option
        kept = _options(target)  # how this database keeps time is its own, not the backup's
        intake = _Intake(
            str(path), target, force=force, done="restored", fix="restore another backup"
        )
        _empty(target)
        if magic == SQLITE_HEADER:
            with _open_backup(path) as (source, _):
                counts = _copy(source, target, intake, str(path))
        else:
            counts = _read_dump(path, target, intake)
        intake.verdict()  # refused: the transaction is rolled back, nothing emptied
        target.execute(opt.delete())
        if kept:
            target.execute(opt.insert(), [{"key": k, "value": v} for k, v in kept.items()])
        _reset_sequences(target)
    return {"file": str(path), "rows": counts}


def _options(conn: Connection) -> dict[str, str]:
    """The database's own options (its clock)."""
    opt = schema.database_option
    return {k: v for k, v in conn.execute(select(opt.c.key, opt.c.value))}


def copy_to(
    database: Database,
    url: str,
    *,
    audit: Callable[[Session], None] | None = None,
    force: bool = False,
) -> dict:
    """Copy the whole database into another one (made or upgraded to this schema; it must hold
    no ecomops records yet), checking afterwards that every table has the same rows. The rows
    are checked as a restore checks them (``force`` as there): one refused refuses the whole,
    and the target is left as it was (a SQLite file the copy made is removed)."""
    from ecomops.services.database import refuse_foreign, refuse_other_tables

    target = Database(resolve(database_url=url))
    path = target.target.sqlite_path
    made = path is not None and not path.exists()
    if path is not None and path.exists():
        refuse_foreign(path)  # not another application's file, nor a FIFO or a device
    try:
        with target.connect(write=True) as dst:
            refuse_other_tables(dst, target.target.display())
            if needs_upgrade(dst):
                upgrade(dst)
            existing = {k: v for k, v in _count_all(dst).items() if v}
            if existing:
                raise InvalidInput(
                    f"{target.target.display()} already holds ecomops records "
                    f"({', '.join(f'{k} {v}' for k, v in sorted(existing.items()))})",
                    "copy into an empty database",
                )
            intake = _Intake(
                database.target.display(),
                dst,
                force=force,
                done="copied",
                fix="correct them in the source first",
            )
            with database.connect(write=False, snapshot=True) as src:
                counts = _copy(src, dst, intake, database.target.display())
            intake.verdict()  # refused: the target's transaction is rolled back
            _reset_sequences(dst)
            if audit is not None:
                audit(Session(dst))
        with target.connect(write=False) as dst, database.connect(write=False) as src:
            for table in _tables():
                if table.name == "audit":
                    continue  # the target's trail also holds this copy
                if _digest(src, table) != _digest(dst, table):
                    raise DatabaseError(f"the copy of table {table.name} differs")
    except BaseException:
        target.dispose()
        if made and path is not None:  # the copy made the file: nothing of it is left
            for suffix in _COMPANIONS:
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        target.dispose()
    return {"from": database.target.display(), "to": target.target.display(), "rows": counts}


def _digest(conn: Connection, table: Table) -> list[tuple[tuple[str, str], ...]]:
    out: list[tuple[tuple[str, str], ...]] = []
    for batch in _rows(conn, table):
        out.extend(tuple(sorted((k, repr(_norm(v))) for k, v in row.items())) for row in batch)
    return out


def _norm(value):
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def _connection(conn: Connection) -> dict | None:
    """What a PostgreSQL connection uses: TLS or not (protocol and cipher), the server's
    address (None: a Unix socket)."""
    if conn.dialect.name != "postgresql":
        return None
    row = conn.execute(
        text(
            "SELECT s.ssl, s.version, s.cipher, host(inet_server_addr()), inet_server_port() "
            "FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()"
        )
    ).one()
    return {
        "ssl": bool(row[0]),
        "protocol": row[1],
        "cipher": row[2],
        "server": None if row[3] is None else f"{row[3]}:{row[4]}",
    }


def _keeper(conn: Connection, path: Path | None) -> tuple[str, str]:
    """(the login running this, the keeper's login): on SQLite the operating-system user and
    the file's owner; on PostgreSQL the connected role and the role that owns the tables."""
    from ecomops.identity import os_user, owner_of_file

    if conn.dialect.name != "postgresql":
        return os_user(), owner_of_file(path)
    row = conn.execute(
        text(
            "SELECT current_user, pg_get_userbyid(relowner) FROM pg_class "
            "WHERE oid = 'staff'::regclass"
        )
    ).one()
    return str(row[0]), str(row[1])


def status(target: Target, database: Database) -> dict:
    """Where the database is, its schema version, the handbook in force and row counts; who
    keeps it, and (PostgreSQL) what the connection uses: TLS or not."""
    path = target.sqlite_path
    with database.connect(write=False) as conn:
        revision = current_revision(conn)
        counts = _count_all(conn)
        mv = schema.manual_version
        latest = conn.execute(
            select(mv.c.source, mv.c.year, mv.c.loaded_at, mv.c.sha256)
            .order_by(mv.c.id.desc())
            .limit(1)
        ).first()
        st, opt = schema.staff, schema.database_option
        bound = dict(
            conn.execute(select(st.c.login, st.c.name).where(st.c.login.is_not(None))).all()
        )
        clock = conn.execute(select(opt.c.value).where(opt.c.key == "clock")).scalar() or "real"
        login, keeper = _keeper(conn, path)
        connection = _connection(conn)
    logins = len(bound)
    warnings = []
    if path is None and logins == 0:
        warnings.append(
            "single-keeper mode: no login is bound to anyone on the roster, so anyone who can "
            "write this database can act as anyone (give each person a role of their own: "
            "ecomops db grant NAME --login LOGIN)"
        )
    if path is not None:
        from ecomops.services.files import readable_by_others, writable_by_others

        open_to_write = [p for p in writable_by_others(path) if p.exists()]
        if open_to_write:
            warnings.append(
                "writable by other users: "
                + ", ".join(str(p) for p in open_to_write)
                + ": anyone who can write this database can act as anyone; a SQLite file has "
                f"one keeper, its owner ({keeper}) (make it private: chmod 600 FILE, chmod 700 "
                "FOLDER; for several people on their own logins, use PostgreSQL)"
            )
        loose = [p for p in readable_by_others(path) if p.exists() and p not in open_to_write]
        if loose:
            warnings.append(
                "readable by other users: "
                + ", ".join(str(p) for p in loose)
                + " (make it private: chmod 600 FILE, chmod 700 FOLDER)"
            )
        others = sorted(k for k in bound if k != keeper)
        if others:
            warnings.append(
                "logins bound on a SQLite file act as nobody unless they are its owner's "
                f"({keeper}): {', '.join(f'{k} ({bound[k]})' for k in others)} "
                "(for several people on their own logins, use PostgreSQL)"
            )
    elif connection is not None and not connection["ssl"] and not _local(connection["server"]):
        warnings.append(
            f"the connection to {connection['server']} is not encrypted: passwords and records "
            "cross the network in the clear (sslmode=verify-full, and ssl = on on the server)"
        )
    return {
        "mode": "single-keeper" if path is not None or logins == 0 else "bound logins",
        "logins": logins,
        "login": login,
        "keeper": keeper,
        "connection": connection,
        "clock": clock,
        "warnings": warnings,
        "database": target.display(),
        "backend": "sqlite" if target.is_sqlite else "postgresql",
        "size_bytes": path.stat().st_size if path is not None and path.exists() else None,
        "schema": revision,
        "handbook": {
            "source": latest.source,
            "year": latest.year,
            "sha256": latest.sha256,
            "loaded_at": latest.loaded_at,
        }
        if latest
        else None,
        "rows": counts,
    }


def _local(server: str | None) -> bool:
    """Whether a server address (``host:port``; None: a Unix socket) is this machine's."""
    return server is None or is_local(server.rsplit(":", 1)[0])


# --- PostgreSQL: a login role for a person on the roster -------------------------------------

#: what a staff role may write (row-level security and the permission table decide the rest);
#: the handbook's tables, the clock setting and the schema version stay read-only (of
#: database_option, row-level security lets only the company_mail_* keys be written, by those
#: who may manage staff)
_INSERT = (
    "sheet", "sheet_score", "calibration", "plan", "leave", "handover", "visitor", "task",
    "task_event", "audit", "cycle", "cycle_member", "staff", "staff_change", "database_option",
    "calendar_year", "calendar_day",
)
#: a year's official schedule is replaced whole (row-level security: the top, or the keeper)
_DELETE = ("calendar_year", "calendar_day")
_UPDATE = {
    "sheet": "(is_current)",
    "plan": "(is_current, sent_at, sent_to, send_error)",
    "task": "",
    "cycle": "",
    "staff": "",
    "visitor": "(left_at)",
    "leave": "(status, decided_by_id, decided_at, decision_reason)",
    "handover": "(acked_at, acked_by_id)",
    "database_option": "(value)",
}


@dataclass(frozen=True)
class Granted:
    """What ``db grant`` made: the person and role, the member's connection service and, once,
    the password (None: the role has none, for peer or certificate authentication)."""

    name: str
    login: str
    service: Service
    password: str | None = field(default=None, repr=False)  # shown once, stored nowhere
    #: the password was made here (not given)
    generated: bool = False
    #: the SCRAM verifier was computed here, so the password itself never reached the server
    verifier: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def pgpass(self) -> str | None:
        """The member's password-file line (None without a password)."""
        return None if self.password is None else self.service.pgpass(self.password)


def _scram(conn: Connection, role: str, password: str) -> tuple[str, bool]:
    """What ``ALTER ROLE … PASSWORD`` is given: a SCRAM-SHA-256 verifier computed here (libpq's
    PQencryptPasswordConn, through psycopg2), so that the password never crosses the wire nor
    lands in the server's statement log; the password itself where the driver cannot."""
    raw = conn.connection.dbapi_connection
    try:
        from psycopg2.extensions import encrypt_password

        return encrypt_password(password, role, raw, "scram-sha-256"), True  # type: ignore[arg-type]
    except (ImportError, TypeError, AttributeError):  # pragma: no cover - another driver
        return password, False


def _where(conn: Connection) -> tuple[str | None, int | None]:
    """The host (or socket folder) and port this connection reached, as libpq resolved them
    (a service file's too)."""
    info = getattr(conn.connection.dbapi_connection, "info", None)
    host = getattr(info, "host", None) or None
    port = getattr(info, "port", None)
    return host, int(port) if port else None


def grant(
    session: Session,
    *,
    name: str,
    login: str,
    password: str | None,
    actor: Actor,
    generate: bool = False,
    host: str | None = None,
    port: int | None = None,
    sslmode: str | None = None,
    ca: str | os.PathLike[str] | None = None,
    service: str = SERVICE,
) -> Granted:
    """Give the person ``name`` a PostgreSQL login role ``login`` (made, or reused) holding only
    what the tool needs: no superuser, no ``BYPASSRLS``, not the tables' owner; row-level
    security then shows that role what the person may see. Run by the role that owns the
    database.

    The role gets ``password`` (``generate``: a new random one; None: none, for peer or
    certificate authentication), sent as a SCRAM verifier. Returns what the member needs: a
    connection service for the server at ``host``/``port`` (default: where this connection
    went), TLS as :mod:`ecomops.core.pgservice` says (``sslmode``; ``ca``: the CA file that
    signed the server's certificate, named as ``sslrootcert``), and the password, once."""
    from sqlalchemy import text

    from ecomops.identity import owns_the_database
    from ecomops.services.people import find_person
    from ecomops.services.staff import clean_login, staff_link

    conn = session.connection()
    if conn.dialect.name != "postgresql":
        raise InvalidInput(
            "db grant gives PostgreSQL roles; a SQLite file has one keeper, its owner",
            "for several people on their own logins, use PostgreSQL (ecomops db copy)",
        )
    if not owns_the_database(session):
        raise NotAllowed(
            f"only the role that owns the database may grant access, not {actor.login!r}",
            "connect as the owner (the role that ran ecomops init)",
        )
    role = clean_login(login)
    if role is None:
        raise InvalidInput("the login is empty", "give the role's name", param="login")
    find_person(session, name)  # before any role is made
    rootcert = _ca_file(ca) if ca is not None else None
    reached_host, reached_port = _where(conn)
    dbname, schema_now = conn.execute(text("SELECT current_database(), current_schema()")).one()
    entry = Service(
        host=host or reached_host,
        port=port or reached_port,
        dbname=dbname,
        user=role,
        sslmode=sslmode or default_sslmode(host or reached_host, rootcert),
        sslrootcert=rootcert,
        name=service,
    )
    if generate:
        import secrets

        password = secrets.token_urlsafe(24)
    if password is not None and not password:
        raise InvalidInput("the password is empty", "give one, or none", param="password")
    quote = conn.dialect.identifier_preparer.quote
    owner = conn.execute(
        text("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'staff'::regclass")
    ).scalar_one()
    found = conn.execute(
        text(
            "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb AS mighty, "
            "pg_has_role(oid, :owner, 'MEMBER') AS owns FROM pg_roles WHERE rolname = :r"
        ),
        {"r": role, "owner": owner},
    ).first()
    if role.startswith("pg_"):
        raise InvalidInput(f"{role!r} is a name PostgreSQL keeps for itself", param="login")
    if found is None:
        conn.execute(text(f"CREATE ROLE {quote(role)} LOGIN"))
    elif found.mighty or found.owns:
        raise InvalidInput(
            f"the role {role!r} is a superuser, bypasses row-level security, makes roles or "
            "databases, or owns (or belongs to the owner of) this database",
            "a staff member's role must see only what the handbook lets them: use another",
        )
    else:
        conn.execute(text(f"ALTER ROLE {quote(role)} LOGIN"))
    verifier = False
    if password is None:
        conn.execute(text(f"ALTER ROLE {quote(role)} PASSWORD NULL"))
    else:
        secret, verifier = _scram(conn, role, password)
        conn.execute(text(f"ALTER ROLE {quote(role)} PASSWORD :pw"), {"pw": secret})
    who = quote(role)
    schema_name = quote(schema_now)
    for sql in (
        f"GRANT CONNECT ON DATABASE {quote(dbname)} TO {who}",
        f"GRANT USAGE ON SCHEMA {schema_name} TO {who}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema_name} TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_name} TO {who}",
        f"GRANT INSERT ON {', '.join(_INSERT)} TO {who}",
        *(f"GRANT UPDATE {cols} ON {table} TO {who}" for table, cols in _UPDATE.items()),
        f"GRANT DELETE ON {', '.join(_DELETE)} TO {who}",
    ):
        conn.execute(text(sql))
    staff_link(session, name, login=role, actor=actor, lang="en")
    server_ssl = conn.execute(text("SHOW ssl")).scalar_one() == "on"
    return Granted(
        name=find_person(session, name).name,
        login=role,
        service=entry,
        password=password,
        generated=generate,
        verifier=verifier,
        warnings=tuple(_grant_warnings(entry, server_ssl)),
    )


def _ca_file(ca: str | os.PathLike[str]) -> str:
    """The CA certificate file given, as an absolute path (refused unless it holds one)."""
    path = Path(ca).expanduser().absolute()
    try:
        pem = path.read_bytes()[:1 << 20]
    except OSError as exc:
        raise InvalidInput(
            f"cannot read the CA certificate {path}: {exc.strerror}", param="ca"
        ) from None
    if b"-----BEGIN CERTIFICATE-----" not in pem:
        raise InvalidInput(
            f"{path} holds no certificate (PEM)",
            "give the certificate of the CA that signed the server's certificate",
            param="ca",
        )
    return str(path)


def _grant_warnings(entry: Service, server_ssl: bool) -> list[str]:
    """What the keeper should know about the member's connection."""
    out = []
    encrypted = entry.sslmode in ENCRYPTED
    if encrypted and not server_ssl:
        out.append(
            f"the server has ssl = off: sslmode={entry.sslmode} connections are refused until "
            "it is on (ssl = on in postgresql.conf, hostssl lines in pg_hba.conf)"
        )
    if not encrypted and not is_local(entry.host):
        out.append(
            f"sslmode={entry.sslmode} to {entry.host}: the password and the records may cross "
            "the network in the clear"
        )
    if entry.sslmode.startswith("verify-") and entry.sslrootcert is None:
        out.append(
            "the member needs the CA certificate that signed the server's certificate, in "
            "~/.postgresql/root.crt (libpq's default; or name its file with the CA given here)"
        )
    elif entry.sslrootcert is not None:
        out.append(
            f"sslrootcert names {entry.sslrootcert}: the member needs that file at that path "
            "(or change the line to where they keep it)"
        )
    return out
