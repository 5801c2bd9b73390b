"""The errors the tool reports to a user: one line saying what is wrong and what to do.

The core and the services raise these; the command-line edge prints them and exits non-zero.

Services speak the domain's words, never the command line's (issue 25). A message or hint
that needs a flag or a command names them by the service's own words, and the command line
(``cli/common.py``: :func:`ecomops.cli.common.shown`, used by ``fail`` and ``note``) renders
them as its options and commands:

* ``{param:NAME}`` in a message, hint, note or warning names the service parameter ``NAME``
  (``"{param:deactivate_missing} works with {param:update}"``); the command line shows the
  option that sets it in the running command (``--deactivate-missing``), else in the command
  suggested, else ``--name-with-dashes``. In an f-string, double the braces:
  ``f"{name!r} is on the roster (import with {{param:update}} to change it)"``.
* ``{command}`` stands for the :class:`Suggest` given with the text (``suggest=`` on an
  error, or a :class:`Note`), and ``{command:1}``, ``{command:2}`` for the second and third
  when there are several: a use case (``"staff.link"``: the command group and command) with
  its positional values, its options by parameter name, and the switches to turn on::

      raise InvalidInput(
          f"{account} is already the login of {other}",
          "move it with: {command}",
          suggest=Suggest("staff.link", (name,), {"login": account}),
      )

  shown as ``move it with: ecomops staff link 赵 --login zhao``: the command line looks the
  use case up in its command tree and each parameter up in the command's options, so a
  renamed flag or command changes in one place (the command's declaration).
* the catalogs translate the words around the fields (``move it with: {command}`` is one
  msgid, whatever the command); the command itself is never translated.
* ``str()`` (``plain()``) of an error or note gives a library caller the domain's words:
  ``{param:update}`` as ``update`` and a suggestion as ``staff.link(赵, login=zhao)``.
  ``said()`` keeps the fields, for a text composed from the error that is shown later
  (pass ``exc.suggest`` along in a :class:`Note`).

Allowed exceptions (``tests/lint/test_words.py`` keeps the list, with its reasons): the
crontab and systemd lines that ``core/jobs.py`` and ``services/schedule.py`` write are command
lines by nature (they are the product), and docstrings and comments may name options.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

#: ``{param:NAME}`` and ``{command}`` / ``{command:N}`` in a text: the command line renders them
MARKER = re.compile(r"\{param:(\w+)\}|\{command(?::(\d))?\}")


@dataclass(frozen=True)
class Suggest:
    """A use case to run next, in the services' words: ``action`` names it as the command tree
    groups it (``"staff.link"``, ``"init"``), ``args`` are its positional values, ``options``
    its named values by parameter name (``{"login": "zhao"}``), ``flags`` the switches to turn
    on (``("force",)``). A value may be a placeholder the user replaces (``"NAME"``, ``"…"``)."""

    action: str
    args: tuple[str, ...] = ()
    options: Mapping[str, str] = field(default_factory=dict)
    flags: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [*self.args, *(f"{k}={v}" for k, v in self.options.items()), *self.flags]
        return f"{self.action}({', '.join(parts)})"


def suggestions(given: Suggest | Iterable[Suggest] | None) -> tuple[Suggest, ...]:
    """``given`` as a tuple (one suggestion, several, or none)."""
    if given is None:
        return ()
    if isinstance(given, Suggest):
        return (given,)
    return tuple(given)


def render(
    text: str,
    suggested: tuple[Suggest, ...],
    command: Callable[[Suggest], str] = str,
    option: Callable[[str, tuple[Suggest, ...]], str] = lambda name, _: name,
) -> str:
    """``text`` with its markers replaced: ``{param:NAME}`` by ``option(NAME, suggested)``,
    ``{command}`` (``{command:N}``) by ``command`` of the suggestion (the N-th); by default in
    the domain's words (the command line passes its own renderers)."""

    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return option(m.group(1), suggested)
        i = int(m.group(2) or 0)
        return command(suggested[i]) if i < len(suggested) else m.group(0)

    return MARKER.sub(one, text) if "{" in text else text


class Note(str):
    """A note or warning a service returns (a ``str``, so lists of them stay lists of text),
    with the suggestions its ``{command}`` markers stand for."""

    suggest: tuple[Suggest, ...]

    def __new__(cls, text: str, suggest: Suggest | Iterable[Suggest] | None = None) -> Note:
        made = super().__new__(cls, text)
        made.suggest = suggestions(suggest)
        return made

    def plain(self) -> str:
        """The note in the domain's words (no command line): for ``--json`` and libraries."""
        return render(str.__str__(self), self.suggest)


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
        suggest: Suggest | Iterable[Suggest] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        #: one line per problem (a bad file's lines), printed after the message
        self.problems = problems or []
        self.param = param
        #: what to run next: the use cases the ``{command}`` markers of the text stand for
        self.suggest = suggestions(suggest)

    def said(self) -> str:
        """The message and hint with their fields (``{param:…}``, ``{command}``) kept, so that
        a text composed from it is still translated and rendered where it is shown (pass
        ``exc.suggest`` along: ``Note(f"{file}:{line}: {said}", exc.suggest)``)."""
        return f"{self.message}; {self.hint}" if self.hint else self.message

    def plain(self) -> str:
        """The message and hint in the domain's words, for a library caller: ``update``,
        ``staff.link(赵, login=zhao)``."""
        return render(self.said(), self.suggest)

    def __str__(self) -> str:
        return self.plain()


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
