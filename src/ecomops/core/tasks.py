"""Task dates and the overdue rule (pure).

Overdue means: not done, and the end of the due date (23:59:59 in the handbook's time zone)
has passed. Phases are counted from the manual's effective date: each phase lasts between
``months_min`` and ``months_max`` months after the previous one ends, so a phase's earliest
end (the target) is the sum of the minimums so far and its latest end (the due date) the sum
of the maximums.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from ecomops.core.calendar import end_of


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


def is_overdue(due: date, done: bool, now: datetime, tz: tzinfo) -> bool:
    return not done and now > end_of(due, tz)


def days_overdue(due: date, done: bool, now: datetime, tz: tzinfo) -> int:
    """Whole days past the due date (0 when not overdue)."""
    if not is_overdue(due, done, now, tz):
        return 0
    return (now.astimezone(tz).date() - due).days
