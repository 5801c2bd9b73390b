"""The ``ecomops`` command line: one Typer app, one sub-app per noun.

Commands are imported and built only when used (``LazyGroup``): ``ecomops --help`` lists them
from the table below without importing their modules, so start-up stays as cheap as a
three-command Typer app. A test checks that each listed summary is the command's own.
"""

from __future__ import annotations

import copy
import errno
import functools
import importlib
import os
import sys
from difflib import get_close_matches
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from ecomops import __version__

# name: (module in ecomops.cli, attribute: a Typer sub-app or a register(app) function, summary)
LAZY: dict[str, tuple[str, str, str]] = {
    "init": (
        "init",
        "register",
        "Create the database, or update it, and load the handbook, in one transaction.",
    ),
    "rules": (
        "manual",
        "register",
        "List the code of conduct (§3.1) and the daily work rules (§3.2).",
    ),
    "manual": ("manual", "app", "Read and check the handbook."),
    "roles": ("roles", "app", "Positions: duties, reporting lines, raters."),
    "rubric": ("roles", "rubric_app", "Appraisal rubrics."),
    "goals": ("goals", "app", "The monthly goals (§7.2)."),
    "staff": ("staff", "app", "The staff roster."),
    "cycle": ("appraisal", "cycle_app", "Appraisal cycles: a month, a quarter, or the year-end."),
    "appraise": (
        "appraisal",
        "register",
        "Rate a person on every criterion of their rubric (a revision keeps the old sheet).",
    ),
    "calibrate": (
        "appraisal",
        "register",
        "Set a final grade apart from the computed one; every change is logged.",
    ),
    "appraisals": (
        "appraisal",
        "appraisals_app",
        "Read the appraisals of a cycle (confidential: raters only).",
    ),
    "quota": ("appraisal", "quota_app", "The forced distribution of grades (45/30/20/5 %)."),
    "plan": (
        "plans",
        "app",
        "The Monday plan and the month-end summary, mailed to the department head.",
    ),
    "calendar": (
        "calendar",
        "app",
        "Show a month: working days, holidays, adjusted working days, and the Monday-plan and "
        "month-end deadlines; a year's official schedule; load next year's.",
    ),
    "leave": (
        "office",
        "leave_app",
        "Leave and shift swaps (none on Mondays or the month's last Friday, §3.2 rule 7).",
    ),
    "handover": ("office", "handover_app", "The temporary work handover form (§3.2 rule 5)."),
    "visitor": ("office", "visitor_app", "The visitor log (§3.1 rule 10)."),
    "tasks": (
        "tasks",
        "app",
        "Tasks: from the handbook's goals (§7.2), phases (§8.1) and "
        "assignments (§8.2), and by hand.",
    ),
    "phases": (
        "phases",
        "register",
        "The build-up phases (§8.1): each phase's window from the effective date, its items "
        "done, the current phase and what is overdue.",
    ),
    "report": (
        "report",
        "register",
        "The month-end report: goals, tasks done and overdue, plan "
        "compliance, the month's appraisal cycle, leave, handovers and visitors.",
    ),
    "today": (
        "today",
        "register",
        "What needs doing now: overdue tasks, tasks due in the next three working days, "
        "the Monday plan, the month-end summary when near, the ratings still owed.",
    ),
    "remind": (
        "remind",
        "register",
        "Remind people of what they owe, each reminder once (run it every 15 minutes).",
    ),
    "schedule": (
        "schedule",
        "register",
        "Run remind every 15 minutes and plan collect every hour, with cron or systemd.",
    ),
    "demo": (
        "report",
        "register_demo",
        "Build a fictional five-person department (November 2026) in its own database and "
        "print its month-end report, with the commands to explore it. With --people, build a "
        "group of that size instead (deterministic for a seed).",
    ),
    "db": ("db", "app", "Where the data is; backup, restore, and moving to PostgreSQL."),
    "config": (
        "config",
        "app",
        "The settings (config.toml, the environment, the options) and the servers they name.",
    ),
    "audit": (
        "db",
        "register_audit",
        "The audit trail: every write, with who, for whom, when and what it touched.",
    ),
}

_LISTING = "ecomops.listing"
_NEXT = "ecomops.next"


def _command_name(info) -> str:
    return info.name or typer.main.get_command_name(info.callback.__name__)


