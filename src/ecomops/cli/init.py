"""``ecomops init``."""

from __future__ import annotations

from typing import Annotated

import typer

from ecomops.cli.common import (
    acting,
    chosen_database,
    command,
    database,
    note,
)
from ecomops.cli.output import emit
from ecomops.errors import DatabaseError


def _may_load() -> None:
    """An existing database takes a handbook only from its keeper or the top of the
    organisation (the handbook holds the permission table); a new one from anyone."""
    from ecomops.db.engine import resolve
    from ecomops.services.permissions import require_handbook_keeper

    choice = chosen_database()
    target = resolve(choice.file, choice.url)
    if target.sqlite_path is not None and not target.sqlite_path.exists():
        return
    try:
        with database(write=False) as opened, opened.session(write=False) as s:
            require_handbook_keeper(s, acting(s, None))
    except DatabaseError:
        return  # nothing there yet (no tables): init makes it


def register(app: typer.Typer) -> None:
    @command(app, "init")
    def init(
        manual: Annotated[
            str | None,
            typer.Option(
                "--manual",
                help="Handbook YAML to load \\[default: the bundled one].",
                show_default=False,
            ),
        ] = None,
        year: Annotated[
            int | None,
            typer.Option(
                "--year",
                help="Year of the manual's dates (it gives none), 1900 to 2999 "
                "\\[default: this year].",
                show_default=False,
            ),
        ] = None,
        simulated_clock: Annotated[
            bool,
            typer.Option(
                "--simulated-clock",
                help="Make a database whose clock ECOMOPS_NOW sets (training, tests); any "
                "other database records real time and refuses ECOMOPS_NOW.",
            ),
        ] = False,
        since: Annotated[
            str | None,
            typer.Option(
                "--since",
                help="The department's start day (YYYY-MM-DD): handbook tasks due before it "
                "are created cancelled, now and on later reloads (a task already there is "
                "never cancelled) \\[default for a new database: the day it is made; with "
                "--simulated-clock, the ECOMOPS_NOW day, else 1 January of --year].",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Create the database, or update it, and load the handbook, in one transaction.

        Run it again, or with an edited handbook, to update the handbook content in place:
        staff and every other record stay as they are.

        Handbook tasks already overdue on the department's start day (--since) are created
        cancelled, with the reason "due before the department started".

        Example: ecomops init --manual data/seed_manual.yaml --year 2026 --since 2026-11-17
        """
        from ecomops.cli.common import day
        from ecomops.core.calendar import check_year
        from ecomops.services.database import init_database

        if year is not None:  # a one-line error (exit 1), not a usage error
            check_year(year, param="year")
        start = day(since, "--since") if since is not None else None
        _may_load()
        choice = chosen_database()  # the option, else the settings'
        out = init_database(
            choice.file,
            choice.url,
            manual_file=manual,
            year=year,
            simulated=simulated_clock,
            since=start,
        )
        with database():
            pass  # records the audit entry

        def render(o) -> None:
            verb = "created" if o.created else "updated"
            changes = sum(o.added.values()) + sum(o.updated.values()) + sum(o.removed.values())
            note(
                f"{verb} {o.database}: handbook {o.manual} (year {o.year}, {o.clock} clock"
                + (f", since {o.since}" if o.since else "")
                + "); "
                f"{sum(o.added.values())} added, {sum(o.updated.values())} updated, "
                f"{sum(o.removed.values())} removed"
                + ("" if changes or o.changed or o.created else " — already up to date")
            )

        emit(out, render=render)
