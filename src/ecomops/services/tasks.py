"""Tasks: created from the handbook (§7.2 goals, §8.1 phases, §8.2 assignments) and by hand;
worked through open → doing → done; overdue after the end of the due date."""

from __future__ import annotations

import getpass
from collections import namedtuple
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Integer, and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from ecomops.clock import zone
from ecomops.core import tasks as rules
from ecomops.core.calendar import parse_date
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotFound
from ecomops.services.manual import current
from ecomops.services.people import find_person as _person
from ecomops.services.people import names as _names
from ecomops.text import localize

if TYPE_CHECKING:
    from ecomops.handbook.model import Manual

from ecomops.views import GoalProgressOut, TaskDetailOut, TaskEventOut, TaskOut, trusted

TK = schema.task
TE = schema.task_event
ST = schema.staff
SOURCES = ("goal", "phase", "assigned", "manual")
STATUSES = ("open", "doing", "done")


def actor(name: str | None) -> str:
    """Who does it: ``--as``, else ``ECOMOPS_AS``, else the operating-system user."""
    import os

    name = name or os.environ.get("ECOMOPS_AS")
    if name and name.strip():
        return name.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user database
        return "unknown"


# --- from the handbook -------------------------------------------------------------------------


def handbook_tasks(m: Manual, year: int) -> list[dict]:
    """The tasks the handbook implies (pure)."""
    head = m.head()
    owner = head.id if head else None
    goal_due = {}
    out = []
    for gid, month, _n, item in m.goal_items():
        due = rules.month_end(year, month.month)
        goal_due[gid] = due
        out.append(
            dict(
                ref=f"goal:{gid}",
                source="goal",
                title_zh=item.zh,
                title_en=item.en,
                goal_id=gid,
                owner_position_id=owner,
                due=due,
                target=None,
            )
        )
    effective = date(year, m.calendar.effective_month, m.calendar.effective_day)
    windows = rules.phase_windows(
        effective, [(p.id, p.months_min, p.months_max) for p in m.workflow.phases]
    )
    for phase, window in zip(m.workflow.phases, windows, strict=True):
        for n, item in enumerate(phase.items, start=1):
            out.append(
                dict(
                    ref=f"phase:{phase.id}.{n}",
                    source="phase",
                    title_zh=item.zh,
                    title_en=item.en,
                    goal_id=None,
                    owner_position_id=owner,
                    due=window.due,
                    target=window.target,
                )
            )
    for a in m.workflow.assignments:
        for n, t in enumerate(a.tasks, start=1):
            due = goal_due.get(t.serves) if t.serves else None
            out.append(
                dict(
                    ref=f"assigned:{a.position}.{n}",
                    source="assigned",
                    title_zh=t.zh,
                    title_en=t.en,
                    goal_id=t.serves,
                    owner_position_id=a.position,
                    due=due or rules.month_end(year, m.calendar.effective_month),
                    target=None,
                )
            )
    return out


def sync_handbook_tasks(conn: Connection, m: Manual, year: int, now: datetime) -> dict[str, int]:
    """Create, update or retire the handbook's tasks in place. A task's status is never reset,
    and an owner or due date changed by hand is kept."""
    desired = {t["ref"]: t for t in handbook_tasks(m, year)}
    existing = {r.ref: r for r in conn.execute(select(TK).where(TK.c.ref.is_not(None)))}
    new = [
        dict(t, status="open", created_at=now, owner_by_hand=False, due_by_hand=False)
        for ref, t in desired.items()
        if ref not in existing
    ]
    if new:
        ids = (
            conn.execute(insert(TK).returning(TK.c.id, sort_by_parameter_order=True), new)
            .scalars()
            .all()
        )
        conn.execute(
            insert(TE),
            [
                dict(task_id=i, at=now, actor="handbook", action="created", detail=t["ref"])
                for i, t in zip(ids, new, strict=True)
            ],
        )
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
        if any(getattr(row, k) != v for k, v in values.items()):
            conn.execute(update(TK).where(TK.c.id == row.id).values(**values))
            updated += 1
    retired = 0
    for ref, row in existing.items():
        if ref in desired:
            continue
        untouched = row.status == "open" and not (row.owner_by_hand or row.due_by_hand)
        events = conn.execute(select(func.count()).where(TE.c.task_id == row.id)).scalar()
        if untouched and events <= 1:
            conn.execute(delete(TE).where(TE.c.task_id == row.id))
            conn.execute(delete(TK).where(TK.c.id == row.id))
            retired += 1
    return {"added": len(new), "updated": updated, "removed": retired}


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
    late = rules.days_overdue(row.due, row.status == "done", now, tz)
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

_Listed = namedtuple("_Listed", (*_LISTED, "owner_name"))


