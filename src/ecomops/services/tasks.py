"""Tasks: created from the handbook (§7.2 goals, §8.1 phases, §8.2 assignments) and by hand;
worked through open → doing → done, or dropped (cancelled, with a reason, kept with its
history); overdue after the end of the due date while still owed."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from ecomops.clock import zone
from ecomops.core import tasks as rules
from ecomops.core.permissions import About
from ecomops.db import schema
from ecomops.db.bulk import inserted_id
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotFound, Suggest
from ecomops.services.handbook import current
from ecomops.services.people import Person, resolve
from ecomops.services.people import names as _names
from ecomops.services.permissions import require
from ecomops.text import localize

if TYPE_CHECKING:
    from ecomops.handbook.model import Manual
    from ecomops.services.identity import Actor

from ecomops.views import CancelledTaskOut, TaskDetailOut, TaskEventOut, TaskOut, trusted

TK = schema.task
TE = schema.task_event
ST = schema.staff
SOURCES = rules.SOURCES
STATUSES = rules.STATUSES
#: a task still owed (neither done nor cancelled), as SQL
OWED = TK.c.status.not_in(rules.CLOSED)


# --- from the handbook -------------------------------------------------------------------------


def sync_handbook_tasks(
    conn: Connection, m: Manual, year: int, now: datetime, *, since: date | None = None
) -> dict[str, int]:
    """Create, update or retire the handbook's tasks in place. A new task due before the
    department's start day ``since`` is created cancelled (it was overdue before the
    department started). An existing task is never cancelled and its status never reset, with
    one exception: one the handbook itself cancelled that way, untouched since, whose due date
    the reload moves to the start day or later, is reopened. An owner or due date changed by
    hand is kept."""
    desired = {t["ref"]: t for t in rules.handbook_tasks(m, year)}
    existing = {r.ref: r for r in conn.execute(select(TK).where(TK.c.ref.is_not(None)))}
    # the handbook tasks someone worked on (any event but the handbook's own)
    touched = set(
        conn.execute(
            select(TE.c.task_id)
            .join(TK, TK.c.id == TE.c.task_id)
            .where(TK.c.ref.is_not(None), or_(TE.c.actor.is_(None), TE.c.actor != "handbook"))
            .distinct()
        ).scalars()
    )
    new = []
    for ref, t in desired.items():
        if ref in existing:
            continue
        dropped = rules.before_start(t["due"], since)
        new.append(
            dict(
                t,
                status="cancelled" if dropped else "open",
                cancel_reason=rules.BEFORE_START if dropped else None,
                created_at=now,
                owner_by_hand=False,
                due_by_hand=False,
            )
        )
    events = []
    if new:
        ids = (
            conn.execute(insert(TK).returning(TK.c.id, sort_by_parameter_order=True), new)
            .scalars()
            .all()
        )
        for i, t in zip(ids, new, strict=True):
            events.append(_handbook_event(i, now, "created", t["ref"]))
            if t["status"] == "cancelled":
                events.append(_handbook_event(i, now, "cancelled", t["cancel_reason"]))
    updated = 0
    for ref, t in desired.items():
        row = existing.get(ref)
        if row is None:
            continue
        values = {k: t[k] for k in ("title_zh", "title_en", "goal_id", "source")}
        if not row.due_by_hand:
            values.update(due=t["due"], target=t["target"])
        if not row.owner_by_hand:
            values["owner_position_id"] = t["owner_position_id"]
        due = values.get("due", row.due)
        if row.id not in touched and rules.no_longer_before_start(
            row.status, row.cancel_reason, due, since
        ):
            values.update(status="open", cancel_reason=None)
            events.append(_handbook_event(row.id, now, "reopened", f"due {due}"))
        if any(getattr(row, k) != v for k, v in values.items()):
            conn.execute(update(TK).where(TK.c.id == row.id).values(**values))
            updated += 1
    if events:
        conn.execute(insert(TE), events)
    retired = 0
    for ref, row in existing.items():
        if ref in desired:
            continue
        # nobody worked on it: open as made, or cancelled as made (before the start day)
        untouched = row.status in ("open", "cancelled") and not (
            row.owner_by_hand or row.due_by_hand
        )
        if untouched and row.id not in touched:
            conn.execute(delete(TE).where(TE.c.task_id == row.id))
            conn.execute(delete(TK).where(TK.c.id == row.id))
            retired += 1
    return {"added": len(new), "updated": updated, "removed": retired}


def _handbook_event(task_id: int, now: datetime, action: str, detail: str | None) -> dict:
    return dict(task_id=task_id, at=now, actor="handbook", action=action, detail=detail)


# --- views --------------------------------------------------------------------------------------


def _holders(session: Session, positions: set[str] | None = None) -> dict[str, list[str]]:
    """Active holders' names by position (only ``positions`` when given)."""
    q = select(ST.c.position_id, ST.c.name).where(ST.c.active).order_by(ST.c.id)
    if positions is not None:
        if not positions:
            return {}
        q = q.where(ST.c.position_id.in_(sorted(positions)))
    out: dict[str, list[str]] = {}
    for pid, name in session.connection().execute(q):
        out.setdefault(pid, []).append(name)
    return out


