"""``ecomops roles list|show`` and ``ecomops rubric show``."""

from __future__ import annotations

from typing import Annotated

import typer

from ecomops.cli import complete
from ecomops.cli.common import command, lang_of, session
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
) -> None:
    """List the positions, whom they report to, their rubric and raters.

    Example: ecomops roles list --json
    """
    from ecomops.render.labels import words
    from ecomops.services.handbook import position_names
    from ecomops.services.manual import roles_list

    language = lang_of()
    with session(write=False) as s:
        out = roles_list(s, language)
        names = position_names(s, language)
    w = words(language)
    columns = [
        ("name", lambda r: r.name, True),
        ("reports to", lambda r: names.get(r.reports_to, r.reports_to)),
        ("raters", lambda r: [names.get(q, q) for q in r.raters], True),
        ("staff", lambda r: r.staff),
    ]
    if language == "en":  # the id is English: it is shown in English only (and in --json)
        columns.insert(0, ("id", lambda r: r.id))
    emit(
        out,
        render=lambda rows: table(
            rows, [(w(h), *rest) for h, *rest in columns], title=w("Positions")
        ),
    )


@command(app, "permissions")
def permissions(
) -> None:
    """Who may do what: the handbook's permission table (positions, and relations such as the
    reporting line), marked where it is the tool's default.

    Example: ecomops roles permissions --lang zh-hans
    """
    from ecomops.render.labels import words
    from ecomops.services.manual import permissions_list

    language = lang_of()
    with session(write=False) as s:
        out = permissions_list(s, language)
    w = words(language)
    columns = [
        ("what", lambda r: r.description, True),
        ("who may", lambda r: r.who_text, True),
        ("default", lambda r: w("tool's default") if r.default else w("handbook")),
    ]
    if language == "en":  # the action's id: English only (and --json)
        columns.insert(0, ("action", lambda r: r.action))
    emit(
        out,
        render=lambda rows: table(
            rows, [(w(h), *rest) for h, *rest in columns], title=w("Permissions")
        ),
    )


@command(app, "show")
def show(
    position: PositionArg,
) -> None:
    """Show one position: its card (summary and duties), reporting line and raters.

    Example: ecomops roles show 策划主管 --lang en
    """
    from ecomops.render.labels import words
    from ecomops.services.handbook import position_names, rubric_names
    from ecomops.services.manual import role_show

    language = lang_of()
    with session(write=False) as s:
        out = role_show(s, position, language)
        names = position_names(s, language)
        rubrics = rubric_names(s, language)
    w = words(language)

    def named(pid):
        return None if pid is None else names.get(pid, pid)

    def render(p) -> None:
        from ecomops.cli.output import esc

        c = console()
        c.print(f"[bold]{esc(p.name)}[/]" + (f" ({p.id})" if language == "en" else ""))
        if p.summary:
            c.print(esc(p.summary))
        c.print(
            f"{w('reports to')}: {esc(named(p.reports_to))}"
            + (f" ({w('tool default')})" if "reports_to" in p.defaults else "")
        )
        rubric = None if p.rubric is None else rubrics.get(p.rubric, p.rubric)
        c.print(f"{w('rubric')}: {esc(rubric)}; {w('raters')}: {esc([named(q) for q in p.raters])}")
        if p.reports:
            c.print(f"{w('direct reports')}: {esc([named(q) for q in p.reports])}")
        if not p.card:
            c.print(f"[dim]{w('no position card in §5')}[/]")
        for n, d in enumerate(p.duties, start=1):
            c.print(f"  {n}. {esc(d)}")

    emit(out, render=render)


@command(rubric_app, "show")
def rubric_show(
    position: PositionArg,
) -> None:
    """Show a position's rubric: criteria, weights, the four level descriptors, who rates.

    Example: ecomops rubric show copywriter --json
    """
    from ecomops.render.labels import words
    from ecomops.services.manual import rubric_show as build

    language = lang_of()
    with session(write=False) as s:
        out = build(s, position, language)
    w = words(language)

    def render(r) -> None:
        from rich.table import Table

        from ecomops.cli.output import cell

        t = Table(
            title=cell(f"{r.rubric.name} — {r.position.name}", "table.title"),
            caption=cell(
                f"{w('rated by')}: {', '.join(q.name for q in r.raters)}"
                + (f" ({w('tool default')})" if r.defaults else ""),
                "table.caption",
            ),
            show_lines=True,
            header_style="bold",
        )
        t.add_column(w("criterion"))
        t.add_column(w("weight"), justify="right")
        t.add_column(w("level"))
        t.add_column(w("descriptor"), overflow="fold")
        for crit in r.criteria:
            for i, lv in enumerate(crit.levels):
                t.add_row(
                    (
                        (cell(crit.name) + "\n" + cell(crit.id, "dim"))
                        if language == "en"
                        else cell(crit.name)
                    )
                    if i == 0
                    else "",
                    f"{fmt(crit.weight)}%" if i == 0 else "",
                    f"{lv.grade} ({fmt(lv.points)})",
                    cell(lv.text),
                )
        t.add_row(cell(r.total), f"{fmt(r.total_weight)}%", "", "")
        console().print(t)

    emit(out, render=render)
