"""``ecomops plan submit|status|show|send`` and ``ecomops calendar`` (§3.2 rules 6–7)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecomops.cli import complete
from ecomops.cli.common import (
    DAY_FORMS,
    MONTH_FORMS,
    WEEK_FORMS,
    AsOpt,
    actor,
    audit,
    command,
    database,
    lang_of,
    note,
    now,
    session,
    settings,
    stdin_is_terminal,
)
from ecomops.cli.output import console, emit, fmt, table
from ecomops.errors import InvalidInput

if TYPE_CHECKING:
    from ecomops.views import PlanOut

app = typer.Typer(
    help="The Monday plan and the month-end summary, mailed to the department head.\n\n"
    "Example: ecomops plan submit --as 李娜 --file plan.md --send",
    no_args_is_help=True,
)

WeekOpt = Annotated[
    str | None,
    typer.Option(
        "--week",
        help=f"ISO week: {WEEK_FORMS} \\[default: the week of now].",
        show_default=False,
    ),
]
MonthOpt = Annotated[
    str | None,
    typer.Option(
        "--month",
        help=f"A month ({MONTH_FORMS}): the month-end summary and next month's plan.",
        show_default=False,
    ),
]
DeptOpt = Annotated[
    bool,
    typer.Option(
        "--department",
        help="The department head's weekly summary of the department (§3.2 rule 7), due with "
        "the Monday plans.",
    ),
]
WHAT = {"week": "Monday plan", "month": "month-end summary", "dept": "department summary"}
#: the title of the department head's summary in plan status (keys of render.labels.words)
HEADS = ("The department's summary", "the head's")


def _texts(
    file: Path | None,
    summary: str | None,
    plan: str | None,
    kind: str,
    period: str,
    name: str,
    encoding: str | None = None,
) -> tuple[str, str]:
    from ecomops.core.plans import (
        DEPT_TEMPLATE,
        MONTH_TEMPLATE,
        WEEK_TEMPLATE,
        check_sections,
        parse_markdown,
    )

    if file is not None:
        from ecomops.services.files import read_text

        if summary or plan:
            raise InvalidInput("--file and --summary/--plan both given", "use one or the other")
        text = read_text(file, encoding)  # UTF-8, Chinese GB18030, or --encoding
        return parse_markdown(text, str(file))
    if summary is not None or plan is not None:
        return check_sections(summary, plan)
    if not stdin_is_terminal():
        raise InvalidInput("no plan given", "give --file PLAN.md, or --summary TEXT --plan TEXT")
    template = {"week": WEEK_TEMPLATE, "dept": DEPT_TEMPLATE}.get(kind, MONTH_TEMPLATE)
    template = template.format(period=period, name=name)
    edited = _edit(template)
    if edited is None:
        raise InvalidInput("the editor was closed without saving; nothing was submitted")
    return parse_markdown(edited, "the edited plan")


def _edit(template: str) -> str | None:
    """``template`` opened in ``$VISUAL`` or ``$EDITOR`` (else ``vi``) on a file only its
    owner can read; the text saved, or None when the editor left the file unsaved."""
    import os
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    fd, name = tempfile.mkstemp(suffix=".md", prefix="ecomops-plan-")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(template)
        before = os.stat(name).st_mtime_ns
        try:
            code = subprocess.call([*shlex.split(editor), name])
        except OSError as exc:
            raise InvalidInput(f"cannot start the editor {editor!r}: {exc.strerror}") from None
        if code != 0:
            raise InvalidInput(f"the editor {editor!r} exited with status {code}")
        if os.stat(name).st_mtime_ns == before:
            return None
        with open(name, encoding="utf-8") as f:
            return f.read()
    finally:
        os.unlink(name)


def _render_plan(p, lang: str = "en") -> None:
    from ecomops.cli.output import esc

    c = console()
    if lang != "en":
        _render_plan_zh(p, lang)
        return
    what = WHAT[p.kind].capitalize()
    c.print(
        f"[bold]{what} {p.period} — {esc(p.name)}[/] (version {p.version} of "
        f"{p.versions}; due {fmt(p.due_at)}; first in {fmt(p.first_submitted_at)}: "
        f"{p.status.replace('_', ' ')}{'' if p.expected else '; not expected of them'})"
    )
    c.print("[bold]Summary[/]")
    c.print(esc(p.summary, lines=True))
    c.print("[bold]Plan[/]")
    c.print(esc(p.plan, lines=True))
    if p.mail:
        c.print(
            f"mailed to {esc(p.mail.to)} at {fmt(p.mail.sent_at)}"
            if p.mail.sent_at
            else f"[red]not mailed[/]: {esc(p.mail.error or '', lines=True)}"
        )
    if p.attachment:
        a = p.attachment
        c.print(f"read from the attachment {esc(a.name)} ({a.size:,} bytes, SHA-256 {a.sha256})")


def _period(
    week: str | None, month: str | None, now: datetime, department: bool = False
) -> tuple[str, str]:
    """(kind, period): a week (default: the week of now) or a month; with ``department``,
    the department summary of a week."""
    from ecomops.core import calendar as cal

    if week and month:
        raise InvalidInput("--week and --month both given", "a plan is for a week or a month")
    if department:
        if month:
            raise InvalidInput(
                "--department and --month both given",
                "the department's summary is weekly, due with the Monday plans",
            )
        return "dept", _period(week, None, now)[1]
    if month:
        return "month", str(cal.parse_month(month, today=now.date()))
    if week:
        y, w = cal.parse_week(week, today=now.date())
        return "week", f"{y}-W{w:02d}"
    return "week", cal.week_id(now.date())


@command(app, "submit", renamed={"who": "as_", "kind": "department"})
def submit(
    as_: AsOpt = None,
    week: WeekOpt = None,
    month: MonthOpt = None,
    department: DeptOpt = False,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            help="Markdown with a summary section and a plan section.",
            show_default=False,
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="With --file: the file's encoding (utf-8, gb18030, big5, latin-1 …) "
            "\\[default: UTF-8, or GB18030 when it reads as Chinese].",
            show_default=False,
        ),
    ] = None,
    summary: Annotated[
        str | None, typer.Option("--summary", help="Last period's summary.", show_default=False)
    ] = None,
    plan: Annotated[
        str | None, typer.Option("--plan", help="The plan.", show_default=False)
    ] = None,
    send: Annotated[
        bool | None,
        typer.Option(
            "--send/--no-send",
            help="Mail it to the department head \\[default: the plans.send "
            "setting, ECOMOPS_SEND_PLANS].",
            show_default=False,
        ),
    ] = None,
    received_at: Annotated[
        str | None,
        typer.Option(
            "--received-at",
            help="When a plan handed in on paper was received (the head enters it for the "
            "member with --as): it counts as submitted then.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Submit the Monday plan (last week's summary, this week's plan), or with --month the
    month-end summary, or (the department head) with --department the department's weekly
    summary; a resubmission keeps every earlier version. Only the department's members hand
    them in (not the general manager); a period in which one was not yet (or no longer) a
    member is stored but not counted.

    With --file: the headings "Last week"/"上周"/"Summary" and "This week"/"本周"/"Plan"
    open the two sections. With no --file/--summary/--plan, on a terminal, $EDITOR opens on
    a template.

    Example: ecomops plan submit --as 李娜 --summary "完成双龙微信文案" \
--plan "写元旦活动文案" --send
    """
    from ecomops.services.mail import MailError
    from ecomops.services.plans import submit_plan

    name = as_.strip() if as_ else ""
    kind, period = _period(week, month, now(), department)
    summary_text, plan_text = _texts(file, summary, plan, kind, period, name, encoding)
    config = settings()
    with database(write=False) as opened:
        try:
            done = submit_plan(
                opened,
                who=name,
                kind=kind,
                period=period,
                summary=summary_text,
                plan=plan_text,
                now_fn=now,
                send=config.send_plans if send is None else send,
                smtp=config.smtp,
                received_at=received_at,
                audit=audit,
                acting=lambda s, who: actor(s, who, person=True),
            )
        except MailError as exc:  # the plan is stored all the same: say so, then the error
            _stored(exc.stored, kind, period)  # type: ignore[attr-defined]
            raise
    _stored(done.stored, kind, period)
    if done.mailed:
        out = done.plan
        note(f"mailed it to {out.mail.to if out.mail else '?'}")
    emit(done.plan, render=lambda _: None)


