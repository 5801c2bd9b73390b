"""``ecomops goals list``."""

from __future__ import annotations

from typing import Annotated

import typer

from ecomops.cli.common import (
    MONTH_FORMS,
    command,
    lang_of,
    month_arg,
    session,
)
from ecomops.cli.output import emit, table

app = typer.Typer(
    help="The monthly goals (§7.2).\n\nExample: ecomops goals list --month 2026-11",
    no_args_is_help=True,
)


@command(app, "list")
def list_(
    month: Annotated[
        str | None,
        typer.Option("--month", help=f"Only this month: {MONTH_FORMS}.", show_default=False),
    ] = None,
) -> None:
    """List the monthly goals, each due on the last day of its month.

    Example: ecomops goals list --month 2026-12 --lang zh-hans
    """
    from ecomops.services.goals import goals_list

    wanted = month_arg(month) if month is not None else None
    from ecomops.render.labels import words

    language = lang_of()
    with session(write=False) as s:
        out = goals_list(s, month=wanted, lang=language)
    w = words(language)
    emit(
        out,
        render=lambda rows: table(
            rows,
            [
                (w("id"), lambda g: g.id),
                (w("month"), lambda g: g.month),
                (w("goal"), lambda g: g.text, True),
                (w("due"), lambda g: g.due),
                (
                    w("done"),
                    lambda g: f"{g.progress.done}/{g.progress.total}" if g.progress else "—",
                ),
            ],
            title=w("Goals"),
            empty=f"no goals for {month}" if month else "no goals",
        ),
    )
