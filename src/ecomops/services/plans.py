"""The Monday plan and the month-end summary (§3.2 rules 6 and 7), mailed to the department
head, the head's weekly summary of the department, and the working calendar they run on.

A plan is expected of whoever is a member of the department on its deadline's day
(core.plans.member_on); the roster's join and leaving dates decide it, in SQL, for every
member at once (:func:`membership_sql`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    tuple_,
    update,
)

from ecomops.clock import zone
from ecomops.config import Smtp
from ecomops.core import calendar as cal
from ecomops.core import plans as rules
from ecomops.core.calendar import Month
from ecomops.core.permissions import About
from ecomops.core.plans import check_sections
from ecomops.db import locks, schema
from ecomops.db.session import Database, Session
from ecomops.errors import InvalidInput, NotAllowed, NotFound
from ecomops.handbook.model import Manual
from ecomops.services.identity import Actor
from ecomops.services.handbook import current
from ecomops.services.people import Person, person_of, resolve
from ecomops.services.permissions import may, require
from ecomops.services.workcal import knows, next_year_missing, next_year_warning, work_calendar
from ecomops.views import (
    AttachmentOut,
    CalendarOut,
    DayOut,
    DeadlineOut,
    MailOut,
    PlanOut,
    PlanStatusOut,
    PlanStatusRowOut,
)

PL = schema.plan
ST = schema.staff
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NE = rules.NOT_EXPECTED


# --- periods and deadlines ------------------------------------------------------------------


def due_of(session: Session, kind: str, period: str) -> tuple[datetime, list[str]]:
    """When a ``week``'s Monday plan (and the head's ``dept`` summary of that week) or a
    ``month``'s summary is due, with the calendar's warnings (a year the holiday calendar does
    not know)."""
    tz = zone(current(session).manual.calendar.timezone)
    if kind in ("week", "dept"):
        y, w = cal.parse_week(period)
        years = {d.year for d in cal.week_days(y, w)} | {y}
        work, warnings = work_calendar(session, years)
        return cal.end_of(cal.monday_plan_day(y, w, work), tz), warnings[:1]
    y, mo = cal.parse_month(period)
    work, warnings = work_calendar(session, {y})
    return cal.end_of(cal.month_end_day(y, mo, work), tz), warnings


# --- people ------------------------------------------------------------------------------------


class Member(NamedTuple):
    """A department member, as the plan rules need them."""

    id: int
    name: str
    position_id: str


def _joined_by(day: date, tz: tzinfo) -> ColumnElement[bool]:
    """Whether a ``staff`` row had joined on or before ``day`` (core.plans.joined_day: a NULL
    join date is the day the entry was made, in ``tz``)."""
    after = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)  # day's end
    return case((ST.c.joined_on.is_(None), ST.c.created_at < after), else_=ST.c.joined_on <= day)


def _not_left_by(day: date, tz: tzinfo) -> ColumnElement[bool]:
    """Whether a ``staff`` row had not left by ``day``: left after it, or not at all
    (core.plans.left_day: no leaving date but deactivated is the day of the deactivation)."""
    after = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return case(
        (ST.c.left_on.is_not(None), ST.c.left_on > day),
        (or_(ST.c.active, ST.c.deactivated_at.is_(None)), true()),
        else_=ST.c.deactivated_at >= after,
    )


def membership_sql(days: list[date], tz: tzinfo) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """For each ``staff`` row, ``(lo, hi)`` over the ascending ``days``: the row is a member of
    the department (core.plans.member_on) on ``days[j]`` exactly when ``lo <= j < hi``, since
    membership is one stretch of days. Each CASE stops at its first true test: for the usual
    member, one test each."""
    k = len(days)
    lo = case(*((_joined_by(d, tz), j) for j, d in enumerate(days)), else_=k)
    hi = case(*((_not_left_by(days[j], tz), j + 1) for j in reversed(range(k))), else_=0)
    return lo, hi


def _roster(
    session: Session, m: Manual, days: list[date], viewer: Actor | None
) -> list[tuple[Member, int, int]]:
    """The people of the department's positions (the positions ``in_department``: the plan
    rule's; the general manager's is not) who are active or a member on one of the ascending
    ``days``, each with their ``(lo, hi)`` over ``days`` (:func:`membership_sql`), from one
    query; only those whose records ``viewer`` may read (the permission table's
    ``read_records``: a member sees their own)."""
    inside = [p.id for p in m.positions if p.in_department]
    if days:
        lo, hi = membership_sql(days, zone(m.calendar.timezone))
        rows = (
            select(
                ST.c.id, ST.c.name, ST.c.position_id, ST.c.active, lo.label("lo"), hi.label("hi")
            )
            .where(ST.c.position_id.in_(inside))
            .subquery()
        )
        query = (
            select(rows.c.id, rows.c.name, rows.c.position_id, rows.c.lo, rows.c.hi)
            .where(or_(rows.c.active, rows.c.lo < rows.c.hi))
            .order_by(rows.c.id)
        )
    else:
        query = (
            select(ST.c.id, ST.c.name, ST.c.position_id, literal(0), literal(0))
            .where(ST.c.active, ST.c.position_id.in_(inside))
            .order_by(ST.c.id)
        )
    roster = [
        (Member(i, name, position), lo, hi)
        for i, name, position, lo, hi in session.connection().execute(query).all()
    ]
    if viewer is None or may(session, viewer, "read_records"):
        return roster
    return [r for r in roster if may_read_records(session, viewer, r[0].id)]


def _expected_of(session: Session, m: Manual, staff_id: int, kind: str, due: datetime) -> bool:
    """Whether the plan of ``kind`` due at ``due`` was expected of the person ``staff_id``."""
    tz = zone(m.calendar.timezone)
    row = (
        session.connection()
        .execute(
            select(
                ST.c.position_id,
                ST.c.joined_on,
                ST.c.left_on,
                ST.c.created_at,
                ST.c.active,
                ST.c.deactivated_at,
            ).where(ST.c.id == staff_id)
        )
        .one()
    )
    position = m.position(row.position_id)
    head = m.head()
    if not position.in_department or (kind == "dept" and (head is None or head.id != position.id)):
        return False
    return rules.member_on(
        due.astimezone(tz).date(),
        rules.joined_day(row.joined_on, row.created_at, tz),
        rules.left_day(row.left_on, row.active, row.deactivated_at, tz),
    )


def _require_plan_rule(m: Manual, person: Person, kind: str) -> None:
    """Refuse a plan the handbook does not ask of ``person``: any, of someone outside the
    department (the general manager); the department's summary, of anyone but its head."""
    position = m.position(person.position_id)
    if not position.in_department:
        raise NotAllowed(
            f"{person.name} is the {position.name.en}, outside the department: the Monday plan "
            "and the month-end summary (§3.2 rules 6–7) are its members' to hand in to the "
            "department head; nothing was stored",
            "plans are handed in by the people of the department's positions (ecomops roles "
            "list: in_department)",
            param="who",
        )
    if kind == "dept":
        head = m.head()
        if head is None:
            raise InvalidInput("the handbook names no department head (a position with head: true)")
        if position.id != head.id:
            raise NotAllowed(
                f"the department's weekly summary is the department head's ({head.name.en}) "
                f"to hand in; {person.name} is the {position.name.en}",
                "submit your own Monday plan, without --department",
                param="kind",
            )


