"""Storing a plan (every version kept) and mailing it to the department head."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    insert,
    select,
    update,
)

from ecomops.clock import zone
from ecomops.config import Smtp
from ecomops.core import calendar as cal
from ecomops.core.plans import check_sections
from ecomops.db import locks, schema
from ecomops.db.session import Database, Session
from ecomops.errors import InvalidInput, NotFound, Suggest
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.people import Person, resolve
from ecomops.services.permissions import require
from ecomops.services.plans.members import (
    _expected_of,
    _require_plan_rule,
    _require_records,
    department_head,
    due_of,
)
from ecomops.views import (
    AttachmentOut,
    MailOut,
    PlanOut,
)

PL = schema.plan


# --- submitting ---------------------------------------------------------------------------------


def _versions(session: Session, staff_id: int, kind: str, period: str):
    return (
        session.connection()
        .execute(
            select(PL)
            .where(PL.c.staff_id == staff_id, PL.c.kind == kind, PL.c.period == period)
            .order_by(PL.c.version)
        )
        .all()
    )


def _plan_out(rows, name: str, tz, expected: bool, due: datetime) -> PlanOut:
    """The plan ``rows`` (its versions, oldest first) as shown; ``due`` is the deadline the
    calendar and handbook give (never a due date stored with a row, which its writer chose)."""
    first, last = rows[0], rows[-1]
    sent = next((r for r in reversed(rows) if r.sent_at or r.send_error), None)
    return PlanOut(
        name=name,
        kind=last.kind,
        period=last.period,
        version=last.version,
        versions=len(rows),
        due_at=due.astimezone(tz),
        first_submitted_at=first.submitted_at.astimezone(tz),
        submitted_at=last.submitted_at.astimezone(tz),
        status=cal.status(due, first.submitted_at, first.submitted_at),
        expected=expected,
        summary=last.summary,
        plan=last.plan,
        mail=MailOut(
            to=sent.sent_to,
            sent_at=sent.sent_at.astimezone(tz) if sent.sent_at else None,
            error=sent.send_error,
        )
        if sent
        else None,
        attachment=AttachmentOut(
            name=last.attachment_name,
            size=last.attachment_size or 0,
            sha256=last.attachment_sha256 or "",
        )
        if last.attachment_name
        else None,
    )


def store(
    session: Session,
    *,
    who: Person | str,
    kind: str,
    period: str,
    summary: str | None,
    plan: str | None,
    now: datetime,
    received_at: datetime | None = None,
    actor: Actor | None = None,
    message_id: str | None = None,
    attachment: tuple[str, int, str] | None = None,
) -> PlanOut:
    """Store ``who``'s Monday plan (``kind`` week), month-end summary (``kind`` month) or,
    by the department head, weekly summary of the department (``kind`` dept) for ``period``,
    submitted at ``now``; a resubmission is a new version. ``received_at``: a plan handed in
    on paper, entered by ``actor`` (who must be allowed to act for others), counts as
    submitted then; the row records ``now`` beside it. Refused for someone outside the
    department (the general manager). A plan for a period in which ``who`` was not a member
    (before joining, after leaving) is stored but not expected of them: it does not count.

    ``message_id``: a plan collected from the department head's mailbox (``plan collect``),
    recorded with the message's normalised Message-ID (once: the column is unique) and
    ``received_at`` the mail server's received time; entered by ``actor`` as a paper plan is.
    ``attachment``: the (name, size, SHA-256) of the attached file its text was read from."""
    m = current(session).manual
    person = resolve(session, who)
    _require_plan_rule(m, person, kind)
    # who types it in: the caller (None: the keeper of a single-keeper database)
    entering = actor.caller if actor is not None else None
    if received_at is not None:
        if actor is not None and not actor.keeper:
            assert entering is not None, "a caller outside single-keeper mode is bound"
            require(
                session, Actor.of(entering), "act_for_others", what="(a plan received on paper)"
            )
            if entering.id == person.id:
                raise InvalidInput(
                    "a plan received on paper is entered by someone else",
                    "one's own plan is submitted now",
                    param="received_at",
                )
        if received_at > now:
            raise InvalidInput(
                f"the plan cannot have been received at {received_at:%Y-%m-%d %H:%M}, "
                "which is later than now",
                param="received_at",
            )
    summary, plan = check_sections(summary, plan)
    due, _ = due_of(session, kind, period)
    conn = session.connection()
    locks.plan(conn, person.id, kind, period)  # a concurrent resubmission waits its turn
    old = _versions(session, person.id, kind, period)
    if old:
        conn.execute(update(PL).where(PL.c.id == old[-1].id).values(is_current=False))
    conn.execute(
        insert(PL).values(
            staff_id=person.id,
            kind=kind,
            period=period,
            version=len(old) + 1,
            is_current=True,
            summary=summary,
            plan=plan,
            submitted_at=received_at or now,
            due_at=due,
            recorded_at=now,
            entered_by_id=entering.id if entering and entering.id != person.id else None,
            message_id=message_id,
            attachment_name=attachment[0] if attachment else None,
            attachment_size=attachment[1] if attachment else None,
            attachment_sha256=attachment[2] if attachment else None,
        )
    )
    return _plan_out(
        _versions(session, person.id, kind, period),
        person.name,
        zone(m.calendar.timezone),
        _expected_of(session, m, person.id, kind, due),
        due,
    )


def _subject(kind: str, period: str, name: str) -> str:
    what = {
        "week": "周工作计划 Weekly plan",
        "dept": "部门周总结 Department's weekly summary",
    }.get(kind, "月度总结 Month-end summary")
    return f"[ecomops] {what} {period} — {name}"


def _body(out: PlanOut) -> str:
    if out.kind == "week":
        heads = ("上周工作总结 / Last week's summary", "本周工作计划 / This week's plan")
    elif out.kind == "dept":
        heads = (
            "上周部门工作总结 / Last week: the department",
            "本周部门工作计划 / This week: the department's plan",
        )
    else:
        heads = ("本月总结 / This month's summary", "下月计划 / Next month's plan")
    return (
        f"{out.name} — {out.period} (version {out.version}, submitted "
        f"{out.submitted_at:%Y-%m-%d %H:%M}, due {out.due_at:%Y-%m-%d %H:%M}, {out.status})\n\n"
        f"{heads[0]}\n{'=' * 40}\n{out.summary}\n\n{heads[1]}\n{'=' * 40}\n{out.plan}\n"
    )


def send_stored(
    database: Database,
    *,
    who: Person | str,
    kind: str,
    period: str,
    now_fn: Callable[[], datetime],
    smtp: Smtp | None,
    viewer: Actor | None = None,
) -> PlanOut:
    """Mail the newest version of a stored plan to the department head through ``smtp``
    (None: no mail server is configured); record the outcome.

    The submission stays stored whatever happens; a failure is recorded and raised."""
    from ecomops.services.mail import MailError, send

    settings = smtp
    with database.session(write=False) as s:
        m = current(s).manual
        person = resolve(s, who, active=False)
        if viewer is not None:
            _require_records(s, viewer, person)
        rows = _versions(s, person.id, kind, period)
        if not rows:
            raise NotFound(
                f"{person.name} has no {kind} plan for {period}",
                "submit one first: {command}",
                suggest=Suggest("plan.submit"),
            )
        head = department_head(s, m)
        due, _ = due_of(s, kind, period)
        expected = _expected_of(s, m, person.id, kind, due)
        out = _plan_out(rows, person.name, zone(m.calendar.timezone), expected, due)
        latest_id = rows[-1].id
    error: MailError | None = None
    if settings is None:
        error = MailError(
            "no SMTP server is configured",
            "set [smtp] host (and port, user, password, from) in the settings file, or "
            "ECOMOPS_SMTP_HOST (and _PORT, _USER, _PASSWORD, _FROM)",
        )
    else:
        try:
            assert head.email is not None, "department_head() requires one"
            send(
                settings,
                to=head.email,
                to_name=head.name,
                subject=_subject(kind, period, person.name),
                body=_body(out),
            )
        except MailError as exc:
            error = exc
    with database.session(write=True) as s:
        s.connection().execute(
            update(PL)
            .where(PL.c.id == latest_id)
            .values(
                sent_at=None if error else now_fn(),
                sent_to=head.email,
                send_error=str(error) if error else None,
            )
        )
        result = _plan_out(
            _versions(s, person.id, kind, period),
            person.name,
            zone(current(s).manual.calendar.timezone),
            expected,
            due,
        )
    if error is not None:
        raise MailError(
            f"sending failed: {error.message}",
            "the plan is stored; retry with: {command}",
            problems=[],
            suggest=resend(person.name, kind, period),
        ) from None
    return result


def resend(name: str, kind: str, period: str) -> Suggest:
    """The use case that mails a stored plan again (``plan send``)."""
    if kind == "month":
        return Suggest("plan.send", (name,), {"month": period})
    switches = ("department",) if kind == "dept" else ()
    return Suggest("plan.send", (name,), {"week": period}, switches)


@dataclass(frozen=True)
class Submitted:
    """What :func:`submit_plan` did: the version ``stored``, and ``plan`` as it ends (after
    mailing, with its mail; else the one stored); ``mailed``: whether it was mailed."""

    stored: PlanOut
    plan: PlanOut
    mailed: bool


def submit_plan(
    database: Database,
    *,
    who: str | None,
    kind: str,
    period: str,
    summary: str | None,
    plan: str | None,
    now_fn: Callable[[], datetime],
    send: bool,
    smtp: Smtp | None,
    received_at: datetime | str | None = None,
    audit: Callable[[Session], None] | None = None,
    acting: Callable[[Session, str | None], Actor] | None = None,
) -> Submitted:
    """Hand in ``who``'s plan (``who``: the name acting, None: the person bound to the
    caller's login): store it and record ``audit``'s entry in one transaction (a failing mail
    afterwards leaves both), then, when ``send``, mail it to the department head through
    ``smtp`` (:func:`send_stored`: a failure is recorded and raised, the plan stays stored).

    ``received_at``: when a plan handed in on paper was received (a typed ISO date or
    date-time is read in the handbook's time zone). ``acting``: how the acting person is
    found (default :func:`ecomops.services.identity.acting`, a person required)."""
    from ecomops.clock import parse_instant
    from ecomops.services.identity import acting as resolve_actor

    with database.session(write=True) as s:
        acts = acting(s, who) if acting is not None else resolve_actor(s, who).as_person()
        person = acts.required()
        when = received_at
        if isinstance(when, str):
            tz = zone(current(s).timezone)
            when = parse_instant(when, tz, what="{param:received_at}")
        stored = store(
            s,
            who=person,
            kind=kind,
            period=period,
            summary=summary,
            plan=plan,
            now=now_fn(),
            received_at=when,
            actor=acts,
        )
        if audit is not None:
            audit(s)
    if not send:
        return Submitted(stored=stored, plan=stored, mailed=False)
    from ecomops.services.mail import MailError

    try:
        sent = send_stored(
            database, who=person, kind=kind, period=period, now_fn=now_fn, smtp=smtp, viewer=acts
        )
    except MailError as exc:
        exc.stored = stored  # type: ignore[attr-defined]  # stored all the same: say so
        raise
    return Submitted(stored=stored, plan=sent, mailed=True)