def _owner_name(row, names: dict[int, str], holders: dict[str, list], position_name) -> str | None:
    if row.owner_id is not None:
        return names.get(row.owner_id)
    if row.owner_position_id is None:
        return None
    people = holders.get(row.owner_position_id, [])
    if len(people) == 1:
        return people[0]
    return position_name(row.owner_position_id)


def _position_namer(session: Session, lang: str):
    """A position's name in ``lang``, from the handbook's position table (read on first use:
    most listings never need one)."""
    found: dict[str, str] = {}

    def name(position_id: str) -> str:
        if not found:
            po = schema.position
            for pid, zh, en in session.connection().execute(
                select(po.c.id, po.c.name_zh, po.c.name_en)
            ):
                found[pid] = localize(zh, en, lang)
        return found.get(position_id, position_id)

    return name


def _task_fields(row, names, holders, position_name, tz, late: int, lang: str) -> dict:
    """A task row as TaskOut's fields; ``late`` is its days overdue (0: not overdue)."""
    return {
        "id": row.id,
        "title": localize(row.title_zh, row.title_en, lang),
        "source": row.source,
        "ref": row.ref,
        "goal": row.goal_id,
        "owner": _owner_name(row, names, holders, position_name),
        "owner_position": row.owner_position_id,
        "due": row.due,
        "target": row.target,
        "status": row.status,
        "overdue": late > 0,
        "days_overdue": late,
        "done_at": row.done_at.astimezone(tz) if row.done_at else None,
        "note": row.note,
    }


def _task_out(session: Session, row, names, holders, now: datetime, lang: str) -> TaskOut:
    cur = current(session)
    tz = zone(cur.timezone)
    late = rules.days_overdue(row.due, rules.is_closed(row.status), now, tz)
    namer = _position_namer(session, lang)
    return TaskOut(**_task_fields(row, names, holders, namer, tz, late, lang))


# the columns a listing shows (not the bookkeeping ones)
_LISTED = (
    "id",
    "title_zh",
    "title_en",
    "source",
    "ref",
    "goal_id",
    "owner_id",
    "owner_position_id",
    "due",
    "target",
    "status",
    "done_at",
    "note",
)

class _Listed(NamedTuple):
    """A listed task: the ``_LISTED`` columns and the owner's name."""

    id: int
    title_zh: str
    title_en: str
    source: str
    ref: str | None
    goal_id: str | None
    owner_id: int | None
    owner_position_id: str | None
    due: date
    target: date | None
    status: str
    done_at: datetime | None
    note: str | None
    owner_name: str | None


