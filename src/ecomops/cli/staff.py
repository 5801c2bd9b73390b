"""``ecomops staff add|edit|list|show|import|link|deactivate|reactivate|company-mail``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecomops.cli import complete
from ecomops.cli.common import (
    DAY_FORMS,
    AsOpt,
    actor,
    command,
    day,
    lang_of,
    note,
    now,
    session,
    wants_json,
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
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help='Record a second department head, or a manager the handbook\'s "reports to" '
        "does not name, all the same.",
    ),
]


def columns(lang: str) -> list[Column]:
    """The roster's columns, headed in ``lang``."""
    from ecomops.render.labels import words

    w = words(lang)
    return [
        (w("id"), lambda s: s.id),
        (w("person"), lambda s: s.name),
        (w("position"), lambda s: s.position_name, True),
        (w("email"), lambda s: s.email, True),
        (w("manager"), lambda s: s.manager),
        (w("active"), lambda s: w("yes") if s.active else w("no")),
        (w("joined"), lambda s: s.joined),
        (w("left"), lambda s: s.left),
    ]


def changes(lang: str, positions: dict[str, str]) -> list[Column]:
    """The columns of a roster's history, in ``lang`` (``positions``: id → name shown)."""
    from ecomops.render.labels import words

    w = words(lang)

    def value(c, v):
        if v is None or lang == "en":
            return v
        if c.field == "position":
            return positions.get(v, v)
        if c.field == "active":
            return w("yes") if v == "true" else w("no") if v == "false" else v
        return v

    return [
        (w("effective"), lambda c: c.effective),
        (w("person"), lambda c: c.name),
        (w("field"), lambda c: w(c.field) if lang != "en" else c.field),
        (w("old"), lambda c: value(c, c.old), True),
        (w("new"), lambda c: value(c, c.new), True),
        (w("recorded"), lambda c: c.recorded_at),
        (w("by"), lambda c: c.by),
    ]


#: the most rows an import shows on the terminal (--json lists them all)
SHOWN = 50


def _show(rows, title: str | None = None, lang: str = "en") -> None:
    from ecomops.render.labels import words

    table(
        rows,
        columns(lang),
        title=title if title is not None else words(lang)("Staff"),
        empty="no staff yet; add someone with: ecomops staff add",
    )


def _date(text: str | None, flag: str):
    return day(text, flag) if text is not None else None


