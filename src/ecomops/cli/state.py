"""The running command line, one object: its global options and its open database.

The root's callback makes an :class:`Invocation` and keeps it in ``ctx.obj`` (Click hands a
context's ``obj`` down to its sub-commands' contexts); every command's wrapper
(:func:`ecomops.cli.common.guarded`) records in it the global options typed after the
command, and makes it the current one while the command runs (:func:`running`), so that the
helpers a command calls (``session()``, ``now()``, ``lang_of()``, ``emit()``) reach it
without each command passing it on.

Why a :class:`~contextvars.ContextVar` and not Click's current context: Typer (since 0.26)
vendors Click and keeps its ``get_current_context`` private (``typer._click``); the variable
is set and reset by the one wrapper, around one command, and holds nothing between
commands, as Click's own context stack does. Nothing here imports more than the standard
library, so ``--help`` stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecomops.config import Settings
    from ecomops.db.session import Database, Session


@dataclass
class Given:
    """The global options as typed (None: not typed)."""

    db: str | None = None
    database_url: str | None = None
    lang: str | None = None
    as_: str | None = None


@dataclass
class Invocation:
    """One command line: the global options typed before the command (``ecomops --db x.db
    staff list``) and after it (after it, they win), the settings (loaded once), and the
    database the command has open."""

    before: Given = field(default_factory=Given)
    after: Given = field(default_factory=Given)
    #: ``--json``: data as JSON on stdout
    as_json: bool = False
    #: the options of the running command typed on its command line (not from a default)
    typed: frozenset[str] = frozenset()
    #: the running command: its path (``staff add``), its parameters, the Click command
    command_path: str = "?"
    params: dict[str, Any] = field(default_factory=dict)
    command: Any = None
    #: loaded once per command line (:func:`ecomops.cli.common.settings`)
    settings: Settings | None = None
    #: the database the command works on, its clock's mode, its open transaction
    database: Database | None = None
    mode: str | None = None
    session: Session | None = None
    #: the stdout console (:func:`ecomops.cli.output.console`), built on first use
    console: Any = None

    def database_options(self) -> tuple[str | None, str | None]:
        """``--db`` and ``--database-url``: typed after the command (either one drops both
        typed before it), else before it."""
        if self.after.db is not None or self.after.database_url is not None:
            return self.after.db, self.after.database_url
        return self.before.db, self.before.database_url

    def lang_option(self) -> str | None:
        """``--lang``: typed after the command, else before it."""
        return self.after.lang or self.before.lang

    def as_option(self, value: str | None) -> str | None:
        """``--as``: the command's own if typed after it, else the one typed before it, else
        ``value`` (which Typer fills from ``ECOMOPS_AS``)."""
        if self.before.as_ is None or "as_" in self.typed:
            return value
        return self.before.as_


_RUNNING: ContextVar[Invocation | None] = ContextVar("ecomops.cli.running", default=None)


def current() -> Invocation | None:
    """The running command line's :class:`Invocation` (None outside a command)."""
    return _RUNNING.get()


@contextmanager
def running(invocation: Invocation) -> Iterator[Invocation]:
    """Make ``invocation`` the current one for the block (a command's run)."""
    token = _RUNNING.set(invocation)
    try:
        yield invocation
    finally:
        _RUNNING.reset(token)