def load(name: str, sub: str | None = None):
    """Import and build one top-level command (or command group).

    ``sub``: the sub-command about to run; a group is then built with that one command only
    (Typer builds every command of a group, ~5 ms each), and in full when it is unknown.
    Built once per process and language (a process that runs more than one command line, the
    tests or a program calling ``main``; Click's commands keep nothing of a line that ran)."""
    from ecomops.i18n import current

    return _built(name, sub, current())


@functools.cache
def _built(name: str, sub: str | None, lang: str):
    """``load``'s command, translated into ``lang`` (the current language)."""
    module, attribute, _ = LAZY[name]
    target = getattr(importlib.import_module(f"ecomops.cli.{module}"), attribute)
    if isinstance(target, typer.Typer):  # a group, even with a single sub-command
        only = [c for c in target.registered_commands if _command_name(c) == sub]
        if only and not target.registered_groups:
            target = copy.copy(target)
            target.registered_commands = only
        command: Any = typer.main.get_group(target)  # a Typer group or command
    else:  # a register(app) function: build its commands on a scratch app
        scratch = typer.Typer(rich_markup_mode="rich")
        target(scratch)
        built = typer.main.get_command(scratch)
        command = built.commands[name] if hasattr(built, "commands") else built
    command.name = name
    from ecomops.cli.words import translate_command

    translate_command(command)
    return command


from ecomops.cli.suggest import LOADER as _LOADER  # noqa: E402  (the services' suggestions)

_LOADER.append(load)  # {command} in a message: looked up in this tree (cli/suggest.py)


class LazyGroup(TyperGroup):
    def main(self, args=None, *rest, **kwargs):
        # the language of this command line, before Click parses it (its errors are in it)
        from ecomops.cli.words import start

        start(args)
        return super().main(args, *rest, **kwargs)

    def list_commands(self, ctx) -> list[str]:
        return list(LAZY)

    def get_command(self, ctx, name: str):
        if name not in LAZY:
            return None
        if ctx.meta.get(_LISTING):  # the root help lists the summaries, nothing more
            from ecomops.i18n import translate

            return TyperCommand(name=name, help=translate(LAZY[name][2]))
        return load(name, ctx.meta.get(_NEXT))

    def resolve_command(self, ctx, args):
        # remember the word after the command: the sub-command a group will run
        ctx.meta[_NEXT] = args[1] if len(args) > 1 else None
        name = args[0] if args else None
        if name and name not in LAZY and not name.startswith("-") and not ctx.resilient_parsing:
            # Typer suggests from the commands it has built, and the root builds none:
            # suggest from the table (nothing imported), as the groups do
            message = f"No such command {name!r}."
            matches = get_close_matches(name, list(LAZY))
            if matches:
                shown = ", ".join(repr(m) for m in matches)
                message = f"No such command {name!r}. Did you mean {shown}?"
            ctx.fail(message)
        return super().resolve_command(ctx, args)

    def format_help(self, ctx, formatter) -> None:
        ctx.meta[_LISTING] = True
        try:
            super().format_help(ctx, formatter)
        finally:
            ctx.meta.pop(_LISTING, None)


app = typer.Typer(
    name="ecomops",
    cls=LazyGroup,
    help="Run the E-commerce Department by its operations manual (電商部運營管理手冊).\n\n"
    "--db, --database-url, --lang and --as go before the command or after it (after it, "
    "they win).\n\n"
    "Example: ecomops rubric show copywriter",
    invoke_without_command=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ecomops {__version__}")
        raise typer.Exit()


def _people(ctx, incomplete: str) -> list[str]:
    from ecomops.cli import complete

    return complete.people(ctx, incomplete)


#: the root's help panel for the options a command also takes after its name
_BEFORE_OR_AFTER = "Database, language, who you are (before or after the command)"


@app.callback()
def root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    db: str | None = typer.Option(
        None,
        "--db",
        help="SQLite database file, for the command that follows \\[env: ECOMOPS_DB; "
        "\\[database] file in config.toml].",
        rich_help_panel=_BEFORE_OR_AFTER,
        show_default=False,
    ),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        help="Any SQLAlchemy URL, e.g. postgresql://user:pw@host/db \\[env: ECOMOPS_DATABASE_URL; "
        "\\[database] url in config.toml].",
        rich_help_panel=_BEFORE_OR_AFTER,
        show_default=False,
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        help="Language: en, zh (the manual's characters) or zh-hans \\[env: ECOMOPS_LANG; "
        "\\[display] lang in config.toml].",
        rich_help_panel=_BEFORE_OR_AFTER,
        show_default=False,
    ),
    as_: str | None = typer.Option(
        None,
        "--as",
        help="Who you are (a name on the roster) \\[env: ECOMOPS_AS].",
        rich_help_panel=_BEFORE_OR_AFTER,
        show_default=False,
        autocompletion=_people,
    ),
) -> None:
    """Run the E-commerce Department by its operations manual (電商部運營管理手冊).

    With no command: what needs doing today (ecomops today). --db, --database-url, --lang and
    --as go before the command or after it (after it, they win).

    Example: ecomops rubric show copywriter
    """
    from ecomops.cli.common import before_command

    before_command(ctx, db=db, database_url=database_url, lang=lang, as_=as_)
    if ctx.invoked_subcommand is None:  # ``today``, with the options typed before it
        command = load("today")
        with command.make_context("today", [], parent=ctx) as sub:  # ECOMOPS_AS read there
            command.invoke(sub)


