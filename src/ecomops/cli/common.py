"""What every command shares: options, the error edge, the database session, messages.

Nothing here imports the ORM, YAML or Pydantic; commands import services inside their bodies.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ecomops.cli import complete
from ecomops.errors import DatabaseError, EcomopsError, InvalidInput

if TYPE_CHECKING:
    from typer._click.core import Context

    from ecomops.config import DatabaseChoice, Settings
    from ecomops.core.calendar import Month
    from ecomops.db.session import Database, Session
    from ecomops.services.database import NoDatabase
    from ecomops.services.identity import Actor
    from ecomops.services.people import Person

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite database file \\[env: ECOMOPS_DB; \\[database] file in config.toml; default: "
        "ecomops.db in the data directory].",
        rich_help_panel="Database",
        show_default=False,
    ),
]
UrlOpt = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Any SQLAlchemy URL, e.g. postgresql://user:pw@host/db \\[env: ECOMOPS_DATABASE_URL; "
        "\\[database] url in config.toml].",
        rich_help_panel="Database",
        show_default=False,
    ),
]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of handbook text: en, zh (the manual's characters) or zh-hans "
        "\\[env: ECOMOPS_LANG; \\[display] lang in config.toml; then the locale].",
        show_default=False,
    ),
]
AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar="ECOMOPS_AS",
        help="Who you are (a name on the roster) \\[env: ECOMOPS_AS].",
        show_default=False,
        autocompletion=complete.people,
    ),
]
#: how a day, a month and an ISO week may be typed (core.calendar: parse_date, parse_month,
#: parse_week), for the options' help; a value without its year is the nearest such one to today
DAY_FORMS = "2026-12-01, 2026/12/1, 2026年12月1日, or 12月1日 or 12/1 for the nearest 1 December"
MONTH_FORMS = "2026-12, 2026/12, 2026年12月, or 12月 for the nearest December"
WEEK_FORMS = "2026-W49, 2026W49, 2026年第49周, or W49 or 第49周 for the nearest week 49"

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print JSON instead of a table (see docs/json.md).")
]


#: ``ctx.meta`` key of the options given before the command (``ecomops --db x.db staff list``)
BEFORE = "ecomops.before"
#: the options the root takes before the command, by parameter name
ROOT_OPTIONS = ("db", "database_url", "lang", "as_")


def before_command(ctx: Context, **given: str | None) -> None:
    """Record the options typed before the command (the root's) for the command that follows.

    A command's own option typed after it wins. The command's options left out take these
    values as their defaults (Click's ``default_map``, read when the command's options are
    parsed, so ``init``, ``demo`` and every command reading ``--db`` see them as if typed
    after it); ``--db`` and ``--database-url`` go as a pair: either typed after the command
    drops both given before it. ``--as`` also beats ``ECOMOPS_AS`` (see :func:`as_name`)."""
    values = {k: v for k, v in given.items() if v is not None and k in ROOT_OPTIONS}
    ctx.meta[BEFORE] = values
    if values:
        ctx.default_map = _Defaults(values, top=True)


def before(param: str) -> str | None:
    """The value of ``param`` typed before the command, if any."""
    ctx = _context()
    return None if ctx is None else ctx.meta.get(BEFORE, {}).get(param)


def _typed(ctx: Context, param: str) -> bool:
    """Whether the running command got ``param`` on its own command line."""
    from typer._click.core import ParameterSource

    return ctx.get_parameter_source(param) is ParameterSource.COMMANDLINE


class _Defaults(dict):
    """The root's ``default_map``: the options typed before the command, for any command at
    any depth (a group passes itself on to its sub-commands)."""

    def __init__(self, values: dict[str, str], *, top: bool) -> None:
        super().__init__()
        self.given = values
        self.top = top

    def get(self, key, default=None):
        # Click asks a context's map for its options' defaults, and (for a group) for the map
        # of the sub-command it is about to run; the root's asks only the latter
        if self.top:
            return _Defaults(self.given, top=False)
        if key in ROOT_OPTIONS:
            if key in ("db", "database_url"):
                return functools.partial(_database_default, self.given, key)
            return self.given.get(key, default)
        ctx = _context()
        commands = getattr(ctx.command, "commands", None) if ctx is not None else None
        if commands and key in commands:
            return _Defaults(self.given, top=False)
        return default


def _database_default(values: dict[str, str], param: str) -> str | None:
    """``--db`` or ``--database-url`` from before the command, unless the command was given
    the other after it (Click parses the options typed before the others, so it knows)."""
    ctx = _context()
    partner = "database_url" if param == "db" else "db"
    if ctx is not None and _typed(ctx, partner):
        return None
    return values.get(param)


def as_name(value: str | None) -> str | None:
    """The ``--as`` in force: the command's own if typed after it, else the one typed before
    it, else ``value`` (which Typer fills from ``ECOMOPS_AS``)."""
    given = before("as_")
    if given is None:
        return value
    ctx = _context()
    if ctx is not None and ctx.parent is not None and _typed(ctx, "as_"):
        return value
    return given


def acting(s: Session, value: str | None, *, strict: bool = True) -> Actor:
    """Who acts in this command (``--as``, typed after the command or before it, or from
    ``ECOMOPS_AS``: :func:`as_name`), resolved by :func:`ecomops.services.identity.acting`, the one
    place that decides it."""
    from ecomops.services.identity import acting as resolve

    return resolve(s, as_name(value), strict=strict)


def required_name(value: str | None) -> str:
    """The ``--as`` name, required."""
    if not value or not value.strip():
        raise InvalidInput("say who you are with --as NAME", "or set ECOMOPS_AS")
    return value.strip()


def me(s: Session, value: str | None) -> Person:
    """The person acting, required: the caller (bound logins) or the ``--as`` person."""
    return actor(s, value, person=True).required()


def actor(s: Session, value: str | None, *, person: bool = False) -> Actor:
    """Who acts (``--as``); with ``person``, a person must be named (the keeper: by ``--as``,
    else the person their login is bound to)."""
    found = acting(s, value)
    if person:
        found = found.as_person()
        if found.person is None:
            required_name(as_name(value))
    return found


def note(message: str) -> None:
    """A message for the person at the terminal (stderr, never mixed with data); the data it
    echoes cannot drive the terminal (text.safe: ESC → ␛)."""
    from ecomops.cli.suggest import shown
    from ecomops.i18n import gettext as _
    from ecomops.i18n import translate
    from ecomops.text import clip, safe

    suggested = getattr(message, "suggest", ())  # a service's Note: {command} stands for it
    if message.startswith("warning: "):
        message = _("warning: {message}").format(message=translate(message[9:]))
    else:
        message = translate(message)
    message = shown(message, suggested)
    typer.echo(f"ecomops: {safe(clip(message), lines=True)}", err=True)


def _option(param: str) -> str | None:
    """The running command's option for a service parameter (``reason`` → ``--reason``)."""
    ctx = _context()
    if ctx is None:
        return None
    for p in ctx.command.params:
        if p.name == param and getattr(p, "opts", None) and p.opts[0].startswith("-"):
            return max(p.opts, key=len)
    return None


def fail(exc: EcomopsError, renamed: dict[str, str] | None = None) -> None:
    """Print ``exc`` (naming the option behind the parameter it blames) and exit non-zero;
    ``renamed`` maps a service's parameter names to the command's where they differ."""
    from ecomops.cli.suggest import shown
    from ecomops.i18n import gettext as _
    from ecomops.i18n import translate

    param = (renamed or {}).get(exc.param, exc.param) if exc.param else None
    flag = _option(param) if param else None
    # the catalogs translate the words; {param:…} and {command} become options and commands
    message = shown(translate(exc.message), exc.suggest, renamed)
    hint = shown(translate(exc.hint), exc.suggest, renamed) if exc.hint else None
    if flag is not None:  # the service named its parameter: name the option that sets it
        if hint:
            hint = f"{hint} ({flag})"
        else:
            message = f"{message} ({flag})"
    from ecomops.text import clip, safe

    text = _("{message}; {hint}").format(message=message, hint=hint) if hint else message
    typer.echo(_("error: {message}").format(message=safe(clip(text), lines=True)), err=True)
    for line in exc.problems:
        line = shown(translate(line), getattr(line, "suggest", ()) or exc.suggest, renamed)
        typer.echo(f"  {safe(clip(line), lines=True)}", err=True)
    raise typer.Exit(code=exc.exit_code)


def _debug() -> bool:
    return os.environ.get("ECOMOPS_DEBUG", "") not in ("", "0")


def command(
    app: typer.Typer,
    name: str | None = None,
    *,
    renamed: dict[str, str] | None = None,
    **kwargs: Any,
) -> Callable:
    """Register ``fn`` as a command whose user errors print one line and exit non-zero
    (``renamed``: the service's parameter names that the command calls otherwise)."""

    def decorate(fn: Callable) -> Callable:
        app.command(name, **kwargs)(guarded(fn, renamed))
        return fn

    return decorate


def guarded(fn: Callable, renamed: dict[str, str] | None = None) -> Callable:
    """``fn`` (a command, or a group's callback) with its user errors printed as one line and
    a non-zero exit, and any other error as one line and exit 70."""

    @functools.wraps(fn)
    def wrapper(*args, **kw):
        try:
            return fn(*args, **kw)
        except EcomopsError as exc:
            if _debug():
                raise
            fail(exc, renamed)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # the last line of defence: no traceback for users
            if _debug():
                raise
            mapped = _map_unexpected(exc)
            if isinstance(mapped, DatabaseError):
                fail(mapped)
            from ecomops.i18n import gettext as _

            typer.echo(
                _(
                    "error: internal error ({kind}: {detail}); run again with ECOMOPS_DEBUG=1 "
                    "for the traceback and report it"
                ).format(kind=type(exc).__name__, detail=exc),
                err=True,
            )
            raise typer.Exit(code=70) from None

    wrapper.renamed = renamed or {}  # type: ignore[attr-defined]  # for cli/suggest.py
    return wrapper


def _map_unexpected(exc: Exception):
    mod = type(exc).__module__
    if mod.startswith(("sqlalchemy", "sqlite3", "psycopg")):
        from ecomops.db.engine import conflict

        raced = conflict(exc)
        if raced is not None:
            return DatabaseError(raced, "nothing was written; run the command again")
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return DatabaseError(f"database error: {detail}", "nothing was written")
    return exc


def lang_of(value: str | None) -> str:
    """The language: ``--lang`` typed after the command, or before it, else the settings'
    (``ECOMOPS_LANG``, ``[display] lang`` in config.toml, the locale)."""
    from ecomops import i18n
    from ecomops.text import parse_lang

    value = value or before("lang")
    lang = parse_lang(value) if value else settings().lang
    i18n.use(lang)  # the messages follow
    return lang


#: ``ctx.meta`` key of the running command's settings
_SETTINGS = "ecomops.settings"


def settings() -> Settings:
    """The settings of config.toml and the environment (:mod:`ecomops.config`), loaded once
    per command; a warning of theirs (an unknown key in the file) is printed then, once.
    A command's options go on top with ``settings().with_options(...)``."""
    from ecomops.config import load

    ctx = _context()
    if ctx is not None and _SETTINGS in ctx.meta:  # meta is shared by the whole command line
        return ctx.meta[_SETTINGS]
    loaded = load()
    for line in loaded.warnings:
        note(f"warning: {line}")
    if ctx is not None:
        ctx.meta[_SETTINGS] = loaded
    return loaded


def chosen_database(db: str | None, url: str | None) -> DatabaseChoice:
    """The database a command works on: its ``--db`` or ``--database-url``, else the one
    typed before the command, else the settings' (environment, config.toml, the default)."""
    if db is None and url is None:
        db, url = before("db"), before("database_url")
    return settings().with_options(db=db, database_url=url).database


def _context() -> Context | None:
    from typer._click.globals import get_current_context  # Typer >= 0.26 vendors Click

    return get_current_context(silent=True)


def _invocation() -> tuple[str, dict, str | None]:
    """The running command's path (``staff add``), its parameters and its ``--as``."""
    ctx = _context()
    if ctx is None:
        return "?", {}, None
    path = ctx.command_path.split(" ", 1)[1] if " " in ctx.command_path else ctx.command_path
    params = dict(ctx.params)
    return path, params, params.get("as_")


@contextmanager
def session(db: str | None, url: str | None, *, write: bool) -> Iterator[Session]:
    """The command's one transaction: committed when the block ends, rolled back on error.
    A write also records the command in the audit trail, in the same transaction."""
    database = _open(db, url)
    try:
        with database.session(write=write) as s:
            _start(s, database)
            _OPEN["session"] = s  # now() asks this transaction's server for the time
            try:
                yield s
                if write:
                    audit(s)
            finally:
                _OPEN.pop("session", None)
    finally:
        _closed(database)


def audit(s: Session, extra: dict[str, Any] | None = None) -> None:
    """Record the running command in the audit trail, at the real time (the server's on
    PostgreSQL), whatever clock the database keeps; ``extra``: values the command computed
    (counts) for the entry, kept as its allow-list says, as parameters are."""
    from ecomops.clock import real_now
    from ecomops.services.audit import record
    from ecomops.services.identity import acting

    command_path, params, who = _invocation()
    params = {**params, **(extra or {})}
    # commands without --as still say who ran them
    name = as_name(who) or os.environ.get("ECOMOPS_AS")
    who_acts = acting(s, name, strict=False)
    record(s.connection(), command=command_path, params=params, actor=who_acts, now=real_now(s))


@contextmanager
def database(db: str | None, url: str | None, *, write: bool = True):
    """The opened database, for services that run more than one transaction; a write
    command's audit entry is recorded in a transaction of its own once it succeeds."""
    opened = _open(db, url)
    try:
        with opened.session(write=False) as s:
            _start(s, opened)
        yield opened
        if write:
            with opened.session(write=True) as s:
                audit(s)
    finally:
        _closed(opened)


#: the database the running command works on, and whether its clock is simulated
_OPEN: dict[str, Any] = {}


def _open(db: str | None, url: str | None) -> Database:
    """Open the command's database (upgraded as needed; never created: only ``init`` and
    ``demo`` create one): :func:`chosen_database`. A missing one says where it looked, what
    chose that place, and how to create it."""
    from ecomops.services.database import NoDatabase, open_database

    choice = chosen_database(db, url)
    _OPEN.clear()
    try:
        database = open_database(choice.file, choice.url, notify=note)
    except NoDatabase as exc:
        raise _no_database(exc, choice) from None
    _OPEN.update(database=database)
    return database


def _no_database(exc: NoDatabase, choice: DatabaseChoice) -> NoDatabase:
    """``exc`` (no database, or one with no ecomops tables) saying which setting chose the
    place and the ``init`` that creates it there."""
    from ecomops.config import FILE, OPTION
    from ecomops.i18n import gettext as _
    from ecomops.i18n import translate

    setting = choice.setting
    if setting.source == OPTION:
        if choice.file is not None:
            create = f"ecomops init --db {choice.file}"
        else:
            create = "ecomops init --database-url URL"
        why = ""
    elif setting.source == FILE:
        create = "ecomops init"
        why = _(" (set by [database] {key} in {origin})").format(
            key=setting.key.name, origin=setting.origin
        )
    elif setting.given:
        create, why = "ecomops init", _(" (set by {origin})").format(origin=setting.origin)
    else:
        create = "ecomops init"
        why = _(" (the default: set by --db, ECOMOPS_DB or [database] in {file})").format(
            file=settings().file
        )
    exc.message = f"{translate(exc.message)}{why}"
    if exc.empty:
        exc.hint = _("initialise it with: {command}").format(command=create)
    else:
        exc.hint = _("create it with: {command}").format(command=create)
    return exc


def _start(s: Session, database: Database) -> None:
    """At the start of the command's first transaction, from one query: refuse
    ``ECOMOPS_NOW`` unless the database's clock is simulated, and an unbound caller of a
    database with bound logins."""
    from ecomops.clock import check_clock
    from ecomops.services.identity import session_facts

    _login, _bound, mode = session_facts(s)
    check_clock(mode, database.target.display())
    _OPEN["mode"] = mode
    acting(s, None)


def _closed(database: Database) -> None:
    _OPEN.clear()
    database.dispose()


def now() -> datetime:
    """Now, by the clock of the command's database: ``ECOMOPS_NOW`` on a simulated-clock one,
    the server's on PostgreSQL, else the system's."""
    from ecomops import clock

    database = _OPEN.get("database")
    if database is None or _OPEN.get("mode") == clock.SIMULATED or database.target.is_sqlite:
        return clock.now()
    session = _OPEN.get("session")

    def server() -> datetime:
        if session is not None:
            return clock.server_clock(session.connection())()
        with database.engine.connect() as conn:
            return clock.server_clock(conn)()

    return clock.now(server=server)


def instant(s: Session, text: str, flag: str) -> datetime:
    """A typed date or date-time (ISO 8601); a value without an offset is in the handbook's
    time zone."""
    from ecomops.clock import parse_instant, zone
    from ecomops.services.handbook import current

    return parse_instant(text, zone(current(s).timezone), what=flag)


def day(text: str, flag: str) -> date:
    """A typed date: 2026-11-30, 2026/11/30, 2026年11月30日, or without the year (11月30日,
    11/30) the nearest such day to today by the database's clock (core.calendar.parse_date)."""
    from ecomops.core.calendar import parse_date

    return parse_date(text, flag, today=now().date())


def month_arg(text: str) -> Month:
    """A typed ``--month``: 2026-11, 2026/11, 2026年11月, or without the year (11月) the
    nearest such month to this one by the database's clock (core.calendar.parse_month)."""
    from ecomops.core.calendar import parse_month

    return parse_month(text, today=now().date())


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()
