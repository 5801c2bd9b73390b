"""``ecomops db status|backup|restore|copy|grant``: where the data is, and keeping it safe."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ecomops.cli import complete
from ecomops.cli.common import (
    DAY_FORMS,
    AsOpt,
    command,
    database,
    note,
    stdin_is_terminal,
)
from ecomops.cli.output import emit, table
from ecomops.errors import InvalidInput
from ecomops.i18n import N_

app = typer.Typer(
    help="Where the data is; backup, restore, and moving to PostgreSQL.\n\n"
    "Example: ecomops db backup ecomops-2026-11-30.db",
    no_args_is_help=True,
)


def _rows(out) -> None:
    from ecomops.i18n import pgettext

    table(
        sorted(out["rows"].items()),
        [(pgettext("db status", "table"), lambda r: r[0]),
         (pgettext("db status", "rows"), lambda r: r[1])],
    )


#: the words of ``db status`` that are values of its --json (shown in the language)
_WORDS = (N_("real"), N_("simulated"), N_("single-keeper"), N_("bound logins"))


@command(app, "status")
def status() -> None:
    """Where the database is, its schema version, the handbook in force, and row counts.

    Example: ecomops db status
    """
    from ecomops.services.dbtools import status as service

    with database(write=False) as opened:
        out = service(opened.target, opened)

    def render(o) -> None:
        from ecomops.i18n import date_text, gettext

        note(f"{o['backend']} database {o['database']} (schema {o['schema']})")
        clock, mode = gettext(o["clock"]), gettext(o["mode"])
        if o["backend"] == "sqlite":
            note(
                f"{clock} clock; one keeper: the file's owner, {o['keeper']} "
                f"({o['logins']} logins bound); you are {o['login']}"
            )
        else:
            note(
                f"{clock} clock; {mode} ({o['logins']} logins bound); the keeper is "
                f"{o['keeper']} (the tables' owner); you are {o['login']}"
            )
        c = o["connection"]
        if c is not None:
            where = c["server"] or "a Unix socket"
            if c["ssl"]:
                note(f"connected to {where} over TLS ({c['protocol']}, {c['cipher']})")
            else:
                note(f"connected to {where} without TLS")
        for w in o["warnings"]:
            note(f"warning: {w}")
        if o["handbook"]:
            h = o["handbook"]
            loaded = date_text(h["loaded_at"].date())
            note(f"handbook {h['source']} (year {h['year']}), loaded {loaded}")
        _rows(o)

    emit(out, render=render)


@command(app, "backup")
def backup(
    file: Annotated[
        str,
        typer.Argument(
            help="Where to write the backup (a link: the file it points to).",
            show_default=False,
        ),
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace the file if it exists (never the database itself)."),
    ] = False,
) -> None:
    """Back up the database while it is in use: a SQLite file (online backup), or for
    PostgreSQL a portable dump (gzip'd JSON lines) that restores into either. An existing
    file is replaced only with --force.

    Example: ecomops db backup backups/ecomops-2026-11-30.db
    """
    from ecomops.services.dbtools import backup as service

    with database(write=False) as opened:
        out = service(opened, file, force=force)
    emit(
        out,
        render=lambda o: note(
            f"backed up {sum(o['rows'].values())} rows to {o['file']} ({o['format']})"
        ),
    )


#: restore's and copy's --force: what staff add --force records, and nothing else
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Accept a second holder of a position the handbook has one of (the general "
        "manager, the department head), as staff add --force records one.",
    ),
]


@command(app, "restore")
def restore(
    file: Annotated[Path, typer.Argument(help="A backup made by db backup.", show_default=False)],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the data without asking.")] = False,
    force: ForceOpt = False,
) -> None:
    """Replace everything in the database with a backup, in one transaction. The backup's
    rows are checked as ecomops's own writes are (one general manager, no reporting loop,
    scores 0–100, names, logins, statuses, dates): one bad row refuses the whole, naming the
    first bad rows, and the database is left as it was.

    Example: ecomops db restore backups/ecomops-2026-11-30.db --yes
    """
    from ecomops.services.dbtools import restore as service

    with database() as opened:
        if not yes:
            if not stdin_is_terminal():
                raise InvalidInput(
                    "restore replaces every record in the database", "add --yes to confirm"
                )
            from ecomops.i18n import translate

            typer.confirm(
                translate(f"Replace every record in {opened.target.display()} with {file}?"),
                abort=True,
            )
        out = service(opened, file, force=force)
    emit(
        out,
        render=lambda o: note(f"restored {sum(o['rows'].values())} rows from {o['file']}"),
    )


@command(app, "copy")
def copy(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="The target database URL (e.g. postgresql://user:pw@host/db); it must be empty.",
            show_default=False,
        ),
    ],
    force: ForceOpt = False,
) -> None:
    """Copy the whole database into another, e.g. from a SQLite file into PostgreSQL, and
    check that every table's rows arrived unchanged. The rows are checked as db restore
    checks a backup's: one bad row refuses the whole, and the target is left as it was.

    Example: ecomops db copy --to postgresql://ecomops:secret@db.example.cn/ecomops
    """
    from ecomops.cli.common import audit
    from ecomops.services.dbtools import copy_to

    with database(write=False) as opened:
        out = copy_to(opened, to, audit=audit, force=force)
    emit(
        out,
        render=lambda o: note(
            f"copied {sum(o['rows'].values())} rows from {o['from']} to {o['to']}; every table "
            f"checked"
        ),
    )


@command(app, "grant")
def grant(
    name: Annotated[
        str,
        typer.Argument(
            help="The person on the roster.", autocompletion=complete.people, show_default=False
        ),
    ],
    login: Annotated[
        str, typer.Option("--login", help="The PostgreSQL role to make (or reuse) for them.")
    ],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the role's password from standard input (one line) instead of making "
            "one.",
        ),
    ] = False,
    no_password: Annotated[
        bool,
        typer.Option(
            "--no-password",
            help="No password: the server authenticates them otherwise (peer, certificate).",
        ),
    ] = False,
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            help="The server as members reach it (default: where this connection went).",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", help="Its port (1-65535).", show_default=False),
    ] = None,
    ca: Annotated[
        Path | None,
        typer.Option(
            "--ca",
            help="The CA certificate that signed the server's (sslrootcert; sslmode "
            "verify-full).",
            show_default=False,
        ),
    ] = None,
    sslmode: Annotated[
        str | None,
        typer.Option(
            "--sslmode",
            help="libpq's sslmode (default: verify-full for a server on another machine or "
            "with --ca, else prefer).",
            show_default=False,
        ),
    ] = None,
    service: Annotated[
        str, typer.Option("--service", help="The service's name in the member's service file.")
    ] = "ecomops",
) -> None:
    """PostgreSQL: give a person a login role that sees and changes only what the handbook
    lets them (row-level security); run by the role that owns the database.

    Prints what the member needs, once: a connection service entry for their
    ~/.pg_service.conf, the ~/.pgpass line with the password made for them (stored nowhere),
    and the database URL that uses them, postgresql:///?service=ecomops.

    Example: ecomops db grant 李娜 --login lina --host db.example.cn --ca company-ca.pem
    """
    from ecomops.cli.common import actor, session
    from ecomops.services.dbtools import grant as service_

    if password_stdin and no_password:
        raise InvalidInput("--password-stdin and --no-password both given", "use one of them")
    if not service.replace("-", "").replace("_", "").isalnum():
        raise InvalidInput(f"{service!r} is not a service name", "letters, digits, - and _")
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InvalidInput("no password on standard input", "pipe it in, one line")
    if port is not None and not 0 < port < 65536:
        raise InvalidInput(f"port {port} is out of range", "give one from 1 to 65535", param="port")
    with session(write=True) as s:
        out = service_(
            s,
            name=name,
            login=login,
            password=password,
            generate=not (password_stdin or no_password),
            actor=actor(s, None),
            host=host,
            port=port,
            sslmode=sslmode,
            ca=ca,
            service=service,
        )
    data = {
        "name": out.name,
        "login": out.login,
        "service": dict(out.service.items()),
        "service_entry": out.service.entry,
        "pgpass": out.pgpass,
        "password": out.password,
        "database_url": out.service.url,
        "password_generated": out.generated,
        "warnings": list(out.warnings),
    }

    def render(o) -> None:
        lines = [
            f"# {o['name']} ({o['login']}): the connection service, in ~/.pg_service.conf "
            "(or the file PGSERVICEFILE names)",
            o["service_entry"].rstrip("\n"),
        ]
        if o["pgpass"] is not None:
            lines += [
                "",
                "# the password, in ~/.pgpass (chmod 600; or the file PGPASSFILE names): "
                "shown this once, stored nowhere",
                o["pgpass"],
            ]
        lines += ["", "# then", f"export ECOMOPS_DATABASE_URL='{o['database_url']}'"]
        typer.echo("\n".join(lines))
        for w in o["warnings"]:
            note(f"warning: {w}")
        note(
            f"{o['login']} may now connect and acts as {o['name']}; it sees only what the "
            "handbook lets them"
        )

    emit(data, render=render)


def register_audit(root: typer.Typer) -> None:
    @command(root, "audit")
    def audit_cmd(
        since: Annotated[
            str | None,
            typer.Option("--since", help=f"From this day: {DAY_FORMS}.", show_default=False),
        ] = None,
        last: Annotated[
            int | None,
            typer.Option("--last", help="Only the last N entries (1 or more).", show_default=False),
        ] = None,
        as_: AsOpt = None,
    ) -> None:
        """The audit trail: every write, with who, for whom, when and what it touched.

        Example: ecomops audit --since 2026-11-01
        """
        from ecomops.cli.common import actor, day, lang_of, session
        from ecomops.render.labels import words
        from ecomops.services.audit import audit_list

        w = words(lang_of())

        first = day(since, "--since") if since else None
        if last is not None and last < 1:  # a one-line error (exit 1), not a usage error
            raise InvalidInput("--last must be 1 or more", "the number of entries to show")
        with session(write=False) as s:
            out = audit_list(s, actor=actor(s, as_), since=first, limit=last)
        emit(
            out,
            render=lambda rows: table(
                rows,
                [  # the command and its options as typed: ecomops's own words
                    (w("id"), lambda a: a.id),
                    (w("at"), lambda a: a.at),
                    (w("who"), lambda a: a.actor),
                    (w("for"), lambda a: a.acted_for),
                    (w("command"), lambda a: a.command),
                    (
                        w("what"),
                        lambda a: " ".join(f"{k}={v}" for k, v in a.details.items()),
                        True,
                    ),
                ],
                title=w("Audit trail"),
                empty="nothing recorded",
            ),
        )