def _stored(out: PlanOut, kind: str, period: str) -> None:
    """Say what was stored (before it is mailed): ``stored 李娜's Monday plan 2026-W49
    (version 2; on time, due …)``, a template of the catalog's with its words (the kind, the
    status) in the language."""
    from ecomops.i18n import gettext as _
    from ecomops.i18n import period_text, translate

    note(
        _("stored {name}'s {what} {period} (version {version}; {status}, due {due})").format(
            name=out.name,
            what=_(WHAT[kind]),
            period=period_text(period),
            version=out.version,
            status=translate(out.status.replace("_", " ")),
            due=fmt(out.due_at),
        )
    )
    if not out.expected:
        note(
            f"not expected of {out.name}: not a member of the department on "
            f"{out.due_at:%Y-%m-%d}, its deadline's day; it does not count in the record"
        )


@command(app, "send")
def send_cmd(
    name: Annotated[
        str, typer.Argument(help="Whose plan.", autocompletion=complete.people, show_default=False)
    ],
    week: WeekOpt = None,
    month: MonthOpt = None,
    department: DeptOpt = False,
    as_: AsOpt = None,
) -> None:
    """Mail a stored plan to the department head again (after a failed send).

    Example: ecomops plan send 李娜 --week 2026-W48
    """
    from ecomops.services.plans import send_stored

    kind, period = _period(week, month, now(), department)
    smtp = settings().smtp
    with database() as opened:
        with opened.session(write=False) as s:
            viewer = actor(s, as_)
        out = send_stored(
            opened, who=name, kind=kind, period=period, now_fn=now, smtp=smtp, viewer=viewer
        )
    emit(
        out,
        render=lambda p: note(f"mailed {p.name}'s {p.period} plan to {p.mail.to}"),
    )


