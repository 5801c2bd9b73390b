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
3. **Record** the messages' outcomes in batches (:class:`~.ledger.Outcomes`: a short transaction for
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

Modules: :mod:`.situation` (what is owed now), :mod:`.ledger` (the claim and the outcomes),
:mod:`.channels` (where messages go, one sent), :mod:`.run` (a run, or its preview).
"""

from ecomops.services.remind.channels import NO_ADDRESS, NO_CHANNEL, Channels
from ecomops.services.remind.ledger import (
    BATCH_MESSAGES,
    BATCH_SECONDS,
    LEASE,
    NOT_COMPANY_MAIL,
    STOPPED,
    skip_reason,
)
from ecomops.services.remind.run import remind
from ecomops.services.remind.situation import situation

__all__ = [
    "BATCH_MESSAGES",
    "BATCH_SECONDS",
    "LEASE",
    "NOT_COMPANY_MAIL",
    "NO_ADDRESS",
    "NO_CHANNEL",
    "STOPPED",
    "Channels",
    "remind",
    "situation",
    "skip_reason",
]
