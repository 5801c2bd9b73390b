"""``ecomops calendar``: a month's working days and deadlines, a year's official schedule and
where each day comes from, and ``calendar load`` to bring in next year's schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecomops.cli.common import (
    MONTH_FORMS,
    acting,
    command,
    guarded,
    lang_of,
    month_arg,
    note,
    now,
    session,
)
from ecomops.cli.output import console, emit, table

app = typer.Typer(no_args_is_help=False, invoke_without_command=True)


def _show(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            help=f"The month to show: {MONTH_FORMS} \\[default: this month].",
            show_default=False,
        ),
    ] = None,
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            help="Show the year's holidays and adjusted working days instead, each with where "
            "it comes from (a loaded notice, the holiday package, the handbook).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show a month: working days, holidays, adjusted working days, and the Monday-plan and
    month-end deadlines; a year's official schedule; load next year's.

    With --year, the year's holidays and adjusted working days, each with where it comes
    from (a loaded notice, the holiday package, the handbook). From 1 December it says when
    next year's schedule is not loaded yet: load it with `ecomops calendar load FILE`.

    Example: ecomops calendar --month 2026-10
    """
    if ctx.invoked_subcommand is not None:
        return
    from ecomops.core.calendar import check_year

    language = lang_of()
    if year is not None:
        from ecomops.services.workcal import calendar_year

        wanted_year = _year(year)
        check_year(wanted_year, year, "year", param="year")
        with session(write=False) as s:
            at = now()
            out_year = calendar_year(s, wanted_year, today=at.date())
        emit(out_year, render=lambda o: _render_year(o, language))
        return
    from ecomops.services.plans import calendar_month

    wanted = month_arg(month) if month is not None else None
    with session(write=False) as s:
        out = calendar_month(s, month=wanted, now=now())

    def render(o) -> None:
        unknown = None if o.known else int(o.month[:4])
        warn_calendar(o.warnings, language, unknown=unknown, next_year=o.next_year_missing)
        table(o.days, _month_columns(language), title=_month_title(o, language))

    emit(out, render=render)


app.callback(invoke_without_command=True)(guarded(_show))


def _year(text: str) -> int:
    from ecomops.errors import InvalidInput

    typed = text.strip().removesuffix("年")
    if not (typed.isdecimal() and len(typed) == 4):
        raise InvalidInput(
            f"{text[:40]!r} is not a year", "write it like 2027", param="year"
        )
    return int(typed)


