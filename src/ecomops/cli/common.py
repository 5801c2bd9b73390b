"""What every command shares: options, the error edge, the database session, messages.

Nothing here imports the ORM, YAML or Pydantic; commands import services inside their bodies.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ecomops.cli import complete
from ecomops.cli.state import Given, Invocation, current, running
from ecomops.errors import DatabaseError, EcomopsError, InvalidInput

if TYPE_CHECKING:
    from ecomops.config import DatabaseChoice, Settings
    from ecomops.core.calendar import Month
    from ecomops.db.session import Database, Session
    from ecomops.services.database import NoDatabase
    from ecomops.services.identity import Actor
    from ecomops.services.people import Person
    from ecomops.services.unit import AuditEntry

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


#: the root's options typed before the command (``ecomops --db x.db staff list``), by name
ROOT_OPTIONS = ("db", "database_url", "lang", "as_")
#: the global options each command takes after its name, declared here once: a command
#: does not list them (:func:`guarded` adds them), it reads them from the running
#: :class:`~ecomops.cli.state.Invocation` (``session()``, ``lang_of()``, ``emit()``)
GLOBAL_OPTIONS: dict[str, Any] = {
    "lang": (LangOpt, None),
    "db": (DbOpt, None),
    "database_url": (UrlOpt, None),
    "as_json": (JsonOpt, False),
}


def before_command(ctx: typer.Context, **given: str | None) -> Invocation:
    """The root's callback: the command line's :class:`~ecomops.cli.state.Invocation`, with
    the options typed before the command, kept in ``ctx.obj`` for the command that follows.

    A command's own option typed after it wins; ``--db`` and ``--database-url`` go as a
    pair: either typed after the command drops both given before it. ``--as`` also beats
    ``ECOMOPS_AS`` (see :func:`as_name`). No ``default_map`` (Click's, or a copy of it):
    the commands do not declare these options themselves; :func:`guarded` adds them and
    resolves before-or-after in one place (:class:`~ecomops.cli.state.Invocation`), so
    there is no per-command default to feed."""
    values = {k: v for k, v in given.items() if k in ROOT_OPTIONS}
    invocation = Invocation(before=Given(**values))
    ctx.obj = invocation
    return invocation


def before(param: str) -> str | None:
    """The value of ``param`` typed before the command, if any."""
    run = current()
    return None if run is None else getattr(run.before, param, None)


def as_name(value: str | None) -> str | None:
    """The ``--as`` in force: the command's own if typed after it, else the one typed before
    it, else ``value`` (which Typer fills from ``ECOMOPS_AS``)."""
    run = current()
    return value if run is None else run.as_option(value)


def wants_json() -> bool:
    """Whether the running command was given ``--json``."""
    run = current()
    return run is not None and run.as_json


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
    run = current()
    if run is None or run.command is None:
        return None
    for p in run.command.params:
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
    without: tuple[str, ...] = (),
    **kwargs: Any,
) -> Callable:
    """Register ``fn`` as a command whose user errors print one line and exit non-zero
    (``renamed``: the service's parameter names that the command calls otherwise), taking
    the global options after its name (``without``: those it has no use for)."""

    def decorate(fn: Callable) -> Callable:
        app.command(name, **kwargs)(guarded(fn, renamed, without=without))
        return fn

    return decorate


_CONTEXT = "_ecomops_ctx"


def guarded(
    fn: Callable, renamed: dict[str, str] | None = None, *, without: tuple[str, ...] = ()
) -> Callable:
    """``fn`` (a command, or a group's callback) taking the global options after its name
    (:data:`GLOBAL_OPTIONS`, but for ``without`` and those ``fn`` declares itself), run with
    them in the command line's :class:`~ecomops.cli.state.Invocation`; its user errors
    printed as one line and a non-zero exit, any other error as one line and exit 70."""
    signature = inspect.signature(fn, eval_str=True)
    own = signature.parameters
    added = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
        )
        for name, (annotation, default) in GLOBAL_OPTIONS.items()
        if name not in own and name not in without
    ]
    context_name = next((n for n, p in own.items() if p.annotation is typer.Context), None)
    params = list(own.values())
    if context_name is None:
        params.append(
            inspect.Parameter(_CONTEXT, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)
        )
    params += added

    @functools.wraps(fn)
    def wrapper(**kw):
        ctx = kw[context_name] if context_name is not None else kw.pop(_CONTEXT)
        given = {p.name: kw.pop(p.name) for p in added}
        for name in ("db", "database_url", "lang"):  # its own (the same option, its own help)
            if name in own:
                given[name] = kw.get(name)
        run = _begin(ctx, given)
        if "db" in own or "database_url" in own:  # typed before the command, as a pair
            db, url = run.database_options()
            kw.update({k: v for k, v in (("db", db), ("database_url", url)) if k in own})
        if "lang" in own:
            kw["lang"] = run.lang_option()
        with running(run):
            try:
                return fn(**kw)
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
                        "error: internal error ({kind}: {detail}); run again with "
                        "ECOMOPS_DEBUG=1 for the traceback and report it"
                    ).format(kind=type(exc).__name__, detail=exc),
                    err=True,
                )
                raise typer.Exit(code=70) from None

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.renamed = renamed or {}  # type: ignore[attr-defined]  # for cli/suggest.py
    return wrapper


def _begin(ctx: typer.Context, given: dict[str, Any]) -> Invocation:
    """The command line's :class:`~ecomops.cli.state.Invocation` (the root's ``ctx.obj``),
    with the running command and the global options typed after it."""
    run = ctx.obj if isinstance(ctx.obj, Invocation) else None
    if run is None:  # a command run without the root (a test building one command)
        run = Invocation()
        ctx.obj = run
    if ctx.invoked_subcommand is not None:  # a group's, before its sub-command's: "before"
        typed = {k: v for k, v in given.items() if k in ROOT_OPTIONS and v is not None}
        if "db" in typed or "database_url" in typed:  # as a pair
            run.before.db = run.before.database_url = None
        for name, value in typed.items():
            setattr(run.before, name, value)
        return run
    run.after = Given(
        db=given.get("db"), database_url=given.get("database_url"), lang=given.get("lang")
    )
    run.as_json = bool(given.get("as_json", False))
    run.typed = frozenset(
        name
        for name in ctx.params
        if getattr(ctx.get_parameter_source(name), "name", None) == "COMMANDLINE"
    )
    path = ctx.command_path
    run.command_path = path.split(" ", 1)[1] if " " in path else path
    run.params = dict(ctx.params)
    run.command = ctx.command
    return run


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


def lang_of(value: str | None = None) -> str:
    """The language: ``value`` (a command's own ``--lang``), else ``--lang`` typed after the
    command, or before it, else the settings' (``ECOMOPS_LANG``, ``[display] lang`` in
    config.toml, the locale)."""
    from ecomops import i18n
    from ecomops.text import parse_lang

    run = current()
    value = value or (run.lang_option() if run is not None else None)
    lang = parse_lang(value) if value else settings().lang
    i18n.use(lang)  # the messages follow
    return lang


def settings() -> Settings:
    """The settings of config.toml and the environment (:mod:`ecomops.config`), loaded once
    per command line and kept in its :class:`~ecomops.cli.state.Invocation`; a warning of
    theirs (an unknown key in the file) is printed then, once. A command's options go on
    top with ``settings().with_options(...)``; the services are given what they need."""
    from ecomops.config import load

    run = current()
    if run is not None and run.settings is not None:
        return run.settings
    loaded = load()
    for line in loaded.warnings:
        note(f"warning: {line}")
    if run is not None:
        run.settings = loaded
    return loaded


def chosen_database() -> DatabaseChoice:
    """The database a command works on: its ``--db`` or ``--database-url`` (typed after the
    command, else before it), else the settings' (environment, config.toml, the default)."""
    run = current()
    db, url = run.database_options() if run is not None else (None, None)
    return settings().with_options(db=db, database_url=url).database


def _audit_entry(extra: dict[str, Any] | None = None) -> AuditEntry:
    """The running command as the audit trail records it (commands without ``--as`` still
    say who ran them: ``ECOMOPS_AS``)."""
    from ecomops.services.unit import AuditEntry

    run = current()
    if run is None:
        return AuditEntry("?", dict(extra or {}), os.environ.get("ECOMOPS_AS"))
    params = {**run.params, **(extra or {})}
    name = as_name(run.params.get("as_")) or os.environ.get("ECOMOPS_AS")
    return AuditEntry(run.command_path, params, name)


@contextmanager
def session(*, write: bool) -> Iterator[Session]:
    """The command's one transaction (:func:`ecomops.services.unit.transaction`): committed
    when the block ends, rolled back on error. A write also records the command in the
    audit trail, in the same transaction."""
    from ecomops.services.unit import MODE, transaction

    run = current() or Invocation()
    database = _open(run)
    try:
        with transaction(database, write=write, entry=_audit_entry) as s:
            run.mode = s.info.get(MODE)
            acting(s, None)  # an unbound caller of a database with bound logins: refused
            run.session = s  # now() asks this transaction's server for the time
            try:
                yield s
            finally:
                run.session = None
    finally:
        _closed(run, database)


def audit(s: Session, extra: dict[str, Any] | None = None) -> None:
    """Record the running command in the audit trail, at the real time (the server's on
    PostgreSQL), whatever clock the database keeps; ``extra``: values the command computed
    (counts) for the entry, kept as its allow-list says, as parameters are."""
    from ecomops.services.unit import audit as record

    record(s, _audit_entry(extra))


@contextmanager
def database(*, write: bool = True) -> Iterator[Database]:
    """The opened database, for services that run more than one transaction; a write
    command's audit entry is recorded in a transaction of its own once it succeeds."""
    from ecomops.services.unit import MODE, transaction

    run = current() or Invocation()
    opened = _open(run)
    try:
        with transaction(opened, write=False) as s:
            run.mode = s.info.get(MODE)
            acting(s, None)
        yield opened
        if write:
            with transaction(opened, write=True, entry=_audit_entry):
                pass
    finally:
        _closed(run, opened)


def _open(run: Invocation) -> Database:
    """Open the command's database (upgraded as needed; never created: only ``init`` and
    ``demo`` create one): :func:`chosen_database`. A missing one says where it looked, what
    chose that place, and how to create it."""
    from ecomops.services.database import NoDatabase, open_database

    choice = chosen_database()
    run.database = run.session = run.mode = None
    try:
        database = open_database(choice.file, choice.url, notify=note)
    except NoDatabase as exc:
        raise _no_database(exc, choice) from None
    run.database = database
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


def _closed(run: Invocation, database: Database) -> None:
    run.database = run.session = run.mode = None
    database.release()


def now() -> datetime:
    """Now, by the clock of the command's database: ``ECOMOPS_NOW`` on a simulated-clock one,
    the server's on PostgreSQL, else the system's (:func:`ecomops.services.unit.now`)."""
    from ecomops import clock
    from ecomops.services import unit

    run = current()
    if run is None or run.database is None or run.mode == clock.SIMULATED:
        return clock.now()
    if run.session is not None:
        return unit.now(run.session)
    return unit.now(database=run.database)


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