def counts_line(counts: dict[str, int]) -> str:
    """The summary under a plan status table: ``4 on time, 2 late, 1 missing, …``."""
    from ecomops.i18n import gettext as _
    from ecomops.i18n import ngettext

    forms = {
        "on_time": lambda n: ngettext("{n} on time", "{n} on time", n),
        "late": lambda n: ngettext("{n} late", "{n} late", n),
        "missing": lambda n: ngettext("{n} missing", "{n} missing", n),
        "open": lambda n: ngettext("{n} open", "{n} open", n),
        "not_expected": lambda n: ngettext("{n} not expected", "{n} not expected", n),
        "on_leave": lambda n: ngettext("{n} on leave", "{n} on leave", n),
    }
    parts = [
        forms[k](v).format(n=v) if k in forms else f"{v} {k.replace('_', ' ')}"
        for k, v in counts.items()
    ]
    return _(", ").join(parts)


@command(app, "status")
def status(
    week: WeekOpt = None,
    month: MonthOpt = None,
    as_: AsOpt = None,
) -> None:
    """Who handed in the plan: on time, late, missing (past due), open (not yet due) or —
    (not expected: not a member of the department on the deadline's day). A week's status
    also shows the department head's summary of the department.

    Example: ecomops plan status --week 2026-W48
    """
    from ecomops.render.labels import words
    from ecomops.services.handbook import position_names
    from ecomops.services.plans import plan_status

    language = lang_of()
    L = words(language)
    with session(write=False) as s:
        stamp = now()
        kind, period = _period(week, month, stamp)
        out = plan_status(s, kind=kind, period=period, now=stamp, viewer=actor(s, as_))
        names = position_names(s, language)

    def render(o) -> None:
        from ecomops.cli.calendar import warn_calendar

        warn_calendar(o.warnings, language, unknown=None if o.calendar_known else o.due_at.year)
        columns = [
            (L("person"), lambda r: r.name),
            (L("position"), lambda r: names.get(r.position, r.position)),
            (L("status"), lambda r: _status_text(r.status, language)),
            (L("submitted"), lambda r: r.submitted_at),
            (L("versions"), lambda r: r.versions),
        ]
        from ecomops.i18n import period_text

        en = language == "en"
        what = WHAT[o.kind].capitalize() if en else L(f"plan:{o.kind}")
        period = period_text(o.period, language)
        # (Chinese punctuation under Chinese: 周一工作计划 2026年第49周，截止 …)
        comma, left, right = (", ", " (", ")") if en else ("，", "（", "）")
        table(
            o.members,
            columns,
            title=f"{what} {period}{comma}{L('due')} {fmt(o.due_at)}",
            empty="no active department members on the roster",
        )
        note(counts_line(o.counts))
        if o.department:
            table(
                o.department,
                columns,
                title=f"{L(HEADS[0])} {period}{left}{L(HEADS[1])}{right}{comma}{L('due')} "
                f"{fmt(o.due_at)}",
            )

    emit(out, render=render)


