"""The pure rules of who owes what: the next three working days, when the month-end summary
is near, who owes a rating, whose items a viewer sees."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from ecomops.core.calendar import WorkCalendar
from ecomops.core.duties import (
    due_soon_until,
    month_end_near,
    raters_owing,
    view_of,
    working_days_ahead,
)

# National Day 2026: 1–7 October off, Saturday 10 October an adjusted working day
GOLDEN_WEEK = WorkCalendar(
    holidays={date(2026, 10, d): "National Day" for d in (1, 2, 5, 6, 7)},
    workdays={date(2026, 10, 10): "adjusted working day (National Day)"},
)
PLAIN = WorkCalendar()


@pytest.mark.parametrize(
    ("today", "calendar", "days"),
    [
        # a Wednesday: itself, Thursday, Friday
        (date(2026, 11, 25), PLAIN, [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]),
        # a Friday: the weekend is skipped
        (date(2026, 11, 27), PLAIN, [date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1)]),
        # a Saturday is not one: Monday to Wednesday
        (date(2026, 11, 28), PLAIN, [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]),
        # the eve of National Day: the holiday week is skipped
        (date(2026, 9, 30), GOLDEN_WEEK, [date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9)]),
        # the adjusted working Saturday counts
        (
            date(2026, 10, 9),
            GOLDEN_WEEK,
            [date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 12)],
        ),
        # a holiday itself is not counted
        (
            date(2026, 10, 5),
            GOLDEN_WEEK,
            [date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)],
        ),
    ],
)
def test_the_next_three_working_days(today, calendar, days):
    assert working_days_ahead(today, calendar.is_working) == days
    assert due_soon_until(today, calendar.is_working) == days[-1]


def test_a_calendar_without_working_days_stops():
    assert working_days_ahead(date(2026, 1, 1), lambda d: False) == []
    assert due_soon_until(date(2026, 1, 1), lambda d: False) == date(2026, 1, 1)


CST = timezone(timedelta(hours=8))
DUE = datetime(2026, 11, 27, 23, 59, 59, tzinfo=CST)  # November's: its last Friday
LAST = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("now", "near"),
    [
        (datetime(2026, 11, 20, 23, 59, 58, tzinfo=CST), False),  # more than 7 days ahead
        (datetime(2026, 11, 20, 23, 59, 59, tzinfo=CST), True),  # exactly 7 days ahead
        (datetime(2026, 11, 27, 9, 0, tzinfo=CST), True),  # the day itself
        (datetime(2026, 11, 28, 9, 0, tzinfo=CST), True),  # past due, still the month
        (datetime(2026, 11, 30, 23, 0, tzinfo=CST), True),  # the month's last day
        (datetime(2026, 12, 1, 0, 0, tzinfo=CST), False),  # the next month
        (datetime(2026, 11, 2, 9, 0, tzinfo=CST), False),  # early in the month
    ],
)
def test_month_end_near(now, near):
    assert month_end_near(now, DUE, LAST) is near


@pytest.mark.parametrize(
    ("is_head", "reads_others", "view"),
    [(True, True, "team"), (True, False, "team"), (False, True, "team"), (False, False, "own")],
)
def test_view_of(is_head, reads_others, view):
    assert view_of(is_head, reads_others) == view


# a department: 1 general manager (top), 2 manager, 3 and 4 supervisors under 2, 5 a
# copywriter under 3, 6 a copywriter with no manager on the roster
POSITION_OF = {
    1: "general_manager",
    2: "manager",
    3: "supervisor",
    4: "supervisor",
    5: "copywriter",
}
POSITION_OF[6] = "copywriter"
HOLDERS = {"general_manager": [1], "manager": [2], "supervisor": [3, 4], "copywriter": [5, 6]}
TOPS = {"general_manager"}


@pytest.mark.parametrize(
    ("member", "missing", "line", "owing"),
    [
        # rated by their line's supervisor and manager: not the other supervisor
        (5, ["manager", "supervisor"], (3, 2, 1), [2, 3]),
        # the supervisor's sheet is in: only the manager owes one
        (5, ["manager"], (3, 2, 1), [2]),
        # nothing missing: nobody owes
        (5, [], (3, 2, 1), []),
        # the top position rates whoever it is asked to, in the line or not
        (3, ["general_manager"], (2,), [1]),
        # no manager on the roster: every holder of the position
        (6, ["supervisor"], (), [3, 4]),
        # nobody rates themselves
        (4, ["supervisor"], (), [3]),
        # a line with nobody in the position: nobody owes (the position is unheld there)
        (5, ["planning_supervisor"], (3, 2, 1), []),
    ],
)
def test_raters_owing(member, missing, line, owing):
    got = raters_owing(member, missing, line, POSITION_OF, HOLDERS, TOPS)
    assert sorted(got) == owing
