"""One transaction per command: :class:`Database` opens it, commits it, or rolls it all back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine

from ecomops.db.engine import Target, make_engine, translate_errors
from ecomops.errors import DatabaseError


class Session:
    """One command's transaction as the services see it: its connection, and ``info`` for
    what is worth computing once per transaction (the handbook in force).

    The services read and write through SQLAlchemy Core on :meth:`connection`; nothing here
    imports the ORM, which keeps a command's start-up inside its budget (benchmarks/)."""

    __slots__ = ("_conn", "info", "write")

    def __init__(self, conn: Connection, *, write: bool = True) -> None:
        self._conn = conn
        self.write = write  # False: nothing changes in this transaction (safe to memoise)
        self.info: dict = {}

    def connection(self) -> Connection:
        return self._conn


class Database:
    def __init__(self, target: Target) -> None:
        self.target = target
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.target)
        return self._engine

    @contextmanager
    def connect(self, *, write: bool, snapshot: bool = False) -> Iterator[Connection]:
        """A connection inside one transaction: committed on success, rolled back on error.

        ``snapshot`` reads every table as of one moment (PostgreSQL REPEATABLE READ; a SQLite
        read transaction in WAL mode is one already)."""
        if write and self.target.read_only:
            raise DatabaseError(
                f"database {self.target.display()} is read-only to you; nothing was written",
                "read commands work; ask its owner for write access to the file and its folder",
            )
        with translate_errors(self.target):
            with self.engine.connect() as conn:
                if self.target.is_sqlite:
                    conn = conn.execution_options(ecomops_write=write)
                elif snapshot:
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn

    @contextmanager
    def session(self, *, write: bool) -> Iterator[Session]:
        with self.connect(write=write) as conn:
            yield Session(conn, write=write)

    def release(self) -> None:
        """The command is done with the database. A SQLite file's connections are closed (the
        file may be replaced, moved or deleted next); a server's stay open in this process,
        for its next command on the same URL (:func:`ecomops.db.engine.close_all` closes
        them)."""
        if self.target.is_sqlite:
            self.dispose()
        else:
            self._engine = None

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