@command(app, "show")
def show(
    name: Annotated[
        str, typer.Argument(help="Whose plan.", autocompletion=complete.people, show_default=False)
    ],
    week: WeekOpt = None,
    month: MonthOpt = None,
    department: DeptOpt = False,
    as_: AsOpt = None,
) -> None:
    """Print a submitted plan (its newest version).

    Example: ecomops plan show 李娜 --week 2026-W48
    """
    from ecomops.services.plans import plan_show

    kind, period = _period(week, month, now(), department)
    with session(write=False) as s:
        out = plan_show(s, who=name, kind=kind, period=period, viewer=actor(s, as_))
    language = lang_of()
    emit(out, render=lambda p: _render_plan(p, language))


@command(app, "collect")
def collect_cmd(
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be recorded; record and move nothing."),
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help=f"Only the messages received on or after this day ({DAY_FORMS}) "
            "\\[default: all].",
            show_default=False,
        ),
    ] = None,
    move_to: Annotated[
        str | None,
        typer.Option(
            "--move-to",
            help="Move the recorded messages to this folder (made when missing) \\[default: "
            "leave every message where it is].",
            show_default=False,
        ),
    ] = None,
    accept_personal: Annotated[
        bool,
        typer.Option(
            "--accept-personal",
            help="Record plans sent from personal addresses too, after the day company mail "
            "applies (§3.2 rule 3; see: ecomops staff company-mail).",
        ),
    ] = False,
    as_: AsOpt = None,
) -> None:
    """Collect the Monday plans and month-end summaries members mailed to the department head
    from the head's mailbox (ECOMOPS_IMAP_HOST, _USER, _PASSWORD, _FOLDER, or \\[imap] in the
    settings file): each new message from a member's roster address is recorded as theirs,
    submitted at the mail server's received time; the period is the one its subject names
    (2026-W49, 第49周, 第四十九周, 12月第1周, 下周计划, 2026-11, 月度总结 …), else the week it was
    received in; a week more than a week from the one received is listed as needing a look, not
    filed. The plan is the text above the quoted part of a reply or forward (a forward of
    nothing else: the forwarded plan), else an attached .docx, .xlsx, .txt or .md. Messages
    are never marked read, moved or deleted (unless --move-to); a message already recorded is
    not recorded again; one it cannot use is listed with the reason. A collected plan is
    already in the head's mailbox: it is not mailed again. From the day company mail applies
    (ecomops staff company-mail), a message from any other address is listed as "not company
    mail" and not recorded, unless --accept-personal. Safe to run from cron.

    Example: ecomops plan collect --dry-run
    """
    from ecomops.cli.common import day
    from ecomops.services.mailbox import collect, open_mailbox

    config = settings()
    mailbox = config.imap
    if mailbox is None:  # --dry-run too: what it previews is the mailbox's messages
        raise InvalidInput(
            "no mailbox to collect plans from is configured",
            f"set host, user and password under [imap] in {config.file} (or ECOMOPS_IMAP_HOST, "
            "_USER and _PASSWORD); --dry-run reads the mailbox too",
        )
    first = day(since, "--since") if since else None
    if move_to is not None and (not move_to.strip() or move_to == mailbox.folder):
        raise InvalidInput(
            f"--move-to {move_to!r} is not another folder",
            f"name the folder the recorded messages go to, other than {mailbox.folder}",
        )
    with database(write=False) as opened:
        with open_mailbox(mailbox) as box:
            with opened.session(write=True) as s:
                acts = actor(s, as_)
                got = collect(
                    s,
                    mailbox=box,
                    since=first,
                    now=now(),
                    actor=acts,
                    dry_run=dry_run,
                    accept_personal=accept_personal,
                )
                out = got.out
                if not dry_run:
                    audit(
                        s,
                        extra={
                            "recorded": len(out.recorded),
                            "skipped": len(out.skipped),
                            "needs_a_look": len(out.needs_a_look),
                            "already": out.already,
                        },
                    )
            if move_to and got.uids:
                if dry_run:
                    note(f"would move {len(got.uids)} recorded message(s) to {move_to}")
                else:
                    box.move(got.uids, move_to)
                    out = out.model_copy(update={"moved_to": move_to, "moved": len(got.uids)})

    from ecomops.render.labels import words

    w = words(lang_of())

    def render(o) -> None:
        table(
            o.recorded,
            [
                (w("collect:sender"), lambda r: r.sender),
                (w("collect:person"), lambda r: r.person),
                (w("collect:kind"), lambda r: w(f"collect:{r.kind}")),
                (w("collect:period"), lambda r: r.period),
                (w("collect:version"), lambda r: r.version),
                (w("collect:received"), lambda r: r.submitted_at),
                (w("collect:status"), lambda r: w(f"collect:{r.status}")),
                (w("collect:subject"), lambda r: r.subject, True),
                (
                    w("collect:attachment"),
                    lambda r: r.attachment.name if r.attachment else "",
                    True,
                ),
            ],
            title=f"{w('collect:would' if o.dry_run else 'collect:recorded')} {o.mailbox}",
            empty=w("collect:none"),
        )
        if o.skipped:
            table(
                o.skipped,
                [
                    (w("collect:sender"), lambda r: r.sender),
                    (w("collect:subject"), lambda r: r.subject, True),
                    (w("collect:received"), lambda r: r.received_at),
                    (w("collect:reason"), lambda r: r.reason, True),
                ],
                title=w("collect:not used"),
            )
        if o.needs_a_look:
            table(
                o.needs_a_look,
                [
                    (w("collect:person"), lambda r: r.person),
                    (w("collect:subject"), lambda r: r.subject, True),
                    (w("collect:subject week"), lambda r: r.period),
                    (w("collect:received week"), lambda r: r.received_week),
                    (w("collect:received"), lambda r: r.received_at),
                ],
                title=w("collect:needs a look"),
            )
        for r in o.recorded:
            if r.note:
                note(f"{r.person} ({r.subject}): {r.note}")
        look = f", needs a look {len(o.needs_a_look)}" if o.needs_a_look else ""
        tail = f"{look}; {o.already} already recorded" if o.already else look
        moved = f"; moved {o.moved} to {o.moved_to}" if o.moved_to else ""
        verb = "would record" if o.dry_run else "recorded"
        note(f"{verb} {len(o.recorded)}, not used {len(o.skipped)}{tail}{moved}")

    emit(out, render=render)


