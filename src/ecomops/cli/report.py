"""``ecomops report`` (the month-end report) and ``ecomops today`` (the dashboard)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Annotated

import typer

from ecomops.cli.common import (
    MONTH_FORMS,
    acting,
    command,
    lang_of,
    month_arg,
    note,
    now,
    session,
    wants_json,
)
from ecomops.cli.output import console, writing_stdout
from ecomops.errors import InvalidInput

FORMATS = ("table", "markdown", "html", "json", "xlsx")


def register(root: typer.Typer) -> None:
    @command(root, "report")
    def report(
        month: Annotated[
            str | None,
            typer.Option(
                "--month", help=f"{MONTH_FORMS} \\[default: the month of now].", show_default=False
            ),
        ] = None,
        year: Annotated[
            int | None,
            typer.Option(
                "--year",
                help="Add the year's appraisals (YYYY): each person's final grades across the "
                "year's cycles, and who was graded A or D more than once; the month is then "
                "--month, else the month of now in that year, else its December.",
                show_default=False,
            ),
        ] = None,
        format_: Annotated[
            str, typer.Option("--format", "-O", help="table, markdown, html, json or xlsx.")
        ] = "table",
        output: Annotated[
            str | None,
            typer.Option(
                "--output",
                "-o",
                help="Write to this file (required for xlsx); a link writes the file it points to.",
                show_default=False,
            ),
        ] = None,
        as_: Annotated[
            str | None,
            typer.Option(
                "--as",
                envvar="ECOMOPS_AS",
                show_default=False,
                help="Who reads it: appraisal scores show only to their raters "
                "\\[env: ECOMOPS_AS].",
            ),
        ] = None,
    ) -> None:
        """The month-end report: goals, tasks done and overdue, plan compliance, the month's
        appraisal cycle, leave, handovers and visitors.

        With --year YYYY it ends with the year's appraisals as well (§6.1): each person's final
        grades across the year's monthly, quarterly and year-end cycles, and who was graded A
        or D more than once; only what --as may read.

        Example: ecomops report --month 2026-11 --format html -o report.html --as 张伟
        """
        from ecomops.services.report import build_report

        if output == "-":  # the usual name for standard output
            output = None
        fmt_name = "json" if wants_json() else format_.lower()
        if fmt_name not in FORMATS:
            raise InvalidInput(f"unknown format {format_!r}", f"use one of {', '.join(FORMATS)}")
        if fmt_name == "xlsx" and output is None:
            raise InvalidInput("an XLSX report needs a file", "add -o report.xlsx")
        if output is not None:
            from ecomops.services.files import output_path

            output_path(output)  # refused before the work: no name, a folder, a device …
        language = lang_of()
        wanted = month_arg(month) if month else None
        from ecomops.memory import paused_gc

        # 100,000 people's rows and models, no cycles among them: the cyclic collector would
        # walk them all again and again while they are built and written
        with paused_gc():
            with session(write=False) as s:
                if year is None:
                    out = build_report(
                        s, month=wanted, now=now(), lang=language, viewer=acting(s, as_)
                    )
                else:
                    from ecomops.services.report import build_year_report

                    out = build_year_report(
                        s, year=year, month=wanted, now=now(), lang=language, viewer=acting(s, as_)
                    )
            if fmt_name == "table" and output is None:
                from ecomops.render import terminal

                with writing_stdout():
                    terminal.render(out, console())
                return
            pieces: Iterable[bytes]
            if fmt_name == "json":
                from ecomops.cli.output import json_pieces

                pieces = _then(json_pieces(out), b"\n")
            elif fmt_name == "html":
                from ecomops.render import html

                pieces = (p.encode() for p in html.pieces(out))
            elif fmt_name == "xlsx":
                from ecomops.render import xlsx

                pieces = [xlsx.render(out)]
            else:  # markdown, or a table to a file: the Markdown text is the plain-text table
                from ecomops.render import markdown

                pieces = (p.encode() for p in markdown.pieces(out))
            if output is None:  # written as it is made: never the whole report's text at once
                with writing_stdout():
                    sys.stdout.flush()
                    for piece in pieces:
                        sys.stdout.buffer.write(piece)
                    sys.stdout.buffer.flush()
                return
            from ecomops.services.files import write_output

            written = write_output(output, pieces)
            shown = (
                f"{output} (→ {written})" if os.path.islink(os.path.expanduser(output)) else output
            )
            note(f"wrote the {out.month} report ({fmt_name}) to {shown}")


def _then(pieces: Iterable[bytes], last: bytes) -> Iterator[bytes]:
    yield from pieces
    yield last


def register_demo(root: typer.Typer) -> None:
    @command(root, "demo", without=("as_json",))
    def demo(
        db: Annotated[
            str | None,
            typer.Option(
                "--db",
                help="Where to build it \\[default: demo.db in the data directory; never "
                "your real database].",
                show_default=False,
            ),
        ] = None,
        people: Annotated[
            int | None,
            typer.Option(
                "--people",
                help="Instead: a group of N people (departments of 20; 20 to 200000) for "
                "scale tests.",
                show_default=False,
            ),
        ] = None,
        months: Annotated[
            int, typer.Option("--months", help="With --people: months of records (1 to 60).")
        ] = 12,
        seed: Annotated[int, typer.Option("--seed", help="With --people: the random seed.")] = 1,
        database_url: Annotated[
            str | None,
            typer.Option(
                "--database-url",
                help="With --people: an empty database URL instead of a file.",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Build a fictional five-person department (November 2026) in its own database and
        print its month-end report, with the commands to explore it. With --people, build a
        group of that size instead (deterministic for a seed).

        Example: ecomops demo --lang zh-hans
        """
        from ecomops.render import terminal

        language = lang_of()
        # ranges checked here: a one-line error (exit 1), not a usage error
        if people is not None and not 20 <= people <= 200_000:
            raise InvalidInput("--people must be from 20 to 200000", "the size of the group")
        if not 1 <= months <= 60:
            raise InvalidInput("--months must be from 1 to 60", "the months of records")
        if people is not None:
            _generate(db, database_url, people, months, seed)
            return
        from ecomops.services.demo import build_demo

        path, out = build_demo(db, lang=language)
        with writing_stdout():
            terminal.render(out, console())
        q = f"'{path}'" if " " in path else path
        note(f"the demo department is in {path}; its clock stands at 2026-12-01 09:00")
        lines = [
            f"export ECOMOPS_DB={q} ECOMOPS_NOW=2026-12-01T09:00",
            "ecomops today --as 张伟",
            "ecomops tasks list --overdue",
            "ecomops plan status --week 2026-W48",
            "ecomops appraisals list --cycle 2026-11 --as 赵海",
            "ecomops quota check --cycle 2026-11 --as 赵海 --explain",
            "ecomops report --month 2026-11 --format html -o report.html --as 赵海",
        ]
        typer.echo("\nExplore it:", err=True)
        for line in lines:
            typer.echo(f"  {line}", err=True)


def _generate(db, database_url, people: int, months: int, seed: int) -> None:
    import time

    from ecomops.services.demo import default_demo_path
    from ecomops.services.generate import generate

    path = None if database_url else str(db if db is not None else default_demo_path())
    start = time.perf_counter()
    if sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("generating", total=None)
            out = generate(
                path,
                database_url,
                people=people,
                months=months,
                seed=seed,
                progress=lambda t, n: bar.update(task, advance=n, description=t),
            )
    else:
        out = generate(path, database_url, people=people, months=months, seed=seed)
    took = time.perf_counter() - start
    note(
        f"built {people} people over {months} months in {path or database_url} "
        f"({sum(out.values())} rows in {took:.1f} s): "
        + ", ".join(f"{k} {v}" for k, v in out.items())
    )