def may_read_records(session: Session, viewer: Actor, staff_id: int) -> bool:
    """Whether ``viewer`` may read the plans and leave of the person ``staff_id``."""
    return may(session, viewer, "read_records", About(person_id=staff_id))


def _require_records(session: Session, viewer: Actor, person: Person) -> None:
    require(session, viewer, "read_records", About(person_id=person.id), what=person.name)


def department_head(session: Session, m: Manual) -> Person:
    """The department head on the roster, with an e-mail address (plans are mailed there)."""
    head = m.head()
    if head is None:
        raise InvalidInput("the handbook names no department head (a position with head: true)")
    row = (
        session.connection()
        .execute(select(ST).where(ST.c.active, ST.c.position_id == head.id).order_by(ST.c.id))
        .first()
    )
    if row is None:
        raise NotFound(
            f"nobody on the roster holds the {head.id} position",
            f"add the department head: ecomops staff add NAME --position {head.id}",
        )
    if not row.email:
        raise InvalidInput(
            f"{row.name}, the department head, has no e-mail address",
            "add one to the roster (staff import, or re-add with an e-mail address)",
        )
    return person_of(row)


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
                "submit one first: ecomops plan submit",
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
        hint = f"the plan is stored; retry with: ecomops plan send {person.name} " + (
            f"--month {period}"
            if kind == "month"
            else f"--week {period}" + (" --department" if kind == "dept" else "")
        )
        raise MailError(f"sending failed: {error.message}", hint, problems=[]) from None
    return result


