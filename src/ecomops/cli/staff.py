"""``ecomops staff add|list|import|link|deactivate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecomops.cli import complete
from ecomops.cli.common import (
    AsOpt,
    DbOpt,
    JsonOpt,
    LangOpt,
    UrlOpt,
    actor,
    command,
    lang_of,
    note,
    now,
    session,
)
from ecomops.cli.output import Column, emit, table

app = typer.Typer(
    help="The staff roster.\n\nExample: ecomops staff add 王芳 --position 文案",
    no_args_is_help=True,
)

NameArg = Annotated[
    str,
    typer.Argument(help="The person's name.", autocompletion=complete.people, show_default=False),
]

COLUMNS: list[Column] = [
    ("id", lambda s: s.id),
    ("name", lambda s: s.name),
    ("position", lambda s: s.position_name, True),
    ("email", lambda s: s.email, True),
    ("manager", lambda s: s.manager),
    ("active", lambda s: s.active),
    ("since", lambda s: s.since),
]


def _show(rows, title: str = "Staff") -> None:
    table(rows, COLUMNS, title=title, empty="no staff yet; add someone with: ecomops staff add")


@command(app, "add")
def add(
    name: NameArg,
    position: Annotated[
        str,
        typer.Option(
            "--position",
            "-p",
            help="Position id or Chinese name.",
            autocompletion=complete.positions,
            show_default=False,
        ),
    ],
    email: Annotated[str | None, typer.Option("--email", help="E-mail address.")] = None,
    manager: Annotated[
        str | None,
        typer.Option(
            "--manager", help="Name of the person's manager.", autocompletion=complete.people
        ),
    ] = None,
    login: Annotated[
        str | None,
        typer.Option(
            "--login",
            help="The login that acts as them (a PostgreSQL role, or an OS user on SQLite).",
            show_default=False,
        ),
    ] = None,
    as_: AsOpt = None,
    lang: LangOpt = None,
    db: DbOpt = None,
    database_url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a person to the roster.

    Example: ecomops staff add 李娜 --position 文案 --email lina@example.com --manager 张伟
    """
    from ecomops.services.staff import staff_add

    with session(db, database_url, write=True) as s:
        out = staff_add(
            s,
            name=name,
            position=position,
            email=email,
            manager=manager,
            now=now(),
            lang=lang_of(lang),
            actor=actor(s, as_),
            login=login,
        )
    emit(out, as_json=as_json, render=lambda o: note(f"added {o.name} ({o.position_name})"))


@command(app, "link")
def link(
    name: NameArg,
    login: Annotated[
        str,
        typer.Option(
            "--login",
            help="The login that acts as them (moved from whoever held it).",
            show_default=False,
        ),
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Bind the first login to someone else all the same."),
    ] = False,
    as_: AsOpt = None,
    lang: LangOpt = None,
    db: DbOpt = None,
    database_url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Bind a login to a person: that login then acts as them. Binding the first login ends
    single-keeper mode (from then on only bound logins act).

    Example: ecomops staff link 张伟 --login zhangwei
    """
    from ecomops.services.staff import staff_link

    with session(db, database_url, write=True) as s:
        who = actor(s, as_)
        out = staff_link(s, name, login=login, actor=who, lang=lang_of(lang), force=force)
    emit(out, as_json=as_json, render=lambda o: note(f"{o.login} now acts as {o.name}"))
    if who.keeper and who.login != out.login:
        note(
            f"single-keeper mode has ended: only bound logins act now, and yours "
            f"({who.login}) is not bound to anyone; bind it with: ecomops staff link NAME "
            f"--login {who.login}"
        )


@command(app, "list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Include people no longer active.")] = False,
    lang: LangOpt = None,
    db: DbOpt = None,
    database_url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the active staff (with --all, everyone who ever was).

    Example: ecomops staff list --all --json
    """
    from ecomops.services.staff import staff_list

    with session(db, database_url, write=False) as s:
        out = staff_list(s, include_inactive=all_, lang=lang_of(lang))
    emit(out, as_json=as_json, render=_show)


@command(app, "import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with columns name,position[,email][,manager] "
            "(or 姓名,岗位,邮箱,上级); UTF-8 or GB18030.",
            show_default=False,
        ),
    ],
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="The file's encoding: utf-8, gb18030, big5, latin-1 … \\[default: UTF-8, "
            "or GB18030 when it reads as Chinese].",
            show_default=False,
        ),
    ] = None,
    as_: AsOpt = None,
    lang: LangOpt = None,
    db: DbOpt = None,
    database_url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import staff from a CSV file: all rows or none; every bad line is reported.

    Example: ecomops staff import roster.csv
    """
    from ecomops.services.staff import staff_import

    with session(db, database_url, write=True) as s:
        out = staff_import(
            s, file, actor=actor(s, as_), now=now(), lang=lang_of(lang), encoding=encoding
        )

    def render(o) -> None:
        _show(o.staff, title=f"Imported from {o.file}")
        note(f"imported {o.added} staff from {o.file}")

    emit(out, as_json=as_json, render=render)


@command(app, "deactivate")
def deactivate(
    name: NameArg,
    as_: AsOpt = None,
    lang: LangOpt = None,
    db: DbOpt = None,
    database_url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Mark a person as no longer active; their history stays.

    Example: ecomops staff deactivate 王芳
    """
    from ecomops.services.staff import staff_deactivate

    with session(db, database_url, write=True) as s:
        out = staff_deactivate(s, name, actor=actor(s, as_), now=now(), lang=lang_of(lang))
    emit(out, as_json=as_json, render=lambda o: note(f"deactivated {o.name}"))
