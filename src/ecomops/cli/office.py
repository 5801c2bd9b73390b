"""``ecomops leave``, ``ecomops handover``, ``ecomops visitor``."""

from __future__ import annotations

from typing import Annotated

import typer

from ecomops.cli import complete
from ecomops.cli.common import (
    DAY_FORMS,
    MONTH_FORMS,
    AsOpt,
    actor,
    command,
    day,
    instant,
    lang_of,
    me,
    month_arg,
    note,
    now,
    session,
)
from ecomops.cli.output import Column, emit, table
from ecomops.render.labels import words as _words

leave_app = typer.Typer(
    help="Leave and shift swaps (none on Mondays or the month's last Friday, §3.2 rule 7).\n\n"
    "Example: ecomops leave request --as 李娜 --from 2026-12-02 --reason 体检",
    no_args_is_help=True,
)
handover_app = typer.Typer(
    help="The temporary work handover form (§3.2 rule 5).\n\n"
    "Example: ecomops handover list --active",
    no_args_is_help=True,
)
LeaveIdArg = Annotated[
    int,
    typer.Argument(
        help="The request's id (see: ecomops leave list --pending).", show_default=False
    ),
]
visitor_app = typer.Typer(
    help="The visitor log (§3.1 rule 10).\n\nExample: ecomops visitor list --date 2026-11-27",
    no_args_is_help=True,
)


def leave_columns(lang: str) -> list[Column]:
    """The leave list's columns, headed (and its kinds and status words) in ``lang``."""
    w = _words(lang)
    return [
        (w("id"), lambda r: r.id),
        (w("person"), lambda r: r.name),
        (w("kind"), lambda r: w(f"leave:{r.kind}")),
        (w("from"), lambda r: r.start),
        (w("to"), lambda r: r.end),
        (w("special"), lambda r: w("yes") if r.special else w("no")),
        (w("status"), lambda r: w(f"leave:{r.status}")),
        (
            w("reason"),
            lambda r: (
                f"{r.reason} ({w('declined')}: {r.decision_reason})"
                if r.decision_reason
                else r.reason
            ),
            True,
        ),
    ]


def _decided(r) -> str:
    if r.status == "pending":
        return f"; pending until a department head decides (ecomops leave approve {r.id})"
    return ""


@command(leave_app, "request", renamed={"start": "from_", "end": "to"})
def leave_request(
    from_: Annotated[
        str, typer.Option("--from", help=f"First day: {DAY_FORMS}.", show_default=False)
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why.", show_default=False)],
    as_: AsOpt = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="Last day, typed as --from \\[default: --from].", show_default=False
        ),
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="leave (请假) or swap (调休), in either script.")
    ] = "leave",
    special: Annotated[
        bool,
        typer.Option(
            "--special",
            help="A special reason: allowed on a protected day, recorded as an "
            "exception to the rule, and pending until a department head approves it.",
        ),
    ] = False,
) -> None:
    """Request leave or a shift swap; refused on a Monday-plan or month-end-summary day
    (unless --special: then pending until approved), on days with no working day, and over
    another request of yours.

    Example: ecomops leave request --as 李娜 --from 2026-12-02 --to 2026-12-03 --reason 体检
    """
    from ecomops.services.office import leave_request as service

    first, last = day(from_, "--from"), day(to, "--to") if to else None
    with session(write=True) as s:
        out = service(
            s,
            who=me(s, as_),
            start=first,
            end=last,
            kind=kind,
            reason=reason,
            special=special,
            now=now(),
            lang=lang_of(),
        )
    emit(
        out,
        render=lambda r: note(
            f"recorded {r.kind} for {r.name}, {r.start} to {r.end}"
            + (
                f" (special: exception on {', '.join(map(str, r.protected_days))})"
                if r.protected_days
                else ""
            )
            + _decided(r)
        ),
    )