def _status_text(status: str, lang: str = "en") -> str:
    """A status as the tables show it: ``not_expected`` is a dash."""
    if status == "not_expected":
        return "—"
    if lang != "en":
        from ecomops.render.labels import words

        return words(lang)(f"plan:{status}")
    return status.replace("_", " ")


def _render_plan_zh(p, lang: str) -> None:
    """A plan as :func:`_render_plan` shows it, in Chinese (``lang``: zh or zh-hans)."""
    from ecomops.cli.output import esc
    from ecomops.render.labels import words

    w = words(lang)
    c = console()
    c.print(
        f"[bold]{w('plan:' + p.kind)} {p.period} — {esc(p.name)}[/] ({w('version')} "
        f"{p.version}/{p.versions}; {w('due')} {fmt(p.due_at)}; {w('first in')} "
        f"{fmt(p.first_submitted_at)}: {w('plan:' + p.status)}"
        f"{'' if p.expected else '; ' + w('not expected of them')})"
    )
    c.print(f"[bold]{w('Summary')}[/]")
    c.print(esc(p.summary, lines=True))
    c.print(f"[bold]{w('Plan')}[/]")
    c.print(esc(p.plan, lines=True))
    if p.mail:
        c.print(
            f"{w('mailed to')} {esc(p.mail.to)}, {fmt(p.mail.sent_at)}"
            if p.mail.sent_at
            else f"[red]{w('not mailed')}[/]: {esc(p.mail.error or '', lines=True)}"
        )
    if p.attachment:
        a = p.attachment
        c.print(f"{w('collect:attachment')} {esc(a.name)}（{a.size:,} 字节，SHA-256 {a.sha256}）")
