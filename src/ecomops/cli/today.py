"""``ecomops today``: the dashboard, what needs doing now for the person acting."""

from __future__ import annotations

from typing import Annotated

import typer

from ecomops.cli.common import (
    DbOpt,
    JsonOpt,
    LangOpt,
    UrlOpt,
    acting,
    command,
    lang_of,
    now,
    session,
)
from ecomops.cli.output import console, emit, fmt

today_command = None


def register(root: typer.Typer) -> None:
    global today_command

    @command(root, "today")
    def today(
        as_: Annotated[
            str | None,
            typer.Option(
                "--as",
                envvar="ECOMOPS_AS",
                help="Whose day \\[env: ECOMOPS_AS].",
                show_default=False,
            ),
        ] = None,
        lang: LangOpt = None,
        db: DbOpt = None,
        database_url: UrlOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """What needs doing now: overdue tasks, tasks due this week, this week's Monday plan,
        the month-end deadline when it is near, the open appraisal cycle.

        Example: ecomops today --as 李娜
        """
        from ecomops.services.dashboard import today as service

        language = lang_of(lang)
        with session(db, database_url, write=False) as s:
            who = acting(s, as_)
            out = service(s, who=who.person, now=now(), lang=language, viewer=who)
        emit(out, as_json=as_json, render=lambda d: render_dashboard(d, language))

    today_command = root.registered_commands[-1].callback


def render_dashboard(d, lang: str) -> None:
    from ecomops.cli.output import esc
    from ecomops.render.labels import labels

    L = labels(lang)
    c = console()
    who = f" — {d.person}" if d.person else ""
    c.print(f"[bold]{L['today']} {d.now:%Y-%m-%d %H:%M}{esc(who)}[/]")
    for t in d.overdue:
        c.print(
            f"  [red]{L['my_overdue']} {t.days_overdue}d[/] #{t.id} {esc(t.title)}"
            f" ({esc(t.owner or '—')}, {t.due})"
        )
    for t in d.due_this_week:
        c.print(f"  [yellow]{L['due_this_week']}[/] #{t.id} {esc(t.title)} ({t.due})")
    from ecomops.render.dashboard import plan_lines

    for line in plan_lines(d, L):  # not_expected: "—"; the head's department summary
        c.print(line)
    if d.month_end_near:
        c.print(f"  [yellow]{L['month_end_near']} {fmt(d.month_end_due)}[/]")
    if d.cycle:
        c.print(
            f"  {L['cycle_progress']} {d.cycle.id}: {L['complete']} {d.cycle.complete}, "
            f"{L['pending']} {d.cycle.pending}"
        )
        if d.to_rate:
            c.print(f"  {L['to_rate']}: {esc(', '.join(d.to_rate))}")
    if not (d.overdue or d.due_this_week or d.month_end_near or d.to_rate):
        c.print(f"  {L['nothing']}")
