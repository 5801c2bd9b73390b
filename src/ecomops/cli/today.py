"""``ecomops today``: the dashboard, what needs doing now for the person acting."""

from __future__ import annotations

from typing import Annotated

import typer

from ecomops.cli.common import (
    acting,
    command,
    lang_of,
    now,
    session,
)
from ecomops.cli.output import console, emit


def register(root: typer.Typer) -> None:
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
    ) -> None:
        """What needs doing now: overdue tasks, tasks due in the next three working days,
        the Monday plan, the month-end summary when near, the ratings still owed.

        A member sees their own items, each gone once done. The department head (and
        whoever may read others' records) sees the team: overdue tasks by person, who has
        not sent the Monday plan or the month's summary, and the ratings owed, by rater.

        Example: ecomops today --as 李娜
        """
        from ecomops.memory import paused_gc
        from ecomops.services.dashboard import today as service

        language = lang_of()
        with paused_gc():  # 10,000 people's rows and models, no cycles among them
            with session(write=False) as s:
                who = acting(s, as_).as_person()  # the keeper: their own day, once bound
                out = service(s, who=who.person, now=now(), lang=language, viewer=who)
            emit(out, render=lambda d: render_dashboard(d, language))


def render_dashboard(d, lang: str) -> None:
    from ecomops.render.dashboard import dashboard_lines

    c = console()
    for line in dashboard_lines(d, lang):
        c.print(line)