def tasks_list(
    session: Session,
    *,
    now: datetime,
    lang: str,
    overdue: bool = False,
    due_within: int | None = None,
    owner: Person | str | None = None,
    source: str | None = None,
    status: str | None = None,
    overdue_or_done_between: tuple[datetime, datetime] | None = None,
    cancelled_between: tuple[datetime, datetime] | None = None,
) -> list[TaskOut]:
    """Tasks, filtered; ``overdue`` and ``due_within`` keep only work still owed (neither done
    nor cancelled); ``overdue_or_done_between`` keeps the ones the month report shows:
    overdue as of ``now``, or done in that window; ``cancelled_between`` the cancelled ones
    whose last cancellation falls in that window."""
    cur = current(session)  # the handbook itself only if a task's owner is a position
    tz = zone(cur.timezone)
    today = now.astimezone(tz).date()
    # the owner's name comes with the row (a join, not a read of the whole roster)
    q = select(*(TK.c[c] for c in _LISTED), ST.c.name.label("owner_name")).select_from(
        TK.outerjoin(ST, ST.c.id == TK.c.owner_id)
    )
    if source:
        if source not in SOURCES:
            raise InvalidInput(f"unknown source {source!r}", f"use one of {', '.join(SOURCES)}")
        q = q.where(TK.c.source == source)
    if status:
        if status not in STATUSES:
            raise InvalidInput(f"unknown status {status!r}", f"use one of {', '.join(STATUSES)}")
        q = q.where(TK.c.status == status)
    if overdue:
        q = q.where(OWED, TK.c.due < today)
    if due_within is not None:
        if due_within < 0:
            raise InvalidInput(
                "the number of days ahead must be 0 or more", param="due_within"
            )
        # any horizon past the last date there is means "every task not done"
        ahead = min(due_within, date.max.toordinal() - today.toordinal())
        horizon = date.fromordinal(today.toordinal() + ahead)
        q = q.where(OWED, TK.c.due <= horizon)
    if overdue_or_done_between is not None:
        start, end = overdue_or_done_between
        q = q.where(
            or_(
                and_(OWED, TK.c.due < today),
                and_(TK.c.done_at >= start, TK.c.done_at <= end),
            )
        )
    if cancelled_between is not None:
        start, end = cancelled_between
        last = _last_cancelled().subquery()
        q = q.where(
            TK.c.status == "cancelled",
            TK.c.id.in_(select(last.c.task_id).where(last.c.at >= start, last.c.at <= end)),
        )
    if owner is not None:
        owner = resolve(session, owner, active=False)
        q = q.where(
            or_(
                TK.c.owner_id == owner.id,
                (TK.c.owner_id.is_(None)) & (TK.c.owner_position_id == owner.position_id),
            )
        )
    # plain named tuples: a SQLAlchemy Row's attribute access costs ~1 µs, 14 per task
    rows = [_Listed._make(r) for r in session.connection().execute(q.order_by(TK.c.due, TK.c.id))]
    lateness: dict[tuple[date, bool], int] = {}  # thousands of rows share a few due dates
    late = []
    for r in rows:
        k = (r.due, r.status in rules.CLOSED)
        if k not in lateness:
            lateness[k] = rules.days_overdue(r.due, k[1], now, tz)
        late.append(lateness[k])
    if overdue:  # the SQL pre-filter works on dates; the rule itself is exact to the second
        kept = [(r, n) for r, n in zip(rows, late, strict=True) if n > 0]
    else:
        kept = list(zip(rows, late, strict=True))
    names = {r.owner_id: r.owner_name for r, _ in kept if r.owner_id is not None}
    unowned = {r.owner_position_id for r, _ in kept if r.owner_id is None}
    holders = _holders(session, {p for p in unowned if p is not None})
    namer = _position_namer(session, lang)
    return [trusted(TaskOut, _task_fields(r, names, holders, namer, tz, n, lang)) for r, n in kept]


def _task(session: Session, task_id: int):
    if not 0 < task_id < 2**63:  # no id is ever outside the database's integers
        which = task_id if abs(task_id) < 2**63 else "that large"
        raise NotFound(f"no task with id {which}", "see: {command}", suggest=Suggest("tasks.list"))
    row = session.connection().execute(select(TK).where(TK.c.id == task_id)).first()
    if row is None:
        raise NotFound(
            f"no task with id {task_id}", "see: {command}", suggest=Suggest("tasks.list")
        )
    return row


