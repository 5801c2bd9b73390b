"""The ``reminder`` table, one row per reminder key, that makes a reminder go once: the claim
(new rows ``sending``, failed or abandoned ones taken back) and the outcomes recorded in
batches.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from ecomops.clock import real_now
from ecomops.core import remind as rules
from ecomops.db import locks, schema
from ecomops.db.session import Database, Session
from ecomops.services.remind.channels import NO_ADDRESS, Channels, address_of

RM = schema.reminder
#: how long a reminder claimed by a run stays its own: a row still ``sending`` after this was
#: left by a run that died, and is sent again
LEASE = timedelta(hours=1)


#: why a reminder to a personal address was not sent (§3.2 rule 3)
NOT_COMPANY_MAIL = "not company mail: {address} (the head is told to change it)"


def ledger_rows(session: Session, keys: Collection[str]) -> dict[str, Any]:
    """The ledger's rows of the reminders ``keys``, by key (those not in it: absent)."""
    conn = session.connection()
    found: dict[str, Any] = {}
    ordered = sorted(keys)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        for row in conn.execute(select(RM).where(RM.c.key.in_(chunk))):
            found[row.key] = row
    return found


#: rows a claim writes in one statement
_CHUNK = 500


def _insert_many(
    conn, new: Sequence[tuple[rules.Reminder, str, str | None, str | None]], stamp: datetime
) -> set[str]:
    """Add each (reminder, status, address, error) of ``new`` to the ledger unless its key is
    there already (another run inserted it since we looked), a few hundred rows a statement;
    the keys this run inserted."""
    from sqlalchemy.dialects import postgresql, sqlite

    from ecomops.db.limits import check

    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    values = []
    for r, status, address, error in new:
        row = {
            "key": r.key,
            "kind": r.kind,
            "item": r.item,
            "occasion": r.occasion,
            "channel": r.channel,
            "staff_id": r.recipient.id if r.recipient else None,
            "address": address,
            "status": status,
            # a skipped reminder was not tried: its first try is when an address appears
            "attempts": 1 if status == "sending" else 0,
            "first_at": stamp,
            "last_at": stamp,
            "error": error,
        }
        check(RM.name, row)
        values.append(row)
    if not values:
        return set()
    # one statement compiled once, its rows sent a batch at a time (insertmanyvalues)
    statement = insert(RM).on_conflict_do_nothing(index_elements=["key"]).returning(RM.c.key)
    return set(conn.execute(statement, values).scalars())


def _retake(
    conn, again: list[rules.Reminder], channels: Channels, stamp: datetime
) -> dict[str, int]:
    """Claim again the reminders of ``again`` (failed, skipped and now with an address, or
    left ``sending`` past the lease) that are still so (not sent, nor taken by another run
    since we looked); their attempts by key."""
    from sqlalchemy import and_, bindparam, not_

    taken: dict[str, int] = {}
    keys = [r.key for r in again]
    for i in range(0, len(keys), _CHUNK):
        statement = (
            update(RM)
            .where(
                RM.c.key.in_(keys[i : i + _CHUNK]),
                RM.c.status != "sent",
                not_(and_(RM.c.status == "sending", RM.c.last_at > stamp - LEASE)),
            )
            .values(status="sending", attempts=RM.c.attempts + 1, last_at=stamp)
            .returning(RM.c.key, RM.c.attempts)
        )
        taken.update({k: n for k, n in conn.execute(statement)})
    addresses = [{"k": r.key, "a": address_of(r, channels)} for r in again if r.key in taken]
    if addresses:
        conn.execute(
            update(RM).where(RM.c.key == bindparam("k")).values(address=bindparam("a")),
            addresses,
        )
    return taken


def skip_reason(r: rules.Reminder) -> str:
    """Why reminder ``r`` is not mailed: no address, or one that is not company mail."""
    if r.recipient is not None and r.recipient.withheld:
        return NOT_COMPANY_MAIL.format(address=r.recipient.withheld)
    return NO_ADDRESS


def _unreachable(r: rules.Reminder) -> bool:
    """An e-mail reminder for someone with no address on the roster."""
    return r.channel != rules.WEBHOOK and (r.recipient is None or not r.recipient.email)


