"""``ecomops tasks``: the handbook's goals, phases and assignments as work, plus tasks by hand."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from ecomops.cli import complete
from ecomops.cli.common import (
    DAY_FORMS,
    acting,
    command,
    day,
    lang_of,
    note,
    now,
    session,
)
from ecomops.cli.output import Column, console, emit, fmt, table

app = typer.Typer(
    help="Tasks: from the handbook's goals (§7.2), phases (§8.1) and assignments (§8.2), "
    "and by hand.\n\nExample: ecomops tasks list --overdue",
    no_args_is_help=True,
)
IdArg = Annotated[
    int,
    typer.Argument(
        help="The task id (see tasks list).", autocompletion=complete.task_ids, show_default=False
    ),
]
AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar="ECOMOPS_AS",
        help="Who does it, for the history \\[env: ECOMOPS_AS; default: the OS user].",
        show_default=False,
        autocompletion=complete.people,
    ),
]


def columns(lang: str) -> list[Column]:
    """The task list's columns, headed (and its status words) in ``lang``."""
    from ecomops.render.labels import words

    w = words(lang)
    return [
        (w("id"), lambda t: t.id),
        (w("due"), lambda t: t.due),
        (w("late"), lambda t: f"{t.days_overdue}{w('d')}" if t.overdue else ""),
        (w("status"), lambda t: w(f"task:{t.status}")),
        (w("owner"), lambda t: t.owner, True),
        (w("source"), lambda t: t.goal or w(f"source:{t.source}")),
        (w("task"), lambda t: t.title, True),
    ]


#: what the task history stored on creation ("owner 陈静, due 2026-11-27"), in other words
_CREATED = re.compile(r"owner (?P<owner>.*), due (?P<due>\d{4}-\d{2}-\d{2})")


def _render_detail(t, lang: str = "en") -> None:
    from ecomops.cli.output import esc
    from ecomops.render.labels import EN, cancel_reason_shown, words

    w = words(lang)
    c = console()
    c.print(f"[bold]#{t.id} {esc(t.title)}[/]")
    reason = cancel_reason_shown(t.cancel_reason, lang) if t.cancel_reason else None
    if lang == "en":
        late = f", [red]{t.days_overdue} days overdue[/]" if t.overdue else ""
        c.print(
            f"{t.status}; owner {esc(t.owner or '—')}; due {t.due}"
            + (f" (target {t.target})" if t.target else "")
            + late
        )
        c.print(
            f"source: {t.source}"
            + (f" {t.ref}" if t.ref else "")
            + (f"; goal {t.goal}" if t.goal else "")
        )
        if reason:
            c.print(f"cancelled: {esc(reason, lines=True)}")
        if t.note:
            c.print(f"note: {esc(t.note, lines=True)}")
        for e in t.history:
            c.print(
                f"  {fmt(e.at)}  {esc(e.actor or '—')}: {e.action}"
                + (f" — {esc(e.detail, lines=True)}" if e.detail else "")
            )
        return
    late = f", [red]{w('late')} {t.days_overdue} {w('d')}[/]" if t.overdue else ""
    c.print(
        f"{w('task:' + t.status)}; {w('owner')} {esc(t.owner or '—')}; {w('due')} {t.due}"
        + (f" ({w('target date')} {t.target})" if t.target else "")
        + late
    )
    # the source in words; a goal by the id one types (--goal nov.1), never a phase's id
    c.print(f"{w('source')}: {w('source:' + t.source)}" + (f" {t.goal}" if t.goal else ""))
    if reason:
        c.print(f"{w('cancel reason')}: {esc(reason, lines=True)}")
    if t.note:
        c.print(f"{w('note')}: {esc(t.note, lines=True)}")
    for e in t.history:
        detail = e.detail
        if e.action == "created" and detail is not None:
            made = _CREATED.fullmatch(detail)
            detail = (
                f"{w('owner')} {made['owner']}, {w('due')} {made['due']}" if made else None
            )  # else the handbook's reference: an id
        elif e.action == "cancelled" and detail is not None:
            detail = cancel_reason_shown(detail, lang)
        actor = w("handbook") if e.actor == "handbook" else e.actor
        known = f"w:event:{e.action}" in EN  # (an action stored by a later version)
        action = w(f"event:{e.action}") if known else e.action
        c.print(
            f"  {fmt(e.at)}  {esc(actor or '—')}: {esc(action)}"
            + (f" — {esc(detail, lines=True)}" if detail else "")
        )


@command(app, "list")
def list_(
    overdue: Annotated[
        bool,
        typer.Option(
            "--overdue",
            help="Only tasks past their due date and still owed (not done, not cancelled).",
        ),
    ] = False,
    due_within: Annotated[
        int | None,
        typer.Option(
            "--due-within",
            help="Only tasks due in the next DAYS days (not done, not cancelled).",
            show_default=False,
        ),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            help="Only this person's.",
            autocompletion=complete.people,
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="goal, phase, assigned or manual.", show_default=False),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="open, doing, done or cancelled.", show_default=False),
    ] = None,
) -> None:
    """List tasks by due date, done and cancelled ones too; overdue ones show how many days
    late (a cancelled task is never overdue).

    Example: ecomops tasks list --overdue --owner 张伟
    """
    from ecomops.render.labels import words
    from ecomops.services.tasks import tasks_list

    language = lang_of()
    w = words(language)
    with session(write=False) as s:
        out = tasks_list(
            s,
            now=now(),
            lang=language,
            overdue=overdue,
            due_within=due_within,
            owner=owner,
            source=source,
            status=status,
        )
    emit(
        out,
        render=lambda rows: table(
            rows,
            columns(language),
            title=w("Overdue tasks") if overdue else w("Tasks"),
            empty="no overdue tasks" if overdue else "no tasks",
        ),
    )