@command(app, "add")
def add(
    name: NameArg,
    position: Annotated[
        str,
        typer.Option(
            "--position",
            "-p",
            help="Position id or Chinese name (exactly; part of a name is refused).",
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
    joined: Annotated[
        str | None,
        typer.Option(
            "--joined",
            help=f"The day they joined the department ({DAY_FORMS}) \\[default: today].",
            show_default=False,
        ),
    ] = None,
    force: ForceOpt = False,
    as_: AsOpt = None,
) -> None:
    """Add a person to the roster.

    Example: ecomops staff add 李娜 --position 文案 --email lina@example.com --manager 张伟
    """
    from ecomops.services.staff import staff_add

    with session(write=True) as s:
        out = staff_add(
            s,
            name=name,
            position=position,
            email=email,
            manager=manager,
            now=now(),
            lang=lang_of(),
            actor=actor(s, as_),
            login=login,
            joined=_date(joined, "--joined"),
            force=force,
        )
    emit(out, render=lambda o: note(f"added {o.name} ({o.position_name})"))


@command(app, "edit")
def edit(
    name: NameArg,
    position: Annotated[
        str | None,
        typer.Option(
            "--position",
            "-p",
            help="The new position (id or Chinese name, exactly).",
            autocompletion=complete.positions,
            show_default=False,
        ),
    ] = None,
    manager: Annotated[
        str | None,
        typer.Option(
            "--manager",
            help='The new manager\'s name ("" for none).',
            autocompletion=complete.people,
            show_default=False,
        ),
    ] = None,
    email: Annotated[
        str | None,
        typer.Option("--email", help='The new e-mail address ("" for none).', show_default=False),
    ] = None,
    login: Annotated[
        str | None,
        typer.Option(
            "--login",
            help='The login that acts as them ("" for none; `staff link` moves one).',
            show_default=False,
        ),
    ] = None,
    joined: Annotated[
        str | None,
        typer.Option(
            "--joined",
            help=f"The day they joined the department ({DAY_FORMS}).",
            show_default=False,
        ),
    ] = None,
    effective: Annotated[
        str | None,
        typer.Option(
            "--effective",
            help=f"The day the change took effect ({DAY_FORMS}) \\[default: today].",
            show_default=False,
        ),
    ] = None,
    force: ForceOpt = False,
    as_: AsOpt = None,
) -> None:
    """Change a person's record; each change is kept in their history (`staff show`). A
    cycle already open keeps the position they held when it opened.

    Example: ecomops staff edit 李娜 --position 策划主管 --manager 赵海 --effective 2026-12-01
    """
    from ecomops.services.staff import staff_edit

    with session(write=True) as s:
        out = staff_edit(
            s,
            name,
            position=position,
            manager=manager,
            email=email,
            login=login,
            joined=_date(joined, "--joined"),
            effective=_date(effective, "--effective"),
            force=force,
            actor=actor(s, as_),
            now=now(),
            lang=lang_of(),
        )

    def render(o) -> None:
        if not o.changes:
            note(f"nothing changed: {o.staff.name}'s record already says so")
        for c in o.changes:
            note(f"{o.staff.name}: {c.field} {c.old or '—'} → {c.new or '—'} from {c.effective}")

    emit(out, render=render)


@command(app, "show")
def show(
    name: NameArg,
) -> None:
    """Show a person's record and its history: every change, when it took effect, when it
    was recorded and by whom.

    Example: ecomops staff show 李娜
    """
    from ecomops.render.labels import words
    from ecomops.services.handbook import position_names
    from ecomops.services.staff import staff_show

    language = lang_of()
    with session(write=False) as s:
        out = staff_show(s, name, lang=language)
        names = position_names(s, language)

    def render(o) -> None:
        _show([o], title=o.name, lang=language)
        table(
            o.changes,
            changes(language, names),
            title=words(language)("History"),
            empty=f"no changes to {o.name}'s record",
        )

    emit(out, render=render)


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
    as_: AsOpt = None,
) -> None:
    """Bind a login to a person: that login then acts as them. On PostgreSQL, binding the
    first login ends single-keeper mode (from then on only bound logins act, and the role that
    owns the tables); on a SQLite file only its owner's login may be bound, and it only says
    whom the keeper is by default.

    Example: ecomops staff link 张伟 --login zhangwei
    """
    from ecomops.services.staff import staff_link

    with session(write=True) as s:
        who = actor(s, as_)
        sqlite = s.connection().dialect.name == "sqlite"
        out = staff_link(s, name, login=login, actor=who, lang=lang_of(), now=now())
    emit(out, render=lambda o: note(f"{o.login} now acts as {o.name}"))
    if sqlite:
        note(
            f"{out.login} keeps this file and is {out.name} where a command needs a person; "
            "it still may do everything, and act for anyone with --as"
        )
    elif who.keeper and who.login != out.login:
        note(
            "single-keeper mode has ended: from now on only bound logins act, and the role "
            f"that owns the tables ({who.login}, the keeper)"
        )


@command(app, "list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Include people no longer active.")] = False,
) -> None:
    """List the active staff (with --all, everyone who ever was).

    Example: ecomops staff list --all --json
    """
    from ecomops.services.staff import staff_list

    language = lang_of()
    with session(write=False) as s:
        out = staff_list(s, include_inactive=all_, lang=language)
    emit(out, render=lambda rows: _show(rows, lang=language))


