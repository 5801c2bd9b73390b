"""Task dates, the overdue rule and the status transitions (pure).

Overdue means: still owed (open or doing: neither done nor cancelled), and the end of the due
date (23:59:59 in the handbook's time zone) has passed. A cancelled task is dropped work, kept
with its history and a reason: never overdue, never due soon, never reminded.

Phases are counted from the manual's effective date: each phase lasts between ``months_min``
and ``months_max`` months after the previous one ends, so a phase's earliest end (the target)
is the sum of the minimums so far and its latest end (the due date) the sum of the maximums.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from ecomops.core.calendar import end_of
from ecomops.errors import InvalidInput
from ecomops.i18n import N_

if TYPE_CHECKING:
    from ecomops.handbook.model import Manual

SOURCES = ("goal", "phase", "assigned", "manual")
STATUSES = ("open", "doing", "done", "cancelled")
#: the statuses of work no longer owed: never overdue, due soon nor reminded
CLOSED = ("done", "cancelled")
# status → the statuses a task may move to it from, and the word its history records
_FROM = {
    "doing": ("open",),
    "done": ("open", "doing"),
    "open": ("done", "doing", "cancelled"),
    "cancelled": ("open", "doing"),
}
_VERB = {"doing": "started", "done": "done", "open": "reopened", "cancelled": "cancelled"}
#: the reason a handbook task due before the department's start day is created cancelled
#: (stored in English, shown in the reader's language)
BEFORE_START = "due before the department started"


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    total = d.year * 12 + (d.month - 1) + months
    y, m = divmod(total, 12)
    m += 1
    return date(y, m, min(d.day, _cal.monthrange(y, m)[1]))


def month_end(year: int, month: int) -> date:
    return date(year, month, _cal.monthrange(year, month)[1])


@dataclass(frozen=True)
class Window:
    phase: str
    target: date  # earliest end
    due: date  # latest end


def phase_windows(effective: date, phases: Sequence[tuple[str, int, int]]) -> list[Window]:
    """(phase id, months_min, months_max) in order → each phase's target and due date."""
    out = []
    lo = hi = 0
    for pid, mn, mx in phases:
        lo += mn
        hi += mx
        out.append(Window(pid, add_months(effective, lo), add_months(effective, hi)))
    return out


def is_closed(status: str) -> bool:
    """Whether a task in ``status`` is no longer owed (done, or cancelled)."""
    return status in CLOSED


def is_overdue(due: date, closed: bool, now: datetime, tz: tzinfo) -> bool:
    """Past the end of ``due`` and still owed (``closed``: done or cancelled)."""
    return not closed and now > end_of(due, tz)


def days_overdue(due: date, closed: bool, now: datetime, tz: tzinfo) -> int:
    """Whole days past the due date (0 when not overdue)."""
    if not is_overdue(due, closed, now, tz):
        return 0
    return (now.astimezone(tz).date() - due).days


#: what moving a task to a status is called ("it cannot be marked done"), each in the catalog
_DOING = {
    "open": N_("reopened"),
    "cancelled": N_("cancelled"),
    "doing": N_("marked doing"),
    "done": N_("marked done"),
}


def _doing(target: str) -> str:
    return _DOING.get(target, f"marked {target}")


def transition(task_id: int, current: str, target: str) -> str:
    """The history's verb for moving task ``task_id`` from ``current`` to ``target``:
    open → doing → done, and back to open; open or doing → cancelled, and back to open;
    anything else is refused in one line."""
    if target not in _FROM:
        raise InvalidInput(f"unknown status {target!r}", f"use one of {', '.join(STATUSES)}")
    if current == target == "cancelled":
        raise InvalidInput(f"task {task_id} is already cancelled")
    if current not in _FROM[target]:
        hint = N_("reopen it first") if current == "cancelled" else None
        raise InvalidInput(f"task {task_id} is {current}; it cannot be {_doing(target)}", hint)
    return _VERB[target]


def permission(current: str, target: str) -> str:
    """The permission moving a task from ``current`` to ``target`` takes: dropping work, or
    bringing dropped work back, is for whoever may assign it (``assign_task``); working on it
    is for its owner and those who may work any task (``work_task``)."""
    return "assign_task" if "cancelled" in (current, target) else "work_task"


def check_reason(reason: str | None) -> str:
    """The reason a task is cancelled, trimmed; an empty one is refused."""
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(
            "the reason is empty", "say why the task is dropped", param="reason"
        )
    return text


def before_start(due: date, since: date | None) -> bool:
    """Whether a handbook task due on ``due`` was already overdue on the department's start
    day ``since`` (None: no start day recorded, so never): it is then created cancelled."""
    return since is not None and due < since


def no_longer_before_start(
    status: str, reason: str | None, due: date, since: date | None
) -> bool:
    """Whether a handbook task cancelled as due before the start day (``status``,
    ``reason``), and untouched since, is due on the start day or later now (a reload moved
    its date: another year): it is then reopened."""
    return status == "cancelled" and reason == BEFORE_START and not before_start(due, since)


def handbook_tasks(m: Manual, year: int) -> list[dict]:
    """The tasks the handbook implies (pure)."""
    head = m.head()
    owner = head.id if head else None
    goal_due = {}
    out = []
    for gid, month, _n, item in m.goal_items():
        due = month_end(year, month.month)
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
    windows = phase_windows(
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
            served = goal_due.get(t.serves) if t.serves else None
            out.append(
                dict(
                    ref=f"assigned:{a.position}.{n}",
                    source="assigned",
                    title_zh=t.zh,
                    title_en=t.en,
                    goal_id=t.serves,
                    owner_position_id=a.position,
                    due=served or month_end(year, m.calendar.effective_month),
                    target=None,
                )
            )
    return out


def check_due(due: date, today: date, past: bool) -> date:
    """``due``, unless it is before ``today`` and ``past`` (a date in the past on purpose: a
    task recorded after the fact) was not given."""
    if due < today and not past:
        raise InvalidInput(
            f"the due date {due} is before today ({today})",
            "to set a date in the past on purpose, say so",
            param="past",
        )
    return due