@command(app, "show")
def show(
    task: IdArg,
) -> None:
    """Show a task with its history.

    Example: ecomops tasks show 1
    """
    from ecomops.services.tasks import task_show

    language = lang_of()
    with session(write=False) as s:
        out = task_show(s, task, now=now(), lang=language)
    emit(out, render=lambda t: _render_detail(t, language))


@command(app, "add")
def add(
    title: Annotated[str, typer.Argument(help="What to do.", show_default=False)],
    owner: Annotated[
        str,
        typer.Option(
            "--owner", help="Who does it.", autocompletion=complete.people, show_default=False
        ),
    ],
    due: Annotated[
        str, typer.Option("--due", help=f"Due date: {DAY_FORMS}.", show_default=False)
    ],
    goal: Annotated[
        str | None,
        typer.Option("--goal", help="The goal it serves (e.g. nov.3).", show_default=False),
    ] = None,
    past: Annotated[
        bool,
        typer.Option("--past", help="Allow a due date before today (recorded after the fact)."),
    ] = False,
    as_: AsOpt = None,
) -> None:
    """Add a task by hand (a due date before today only with --past).

    Example: ecomops tasks add "元旦活动海报" --owner 李娜 --due 2026-12-20 --goal nov.4
    """
    from ecomops.services.tasks import task_add

    when = day(due, "--due")
    with session(write=True) as s:
        out = task_add(
            s,
            title=title,
            owner=owner,
            due=when,
            goal=goal,
            actor=acting(s, as_, strict=False),
            now=now(),
            lang=lang_of(),
            past=past,
        )
    emit(out, render=lambda t: note(f"added task {t.id}: {t.title}"))


def _status_command(
    name: str, status: str, verb: str, example: str, summary: str | None = None
) -> None:
    def run(
        task: IdArg,
        note_: Annotated[
            str | None, typer.Option("--note", help="A remark for the history.", show_default=False)
        ] = None,
        as_: AsOpt = None,
    ) -> None:
        from ecomops.services.tasks import task_set_status

        with session(write=True) as s:
            who = acting(s, as_, strict=False)
            out = task_set_status(
                s, task, status, actor=who, now=now(), lang=lang_of(), note=note_
            )
        emit(out, render=lambda t: note(f"task {t.id} {verb}: {t.title}"))

    run.__doc__ = f"{summary or f'Mark a task {verb}.'}\n\n    Example: {example}\n    "
    run.__name__ = f"task_{name}"
    command(app, name)(run)


_status_command("start", "doing", "started", "ecomops tasks start 3")
_status_command("done", "done", "done", "ecomops tasks done 3 --note 已交付")
_status_command(
    "reopen",
    "open",
    "reopened",
    "ecomops tasks reopen 3",
    "Reopen a done or cancelled task (a cancelled one: by whoever may assign tasks).",
)


@command(app, "cancel")
def cancel(
    task: IdArg,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="Why it is dropped (kept in its history).", show_default=False
        ),
    ],
    as_: AsOpt = None,
) -> None:
    """Drop a task (open or in progress), with the reason: it is kept with its history, never
    overdue nor reminded, until reopened. For whoever may assign tasks.

    Example: ecomops tasks cancel 7 --reason "活动取消"
    """
    from ecomops.services.tasks import task_cancel

    with session(write=True) as s:
        who = acting(s, as_, strict=False)
        out = task_cancel(s, task, reason=reason, actor=who, now=now(), lang=lang_of())
    emit(out, render=lambda t: note(f"task {t.id} cancelled: {t.title}"))


@command(app, "assign")
def assign(
    task: IdArg,
    owner: Annotated[
        str,
        typer.Argument(help="The new owner.", autocompletion=complete.people, show_default=False),
    ],
    as_: AsOpt = None,
) -> None:
    """Give a task to a person (a handbook reload keeps this).

    Example: ecomops tasks assign 7 李娜
    """
    from ecomops.services.tasks import task_assign

    with session(write=True) as s:
        who = acting(s, as_, strict=False)
        out = task_assign(s, task, owner, actor=who, now=now(), lang=lang_of())
    emit(out, render=lambda t: note(f"task {t.id} is now {t.owner}'s"))


@command(app, "due")
def reschedule(
    task: IdArg,
    due: Annotated[
        str, typer.Argument(help=f"The new due date: {DAY_FORMS}.", show_default=False)
    ],
    past: Annotated[
        bool,
        typer.Option("--past", help="Allow a due date before today (recorded after the fact)."),
    ] = False,
    as_: AsOpt = None,
) -> None:
    """Move a task's due date (a handbook reload keeps this; before today only with --past).

    Example: ecomops tasks due 7 2026-12-15
    """
    from ecomops.services.tasks import task_set_due

    when = day(due, "--due")
    with session(write=True) as s:
        who = acting(s, as_, strict=False)
        out = task_set_due(s, task, when, actor=who, now=now(), lang=lang_of(), past=past)
    emit(out, render=lambda t: note(f"task {t.id} is now due {t.due}"))