@command(app, "import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with columns name,position[,email][,manager][,joined] "
            "(or 姓名,岗位,邮箱,上级,入职日期); UTF-8 or GB18030.",
            show_default=False,
        ),
    ],
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="The file is the roster: add the new, change the changed (kept in their "
            "history), leave the rest.",
        ),
    ] = False,
    deactivate_missing: Annotated[
        bool,
        typer.Option(
            "--deactivate-missing",
            help="With --update: deactivate the department's people the file leaves out.",
        ),
    ] = False,
    force: ForceOpt = False,
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
) -> None:
    """Import staff from a CSV file: all rows or none; every bad line is reported. With
    --update, re-import a roster: only what changed changes.

    Example: ecomops staff import roster.csv --update --deactivate-missing
    """
    from ecomops.render.labels import words
    from ecomops.services.handbook import position_names
    from ecomops.services.staff import staff_import

    language = lang_of()
    with session(write=True) as s:
        names = position_names(s, language)
        out = staff_import(
            s,
            file,
            actor=actor(s, as_),
            now=now(),
            lang=language,
            encoding=encoding,
            update=update,
            deactivate_missing=deactivate_missing,
            force=force,
            show=None if wants_json() else SHOWN,
        )

    w = words(language)

    def render(o) -> None:
        if o.staff:
            _show(o.staff, title=f"{w('Imported from')} {o.file}", lang=language)
        touched = o.added + o.changed + o.deactivated
        if touched > len(o.staff):
            note(f"the first {len(o.staff)} of {touched} people shown (--json lists everyone)")
        if o.changes:
            table(o.changes, changes(language, names), title=f"{w('Changed by')} {o.file}")
        if len(o.changes) == SHOWN:
            note(f"the first {SHOWN} changes shown (--json lists them all)")
        if update:
            note(
                f"{o.file}: {o.added} added, {o.changed} changed, {o.unchanged} unchanged, "
                f"{o.deactivated} deactivated"
            )
        else:
            note(f"imported {o.added} staff from {o.file}")

    emit(out, render=render)


@command(app, "deactivate")
def deactivate(
    name: NameArg,
    left: Annotated[
        str | None,
        typer.Option(
            "--left",
            help=f"The day they left ({DAY_FORMS}) \\[default: today].",
            show_default=False,
        ),
    ] = None,
    as_: AsOpt = None,
) -> None:
    """Mark a person as no longer active; their history stays (`staff reactivate` brings them
    back).

    Example: ecomops staff deactivate 王芳 --left 2026-11-30
    """
    from ecomops.services.staff import staff_deactivate

    with session(write=True) as s:
        out = staff_deactivate(
            s,
            name,
            actor=actor(s, as_),
            now=now(),
            lang=lang_of(),
            left=_date(left, "--left"),
        )
    emit(out, render=lambda o: note(f"deactivated {o.name} (left {o.left})"))


@command(app, "reactivate")
def reactivate(
    name: NameArg,
    effective: Annotated[
        str | None,
        typer.Option(
            "--effective",
            help=f"The day they came back ({DAY_FORMS}) \\[default: today].",
            show_default=False,
        ),
    ] = None,
    force: ForceOpt = False,
    as_: AsOpt = None,
) -> None:
    """Bring back a person who left, with the record they had (the return is kept in their
    history). A name stays with its person: re-adding it is refused, this is the way back.

    Example: ecomops staff reactivate 王芳
    """
    from ecomops.services.staff import staff_reactivate

    with session(write=True) as s:
        out = staff_reactivate(
            s,
            name,
            actor=actor(s, as_),
            now=now(),
            lang=lang_of(),
            effective=_date(effective, "--effective"),
            force=force,
        )
    emit(out, render=lambda o: note(f"{o.name} is active again"))


@command(app, "company-mail", renamed={"applies_from": "from_"})
def company_mail(
    domain: Annotated[
        str | None,
        typer.Argument(
            help="The company's mail domain, e.g. example.cn (omit it to show the setting).",
            show_default=False,
        ),
    ] = None,
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            help=f"The day from which only addresses there are accepted ({DAY_FORMS}) "
            "\\[default: today].",
            show_default=False,
        ),
    ] = None,
    as_: AsOpt = None,
) -> None:
    """Set or show the company's mail domain (§3.2 rule 3: once the company has e-mail, only
    company e-mail): from that day, an address outside it is refused by staff add, edit and
    import. Lists the active people whose address is outside it.

    Example: ecomops staff company-mail example.cn --from 2026-12-01
    """
    from ecomops.services.staff import company_mail as service

    since = _date(from_, "--from")
    with session(write=domain is not None) as s:
        out = service(
            s,
            now=now(),
            lang=lang_of(),
            actor=actor(s, as_) if domain is not None else None,
            domain=domain,
            applies_from=since,
        )

    def render(o) -> None:
        if o.domain is None:
            note("no company mail domain is set; set one with: ecomops staff company-mail DOMAIN")
            return
        state = "applies" if o.in_force else "will apply"
        note(f"company mail: @{o.domain}, {state} from {o.applies_from} ({o.rule})")
        if o.outside:
            note(f"addresses outside @{o.domain}: {', '.join(o.outside)}")

    emit(out, render=render)