def _event(
    session: Session, task_id: int, now: datetime, who: str, action: str, detail: str | None = None
) -> None:
    session.connection().execute(
        insert(TE).values(task_id=task_id, at=now, actor=who, action=action, detail=detail)
    )


def task_show(session: Session, task_id: int, *, now: datetime, lang: str) -> TaskDetailOut:
    """One task with its history."""
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    row = _task(session, task_id)
    base = _task_out(session, row, _names(session), _holders(session), now, lang)
    events = (
        session.connection()
        .execute(select(TE).where(TE.c.task_id == task_id).order_by(TE.c.id))
        .all()
    )
    return TaskDetailOut(
        **base.model_dump(),
        cancel_reason=row.cancel_reason,
        history=[
            TaskEventOut(at=e.at.astimezone(tz), actor=e.actor, action=e.action, detail=e.detail)
            for e in events
        ],
    )


def task_add(
    session: Session,
    *,
    title: str,
    owner: Person | str,
    due: date,
    goal: str | None,
    actor: Actor,
    now: datetime,
    lang: str,
    past: bool = False,
) -> TaskDetailOut:
    """Add a task by hand for ``owner`` (active), due on ``due``, serving ``goal`` if given; a
    due date before today is refused unless ``past`` (recorded after the fact)."""
    m = current(session).manual
    text = " ".join(title.split())
    if not text:
        raise InvalidInput("the title is empty", "give the task's title", param="title")
    person = resolve(session, owner)
    if actor.person is None or actor.person.id != person.id:  # one's own task is one's own
        require(session, actor, "assign_task", what=f"(a task for {person.name})")
    when = rules.check_due(due, now.astimezone(zone(m.calendar.timezone)).date(), past)
    goal_id = None
    if goal:
        known = {gid for gid, *_ in m.goal_items()}
        goal_id = goal.strip().lower()
        if goal_id not in known:
            raise NotFound(
                f"unknown goal {goal!r}",
                "see the ids with: {command}",
                suggest=Suggest("goals.list"),
            )
    new_id = inserted_id(
        session.connection()
        .execute(
            insert(TK).values(
                ref=None,
                source="manual",
                title_zh=text,
                title_en=text,
                goal_id=goal_id,
                owner_position_id=person.position_id,
                owner_id=person.id,
                due=when,
                target=None,
                status="open",
                owner_by_hand=True,
                due_by_hand=True,
                created_at=now,
            )
        )
    )
    _event(session, new_id, now, actor.label, "created", f"owner {person.name}, due {when}")
    return task_show(session, new_id, now=now, lang=lang)


def task_assign(
    session: Session, task_id: int, owner: Person | str, *, actor: Actor, now: datetime, lang: str
) -> TaskDetailOut:
    """Give task ``task_id`` to ``owner`` (a handbook reload keeps this)."""
    require(session, actor, "assign_task", what=f"(task {task_id})")
    row = _task(session, task_id)
    person = resolve(session, owner)
    if row.owner_id == person.id:
        raise InvalidInput(f"task {task_id} is already {person.name}'s")
    session.connection().execute(
        update(TK)
        .where(TK.c.id == task_id)
        .values(owner_id=person.id, owner_position_id=person.position_id, owner_by_hand=True)
    )
    _event(session, task_id, now, actor.label, "assigned", person.name)
    return task_show(session, task_id, now=now, lang=lang)


def _move(session: Session, row, values: dict[str, object]) -> None:
    """Write a status change of ``row``, if its status is still the one read (else another
    command changed it meanwhile: refused, nothing written)."""
    done = session.connection().execute(
        update(TK).where(TK.c.id == row.id, TK.c.status == row.status).values(**values)
    )
    if done.rowcount != 1:
        raise InvalidInput(
            f"task {row.id} changed while this ran",
            "look at it again: {command}",
            suggest=Suggest("tasks.show", (str(row.id),)),
        )


