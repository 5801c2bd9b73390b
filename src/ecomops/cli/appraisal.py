"""``ecomops cycle``, ``ecomops appraise``, ``ecomops appraisals``, ``ecomops quota``,
``ecomops calibrate``: the appraisal at review time (§6)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecomops.cli import complete
from ecomops.cli.common import (
    AsOpt,
    actor,
    command,
    lang_of,
    note,
    now,
    session,
    stdin_is_terminal,
)
from ecomops.cli.output import console, emit, fmt, table
from ecomops.errors import InvalidInput
from ecomops.render.labels import words as _words

if TYPE_CHECKING:
    from ecomops.core.scoring import Rating

cycle_app = typer.Typer(
    help="Appraisal cycles: a month, a quarter, or the year-end.\n\n"
    "Example: ecomops cycle open 2026-11",
    no_args_is_help=True,
)
appraisals_app = typer.Typer(
    help="Read the appraisals of a cycle (confidential: raters only).\n\n"
    "Example: ecomops appraisals list --cycle 2026-11 --as 张伟",
    no_args_is_help=True,
)
quota_app = typer.Typer(
    help="The forced distribution of grades (45/30/20/5 %).\n\n"
    "Example: ecomops quota check --cycle 2026-11 --as 张伟",
    no_args_is_help=True,
)

CycleOpt = Annotated[
    str,
    typer.Option(
        "--cycle",
        "-c",
        help="Cycle id: 2026-11, 2026-Q4 or 2026 (year-end).",
        show_default=False,
        autocompletion=complete.cycles,
    ),
]


# --- cycles ---------------------------------------------------------------------------------


def _cycle_rows(rows, lang: str = "en") -> None:
    w = _words(lang)
    en = lang == "en"
    table(
        rows,
        [
            (w("cycle"), lambda c: c.id),
            (w("kind"), lambda c: c.kind if en else w(f"kind:{c.kind}")),
            (w("quota"), lambda c: w("forced") if c.forced_distribution else w("exempt")),
            (w("status"), lambda c: c.status if en else w(f"cycle:{c.status}")),
            (w("members"), lambda c: c.members),
            (w("done"), lambda c: c.complete),
            (w("pending"), lambda c: c.pending),
            (w("opened"), lambda c: c.opened_at.date()),
        ],
        title=w("Appraisal cycles"),
        empty="no cycles yet; open one with: ecomops cycle open 2026-11",
    )


@command(cycle_app, "open")
def cycle_open(
    cycle: Annotated[
        str | None, typer.Argument(help="2026-11, 2026-Q4 or 2026.", show_default=False)
    ] = None,
    year_end: Annotated[
        bool,
        typer.Option(
            "--year-end",
            help="A year-end cycle (exempt from the forced distribution); ID is the year.",
        ),
    ] = False,
    as_: AsOpt = None,
) -> None:
    """Open an appraisal cycle; everyone active in a rated position becomes a member.

    Example: ecomops cycle open 2026-11
    """
    from ecomops.services.appraisal import cycle_open as service

    stamp = now()
    ident = cycle or (str(stamp.year) if year_end else None)
    if ident is None:
        raise InvalidInput("which cycle?", "give an id such as 2026-11, 2026-Q4 or 2026")
    with session(write=True) as s:
        out = service(s, ident, actor=actor(s, as_), year_end=year_end, now=stamp)
    emit(
        out,
        render=lambda c: note(
            f"opened {c.kind} cycle {c.id} with {c.members} members"
            + ("" if c.forced_distribution else " (exempt from the forced distribution)")
        ),
    )


@command(cycle_app, "list")
def cycle_list(
) -> None:
    """List the appraisal cycles with their progress.

    Example: ecomops cycle list --json
    """
    from ecomops.services.appraisal import cycle_list as service

    language = lang_of()
    with session(write=False) as s:
        out = service(s)
    emit(out, render=lambda rows: _cycle_rows(rows, language))


@command(cycle_app, "close")
def cycle_close(
    cycle: Annotated[str, typer.Argument(help="The cycle to close.", show_default=False)],
    as_: AsOpt = None,
    override: Annotated[
        str | None,
        typer.Option(
            "--override",
            help="Close although the quota is violated; the reason is kept.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Close a cycle (it becomes read-only); refused while the quota is violated.

    Example: ecomops cycle close 2026-11 --as 总经理甲
    """
    from ecomops.services.appraisal import cycle_close as service

    with session(write=True) as s:
        out = service(s, cycle, actor=actor(s, as_), override=override, now=now())
    emit(
        out,
        render=lambda c: note(_closed(c)),
    )