def ledger_state(row: Any, r: rules.Reminder, stamp: datetime) -> str:
    """Where the ledger leaves reminder ``r`` (its row, or None) at ``stamp``: ``already``
    (sent, or skipped and still with no address), ``skip`` (new, and no address), ``busy``
    (another run is sending it, within its lease) or ``claim`` (new, failed, or a lease over)."""
    if row is None:
        return "skip" if _unreachable(r) else "claim"
    if row.status == "sent" or (row.status == "skipped" and _unreachable(r)):
        return "already"
    if row.status == "sending" and row.last_at > stamp - LEASE:
        return "busy"
    return "claim"


def claim(
    session: Session, due: list[rules.Reminder], channels: Channels, stamp: datetime
) -> tuple[list[rules.Reminder], dict[str, int], int, list[rules.Reminder], list[rules.Reminder]]:
    """Claim the reminders of ``due`` not sent yet: (claimed, attempts by key, already sent,
    busy: being sent by another run now, skipped now: no e-mail address)."""
    conn = session.connection()
    locks.hold(conn, "ecomops.remind")
    rows = ledger_rows(session, {r.key for r in due})
    states = [(r, ledger_state(rows.get(r.key), r, stamp)) for r in due]
    new = [
        (r, "skipped", None, skip_reason(r)) if state == "skip"
        else (r, "sending", address_of(r, channels), None)
        for r, state in states
        if state == "skip" or (state == "claim" and r.key not in rows)
    ]
    inserted = _insert_many(conn, new, stamp)
    retaken = _retake(
        conn, [r for r, state in states if state == "claim" and r.key in rows], channels, stamp
    )
    claimed: list[rules.Reminder] = []
    attempts: dict[str, int] = {}
    busy: list[rules.Reminder] = []
    skipped: list[rules.Reminder] = []
    already = 0
    for r, state in states:
        if state == "already":
            already += 1
        elif state == "skip":
            if r.key in inserted:
                skipped.append(r)
        elif state == "busy":
            busy.append(r)
        elif r.key in inserted:
            claimed.append(r)
            attempts[r.key] = 1
        elif r.key in retaken:
            claimed.append(r)
            attempts[r.key] = retaken[r.key]
        else:  # another run took it since we looked (the lock makes this rare)
            busy.append(r)
    return claimed, attempts, already, busy, skipped


#: outcomes are recorded at least this often (seconds) …
BATCH_SECONDS = 0.25
#: … and every this many messages
BATCH_MESSAGES = 500
STOPPED = "the run was stopped before sending it"


class Outcomes:
    """The outcomes of a run's messages, written to the ledger in batches: each a short
    write transaction, one UPDATE executed for all of its reminders."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._pending: list[tuple[rules.Message, str | None]] = []
        self._since = 0.0

    def add(self, message: rules.Message, error: str | None) -> None:
        if not self._pending:
            self._since = time.monotonic()
        self._pending.append((message, error))
        if (
            len(self._pending) >= BATCH_MESSAGES
            or time.monotonic() - self._since >= BATCH_SECONDS
        ):
            self.flush()

    def flush(self, stopped: Iterable[rules.Message] = ()) -> None:
        """Record what is pending, and hand ``stopped`` (messages never begun by a run that is
        stopping) back as ``failed``: the next run sends them, without waiting for the
        lease."""
        done = self._pending + [(m, STOPPED) for m in stopped]
        self._pending = []
        if done:
            _record(self.database, done)


def _record(database: Database, done: list[tuple[rules.Message, str | None]]) -> None:
    """Record how each message went: its reminders ``sent``, or ``failed`` with the error."""
    from sqlalchemy import bindparam

    with database.session(write=True) as s:
        at = real_now(s)
        rows = [
            {
                "k": r.key,
                "st": "failed" if error else "sent",
                "sent": None if error else at,
                "err": error,
            }
            for message, error in done
            for r in message.reminders
        ]
        s.connection().execute(
            update(RM)
            .where(RM.c.key == bindparam("k"), RM.c.status == "sending")
            .values(
                status=bindparam("st"),
                last_at=at,
                sent_at=bindparam("sent"),
                error=bindparam("err"),
            ),
            rows,
        )
