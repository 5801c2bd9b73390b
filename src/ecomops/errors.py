"""The errors the tool reports to a user: one line saying what is wrong and what to do.

The core and the services raise these; the command-line edge prints them and exits non-zero.
"""

from __future__ import annotations


class EcomopsError(Exception):
    """Something the user can fix. ``str(err)`` is the whole message; ``hint`` says what to do
    in the domain's words. ``param`` names the service parameter at fault (``"reason"``), so
    that the command line can name its own option for it (``--reason``)."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        problems: list[str] | None = None,
        *,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        #: one line per problem (a bad file's lines), printed after the message
        self.problems = problems or []
        self.param = param

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class NotFound(EcomopsError):
    """An unknown name or id."""


class InvalidInput(EcomopsError):
    """A value that does not parse or breaks a rule."""


class ManualError(EcomopsError):
    """A handbook file that cannot be used."""

    def __init__(
        self, message: str, problems: list[str] | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint, problems)


class NotAllowed(EcomopsError):
    """An action the acting person may not take."""


class DatabaseError(EcomopsError):
    """A database that cannot be opened, read or upgraded."""
