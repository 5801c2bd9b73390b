"""Who owes what (pure): the rules behind the dashboard and the reminders — which days are the
"next three working days", when the month-end summary is near, who still owes a rating, and
whether a viewer sees the team or only their own items.

No clock, no session: the services pass the day, the working calendar's test and the roster as
plain values."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime, timedelta

#: how many working days ahead, today included, a task counts as due soon
DUE_SOON_WORKING_DAYS = 3
#: how many days before its deadline the month-end summary counts as near
MONTH_END_NEAR_DAYS = 7
#: the longest run of non-working days looked through (the Spring Festival and National Day
#: weeks with their weekends are 9 at most; a calendar with no working day at all stops here)
LOOK_AHEAD = 366


def working_days_ahead(
    today: date, is_working: Callable[[date], bool], n: int = DUE_SOON_WORKING_DAYS
) -> list[date]:
    """The first ``n`` working days from ``today`` on, ``today`` included when it is one
    (a weekend or holiday in between is skipped; an adjusted working weekend day counts)."""
    out: list[date] = []
    d = today
    for _ in range(LOOK_AHEAD):
        if len(out) == n:
            break
        if is_working(d):
            out.append(d)
        d += timedelta(days=1)
    return out


def due_soon_until(
    today: date, is_working: Callable[[date], bool], n: int = DUE_SOON_WORKING_DAYS
) -> date:
    """The last day a task may be due on and count as due soon: the ``n``-th working day from
    ``today`` (today included); every day up to it counts, a weekend day in between too."""
    found = working_days_ahead(today, is_working, n)
    return found[-1] if found else today


def month_end_near(
    now: datetime, due: datetime, month_last: date, days: int = MONTH_END_NEAR_DAYS
) -> bool:
    """Whether the month-end summary due at ``due`` is near at ``now``: from ``days`` before
    its deadline until the month (whose last day is ``month_last``) is over, so a summary
    still not in after its deadline keeps showing until the month ends."""
    return due - timedelta(days=days) <= now and now.date() <= month_last


def view_of(is_head: bool, reads_others: bool) -> str:
    """Whose items a viewer's dashboard shows: ``team`` for the department head and whoever
    may read others' records (the general manager), else ``own``."""
    return "team" if is_head or reads_others else "own"


def raters_owing(
    member_id: int,
    missing: Iterable[str],
    line: Collection[int],
    position_of: Mapping[int, str],
    holders: Mapping[str, list[int]],
    tops: Collection[str],
) -> list[int]:
    """Who still owes ``member_id`` a rating: for each rater position whose sheet is
    ``missing``, the active holders who rate the member by the reporting-line rule (the
    permission table's ``rate``; core.permissions.in_reporting_line) — those in the member's
    reporting line ``line`` (managers, nearest first), the holders of a position at the top of
    the organisation, or, for someone with no manager on the roster, every holder — never the
    member. ``position_of``: the active people's positions; ``holders``: active ids by
    position."""
    owing: list[int] = []
    for position in missing:
        if position in tops or not line:
            found = [i for i in holders.get(position, []) if i != member_id]
        else:
            found = [i for i in line if position_of.get(i) == position and i != member_id]
        owing.extend(i for i in found if i not in owing)
    return owing


def deciders(requester: int, ranks: Iterable[Iterable[int]]) -> list[int]:
    """Who decides on something of ``requester``'s (a leave exception to approve, a handover
    form to acknowledge): the first of ``ranks`` (the department head's holders, then the
    other positions the permission table allows, in its order) with someone in it other than
    the requester — nobody decides on their own request, so the head's own goes up a rank."""
    for rank in ranks:
        found = [i for i in rank if i != requester]
        if found:
            return sorted(set(found))
    return []
