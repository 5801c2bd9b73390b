"""Where reminders go (:class:`Channels`: the SMTP server, the group robot) and how one
message is sent through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecomops.config import Smtp, Webhook
from ecomops.core import remind as rules
from ecomops.errors import EcomopsError

if TYPE_CHECKING:
    from ecomops.services.mail import Mailer


_ERROR_MAX = 2000
NO_ADDRESS = "no e-mail address on the roster"


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


def address_of(r: rules.Reminder, channels: Channels) -> str | None:
    """Where reminder ``r`` goes: the robot's address, or the recipient's e-mail (None: none)."""
    if r.channel == rules.WEBHOOK:
        return channels.webhook.describe() if channels.webhook else None
    return r.recipient.email if r.recipient else None


def send_message(message: rules.Message, channels: Channels, mailer: Mailer | None) -> str | None:
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