@command(leave_app, "list")
def leave_list(
    month: Annotated[
        str | None,
        typer.Option("--month", help=f"Only this month: {MONTH_FORMS}.", show_default=False),
    ] = None,
    pending: Annotated[
        bool, typer.Option("--pending", help="Only requests awaiting a decision.")
    ] = False,
    as_: AsOpt = None,
) -> None:
    """List leave and shift swaps with their status (a member sees their own).

    Example: ecomops leave list --pending --as 张伟
    """
    from ecomops.services.office import leave_list as service

    wanted = month_arg(month) if month else None
    language = lang_of()
    with session(write=False) as s:
        out = service(s, month=wanted, viewer=actor(s, as_), pending=pending)
    w = _words(language)
    emit(
        out,
        render=lambda rows: table(
            rows,
            leave_columns(language),
            title=w("Leave awaiting a decision") if pending else w("Leave"),
            empty="no leave awaiting a decision" if pending else "no leave recorded",
        ),
    )


@command(leave_app, "approve", renamed={"leave_id": "leave"})
def leave_approve(
    leave: LeaveIdArg,
    as_: AsOpt = None,
) -> None:
    """Approve a pending request (a department head or above; never your own).

    Example: ecomops leave approve 3 --as 张伟
    """
    from ecomops.services.office import leave_decide

    with session(write=True) as s:
        out = leave_decide(
            s, leave_id=leave, approve=True, reason=None, actor=actor(s, as_), now=now()
        )
    emit(
        out,
        render=lambda r: note(
            f"leave {r.id} of {r.name}, {r.start} to {r.end}: approved by {r.decided_by}"
        ),
    )


@command(leave_app, "decline", renamed={"leave_id": "leave"})
def leave_decline(
    leave: LeaveIdArg,
    reason: Annotated[
        str, typer.Option("--reason", help="Why it is declined.", show_default=False)
    ],
    as_: AsOpt = None,
) -> None:
    """Decline a pending request, saying why (a department head or above; never your own).

    Example: ecomops leave decline 3 --reason 月末总结日需到岗 --as 张伟
    """
    from ecomops.services.office import leave_decide

    with session(write=True) as s:
        out = leave_decide(
            s, leave_id=leave, approve=False, reason=reason, actor=actor(s, as_), now=now()
        )
    emit(
        out,
        render=lambda r: note(
            f"leave {r.id} of {r.name}, {r.start} to {r.end}: declined by {r.decided_by}"
        ),
    )


def handover_columns(lang: str) -> list[Column]:
    """The handover list's columns, headed in ``lang``."""
    w = _words(lang)
    return [
        (w("id"), lambda r: r.id),
        (w("handover:from"), lambda r: r.name),
        (w("cover"), lambda r: r.cover),
        (w("start"), lambda r: r.start_at),
        (w("end"), lambda r: r.end_at),
        (w("place"), lambda r: r.place, True),
        (w("matter"), lambda r: r.matter, True),
        (
            w("handed in"),
            lambda r: f"{r.acked_at:%Y-%m-%d %H:%M} {r.acked_by}" if r.acked_at else None,
        ),
    ]


@command(handover_app, "add", renamed={"cover": "to"})
def handover_add(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="Who covers your duties.",
            autocompletion=complete.people,
            show_default=False,
        ),
    ],
    start: Annotated[str, typer.Option("--start", help="YYYY-MM-DDTHH:MM.", show_default=False)],
    end: Annotated[str, typer.Option("--end", help="YYYY-MM-DDTHH:MM.", show_default=False)],
    place: Annotated[str, typer.Option("--place", help="Where (地点).", show_default=False)],
    matter: Annotated[str, typer.Option("--matter", help="What (事件).", show_default=False)],
    as_: AsOpt = None,
    duties: Annotated[
        str | None, typer.Option("--duties", help="What the cover takes on.", show_default=False)
    ] = None,
) -> None:
    """Fill in the temporary work handover form: time, place, matter, and who covers (another
    active member, not on approved leave then, not covering for someone else then).

    Example: ecomops handover add --as 李娜 --to 陈静 --start 2026-12-01T09:00 \
--end 2026-12-01T17:30 --place 双龙项目现场 --matter 客户拍摄
    """
    from ecomops.services.office import handover_add as service

    with session(write=True) as s:
        out = service(
            s,
            who=me(s, as_),
            cover=to,
            start=instant(s, start, "--start"),
            end=instant(s, end, "--end"),
            place=place,
            matter=matter,
            duties=duties,
            now=now(),
        )
    emit(
        out,
        render=lambda h: note(
            f"handover {h.id}: {h.cover} covers for {h.name} until {h.end_at:%Y-%m-%d %H:%M}"
        ),
    )