@command(app, "load")
def load(
    file: Annotated[
        Path,
        typer.Argument(
            help="The State Council's notice as text (pasted from the government site or a "
            "news page; - reads it from standard input), an iCalendar feed (.ics), or a "
            "plain list (.csv or .yaml: date, off|work, name).",
            show_default=False,
        ),
    ],
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            help="Load only this year of a feed that holds several (or the year of a notice "
            "that does not name it).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Load a year's official holiday schedule: it wins over the holiday package for its
    year (a year loaded again is replaced). Where it differs from the package, the
    differences are listed. By the keeper or the top of the organisation, as the handbook.

    Example: ecomops calendar load 2027-notice.txt
    """
    import hashlib
    import sys

    from ecomops.core.schedule import read_schedule
    from ecomops.services.files import MAX_TEXT_BYTES, read_bytes
    from ecomops.services.workcal import load_schedules

    language = lang_of()
    wanted = _year(year) if year is not None else None
    if str(file) == "-":
        data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)[:MAX_TEXT_BYTES]
        name = "notice.txt"
    else:
        data = read_bytes(file)
        name = file.name
    schedules = read_schedule(name, data, year=wanted)
    digest = hashlib.sha256(data).hexdigest()
    with session(write=True) as s:
        out = load_schedules(
            s,
            schedules,
            source=str(file) if str(file) != "-" else "-",
            sha256=digest,
            actor=acting(s, None),
            now=now(),
        )
    emit(out, render=lambda o: _render_load(o, language))


# --- rendering ------------------------------------------------------------------------------


def warn_calendar(
    warnings_en: list[str],
    lang: str,
    *,
    unknown: int | None = None,
    next_year: int | None = None,
) -> None:
    """The calendar's warnings on stderr, in ``lang``: in English as ``--json`` has them;
    in Chinese, ``unknown`` (a year the calendar does not know) and ``next_year`` (from 1
    December, next year's schedule not loaded) in words."""
    from ecomops.render.labels import words

    w = words(lang)
    if lang == "en":
        lines = list(warnings_en)
    else:
        lines = []
        if unknown is not None:
            lines.append(w("calendar:unknown").format(year=unknown))
        if next_year is not None:
            lines.append(w("calendar:next year").format(year=next_year))
    sep = ": " if lang == "en" else "："
    for line in lines:
        note(f"{w('warning')}{sep}{line}")


def _month_title(o, lang: str) -> str:
    from ecomops.i18n import period_text
    from ecomops.render.labels import words

    sep = ": " if lang == "en" else "："
    return f"{period_text(o.month, lang)}{sep}{o.working_days} {words(lang)('working days')}"


def _holiday_namer(lang: str):
    """A holiday's name as the calendar stores it (the package's English) in ``lang``."""
    from ecomops.render.labels import in_script, words
    from ecomops.services.workcal import holiday_names

    w = words(lang)
    zh = holiday_names()

    def holiday(name: str | None) -> str | None:
        if name is None or lang == "en":
            return name
        if name == "holiday":
            return w("holiday")
        adjusted = "adjusted working day"
        if name.startswith(adjusted):  # "adjusted working day (Spring Festival)"
            inner = name[len(adjusted) :].strip().removeprefix("(").removesuffix(")")
            return w(adjusted) + (f"({holiday(inner)})" if inner else "")
        parts = [zh.get(p.strip()) for p in name.split(",")]
        if all(parts):  # the library's names: simplified; else a name as it is written
            return in_script("、".join(p for p in parts if p), lang)
        return name

    return holiday


def _month_columns(lang: str):
    from ecomops.render.labels import words

    w = words(lang)
    if lang == "en":
        return [
            (w("date"), lambda d: d.date),
            (w("day"), lambda d: d.weekday),
            (w("working"), lambda d: d.working),
            (w("note"), lambda d: d.holiday or d.adjusted_workday, True),
            (w("deadline"), lambda d: d.deadlines, True),
        ]
    holiday = _holiday_namer(lang)

    from ecomops.i18n import period_text

    def deadline(text: str) -> str:  # "monday_plan 2026-W50" → 周一工作计划 2026年第50周
        kind, _, period = text.partition(" ")
        return f"{w(kind)} {period_text(period, lang)}".strip()

    return [
        (w("date"), lambda d: d.date),
        (w("day"), lambda d: w(d.weekday)),
        (w("working"), lambda d: w("yes") if d.working else w("no")),
        (w("note"), lambda d: holiday(d.holiday or d.adjusted_workday), True),
        (w("deadline"), lambda d: [deadline(x) for x in d.deadlines], True),
    ]


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _render_year(o, lang: str) -> None:
    from ecomops.i18n import datetime_text, period_text
    from ecomops.render.labels import in_script, words
    from ecomops.services.workcal import english_name

    w = words(lang)
    unknown = None if o.known else o.year
    warn_calendar(o.warnings, lang, unknown=unknown, next_year=o.next_year_missing)
    c = console()
    source = w(f"calendar:source:{o.source}")
    if o.source == "official":
        c.print(
            w("calendar:loaded").format(
                year=o.year,
                file=o.file,
                kind=w(f"calendar:kind:{o.kind}"),
                at=datetime_text(o.loaded_at, lang),
                by=o.loaded_by,
            ),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    else:
        sep = ": " if lang == "en" else "："
        c.print(f"{period_text(str(o.year), lang)}{sep}{source}", markup=False, highlight=False,
                soft_wrap=True)

    def name(d) -> str:
        text = english_name(d.name) if lang == "en" else in_script(d.name, lang)
        if d.kind != "work":
            return text
        return f"{w('adjusted working day')} ({text})" if text else w("adjusted working day")

    table(
        o.days,
        [
            (w("date"), lambda d: d.date),
            (w("day"), lambda d: w(_WEEKDAYS[d.date.weekday()])),
            (w("working"), lambda d: w("yes") if d.kind == "work" else w("no")),
            (w("note"), name, True),
            (w("calendar:source"), lambda d: w(f"calendar:source:{d.source}")),
        ],
        title=period_text(str(o.year), lang),
        empty=w("calendar:no days"),
    )
    _differences(o.differences, lang)


def _differences(rows, lang: str) -> None:
    from ecomops.render.labels import words

    if not rows:
        return
    w = words(lang)
    table(
        rows,
        [
            (w("date"), lambda d: d.date),
            (w("day"), lambda d: w(_WEEKDAYS[d.date.weekday()])),
            (w("calendar:loaded day"), lambda d: w(f"calendar:day:{d.loaded}")),
            (w("calendar:package day"), lambda d: w(f"calendar:day:{d.package}")),
        ],
        title=w("calendar:differences"),
    )


def _render_load(o, lang: str) -> None:
    from ecomops.render.labels import words

    w = words(lang)
    c = console()
    for y in o.years:
        c.print(
            w("calendar:load line").format(
                year=y.year,
                kind=w(f"calendar:kind:{y.kind}"),
                off=y.days_off,
                work=y.working_days,
                replaced=w("calendar:replaced") if y.replaced else "",
            ).rstrip(),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        if y.package_knows and not y.differences:
            c.print(w("calendar:same as package"), markup=False, highlight=False, soft_wrap=True)
        _differences(y.differences, lang)
