"""One unit of work: a transaction as every caller (the command line, the library) runs it.

At its start, from one query (:func:`ecomops.services.identity.session_facts`): the
database's clock, and ``ECOMOPS_NOW`` refused unless that clock is simulated. A write records
its audit entry (who, the command, its parameters) in the same transaction, at the real time.
:func:`now` is "now" by the clock of the database the session belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecomops.db.session import Database, Session

#: ``Session.info`` key of the database's clock ("real" or "simulated"), set by :func:`start`
MODE = "ecomops.mode"


@dataclass(frozen=True)
class AuditEntry:
    """What a write records: the command (``staff add``), its parameters (kept as the audit
    trail's allow-list says) and who it names as acting (``--as``; None: the caller)."""

    command: str
    params: Mapping[str, Any] = field(default_factory=dict)
    as_name: str | None = None


def start(s: Session, database: Database) -> str:
    """At the start of a transaction: the database's clock (kept in ``s.info``), refusing
    ``ECOMOPS_NOW`` on one that records real time. Returns the clock's mode."""
    from ecomops.clock import check_clock
    from ecomops.services.identity import session_facts

    _login, _bound, mode = session_facts(s)
    check_clock(mode, database.target.display())
    s.info[MODE] = mode
    return mode


def audit(s: Session, entry: AuditEntry) -> None:
    """Record ``entry`` in the audit trail, in ``s``'s transaction, at the real time (the
    server's on PostgreSQL), whatever clock the database keeps."""
    from ecomops.clock import real_now
    from ecomops.services.audit import record
    from ecomops.services.identity import acting

    who = acting(s, entry.as_name, strict=False)
    record(
        s.connection(), command=entry.command, params=dict(entry.params), actor=who,
        now=real_now(s),
    )


@contextmanager
def transaction(
    database: Database,
    *,
    write: bool,
    entry: Callable[[], AuditEntry | None] | AuditEntry | None = None,
) -> Iterator[Session]:
    """One transaction on ``database``, started by :func:`start`; committed when the block
    ends, rolled back on error. A write records ``entry`` (or what ``entry()`` returns once
    the block has run: a command may add the counts it computed) before it commits."""
    with database.session(write=write) as s:
        start(s, database)
        yield s
        if write:
            found = entry() if callable(entry) else entry
            if found is not None:
                audit(s, found)


def now(s: Session | None = None, database: Database | None = None) -> datetime:
    """Now, by the clock of the database of ``s`` (or of ``database``): ``ECOMOPS_NOW`` on a
    simulated-clock one, the server's on PostgreSQL, else the system's. Without either: the
    system's clock (or ``ECOMOPS_NOW``)."""
    from ecomops import clock

    if s is not None and s.info.get(MODE) == clock.SIMULATED:
        return clock.now()
    if s is not None:
        if s.connection().dialect.name != "postgresql":
            return clock.now()
        return clock.now(server=clock.server_clock(s.connection()))
    if database is None or database.target.is_sqlite:
        return clock.now()

    def server() -> datetime:
        with database.engine.connect() as conn:
            return clock.server_clock(conn)()

    return clock.now(server=server)