@command(handover_app, "list")
def handover_list(
    active: Annotated[bool, typer.Option("--active", help="Only those running now.")] = False,
) -> None:
    """List handover forms, with when the department head acknowledged each.

    Example: ecomops handover list --active --json
    """
    from ecomops.services.office import handover_list as service

    language = lang_of()
    with session(write=False) as s:
        out = service(s, active=active, now=now())
    emit(
        out,
        render=lambda rows: table(
            rows,
            handover_columns(language),
            title=_words(language)("Handovers"),
            empty="no handovers",
        ),
    )


@command(handover_app, "ack", renamed={"handover_id": "handover"})
def handover_ack(
    handover: Annotated[
        int,
        typer.Argument(help="The form's id (see: ecomops handover list).", show_default=False),
    ],
    as_: AsOpt = None,
) -> None:
    """Record that a handover form was handed in (a department head or above).

    Example: ecomops handover ack 2 --as 张伟
    """
    from ecomops.services.office import handover_ack as service

    with session(write=True) as s:
        out = service(s, handover_id=handover, actor=actor(s, as_), now=now())
    emit(
        out,
        render=lambda h: note(
            f"handover {h.id} of {h.name}: handed in, acknowledged by {h.acked_by}"
        ),
    )


def visitor_columns(lang: str) -> list[Column]:
    """The visitor log's columns, headed in ``lang``."""
    w = _words(lang)
    return [
        (w("id"), lambda r: r.id),
        (w("visitor"), lambda r: r.name),
        (w("approved by"), lambda r: r.approved_by),
        (w("escort"), lambda r: r.escort),
        (w("in"), lambda r: r.arrived_at),
        (w("out"), lambda r: r.left_at),
        (w("purpose"), lambda r: r.purpose, True),
    ]


@command(visitor_app, "add")
def visitor_add(
    name: Annotated[str, typer.Option("--name", help="The visitor.", show_default=False)],
    approved_by: Annotated[
        str,
        typer.Option(
            "--approved-by",
            help="The leader who approved the visit.",
            autocompletion=complete.people,
            show_default=False,
        ),
    ],
    escort: Annotated[
        str,
        typer.Option(
            "--escort",
            help="The member who accompanies them.",
            autocompletion=complete.people,
            show_default=False,
        ),
    ],
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="Why they came.", show_default=False)
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Arrival \\[default: now].", show_default=False)
    ] = None,
) -> None:
    """Record a visitor's arrival: approved by a leader, accompanied by a member.

    Example: ecomops visitor add --name 刘先生 --approved-by 张伟 --escort 李娜 --purpose 供应商洽谈
    """
    from ecomops.services.office import visitor_add as service

    with session(write=True) as s:
        out = service(
            s,
            name=name,
            approved_by=approved_by,
            escort=escort,
            purpose=purpose,
            at=instant(s, at, "--at") if at else None,
            now=now(),
            lang=lang_of(),
        )
    emit(
        out,
        render=lambda v: note(
            f"visit {v.id}: {v.name}, escorted by {v.escort} (approved by {v.approved_by})"
        ),
    )


@command(visitor_app, "leave")
def visitor_leave(
    visit: Annotated[int, typer.Argument(help="The visit id.", show_default=False)],
    at: Annotated[
        str | None, typer.Option("--at", help="Departure \\[default: now].", show_default=False)
    ] = None,
) -> None:
    """Record that a visitor left.

    Example: ecomops visitor leave 3
    """
    from ecomops.services.office import visitor_leave as service

    with session(write=True) as s:
        left = instant(s, at, "--at") if at else None
        out = service(s, visit_id=visit, at=left, now=now())
    emit(out, render=lambda v: note(f"visit {v.id}: {v.name} left"))


@command(visitor_app, "list")
def visitor_list(
    date: Annotated[
        str | None,
        typer.Option("--date", help=f"Only this day: {DAY_FORMS}.", show_default=False),
    ] = None,
) -> None:
    """List the visitor log.

    Example: ecomops visitor list --date 2026-11-27 --json
    """
    from ecomops.services.office import visitor_list as service

    wanted = day(date, "--date") if date else None
    language = lang_of()
    with session(write=False) as s:
        out = service(s, day=wanted)
    emit(
        out,
        render=lambda rows: table(
            rows,
            visitor_columns(language),
            title=_words(language)("Visitors"),
            empty="no visitors",
        ),
    )
