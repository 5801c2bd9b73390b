"""``ecomops roles list|show`` and ``ecomops rubric show``."""

from __future__ import annotations

from typing import Annotated

import typer

from ecomops.cli import complete
from ecomops.cli.common import DbOpt, JsonOpt, LangOpt, UrlOpt, command, lang_of, session
from ecomops.cli.output import console, emit, fmt, table

app = typer.Typer(
    help="Positions: duties, reporting lines, raters.\n\nExample: ecomops roles show 策划主管",
    no_args_is_help=True,
)
rubric_app = typer.Typer(
    help="Appraisal rubrics.\n\nExample: ecomops rubric show copywriter", no_args_is_help=True
)

PositionArg = Annotated[
    str,
    typer.Argument(
        help="Position id or Chinese name (traditional or simplified), "
        "e.g. copywriter, 文案, 策劃主管, 策划主管.",
        autocompletion=complete.positions,
        show_default=False,
    ),
]


@command(app, "list")
def list_(
    lang: LangOpt = None,
    db: DbOpt = None,
    database_url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the positions, whom they report to, their rubric and raters.

    Example: ecomops roles list --json
    """
    from ecomops.services.manual import roles_list

    with session(db, database_url, write=False) as s:
        out = roles_list(s, lang_of(lang))
    emit(
        out,
        as_json=as_json,
        render=lambda rows: table(
            rows,
            [
                ("id", lambda r: r.id),
                ("name", lambda r: r.name, True),
                ("reports to", lambda r: r.reports_to),
                ("raters", lambda r: r.raters, True),
                ("staff", lambda r: r.staff),
            ],
            title="Positions",
        ),
    )


@command(app, "permissions")
def permissions(
    lang: LangOpt = None,
    db: DbOpt = None,
    database_url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who may do what: the handbook's permission table (positions, and relations such as the
    reporting line), marked where it is the tool's default.

    Example: ecomops roles permissions --lang zh-hans
    """
    from ecomops.services.manual import permissions_list

    with session(db, database_url, write=False) as s:
        out = permissions_list(s, lang_of(lang))
    emit(
        out,
        as_json=as_json,
        render=lambda rows: table(
            rows,
            [
                ("action", lambda r: r.action),
                ("what", lambda r: r.description, True),
                ("who may", lambda r: r.who_text, True),
                ("default", lambda r: "tool's default" if r.default else "handbook"),
            ],
            title="Permissions",
        ),
    )


@command(app, "show")
def show(
    position: PositionArg,
    lang: LangOpt = None,
    db: DbOpt = None,
    database_url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one position: its card (summary and duties), reporting line and raters.

    Example: ecomops roles show 策划主管 --lang en
    """
    from ecomops.services.manual import role_show

    with session(db, database_url, write=False) as s:
        out = role_show(s, position, lang_of(lang))

    def render(p) -> None:
        from ecomops.cli.output import esc

        c = console()
        c.print(f"[bold]{esc(p.name)}[/] ({p.id})")
        if p.summary:
            c.print(esc(p.summary))
        c.print(
            f"reports to: {esc(p.reports_to)}"
            + (" (tool default)" if "reports_to" in p.defaults else "")
        )
        c.print(f"rubric: {esc(p.rubric)}; raters: {esc(p.raters)}")
        if p.reports:
            c.print(f"direct reports: {esc(p.reports)}")
        if not p.card:
            c.print("[dim]no position card in §5[/]")
        for n, d in enumerate(p.duties, start=1):
            c.print(f"  {n}. {esc(d)}")

    emit(out, as_json=as_json, render=render)


@command(rubric_app, "show")
def rubric_show(
    position: PositionArg,
    lang: LangOpt = None,
    db: DbOpt = None,
    database_url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a position's rubric: criteria, weights, the four level descriptors, who rates.

    Example: ecomops rubric show copywriter --json
    """
    from ecomops.services.manual import rubric_show as build

    with session(db, database_url, write=False) as s:
        out = build(s, position, lang_of(lang))

    def render(r) -> None:
        from rich.table import Table

        from ecomops.cli.output import cell

        t = Table(
            title=cell(f"{r.rubric.name} — {r.position.name}", "table.title"),
            caption=cell(
                f"rated by: {', '.join(q.name for q in r.raters)}"
                + (" (tool default)" if r.defaults else ""),
                "table.caption",
            ),
            show_lines=True,
            header_style="bold",
        )
        t.add_column("criterion")
        t.add_column("weight", justify="right")
        t.add_column("level")
        t.add_column("descriptor", overflow="fold")
        for crit in r.criteria:
            for i, lv in enumerate(crit.levels):
                t.add_row(
                    (cell(crit.name) + "\n" + cell(crit.id, "dim")) if i == 0 else "",
                    f"{fmt(crit.weight)}%" if i == 0 else "",
                    f"{lv.grade} ({fmt(lv.points)})",
                    cell(lv.text),
                )
        t.add_row(cell(r.total), f"{fmt(r.total_weight)}%", "", "")
        console().print(t)

    emit(out, as_json=as_json, render=render)
