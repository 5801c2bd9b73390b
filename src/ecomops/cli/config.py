"""``ecomops config show|check``: the settings in force and where each came from; whether the
servers they name answer."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ecomops.cli.common import (
    command,
    fail,
    note,
    settings,
)
from ecomops.cli.output import emit, table
from ecomops.cli.state import current
from ecomops.i18n import N_

app = typer.Typer(
    help="The settings (config.toml, the environment, the options) and the servers they "
    "name.\n\n"
    "Example: ecomops config show",
    no_args_is_help=True,
)


def _with_options(*, lang: bool = True):
    """The settings with the command line's options (typed after the command, else before
    it) on top."""
    run = current()
    db, database_url = run.database_options() if run is not None else (None, None)
    given = run.lang_option() if run is not None and lang else None
    return settings().with_options(db=db, database_url=database_url, lang=given)


def _value(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


@command(app, "show")
def show(
) -> None:
    """Every setting in force, its value and where it came from.

    The source is default, file (config.toml), environment (ECOMOPS_…) or option (--db …):
    an option wins over the environment, which wins over the file. Passwords, the robot's
    secret and the keys in its URL, and a database URL's password are masked.

    Example: ecomops config show --json
    """
    from ecomops.services.settings import show_settings

    out = show_settings(_with_options())

    def render(o) -> None:
        there = "" if o.found else " (not there: the environment and the defaults apply)"
        note(f"settings file: {o.file}{there}")
        note(f"database: {o.database}")
        table(
            o.settings,
            [
                ("setting", lambda s: s.key),
                ("value", lambda s: _value(s.value)),
                ("source", lambda s: f"{s.source} ({s.origin})" if s.origin else s.source),
            ],
        )

    emit(out, render=render)


_WORDS = {"ok": N_("ok"), "failed": N_("failed"), "not_configured": N_("not configured")}


@command(app, "check")
def check(
    timeout: Annotated[
        int,
        typer.Option(
            "--timeout",
            help="Seconds each server has to answer (connect, greet, log in): 1 to 120.",
        ),
    ] = 5,
) -> None:
    """Try each configured server (database, mail, mailbox, group robot), sending nothing.

    The database: is it there, an ecomops database, which schema version (nothing created or
    upgraded); the mail server: connect, EHLO, STARTTLS or TLS, log in, QUIT; the mailbox: log
    in, open the folder read-only, log out; the group robot: its host reached and, over https,
    its certificate verified (no request: its webhook takes only messages). One line each:
    ok, failed (why) or not configured; exit 1 when a configured one fails.

    Example: ecomops config check --timeout 10
    """
    from ecomops.errors import EcomopsError
    from ecomops.services.settings import check_servers

    if not 1 <= timeout <= 120:
        from ecomops.errors import InvalidInput

        raise InvalidInput(
            f"a timeout of {timeout} s is out of range", "give 1 to 120 seconds", param="timeout"
        )
    from ecomops.cli.suggest import shown

    out = check_servers(  # a failure as the command line says it (its commands, in English)
        _with_options(lang=False),
        timeout=timeout,
        said=lambda exc: shown(exc.said(), exc.suggest),
    )

    def render(o) -> None:
        from ecomops.i18n import gettext as _
        from ecomops.i18n import translate

        def result(c) -> str:
            word = _(_WORDS[c.status])
            if not c.detail:
                return word
            return _("{result}: {detail}").format(result=word, detail=translate(c.detail))

        table(
            o.checks,
            [
                (_("server"), lambda c: c.server),
                (_("target"), lambda c: c.target),
                (_("result"), result, True),
            ],
        )

    emit(out, render=render)
    failed = [c.server for c in out.checks if c.status == "failed"]
    if failed:
        fail(EcomopsError(f"{', '.join(failed)} failed the check", "see the line of each above"))
