"""A run of ``ecomops remind``: claim, send, record (see :mod:`ecomops.services.remind`), or
its preview (``dry_run``).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from ecomops.clock import real_now, zone
from ecomops.core import remind as rules
from ecomops.db.session import Database, Session
from ecomops.errors import InvalidInput, NotAllowed, Suggest
from ecomops.i18n import N_
from ecomops.services.handbook import current
from ecomops.services.identity import Actor, owns_the_database
from ecomops.services.permissions import require_department_job
from ecomops.services.remind.channels import NO_CHANNEL, Channels, address_of, send_message
from ecomops.services.remind.ledger import Outcomes, claim, ledger_rows, ledger_state, skip_reason
from ecomops.services.remind.situation import situation, work_calendar_around
from ecomops.views import ReminderOut, RemindOut


def _require_sender(session: Session, actor: Actor) -> None:
    """Reminders are the department's: sent by the keeper (on PostgreSQL only the role that
    owns the tables reads and writes the ledger) or whoever may act for others."""
    if session.connection().dialect.name == "postgresql" and not owns_the_database(session):
        raise NotAllowed(
            "on PostgreSQL only the database's keeper (the role that owns its tables) sends "
            "reminders",
            "run {command} as that role, e.g. from its crontab",
            suggest=Suggest("remind"),
        )
    require_department_job(session, actor, N_("send the department's reminders"))


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
        address=address_of(r, channels),
        status=status,
        attempts=attempts,
        error=error,
        text=r.line,
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
        work = work_calendar_around(s, now)
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
            ledger = ledger_rows(s, {r.key for r in due})
            return _preview(state.now, real_now(s), due, ledger, channels, lang)
    if not due:
        return _nothing(state.now, dry_run, channels)
    with database.session(write=True) as s:
        stamp = real_now(s)
        claimed, attempts, already, busy, skipped = claim(s, due, channels, stamp)
    rows: list[ReminderOut] = []
    sent = failed = 0
    bundled = rules.bundle(claimed, lang)
    # the group first: it never waits behind e-mails (nor an e-mail on the robot's answer for
    # longer than one post)
    messages = [m for m in bundled if m.channel == rules.WEBHOOK] + [
        m for m in bundled if m.channel != rules.WEBHOOK
    ]
    from ecomops.services.mail import Mailer

    outcomes = Outcomes(database)
    mailer = Mailer(channels.smtp) if channels.smtp is not None else None
    try:
        for i, message in enumerate(messages):
            try:
                error = send_message(message, channels, mailer)
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
        state = ledger_state(ledger.get(r.key), r, stamp)
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