#: the exit status when whoever reads stdout stops reading (``ecomops tasks list | head -1``):
#: success, quietly, as they had what they wanted (no SIGPIPE death, no traceback, and a
#: ``set -o pipefail`` script carries on). A failed write (a full disk) exits 1 with one line.
CLOSED_PIPE_EXIT = 0


def main() -> None:
    """Run the command; then flush stdout, so that a write that fails late is reported too."""
    code: int | str | None
    stdout_was = _stdout_file()
    _terminate_cleanly()
    bad = _undecodable_argument()
    if bad is not None:
        sys.stderr.write(
            f"error: argument {bad} is not valid UTF-8 text; "
            "type it again (or set a UTF-8 locale, e.g. LANG=zh_CN.UTF-8)\n"
        )
        sys.exit(1)
    try:
        app(prog_name="ecomops")
        code = 0
    except SystemExit as exc:
        code = exc.code
        if _gave_up_on_stdout(stdout_was):  # their exit status (1) says only the pipe closed
            code = _output_failed(BrokenPipeError(errno.EPIPE, "Broken pipe"), 0)
    except OSError as exc:  # outside a command (help, --version): a stream failed
        if exc.filename is not None:
            raise
        code = _output_failed(exc, 0)
    except BaseException as exc:
        from ecomops.cli.output import OutputFailed

        if not isinstance(exc, OutputFailed):
            raise
        code = _output_failed(exc.error, 0)
    engines = sys.modules.get("ecomops.db.engine")  # (imported by a command that used one)
    if engines is not None:
        engines.close_all()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as exc:
        code = _output_failed(exc, code)
    sys.exit(code)


def _undecodable_argument() -> int | None:
    """The position of the first argument that is not valid text in the locale's encoding
    (Python keeps its bytes as lone surrogates, which nothing can store or print)."""
    for i, arg in enumerate(sys.argv[1:], start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return i
    return None


def _terminate_cleanly() -> None:
    """SIGTERM and SIGHUP end the command as Ctrl-C does: the transaction rolls back and
    temporary files (a restore's scratch copy) are removed on the way out."""
    import signal

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                signal.signal(sig, stop)
            except (ValueError, OSError):  # not the main thread
                pass


def _stdout_file() -> tuple[int, int] | None:
    try:
        st = os.fstat(1)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _gave_up_on_stdout(stdout_was: tuple[int, int] | None) -> bool:
    """Whether Click or Rich met a closed pipe and exited: Click swaps stdout for a wrapper that
    ignores the broken pipe, Rich (ours, or Typer's help) points stdout at /dev/null."""
    if type(sys.stdout).__name__ == "PacifyFlushWrapper":
        return True
    now = _stdout_file()
    if now == stdout_was:
        return False
    try:
        null = os.stat(os.devnull)
    except OSError:
        return False
    return now == (null.st_dev, null.st_ino)


def _output_failed(error: OSError, code: int | str | None) -> int | str | None:
    """Stdout cannot be written: say why in one line (nothing for a closed pipe), send what is
    left to /dev/null (so that the interpreter's own flush at exit neither fails nor prints
    "Exception ignored"), and return the exit status: ``code`` if it already is a failure."""
    try:  # later writes, and the interpreter's flush at exit, go nowhere instead of failing
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
        os.close(devnull)
    except (OSError, ValueError):
        pass
    failed = code not in (0, None)
    if error.errno == errno.EPIPE:
        return code if failed else CLOSED_PIPE_EXIT
    try:
        sys.stderr.write(f"error: cannot write the output: {error.strerror or error}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    return code if failed else 1