# --- reading -------------------------------------------------------------------------------------


def status_grid(
    session: Session,
    *,
    periods: list[tuple[str, str]],
    now: datetime,
    viewer: Actor | None = None,
) -> tuple[list[Member], list[datetime], list[list[str]]]:
    """The month report's plan table: the members (``viewer`` may read; the active ones, and
    whoever else was a member on one of the deadlines), each period's due time, and each
    member's status per period (``not_expected`` where the period's plan was not theirs to
    hand in: before they joined, after they left, a department summary of someone not its
    head), from three queries: the roster, the members' plans over the covering index, the
    department's summaries (the database decides who was a member when, and on time or late,
    so no date of joining nor submission time of a member is read: 60k statuses at 10k
    people)."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    dues = [due_of(session, kind, period)[0] for kind, period in periods]
    unsent = [cal.status(due, None, now) for due in dues]
    # each period's deadline day, as an index into the distinct days, ascending
    deadline_days = [due.astimezone(tz).date() for due in dues]
    days = sorted(set(deadline_days))
    at = [days.index(d) for d in deadline_days]
    roster = _roster(session, m, days, viewer)
    members = [p for p, _, _ in roster]
    if not periods:
        return members, dues, [[] for _ in members]
    # per period: NULL = nothing in, 1 = first version late, 2 = first version on time; the
    # members' plans from one grouped query over the covering index (the database decides on
    # time or late), the few department summaries from a second
    own_periods = [(i, p) for i, p in enumerate(periods) if p[0] != "dept"]
    cells = [
        func.max(
            case(
                (
                    and_(PL.c.kind == kind, PL.c.period == period),
                    case((PL.c.submitted_at <= dues[i], 2), else_=1),
                ),
            )
        )
        for i, (kind, period) in own_periods
    ]
    got: dict[int, list[int | None]] = {}
    prefix = [i for i, _ in own_periods] == list(range(len(own_periods)))
    pad = [None] * (len(periods) - len(own_periods))
    if own_periods:
        for staff_id, *codes in (
            session.connection()
            .execute(
                select(PL.c.staff_id, *cells)
                .where(tuple_(PL.c.kind, PL.c.period).in_([p for _, p in own_periods]))
                .group_by(PL.c.staff_id)
            )
            .all()
        ):
            if prefix:  # the usual order: the members' periods, then the summaries
                got[staff_id] = [*codes, *pad]
            else:
                row = got[staff_id] = [None] * len(periods)
                for (i, _), code in zip(own_periods, codes, strict=True):
                    row[i] = code
    summaries = {period: i for i, (kind, period) in enumerate(periods) if kind == "dept"}
    if summaries:
        for staff_id, period, first in session.connection().execute(
            select(PL.c.staff_id, PL.c.period, func.min(PL.c.submitted_at))
            .where(PL.c.kind == "dept", PL.c.period.in_(list(summaries)))
            .group_by(PL.c.staff_id, PL.c.period)
        ):
            i = summaries[period]
            got.setdefault(staff_id, [None] * len(periods))[i] = 2 if first <= dues[i] else 1
    none = [None] * len(periods)
    names = {None: None, 1: "late", 2: "on_time"}
    head = m.head()
    head_id = head.id if head is not None else None
    dept = [kind == "dept" for kind, _ in periods]
    # which periods are someone's who was a member on every one of the days: all of them for
    # the head, all but the department's summaries for anyone else
    everything, own = [True] * len(periods), [not d for d in dept]
    k, n = len(days), len(periods)
    grid = []
    for p, lo, hi in roster:
        codes = got.get(p.id, none)
        heads = p.position_id == head_id
        if lo == 0 and hi == k:
            expected = everything if heads else own
        else:
            expected = [lo <= at[i] < hi and (heads or not dept[i]) for i in range(n)]
        # core.plans.cell, inlined: 60k cells at 10k people
        grid.append([(names[c] or unsent[i]) if expected[i] else NE for i, c in enumerate(codes)])
    excused = [i for i, (kind, _) in enumerate(periods) if kind in rules.EXCUSED_KINDS]
    if excused:  # the few people on approved leave on a Monday deadline's day
        away = approved_leave(session, [deadline_days[i] for i in excused])
        for row_no, p in enumerate(members):
            spans = away.get(p.id)
            if spans:
                statuses = grid[row_no]
                for i in excused:
                    on = rules.away_on(deadline_days[i], spans)
                    statuses[i] = rules.excused(statuses[i], periods[i][0], on)
    return members, dues, grid


def approved_leave(session: Session, days: list[date]) -> dict[int, list[tuple[date, date]]]:
    """Who is on approved leave (or an approved shift swap) on one of ``days``: staff id ->
    their approved spans (first, last day) that hold one of them, from one query."""
    if not days:
        return {}
    lv = schema.leave
    rows = session.connection().execute(
        select(lv.c.staff_id, lv.c.start, lv.c.end).where(
            lv.c.status == "approved", lv.c.start <= max(days), lv.c.end >= min(days)
        )
    ).all()
    out: dict[int, list[tuple[date, date]]] = {}
    for staff_id, first, last in rows:
        if any(first <= d <= last for d in days):
            out.setdefault(staff_id, []).append((first, last))
    return out


def plan_status(
    session: Session, *, kind: str, period: str, now: datetime, viewer: Actor | None = None
) -> PlanStatusOut:
    """Every member's Monday plan (``kind`` week) or month-end summary (``kind`` month) for
    ``period``: on time, late, missing (past due), open, or not expected (not a member on the
    deadline's day); of the members ``viewer`` may read. A week's also lists the department
    head's summary of the department."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    due, warnings = due_of(session, kind, period)
    kinds = [kind, "dept"] if kind == "week" else [kind]
    head = m.head()
    roster = _roster(session, m, [due.astimezone(tz).date()], viewer)
    got = {
        (staff_id, k): (when, n)
        for staff_id, k, n, when in session.connection()
        .execute(
            select(PL.c.staff_id, PL.c.kind, func.count(), func.min(PL.c.submitted_at))
            .where(PL.c.kind.in_(kinds), PL.c.period == period)
            .group_by(PL.c.staff_id, PL.c.kind)
        )
        .all()
    }
    unsent = cal.status(due, None, now)
    day = due.astimezone(tz).date()
    away = approved_leave(session, [day]) if kind == "week" else {}
    rows: list[PlanStatusRowOut] = []
    department: list[PlanStatusRowOut] = []
    for p, lo, hi in roster:
        member = lo == 0 and hi == 1  # a member on the deadline's day
        for k, out in zip(kinds, (rows, department), strict=False):
            if k == "dept" and (head is None or p.position_id != head.id):
                continue  # the department's summary is its head's alone
            when, n = got.get((p.id, k), (None, 0))
            out.append(
                PlanStatusRowOut(
                    name=p.name,
                    position=p.position_id,
                    due_at=due,
                    submitted_at=when.astimezone(tz) if when else None,
                    status=rules.excused(
                        rules.cell(member, cal.status(due, when, now) if when else None, unsent),
                        k,
                        rules.away_on(day, away.get(p.id, ())),
                    ),
                    versions=n,
                )
            )
    counts = {s: sum(1 for r in rows if r.status == s) for s in rules.STATUSES}
    return PlanStatusOut(
        kind=kind,
        period=period,
        due_at=due,
        warnings=warnings,
        calendar_known=knows(session, due.astimezone(tz).year),
        counts=counts,
        members=rows,
        department=department,
    )


def plan_show(
    session: Session, *, who: Person | str, kind: str, period: str, viewer: Actor | None = None
) -> PlanOut:
    """``who``'s submitted plan for ``period`` (its newest version), if ``viewer`` may read
    it."""
    m = current(session).manual
    person = resolve(session, who, active=False)
    if viewer is not None:
        _require_records(session, viewer, person)
    rows = _versions(session, person.id, kind, period)
    if not rows:
        what = {"week": "Monday plan", "dept": "department summary"}.get(kind, "month-end summary")
        raise NotFound(f"{person.name} has no {what} for {period}")
    due, _ = due_of(session, kind, period)
    return _plan_out(
        rows,
        person.name,
        zone(m.calendar.timezone),
        _expected_of(session, m, person.id, kind, due),
        due,
    )


def calendar_month(session: Session, *, month: Month | None, now: datetime) -> CalendarOut:
    """``month`` (default: the month of ``now``): working days, holidays, adjusted working
    days, and the Monday-plan and month-end deadlines."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    y, mo = month if month is not None else (now.year, now.month)
    first = date(y, mo, 1)
    last = date(y + (mo == 12), mo % 12 + 1, 1).toordinal() - 1
    month_days = list(cal.days(first, date.fromordinal(last)))
    weeks = sorted({d.isocalendar()[:2] for d in month_days})
    years = {d.year for wy, ww in weeks for d in cal.week_days(wy, ww)}
    work, warnings = work_calendar(session, years)
    deadlines: list[DeadlineOut] = []
    marks: dict[date, list[str]] = {}
    for wy, ww in weeks:
        day = cal.monday_plan_day(wy, ww, work)
        if day.month == mo and day.year == y:
            period = f"{wy}-W{ww:02d}"
            deadlines.append(
                DeadlineOut(kind="monday_plan", period=period, due_at=cal.end_of(day, tz))
            )
            marks.setdefault(day, []).append(f"monday_plan {period}")
    end_day = cal.month_end_day(y, mo, work)
    deadlines.append(
        DeadlineOut(kind="month_end", period=f"{y:04d}-{mo:02d}", due_at=cal.end_of(end_day, tz))
    )
    marks.setdefault(end_day, []).append(f"month_end {y:04d}-{mo:02d}")
    days_out = [
        DayOut(
            date=d,
            weekday=WEEKDAYS[d.weekday()],
            working=work.is_working(d),
            holiday=work.holidays.get(d),
            adjusted_workday=work.workdays.get(d),
            deadlines=marks.get(d, []),
        )
        for d in month_days
    ]
    missing = next_year_missing(session, now.astimezone(tz).date())
    if missing is not None:
        warnings = [*warnings, next_year_warning(missing)]
    return CalendarOut(
        month=f"{y:04d}-{mo:02d}",
        known=work.knows(y),
        next_year_missing=missing,
        warnings=warnings,
        working_days=sum(1 for d in days_out if d.working),
        deadlines=sorted(deadlines, key=lambda d: d.due_at),
        days=days_out,
    )