def task_set_status(
    session: Session,
    task_id: int,
    status: str,
    *,
    actor: Actor,
    now: datetime,
    lang: str,
    note: str | None = None,
) -> TaskDetailOut:
    """Move task ``task_id`` to ``status`` (open → doing → done, or back to open). Reopening
    a cancelled task is for whoever may assign it; cancelling is :func:`task_cancel`'s (it
    takes a reason)."""
    if status == "cancelled":
        raise InvalidInput("cancelling a task takes a reason", "cancel it with its reason")
    row = _task(session, task_id)
    about = About(task_owner_id=row.owner_id, task_owner_position=row.owner_position_id)
    require(session, actor, rules.permission(row.status, status), about, what=f"(task {task_id})")
    verb = rules.transition(task_id, row.status, status)
    values: dict[str, object] = {"status": status}
    if status == "done":
        values.update(done_at=now, note=note.strip() if note and note.strip() else row.note)
    elif status == "open":
        values.update(done_at=None, cancel_reason=None)
    _move(session, row, values)
    _event(session, task_id, now, actor.label, verb, note.strip() if note else None)
    return task_show(session, task_id, now=now, lang=lang)


def task_cancel(
    session: Session, task_id: int, *, reason: str, actor: Actor, now: datetime, lang: str
) -> TaskDetailOut:
    """Drop task ``task_id`` (open or doing) for ``reason``: it is kept with its history,
    never overdue, due soon nor reminded, until it is reopened. For whoever may assign it."""
    require(session, actor, "assign_task", what=f"(task {task_id})")
    row = _task(session, task_id)
    verb = rules.transition(task_id, row.status, "cancelled")
    why = rules.check_reason(reason)
    _move(session, row, {"status": "cancelled", "cancel_reason": why})
    _event(session, task_id, now, actor.label, verb, why)
    return task_show(session, task_id, now=now, lang=lang)


def _last_cancelled():
    """Each task's last cancellation: (task_id, at)."""
    return (
        select(TE.c.task_id, func.max(TE.c.at).label("at"))
        .where(TE.c.action == "cancelled")
        .group_by(TE.c.task_id)
    )


def tasks_cancelled(
    session: Session, *, between: tuple[datetime, datetime], now: datetime, lang: str
) -> list[CancelledTaskOut]:
    """The tasks cancelled now whose last cancellation falls ``between`` (start, end), with
    when and why, by due date (the month report's)."""
    tz = zone(current(session).timezone)
    listed = tasks_list(session, now=now, lang=lang, cancelled_between=between)
    if not listed:
        return []
    last = _last_cancelled().subquery()
    why = {
        i: (reason, at)
        for i, reason, at in session.connection().execute(
            select(TK.c.id, TK.c.cancel_reason, last.c.at)
            .join(last, last.c.task_id == TK.c.id)
            .where(TK.c.id.in_([t.id for t in listed]))
        )
    }
    return [
        CancelledTaskOut(
            **t.model_dump(),
            cancel_reason=why[t.id][0] or "",
            cancelled_at=why[t.id][1].astimezone(tz),
        )
        for t in listed
    ]


def task_set_due(
    session: Session,
    task_id: int,
    due: date,
    *,
    actor: Actor,
    now: datetime,
    lang: str,
    past: bool = False,
) -> TaskDetailOut:
    """Move task ``task_id``'s due date (a handbook reload keeps this); a date before today is
    refused unless ``past``."""
    require(session, actor, "assign_task", what=f"(task {task_id})")
    row = _task(session, task_id)
    today = now.astimezone(zone(current(session).manual.calendar.timezone)).date()
    when = rules.check_due(due, today, past)
    session.connection().execute(
        update(TK).where(TK.c.id == task_id).values(due=when, due_by_hand=True)
    )
    _event(session, task_id, now, actor.label, "rescheduled", f"{row.due} → {when}")
    return task_show(session, task_id, now=now, lang=lang)