def tasks_list(
    session: Session,
    *,
    now: datetime,
    lang: str,
    overdue: bool = False,
    due_within: int | None = None,
    owner: str | None = None,
    source: str | None = None,
    status: str | None = None,
    overdue_or_done_between: tuple[datetime, datetime] | None = None,
) -> list[TaskOut]:
    """Tasks, filtered; ``overdue_or_done_between`` keeps the ones the month report shows:
    overdue as of ``now``, or done in that window."""
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
        q = q.where(TK.c.status != "done", TK.c.due < today)
    if due_within is not None:
        if due_within < 0:
            raise InvalidInput("--due-within takes a number of days, 0 or more")
        q = q.where(
            TK.c.status != "done", TK.c.due <= date.fromordinal(today.toordinal() + due_within)
        )
    if overdue_or_done_between is not None:
        start, end = overdue_or_done_between
        q = q.where(
            or_(
                and_(TK.c.status != "done", TK.c.due < today),
                and_(TK.c.done_at >= start, TK.c.done_at <= end),
            )
        )
    if owner:
        person = _person(session, owner, active=False)
        q = q.where(
            or_(
                TK.c.owner_id == person.id,
                (TK.c.owner_id.is_(None)) & (TK.c.owner_position_id == person.position_id),
            )
        )
    # plain named tuples: a SQLAlchemy Row's attribute access costs ~1 µs, 14 per task
    rows = [_Listed._make(r) for r in session.connection().execute(q.order_by(TK.c.due, TK.c.id))]
    lateness: dict[tuple[date, bool], int] = {}  # thousands of rows share a few due dates
    late = []
    for r in rows:
        k = (r.due, r.status == "done")
        if k not in lateness:
            lateness[k] = rules.days_overdue(r.due, k[1], now, tz)
        late.append(lateness[k])
    if overdue:  # the SQL pre-filter works on dates; the rule itself is exact to the second
        kept = [(r, n) for r, n in zip(rows, late, strict=True) if n > 0]
    else:
        kept = list(zip(rows, late, strict=True))
    names = {r.owner_id: r.owner_name for r, _ in kept if r.owner_id is not None}
    holders = _holders(session, {r.owner_position_id for r, _ in kept if r.owner_id is None})
    namer = _position_namer(session, lang)
    return [trusted(TaskOut, _task_fields(r, names, holders, namer, tz, n, lang)) for r, n in kept]


def _task(session: Session, task_id: int):
    row = session.connection().execute(select(TK).where(TK.c.id == task_id)).first()
    if row is None:
        raise NotFound(f"no task with id {task_id}", "see: ecomops tasks list")
    return row


def _event(
    session: Session, task_id: int, now: datetime, who: str, action: str, detail: str | None = None
) -> None:
    session.connection().execute(
        insert(TE).values(task_id=task_id, at=now, actor=who, action=action, detail=detail)
    )


def task_show(session: Session, task_id: int, *, now: datetime, lang: str) -> TaskDetailOut:
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
        history=[
            TaskEventOut(at=e.at.astimezone(tz), actor=e.actor, action=e.action, detail=e.detail)
            for e in events
        ],
    )


def task_add(
    session: Session,
    *,
    title: str,
    owner: str,
    due: str,
    goal: str | None,
    who: str,
    now: datetime,
    lang: str,
) -> TaskDetailOut:
    m = current(session).manual
    text = " ".join(title.split())
    if not text:
        raise InvalidInput("the title is empty", "give the task's title")
    person = _person(session, owner)
    when = parse_date(due, "--due")
    goal_id = None
    if goal:
        known = {gid for gid, *_ in m.goal_items()}
        goal_id = goal.strip().lower()
        if goal_id not in known:
            raise NotFound(f"unknown goal {goal!r}", "see the ids with: ecomops goals list")
    new_id = (
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
        .inserted_primary_key[0]
    )
    _event(session, new_id, now, who, "created", f"owner {person.name}, due {when}")
    return task_show(session, new_id, now=now, lang=lang)


def task_assign(
    session: Session, task_id: int, owner: str, *, who: str, now: datetime, lang: str
) -> TaskDetailOut:
    row = _task(session, task_id)
    person = _person(session, owner)
    if row.owner_id == person.id:
        raise InvalidInput(f"task {task_id} is already {person.name}'s")
    session.connection().execute(
        update(TK)
        .where(TK.c.id == task_id)
        .values(owner_id=person.id, owner_position_id=person.position_id, owner_by_hand=True)
    )
    _event(session, task_id, now, who, "assigned", person.name)
    return task_show(session, task_id, now=now, lang=lang)


def task_set_status(
    session: Session,
    task_id: int,
    status: str,
    *,
    who: str,
    now: datetime,
    lang: str,
    note: str | None = None,
) -> TaskDetailOut:
    row = _task(session, task_id)
    allowed = {"doing": ("open",), "done": ("open", "doing"), "open": ("done", "doing")}
    verbs = {"doing": "started", "done": "done", "open": "reopened"}
    if row.status not in allowed[status]:
        raise InvalidInput(
            f"task {task_id} is {row.status}; it cannot be "
            f"{'marked ' + status if status != 'open' else 'reopened'}"
        )
    values: dict = {"status": status}
    if status == "done":
        values.update(done_at=now, note=note.strip() if note and note.strip() else row.note)
    elif status == "open":
        values["done_at"] = None
    session.connection().execute(update(TK).where(TK.c.id == task_id).values(**values))
    _event(session, task_id, now, who, verbs[status], note.strip() if note else None)
    return task_show(session, task_id, now=now, lang=lang)


def task_set_due(
    session: Session, task_id: int, due: str, *, who: str, now: datetime, lang: str
) -> TaskDetailOut:
    row = _task(session, task_id)
    when = parse_date(due, "--due")
    session.connection().execute(
        update(TK).where(TK.c.id == task_id).values(due=when, due_by_hand=True)
    )
    _event(session, task_id, now, who, "rescheduled", f"{row.due} → {when}")
    return task_show(session, task_id, now=now, lang=lang)


def goal_progress(session: Session, goal_ids: Iterable[str]) -> dict[str, GoalProgressOut]:
    """Each goal's share of tasks done (its own task, the tasks serving it, and by hand)."""
    ids = list(goal_ids)
    rows = (
        session.connection()
        .execute(
            select(TK.c.goal_id, func.count(), func.sum((TK.c.status == "done").cast(Integer)))
            .where(TK.c.goal_id.in_(ids))
            .group_by(TK.c.goal_id)
        )
        .all()
        if ids
        else []
    )
    out = {}
    for gid, total, done in rows:
        done = int(done or 0)
        out[gid] = GoalProgressOut(
            done=done, total=total, share=(Decimal(done) / total).quantize(Decimal("0.01"))
        )
    return out
