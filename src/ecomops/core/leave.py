"""Leave, shift swaps and the handover form (§3.2 rules 5 and 7): the rules, pure.

- A request's kind is ``leave`` (请假/請假) or ``swap`` (调休/調休), typed in either form.
- A request must hold at least one working day (the calendar's: weekends, statutory holidays
  and the weekend days made working days).
- A person's requests do not overlap, unless the earlier one was declined.
- The handbook asks no approval of leave in general: a request is ``approved`` when made. A
  request allowed on a protected day (the Monday plan day, the month-end summary day) only for
  a special reason waits, ``pending``, until the department head or above approves or declines
  it; nobody decides on their own request.
- The cover of a handover form is not on approved leave during the form's window, and does not
  already cover for someone else, or hand over their own work, in an overlapping window.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from ecomops.core.calendar import WorkCalendar, days
from ecomops.errors import InvalidInput, NotAllowed, Suggest

#: the kinds, each with the names it may be typed as (simplified and traditional)
KINDS: dict[str, tuple[str, ...]] = {
    "leave": ("leave", "请假", "請假"),
    "swap": ("swap", "调休", "調休"),
}
_BY_NAME = {name: kind for kind, names in KINDS.items() for name in names}

PENDING, APPROVED, DECLINED = "pending", "approved", "declined"
STATUSES = (PENDING, APPROVED, DECLINED)
#: the statuses that hold a person's days (a declined request frees them)
HOLDING = (PENDING, APPROVED)


def parse_kind(text: str) -> str:
    """``leave`` or ``swap`` from what was typed: the identifier (any case) or its Chinese
    name in either script (请假/請假, 调休/調休)."""
    typed = unicodedata.normalize("NFKC", text).strip()
    kind = _BY_NAME.get(typed.lower())
    if kind is None:
        raise InvalidInput(
            f"unknown kind {text.strip()!r}",
            "use leave (请假) or swap (调休)",
            param="kind",
        )
    return kind


def working_days(first: date, last: date, cal: WorkCalendar) -> list[date]:
    """The working days in [``first``, ``last``]."""
    return [d for d in days(first, last) if cal.is_working(d)]


def initial_status(protected: Sequence[date]) -> str:
    """A new request's status: ``pending`` when it touches a protected day (allowed only for a
    special reason, so the head decides), else ``approved`` (the handbook asks no approval)."""
    return PENDING if protected else APPROVED


@dataclass(frozen=True, slots=True)
class Span:
    """A request already on file: its id, days and status."""

    id: int
    start: date
    end: date
    status: str


def overlapping(first: date, last: date, others: Iterable[Span]) -> Span | None:
    """The first of ``others`` (by start) that holds a day of [``first``, ``last``]; declined
    requests hold none."""
    hits = [
        o for o in others if o.status in HOLDING and o.start <= last and o.end >= first
    ]
    return min(hits, key=lambda o: (o.start, o.id)) if hits else None


def decision(status: str, leave_id: int, requester_id: int, decider_id: int, approve: bool) -> str:
    """The status a head's decision gives request ``leave_id`` (made by ``requester_id``):
    only a pending request is decided, and never by the one who made it."""
    if decider_id == requester_id:
        raise NotAllowed(
            f"nobody decides on their own request (leave {leave_id})",
            "another department head or the general manager decides it",
        )
    if status != PENDING:
        raise InvalidInput(  # (each status a message of its own: the catalog words each)
            f"leave {leave_id} is approved, not pending: only a pending request is decided"
            if status == APPROVED
            else f"leave {leave_id} is declined, not pending: only a pending request is decided"
            if status == DECLINED
            else f"leave {leave_id} is {status}, not pending: only a pending request is decided",
            "see: {command}",
            suggest=Suggest("leave.list", flags=("pending",)),
        )
    return APPROVED if approve else DECLINED


def day_window(first: date, last: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Days [``first``, ``last``] as a window of time [first 00:00, the day after last 00:00)
    in ``tz``."""
    return (
        datetime.combine(first, time(), tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time(), tzinfo=tz),
    )


def windows_overlap(
    a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime
) -> bool:
    """Whether [a_start, a_end) and [b_start, b_end) share a moment (one ending as the other
    starts does not)."""
    return a_start < b_end and b_start < a_end
