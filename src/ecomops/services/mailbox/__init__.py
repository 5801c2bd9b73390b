"""Plans by e-mail (issue 15): the department head's IMAP mailbox, read without marking a
message read, and each member's message recorded as their Monday plan or month-end summary.

The mail server's received time (IMAP ``INTERNALDATE``) is the submission time, so on time or
late follows the deadlines of ``plan submit``; each message is recorded once, by its
Message-ID. A message the tool cannot use is listed with the reason and left as it was.

Issue 23: the plan is the new text of a reply or forward, else an attached document
(:func:`ecomops.core.mailplan.letter_plan`); a message whose subject's week is more than a
week from the week received is listed as needing a look, not filed
(:func:`ecomops.core.mailplan.filing`).

Modules: :mod:`.imap` (the connection and what it reads), :mod:`.collecting` (the messages
recorded as plans).
"""

from ecomops.services.mailbox.collecting import Collection, collect
from ecomops.services.mailbox.imap import (
    Envelope,
    Mailbox,
    MailboxError,
    check,
    open_mailbox,
    quote_folder,
)

__all__ = [
    "Collection",
    "Envelope",
    "Mailbox",
    "MailboxError",
    "check",
    "collect",
    "open_mailbox",
    "quote_folder",
]
