"""``db backup`` and ``db restore``: a SQLite file (an online backup) or a portable dump,
written beside the target and moved into place; a restore replaces every row in one
transaction, checked as it passes.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import AbstractContextManager
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection

from ecomops.db import schema
from ecomops.db.engine import probe_uri, resolve
from ecomops.db.migrate import current_revision, needs_upgrade, upgrade
from ecomops.db.session import Database
from ecomops.errors import DatabaseError, InvalidInput
from ecomops.services.dbtools.dump import read_dump, write_dump
from ecomops.services.dbtools.intake import Intake
from ecomops.services.dbtools.tables import all_tables, copy_rows, empty_all, reset_sequences
from ecomops.services.files import SQLITE_HEADER

COMPANIONS = ("", "-wal", "-shm", "-journal")


def _live_file(database: Database, target: Path) -> str | None:
    """Whether ``target`` is a file of the SQLite database being backed up, by any name (the
    one it was opened with, the file a link names, a hard link): ``""`` for the database,
    ``"-wal"``, ``"-shm"`` or ``"-journal"`` for the files SQLite keeps beside it."""
    path = database.target.sqlite_path
    if path is None:
        return None
    names = {Path(path).expanduser().absolute(), Path(os.path.realpath(path))}
    for suffix in COMPANIONS:
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
                            for t in all_tables()
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
                counts.update(write_dump(conn, tmp))

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
            for suffix in COMPANIONS:
                Path(f"{self.scratch}{suffix}").unlink(missing_ok=True)
            self.scratch = None


def _missing_columns(conn: Connection) -> str | None:
    """The first of our tables or columns the database ``conn`` lacks (a file that calls
    itself ours), in words; None when it has them all."""
    found = inspect(conn)
    tables = set(found.get_table_names())
    for table in all_tables():
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
        intake = Intake(
            str(path), target, force=force, done="restored", fix="restore another backup"
        )
        empty_all(target)
        if magic == SQLITE_HEADER:
            with _open_backup(path) as (source, _):
                counts = copy_rows(source, target, intake, str(path))
        else:
            counts = read_dump(path, target, intake)
        intake.verdict()  # refused: the transaction is rolled back, nothing emptied
        target.execute(opt.delete())
        if kept:
            target.execute(opt.insert(), [{"key": k, "value": v} for k, v in kept.items()])
        reset_sequences(target)
    return {"file": str(path), "rows": counts}


def _options(conn: Connection) -> dict[str, str]:
    """The database's own options (its clock)."""
    opt = schema.database_option
    return {k: v for k, v in conn.execute(select(opt.c.key, opt.c.value))}
