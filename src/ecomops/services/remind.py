"""``ecomops remind``: what the department owes now, turned into reminders, each sent once.

A run reads what is owed (:func:`ecomops.services.duties.owed`), asks the pure rules
(:mod:`ecomops.core.remind`) which reminders apply now, and keeps a ledger (the ``reminder``
table, one row per key: kind, item, occasion, recipient, channel) so that a reminder is sent
once, however often the job runs:

1. **Claim** (one short write transaction, under a lock on PostgreSQL; SQLite's write
   transaction is one already): each due reminder that is not in the ledger is inserted as
   ``sending``; a ``failed`` one (or a ``sending`` one left more than :data:`LEASE` ago by a
   run that died) is taken back as ``sending``. A row ``sent``, or ``sending`` by a run still
   at it, is left alone. Two runs at once therefore never claim the same reminder.
2. **Send**, outside any transaction (no lock is held while a mail server or a robot thinks):
   the group message first (it never waits behind e-mails; split into several when the robot
   takes less, see :func:`ecomops.services.webhook.parts`), then one e-mail per person
   carrying all their reminders, all over one SMTP connection (:class:`~ecomops.services.mail.
   Mailer`).
3. **Record** the messages' outcomes in batches (:class:`_Outcomes`: a short transaction for
   the messages of the last :data:`BATCH_SECONDS`, or every :data:`BATCH_MESSAGES`): ``sent``,
   or ``failed`` with the error, to be tried again by the next run. A server slower than that
   has each message recorded right after it, as before.

A person with no e-mail address on the roster cannot be mailed: their reminder is recorded once
as ``skipped`` (shown by that run, not a failure, not retried every 15 minutes: the head's list
already names them) and is claimed again only once the roster gives them an address.

Sent-then-crash: a run killed between a send and its record leaves the row ``sending``; it is
sent again once the lease is over (at least once, never lost). A run stopped (SIGTERM, Ctrl-C,
an error) records what it sent before stopping, leaves the message in flight ``sending`` (it
may have gone) and hands the messages it had not begun back as ``failed`` ("the run was
stopped before sending it"), for the next run to send: the window is one message wide, as
when each message was recorded on its own. Only a run killed outright (SIGKILL, the machine
losing power) widens it, to the messages of its last :data:`BATCH_SECONDS` (or
:data:`BATCH_MESSAGES`) not recorded yet.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from ecomops.clock import real_now, zone
from ecomops.config import Smtp, Webhook
from ecomops.core import remind as rules
from ecomops.core.calendar import WorkCalendar
from ecomops.core.roster import mail_allowed
from ecomops.db import locks, schema
from ecomops.db.session import Database, Session
from ecomops.errors import EcomopsError, InvalidInput, NotAllowed
from ecomops.i18n import N_
from ecomops.identity import Actor, owns_the_database
from ecomops.services.handbook import current
from ecomops.services.people import Person
from ecomops.services.permissions import require_department_job
from ecomops.views import ReminderOut, RemindOut

if TYPE_CHECKING:
    from ecomops.services.mail import Mailer

RM = schema.reminder
#: how long a reminder claimed by a run stays its own: a row still ``sending`` after this was
#: left by a run that died, and is sent again
LEASE = timedelta(hours=1)
_ERROR_MAX = 2000
NO_ADDRESS = "no e-mail address on the roster"
#: why a reminder to a personal address was not sent (§3.2 rule 3)
NOT_COMPANY_MAIL = "not company mail: {address} (the head is told to change it)"
#: the channel of a reminder previewed with no channel configured (``--dry-run`` only)
NO_CHANNEL = "none"


@dataclass(frozen=True)
class Channels:
    """Where reminders go: the SMTP server (None: no e-mail), the group robot (None: none).
    With neither, a preview (``dry_run``) shows what each person would be told, through the
    channel :data:`NO_CHANNEL`; a real run is refused."""

    smtp: Smtp | None
    webhook: Webhook | None

    @property
    def names(self) -> list[str]:
        return [
            n
            for n, on in ((rules.EMAIL, self.smtp), (rules.WEBHOOK, self.webhook))
            if on is not None
        ]


def _who(p: Person, domain: str | None = None) -> rules.Who:
    """``p`` as the rules name them; with the company mail ``domain`` in force, an address
    outside it is withheld (§3.2 rule 3: not mailed)."""
    if domain is not None and p.email and not mail_allowed(p.email, domain, None, date.min):
        return rules.Who(p.id, p.name, None, withheld=p.email)
    return rules.Who(p.id, p.name, p.email)


def _past(
    session: Session,
    now: datetime,
    people: dict[int, Person],
    work: WorkCalendar,
    domain: str | None = None,
) -> list[rules.Deadline]:
    """The previous week's and month's deadlines when today is the working day after them,
    with the active members who have not handed in."""
    from ecomops.core import calendar as cal
    from ecomops.services.plans import due_of, status_grid

    m = current(session).manual
    tz = zone(m.calendar.timezone)
    today = now.astimezone(tz).date()
    previous = [
        ("week", "plan", cal.week_id(today - timedelta(days=7))),
        ("month", "summary", cal.month_id(today.replace(day=1) - timedelta(days=1))),
    ]
    out: list[rules.Deadline] = []
    for kind, name, period in previous:
        due = due_of(session, kind, period)[0].astimezone(tz)
        if rules.next_working_day(due.date(), work.is_working) != today:
            continue
        members, _dues, grid = status_grid(session, periods=[(kind, period)], now=now)
        missing = sorted(
            (
                people[p.id]
                for p, (status,) in zip(members, grid, strict=True)
                if status == "missing" and p.id in people
            ),
            key=lambda p: (p.name_key, p.id),
        )
        out.append(rules.Deadline(name, period, due, tuple(_who(p, domain) for p in missing)))
    return out


def situation(session: Session, *, now: datetime, lang: str, work: WorkCalendar) -> rules.Situation:
    """What the department owes at ``now``, as the pure rules take it (``work``: the working
    calendar around ``now``)."""
    from ecomops.core import plans as plan_rules
    from ecomops.services.duties import owed
    from ecomops.services.staff import company_domain_on
    from ecomops.services.workcal import knows, next_year_missing

    o = owed(session, now=now, lang=lang)
    domain = company_domain_on(session, o.now.date())

    def who(p: Person) -> rules.Who:
        return _who(p, domain)

    def task(t) -> rules.TaskItem:
        return rules.TaskItem(
            t.task.id,
            t.task.title,
            t.task.due,
            t.task.days_overdue,
            tuple(who(p) for p in t.owners),
        )

    rated = [
        (who(o.people[r]), tuple(who(p) for p in people))
        for r, people in sorted(o.ratings_owed.items())
        if r in o.people
    ]
    return rules.Situation(
        now=o.now,
        head=who(o.head) if o.head is not None else None,
        week=o.week,
        week_due=o.week_due,
        plans_missing=tuple(who(p) for p in o.plans_missing),
        month=o.month,
        month_due=o.month_due,
        summaries_missing=tuple(who(p) for p in o.summaries_missing),
        overdue=tuple(task(t) for t in o.overdue),
        due_soon=tuple(task(t) for t in o.due_soon),
        cycle_id=o.cycle_id,
        ratings_owed=tuple(rated),
        past=tuple(_past(session, now, o.people, work, domain)),
        calendar_missing=next_year_missing(session, o.now.date()),
        unknown_years=frozenset(
            y for y in {o.week_due.year, o.month_due.year} if not knows(session, y)
        ),
        dept=(
            rules.Deadline("dept", o.week, o.week_due, (who(o.head),))
            if o.head is not None and o.dept_status in plan_rules.NOT_IN_STATUSES
            else None
        ),
        tops=tuple(who(p) for p in o.tops),
        leave_pending=tuple(
            rules.LeaveItem(
                w.leave.id,
                who(w.person),
                w.leave.kind,
                w.leave.start,
                w.leave.end,
                w.leave.reason,
                tuple(w.leave.protected_days),
                tuple(who(p) for p in w.deciders),
            )
            for w in o.leave_pending
            if w.leave is not None
        ),
        handovers_unacked=tuple(
            rules.HandoverItem(
                w.handover.id,
                who(w.person),
                w.handover.cover,
                w.handover.start_at,
                w.handover.end_at,
                w.handover.matter,
                tuple(who(p) for p in w.deciders),
            )
            for w in o.handovers_unacked
            if w.handover is not None
        ),
        mail_domain=domain,
    )


def _require_sender(session: Session, actor: Actor) -> None:
    """Reminders are the department's: sent by the keeper (on PostgreSQL only the role that
    owns the tables reads and writes the ledger) or whoever may act for others."""
    if session.connection().dialect.name == "postgresql" and not owns_the_database(session):
        raise NotAllowed(
            "on PostgreSQL only the database's keeper (the role that owns its tables) sends "
            "reminders",
            "run `ecomops remind` as that role, e.g. from its crontab",
        )
    require_department_job(session, actor, N_("send the department's reminders"))


def _address(r: rules.Reminder, channels: Channels) -> str | None:
    if r.channel == rules.WEBHOOK:
        return channels.webhook.describe() if channels.webhook else None
    return r.recipient.email if r.recipient else None


def _row(
    r: rules.Reminder, channels: Channels, status: str, attempts: int, error: str | None
) -> ReminderOut:
    return ReminderOut(
        key=r.key,
        kind=r.kind,
        item=r.item,
        occasion=r.occasion,
        channel=r.channel,
        recipient=r.recipient.name if r.recipient else None,
        address=_address(r, channels),
        status=status,
        attempts=attempts,
        error=error,
        text=r.line,
    )


def _ledger(session: Session, keys: Collection[str]) -> dict[str, Any]:
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
    addresses = [{"k": r.key, "a": _address(r, channels)} for r in again if r.key in taken]
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


def _state(row: Any, r: rules.Reminder, stamp: datetime) -> str:
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


def _claim(
    session: Session, due: list[rules.Reminder], channels: Channels, stamp: datetime
) -> tuple[list[rules.Reminder], dict[str, int], int, list[rules.Reminder], list[rules.Reminder]]:
    """Claim the reminders of ``due`` not sent yet: (claimed, attempts by key, already sent,
    busy: being sent by another run now, skipped now: no e-mail address)."""
    conn = session.connection()
    locks.hold(conn, "ecomops.remind")
    rows = _ledger(session, {r.key for r in due})
    states = [(r, _state(rows.get(r.key), r, stamp)) for r in due]
    new = [
        (r, "skipped", None, skip_reason(r)) if state == "skip"
        else (r, "sending", _address(r, channels), None)
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


def _send(message: rules.Message, channels: Channels, mailer: Mailer | None) -> str | None:
    """Send one message; the error, or None when it went."""
    from ecomops.services.webhook import post

    try:
        if message.channel == rules.WEBHOOK:
            if channels.webhook is None:
                return "no group robot is configured (ECOMOPS_WEBHOOK_URL)"
            post(channels.webhook, message.body)  # each part signed when it goes
            return None
        if mailer is None:
            return "no SMTP server is configured (ECOMOPS_SMTP_HOST)"
        who = message.recipient
        if who is None or not who.email:
            return NO_ADDRESS
        mailer.send(to=who.email, to_name=who.name, subject=message.subject, body=message.body)
        return None
    except EcomopsError as exc:
        return str(exc)[:_ERROR_MAX]


#: outcomes are recorded at least this often (seconds) …
BATCH_SECONDS = 0.25
#: … and every this many messages
BATCH_MESSAGES = 500
STOPPED = "the run was stopped before sending it"


class _Outcomes:
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


def remind(
    database: Database,
    *,
    actor: Actor,
    now: datetime,
    lang: str,
    channels: Channels,
    plan_hour: int = rules.DEFAULT_PLAN_HOUR,
    dry_run: bool = False,
) -> RemindOut:
    """Send the reminders due at ``now`` that were not sent before (see the module's
    docstring), by e-mail through ``channels.smtp`` and to the group robot
    ``channels.webhook``; with ``dry_run``, only say what would be sent (nothing is sent,
    nothing written): with no channel, what each person would be told, through the channel
    :data:`NO_CHANNEL`. For the keeper, or whoever may act for others."""
    if not channels.names and not dry_run:
        raise InvalidInput(
            "no channel to send reminders through",
            "configure a mail server (e-mail) or the group robot's webhook",
        )
    with database.session(write=False) as s:
        _require_sender(s, actor)
        work = _work_calendar(s, now)
        local = now.astimezone(zone(current(s).manual.calendar.timezone))
        if not rules.sending_hours(local, plan_hour, work.is_working):
            return _nothing(local, dry_run, channels)  # a day off, or before the hour
        state = situation(s, now=now, lang=lang, work=work)
        due = rules.reminders(
            state,
            plan_hour=plan_hour,
            is_working=work.is_working,
            channels=channels.names or [rules.EMAIL],
            lang=lang,
        )
        if not channels.names:  # a preview: who would be told what, once a channel is set
            due = [dataclasses.replace(r, channel=NO_CHANNEL) for r in due]
        if dry_run:
            ledger = _ledger(s, {r.key for r in due})
            return _preview(state.now, real_now(s), due, ledger, channels, lang)
    if not due:
        return _nothing(state.now, dry_run, channels)
    with database.session(write=True) as s:
        stamp = real_now(s)
        claimed, attempts, already, busy, skipped = _claim(s, due, channels, stamp)
    rows: list[ReminderOut] = []
    sent = failed = 0
    bundled = rules.bundle(claimed, lang)
    # the group first: it never waits behind e-mails (nor an e-mail on the robot's answer for
    # longer than one post)
    messages = [m for m in bundled if m.channel == rules.WEBHOOK] + [
        m for m in bundled if m.channel != rules.WEBHOOK
    ]
    from ecomops.services.mail import Mailer

    outcomes = _Outcomes(database)
    mailer = Mailer(channels.smtp) if channels.smtp is not None else None
    try:
        for i, message in enumerate(messages):
            try:
                error = _send(message, channels, mailer)
                outcomes.add(message, error)
            except BaseException:  # stopped in mid-send: this one may have gone, the rest not
                outcomes.flush(stopped=messages[i + 1 :])
                raise
            if error:
                failed += 1
            else:
                sent += 1
            rows += [
                _row(r, channels, "failed" if error else "sent", attempts[r.key], error)
                for r in message.reminders
            ]
        outcomes.flush()
    finally:
        if mailer is not None:
            mailer.close()
    rows += [_row(r, channels, "busy", 0, None) for r in busy]
    rows += [_row(r, channels, "skipped", 0, skip_reason(r)) for r in skipped]
    return RemindOut(
        now=state.now,
        dry_run=False,
        channels=channels.names,
        reminders=rows,
        already_sent=already,
        messages_sent=sent,
        messages_failed=failed,
    )


def _nothing(now: datetime, dry_run: bool, channels: Channels) -> RemindOut:
    return RemindOut(
        now=now,
        dry_run=dry_run,
        channels=channels.names,
        reminders=[],
        already_sent=0,
        messages_sent=0,
        messages_failed=0,
    )


def _preview(
    now: datetime,
    stamp: datetime,
    due: list[rules.Reminder],
    ledger: dict[str, Any],
    channels: Channels,
    lang: str,
) -> RemindOut:
    """What a run would send now: the due reminders not sent yet, as they would be bundled."""
    pending: list[rules.Reminder] = []
    busy: list[rules.Reminder] = []
    skipped: list[rules.Reminder] = []
    already = 0
    for r in due:
        state = _state(ledger.get(r.key), r, stamp)
        if state == "already":
            already += 1
        elif state == "skip":
            skipped.append(r)
        elif state == "busy":
            busy.append(r)
        else:
            pending.append(r)
    rows: list[ReminderOut] = []
    messages = rules.bundle(pending, lang)
    for message in messages:
        for r in message.reminders:
            row = ledger.get(r.key)
            tried = getattr(row, "attempts", 0)
            rows.append(_row(r, channels, "would_send", tried, getattr(row, "error", None)))
    rows += [_row(r, channels, "busy", 0, None) for r in busy]
    rows += [_row(r, channels, "skipped", 0, skip_reason(r)) for r in skipped]
    return RemindOut(
        now=now,
        dry_run=True,
        channels=channels.names,
        reminders=rows,
        already_sent=already,
        messages_sent=0,
        messages_failed=0,
    )


def _work_calendar(session: Session, now: datetime):
    from ecomops.services.workcal import work_calendar

    m = current(session).manual
    local = now.astimezone(zone(m.calendar.timezone))
    work, _ = work_calendar(session, {local.year - 1, local.year, local.year + 1})
    return work