def _closed(c) -> str:
    """``closed cycle 2026-11 (override: …); 2 appraisals were still pending``, each part a
    message of the catalog's."""
    from ecomops.i18n import gettext as _
    from ecomops.i18n import ngettext

    if c.close_override:
        text = _("closed cycle {cycle} (override: {reason})").format(
            cycle=c.id, reason=c.close_override
        )
    else:
        text = _("closed cycle {cycle}").format(cycle=c.id)
    if c.pending:
        text += ngettext(
            "; {n} appraisal was still pending", "; {n} appraisals were still pending", c.pending
        ).format(n=c.pending)
    return text


@command(cycle_app, "reopen")
def cycle_reopen(
    cycle: Annotated[str, typer.Argument(help="The closed cycle to reopen.", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the cycle).")],
    as_: AsOpt = None,
) -> None:
    """Reopen a closed cycle, so its sheets can be revised and grades calibrated again.

    Example: ecomops cycle reopen 2026-11 --reason "a sheet was entered for the wrong person"
    """
    from ecomops.services.appraisal import cycle_reopen as service

    with session(write=True) as s:
        out = service(s, cycle, actor=actor(s, as_), reason=reason, now=now())
    emit(out, render=lambda c: note(f"reopened cycle {c.id}"))


# --- rating ---------------------------------------------------------------------------------


def _ratings(scores: list[str], levels: list[str]) -> dict[str, Rating]:
    """``--score CRIT=N`` and ``--level CRIT=G`` as ratings by criterion name."""
    from ecomops.core.scoring import parse_score

    out: dict[str, Rating] = {}
    for flag, items in (("--score", scores), ("--level", levels)):
        for item in items:
            name, sep, value = item.partition("=")
            name, value = name.strip(), value.strip()
            if not sep or not name or not value:
                raise InvalidInput(
                    f"{flag.lstrip('-')} {item!r} is not CRITERION=VALUE",
                    "write it like --score analysis=85 or --level 分析能力=B",
                )
            if name in out:
                raise InvalidInput(f"criterion {name} is given twice", "give each criterion once")
            out[name] = parse_score(value, f"{name}: ") if flag == "--score" else value.upper()
    return out


def _ask(employee: str, cycle: str, lang: str = "en") -> dict[str, Rating]:
    """Walk the rater through each criterion: its four descriptors, then a level or a number."""
    from ecomops.cli.output import esc
    from ecomops.core.scoring import parse_rating
    from ecomops.services.appraisal import rubric_of

    with session(write=False) as s:
        rubric, m = rubric_of(s, employee)
    from ecomops.text import localize

    w = _words(lang)
    en = lang == "en"

    c = console()
    points = {g.id: g.points for g in m.appraisal.grades}
    ratings: dict[str, Rating] = {}
    c.print(
        f"[bold]{esc(localize(rubric.name.zh, rubric.name.en, lang))}[/] — "
        f"{esc(employee)}, {w('cycle')} {esc(cycle)}"
    )
    for crit in rubric.criteria:
        name = localize(crit.name.zh, crit.name.en, lang)
        c.print(
            f"\n[bold]{esc(name)}[/] "
            + (f"({crit.id}, {fmt(crit.weight)}%)" if en else f"({fmt(crit.weight)}%)")
        )
        for g, text in crit.levels.items():
            c.print(f"  {g} ({fmt(points[g])}): {esc(localize(text.zh, text.en, lang))}")
        while True:
            asked = w("level or a score").format(levels="/".join(points))
            answer = typer.prompt(f"{crit.id if en else name}: {asked}")
            try:
                ratings[crit.id] = parse_rating(answer, points)
            except InvalidInput as exc:
                from ecomops.cli.suggest import shown
                from ecomops.i18n import translate

                typer.echo(f"  {shown(translate(exc.said()), exc.suggest)}", err=True)
                continue
            break
    return ratings


def register(root: typer.Typer) -> None:
    @command(root, "appraise")
    def appraise(
        cycle: CycleOpt,
        employee: Annotated[
            str | None,
            typer.Argument(
                help="The person to rate.", autocompletion=complete.people, show_default=False
            ),
        ] = None,
        as_: AsOpt = None,
        score: Annotated[
            list[str] | None,
            typer.Option(
                "--score",
                "-s",
                help="CRITERION=N (0–100); repeat for each criterion.",
                show_default=False,
            ),
        ] = None,
        level: Annotated[
            list[str] | None,
            typer.Option(
                "--level",
                "-l",
                help="CRITERION=A|B|C|D (counts the level's points).",
                show_default=False,
            ),
        ] = None,
        note_: Annotated[
            str | None, typer.Option("--note", help="A remark on the sheet.", show_default=False)
        ] = None,
        from_: Annotated[
            Path | None,
            typer.Option(
                "--from",
                help="CSV of sheets: employee,rater,<criterion ids…>[,note]; all or none.",
                show_default=False,
            ),
        ] = None,
        encoding: Annotated[
            str | None,
            typer.Option(
                "--encoding",
                help="With --from: the file's encoding (utf-8, gb18030, big5, latin-1 …) "
                "\\[default: UTF-8, or GB18030 when it reads as Chinese].",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Rate a person on every criterion of their rubric (a revision keeps the old sheet).

        Without --score/--level, on a terminal, it walks you through each criterion.

        Example: ecomops appraise 李娜 -c 2026-11 --as 张伟 -l analysis=B -l execution=A
        -s expertise=80 -s communication=88 -s collaboration=90
        """
        from ecomops.services.appraisal import rate, rate_from_csv

        language = lang_of()
        if from_ is not None:
            if employee or score or level:
                raise InvalidInput(
                    "--from takes the sheets from the file",
                    "give no EMPLOYEE, --score or --level with it",
                )
            with session(write=True) as s:
                bulk = rate_from_csv(
                    s, cycle=cycle, path=from_, actor=actor(s, as_), now=now(), encoding=encoding
                )
            emit(
                bulk,
                render=lambda b: note(
                    f"imported {b.sheets} sheets for {b.employees} people into cycle {b.cycle} "
                    f"from {b.file}; {b.complete} appraisals complete, {b.pending} pending"
                ),
            )
            return
        if not employee:
            raise InvalidInput("whom are you rating?", "give EMPLOYEE, or --from FILE.csv")
        if score or level:
            ratings = _ratings(score or [], level or [])
        elif stdin_is_terminal():
            ratings = _ask(employee, cycle, language)
        else:
            raise InvalidInput(
                "no scores given", "give --score CRIT=N or --level CRIT=G for every criterion"
            )
        with session(write=True) as s:
            out = rate(
                s,
                cycle=cycle,
                employee=employee,
                rater=actor(s, as_, person=True),
                ratings=ratings,
                note=note_,
                now=now(),
                lang=language,
            )

        def render(o) -> None:
            a = o.appraisal
            state = (
                f"complete: {fmt(a.score)} ({a.final_grade})"
                if a.status == "complete"
                else f"pending: waiting for {', '.join(a.raters_missing)}"
            )
            note(
                f"rated {a.employee} (sheet version {o.sheet.version}, total "
                f"{fmt(o.sheet.total)}); appraisal {state}"
            )

        emit(out, render=render)

    @command(root, "calibrate")
    def calibrate(
        employee: Annotated[
            str,
            typer.Argument(
                help="Whose grade to set.", autocompletion=complete.people, show_default=False
            ),
        ],
        cycle: CycleOpt,
        grade: Annotated[
            str, typer.Option("--grade", "-g", help="The final grade.", show_default=False)
        ],
        reason: Annotated[
            str, typer.Option("--reason", help="Why (kept in the log).", show_default=False)
        ],
        as_: AsOpt = None,
    ) -> None:
        """Set a final grade apart from the computed one; every change is logged.

        Example: ecomops calibrate 李娜 --cycle 2026-11 --grade B --as 总经理甲 --reason "quota"
        """
        from ecomops.services.appraisal import calibrate as service

        with session(write=True) as s:
            out = service(
                s,
                cycle=cycle,
                employee=employee,
                grade=grade,
                actor=actor(s, as_, person=True),
                reason=reason,
                now=now(),
            )
        emit(
            out,
            render=lambda c: note(
                f"{c.employee}: final grade {c.before} → {c.after} (computed {c.computed_grade})"
            ),
        )


# --- reading --------------------------------------------------------------------------------


def _appraisal_rows(rows, lang: str = "en", names: dict[str, str] | None = None) -> None:
    w = _words(lang)
    named = names or {}
    table(
        rows,
        [
            (w("employee"), lambda a: a.employee),
            (w("position"), lambda a: named.get(a.position, a.position)),
            (w("status"), lambda a: a.status if lang == "en" else w(f"appraisal:{a.status}")),
            (w("score"), lambda a: _score(a.score, lang) if a.visible else w("(confidential)")),
            (w("grade"), lambda a: a.grade),
            (w("final"), lambda a: a.final_grade),
            (w("waiting for"), lambda a: [named.get(r, r) for r in a.raters_missing], True),
        ],
        title=w("Appraisals"),
        empty="nobody is appraised in this cycle",
    )


@command(appraisals_app, "list")
def appraisals_list(
    cycle: CycleOpt,
    as_: AsOpt = None,
) -> None:
    """List a cycle's appraisals: status, score, grades, raters done and missing.

    Scores show only on the appraisals you rate (or your own).

    Example: ecomops appraisals list --cycle 2026-11 --as 总经理甲 --json
    """
    from ecomops.services.appraisal import appraisals_list as service
    from ecomops.services.handbook import position_names

    language = lang_of()
    with session(write=False) as s:
        out = service(s, cycle=cycle, viewer=actor(s, as_, person=True))
        names = position_names(s, language)
    emit(out, render=lambda rows: _appraisal_rows(rows, language, names))


@command(appraisals_app, "show")
def appraisals_show(
    employee: Annotated[
        str,
        typer.Argument(help="Whose appraisal.", autocompletion=complete.people, show_default=False),
    ],
    cycle: CycleOpt,
    as_: AsOpt = None,
) -> None:
    """Show one appraisal: every sheet (with earlier versions), the level descriptors the
    scores stand for, and the calibration log.

    Example: ecomops appraisals show 李娜 --cycle 2026-11 --as 李娜
    """
    from ecomops.services.appraisal import appraisal_show as service
    from ecomops.services.handbook import position_names

    language = lang_of()
    with session(write=False) as s:
        who = actor(s, as_, person=True)
        out = service(s, cycle=cycle, employee=employee, viewer=who, lang=language)
        names = position_names(s, language)
    w = _words(language)

    def render(a) -> None:
        from rich.table import Table

        from ecomops.cli.output import cell, esc

        c = console()
        head = (
            (
                f"{fmt(a.score)} → {a.grade}"
                + (f", {w('final grade')} {a.final_grade}" if a.final_grade != a.grade else "")
            )
            if a.status == "complete"
            else (a.status if language == "en" else w(f"appraisal:{a.status}"))
        )
        c.print(
            f"[bold]{esc(a.employee)}[/] ({esc(names.get(a.position, a.position))}), "
            f"{w('cycle')} {a.cycle}: {head}"
        )
        if a.raters_missing:
            c.print(f"{w('waiting for')}: {esc([names.get(r, r) for r in a.raters_missing])}")
        for sh in a.sheets:
            t = Table(
                title=cell(
                    f"{sh.rater} ({names.get(sh.rater_position, sh.rater_position)}), "
                    f"{w('version')} {sh.version}"
                    + ("" if sh.current else f" [{w('superseded')}]")
                    + f", {fmt(sh.at)}"
                    + (f", {w('entered by')} {sh.entered_by}" if sh.entered_by else ""),
                    "table.title",
                ),
                caption=cell(
                    f"{w('total')} {fmt(sh.total)}" + (f" — {sh.note}" if sh.note else ""),
                    "table.caption",
                ),
                header_style="bold",
            )
            t.add_column(w("criterion"), no_wrap=True)
            t.add_column(w("score"), justify="right")
            t.add_column(w("level"))
            t.add_column(w("descriptor"), overflow="fold", ratio=1)
            for sc in sh.scores:
                t.add_row(
                    cell(sc.name),
                    cell(fmt(sc.score) + (f" ({sc.given_as})" if sc.given_as else "")),
                    cell(sc.level),
                    cell(sc.descriptor),
                )
            c.print(t)
        for cal in a.calibrations:
            c.print(_calibration(cal, language))

    emit(out, render=render)


def _calibration(cal, lang: str) -> str:
    """A calibration as a line: when, by whom, the change and why."""
    from ecomops.cli.output import esc

    if lang == "en":
        return (
            f"calibrated {fmt(cal.at)} by {esc(cal.by)}: {cal.before} → {cal.after} "
            f"(computed {cal.computed_grade}): {esc(cal.reason)}"
        )
    w = _words(lang)
    return (
        f"{w('calibrated')} {fmt(cal.at)} {esc(cal.by)}: {cal.before} → {cal.after} "
        f"({w('computed')} {cal.computed_grade}): {esc(cal.reason)}"
    )


@command(appraisals_app, "history")
def appraisals_history(
    employee: Annotated[
        str,
        typer.Argument(help="Whose history.", autocompletion=complete.people, show_default=False),
    ],
    as_: AsOpt = None,
) -> None:
    """Show a person's grades over time: every cycle they were a member of (monthly,
    quarterly, year-end) with the score, the computed and the final grade, and the
    calibrations.

    Confidential as `appraisals show` is: the person, their raters in their reporting line
    and the general manager; a cycle you may not read is left out.

    Example: ecomops appraisals history 李娜 --as 李娜
    """
    from ecomops.services.appraisal import appraisal_history as service
    from ecomops.services.handbook import position_names

    language = lang_of()
    with session(write=False) as s:
        out = service(s, employee=employee, viewer=actor(s, as_, person=True))
        names = position_names(s, language)
    w = _words(language)
    en = language == "en"

    def render(h) -> None:
        from ecomops.cli.output import esc

        c = console()
        counts = ", ".join(f"{g} {n}" for g, n in h.final_grades.items())
        n = len(h.cycles)
        if en:
            c.print(
                f"[bold]{esc(h.employee)}[/] ({esc(h.position)}"
                + ("" if h.active else ", no longer active")
                + f"): {n} cycle{'' if n == 1 else 's'}; "
                f"final grades: {counts}"
            )
        else:
            c.print(
                f"[bold]{esc(h.employee)}[/] ({esc(names.get(h.position, h.position))}"
                + ("" if h.active else f", {w('no longer active')}")
                + f"): {n} {w('cycles')}; {w('final grades')}: {counts}"
            )
        table(
            h.cycles,
            [
                (w("cycle"), lambda x: x.cycle),
                (w("kind"), lambda x: x.kind if en else w(f"kind:{x.kind}")),
                (
                    w("cycle status"),
                    lambda x: x.cycle_status if en else w(f"cycle:{x.cycle_status}"),
                ),
                (w("position"), lambda x: names.get(x.position, x.position)),
                (w("status"), lambda x: x.status if en else w(f"appraisal:{x.status}")),
                (w("score"), lambda x: _score(x.score, language)),
                (w("grade"), lambda x: x.grade),
                (w("final"), lambda x: x.final_grade),
            ],
            title=w("Appraisal history"),
            empty=f"{h.employee} has not been appraised in any cycle yet",
        )
        for x in h.cycles:
            for cal in x.calibrations:
                c.print(f"{x.cycle}: {_calibration(cal, language)}")
        if h.hidden:
            note(
                f"{h.hidden} cycle{'' if h.hidden == 1 else 's'} left out: you may not read "
                f"{h.employee}'s appraisal there"
            )

    emit(out, render=render)


@command(quota_app, "check")
def quota_check(
    cycle: CycleOpt,
    as_: AsOpt = None,
    by: Annotated[str, typer.Option("--by", help="Group by department or position.")] = (
        "department"
    ),
    strict: Annotated[
        bool | None,
        typer.Option(
            "--strict/--no-strict",
            help="Exact largest-remainder counts \\[default: from the handbook].",
            show_default=False,
        ),
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Print the rule.")] = False,
) -> None:
    """Check the grades of a cycle against the forced distribution; suggest the fewest moves.

    Exit status: 0 when every group is within its limits (or the cycle is exempt), 1 when not.

    Example: ecomops quota check --cycle 2026-11 --as 总经理甲 --explain
    """
    from ecomops.render.labels import in_script
    from ecomops.services.appraisal import quota_check as service
    from ecomops.services.appraisal import quota_rule
    from ecomops.services.handbook import position_names

    language = lang_of()
    with session(write=False) as s:
        out = service(s, cycle=cycle, by=by, strict=strict, viewer=actor(s, as_, person=True))
        names = position_names(s, language)
        rule = (
            quota_rule(s, strict=strict, lang=language)
            if explain and language != "en"
            else out.rule
        )
    w = _words(language)
    # a group is the department or a position: named in words, never by id
    names = {**names, "department": w("department")}

    def render(o) -> None:
        from ecomops.cli.output import esc

        c = console()
        if explain:
            c.print(esc(in_script(rule, language)))
        if o.exempt:
            c.print(f"{w('cycle')} {o.cycle} {w('year-end exempt')}")
        for g in o.groups:
            status = w("ok") if g.ok else f"[red]{w('violated')}[/]"
            c.print(
                f"[bold]{esc(names.get(g.group, g.group))}[/]: {g.size} {w('complete')}, "
                f"{g.pending} {w('pending appraisals')} — "
                f"{status}" + (f" ({w('advisory: group too small')})" if g.advisory else "")
            )
            c.print(
                f"  {w('counts')}: "
                + ", ".join(f"{k} {v}" for k, v in g.counts.items())
                + f"; {w('limits')}: "
                + ", ".join(f"{k} ≤ {v}" for k, v in g.limits.items())
            )
            for v in g.violations:
                c.print(f"  [red]{v.grades}: {v.count} > {v.limit}[/]")
            for mv in g.moves:
                c.print(f"  {w('move')} {esc(mv.employee)} ({fmt(mv.score)}) {mv.from_} → {mv.to}")

    emit(out, render=render)
    if not out.ok:
        raise typer.Exit(code=1)


def _score(value, lang: str):
    """A score as the language writes it (85.0分 in Chinese); none stays none."""
    if value is None or lang == "en":
        return value
    from ecomops.i18n import score_text

    return score_text(value, lang)
