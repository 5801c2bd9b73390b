"""Who is acting: the one place that decides it.

A command names the person it acts as (``--as NAME``, or ``ECOMOPS_AS`` read by the command
line); what the operating system says about the caller comes from here. Services receive the
result as an :class:`Actor` and never read the environment. (Logins bound to roster entries
plug in here.)
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecomops.errors import InvalidInput

if TYPE_CHECKING:
    from ecomops.db.session import Session
    from ecomops.services.people import Person


def os_user() -> str:
    """The operating-system user running the command."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user database
        return "unknown"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: ``person`` when a name on the roster was given, and always the ``login``
    (the operating-system user) that ran the command."""

    login: str
    claimed: str | None = None
    person: Person | None = None

    @property
    def name(self) -> str:
        """The name recorded for the action: the person's, else the claimed name, else the
        login."""
        if self.person is not None:
            return self.person.name
        return self.claimed or self.login

    def required(self) -> Person:
        """The person acting; refused when nobody was named."""
        if self.person is None:
            raise InvalidInput("say who you are", "name yourself", param="as_")
        return self.person


def claimed_name(value: str | None) -> str | None:
    """A typed name, trimmed; ``None`` when blank."""
    return value.strip() if value and value.strip() else None


def acting(session: Session | None, name: str | None, *, strict: bool = True) -> Actor:
    """Who acts in this command: the login, and the person ``name`` names, looked up on the
    roster when a session is given. An unknown name is refused, unless not ``strict`` (then
    it is recorded as typed)."""
    claimed = claimed_name(name)
    if claimed is None or session is None:
        return Actor(os_user(), claimed)
    from ecomops.errors import NotFound
    from ecomops.services.people import find_person

    try:
        return Actor(os_user(), claimed, find_person(session, claimed, active=False))
    except NotFound:
        if strict:
            raise
        return Actor(os_user(), claimed)
