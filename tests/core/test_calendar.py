"""Deadlines on real 2026 and 2027 dates (mainland China's calendar)."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ecomops.core import calendar as cal
from ecomops.core.calendar import parse_date
from ecomops.errors import InvalidInput
from ecomops.services.workcal import china_calendar

TZ = ZoneInfo("Asia/Shanghai")
CAL, WARNINGS = china_calendar({2025, 2026, 2027})


def test_2027_is_not_known_yet_and_says_so():
    assert CAL.knows(2026) and not CAL.knows(2027)
    assert WARNINGS == [w for w in WARNINGS if "2027" in w] and len(WARNINGS) == 1
    assert "counting weekends only" in WARNINGS[0]


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 23), True),    # an ordinary Monday
        (date(2026, 10, 1), False),    # National Day
        (date(2026, 10, 5), False),    # a Monday inside the National Day holiday
        (date(2026, 10, 10), True),    # a Saturday made a working day (调休)
        (date(2026, 9, 20), True),     # a Sunday made a working day
        (date(2026, 9, 25), False),    # Mid-Autumn Festival, the last Friday of September
        (date(2026, 11, 28), False),   # an ordinary Saturday
        (date(2027, 1, 4), True),      # 2027: weekends only
        (date(2027, 1, 9), False),
    ],
)
def test_working_days(day, working):
    assert CAL.is_working(day) is working


@pytest.mark.parametrize(
    ("week", "due"),
    [
        ("2026-W48", date(2026, 11, 23)),  # an ordinary Monday
        ("2026-W41", date(2026, 10, 8)),   # Monday 5 Oct in the holiday: Thursday 8 Oct
        ("2026-W07", date(2026, 2, 9)),    # before the Spring Festival: an ordinary Monday
        ("2026-W08", date(2026, 2, 24)),   # Spring Festival week: 16–23 Feb off, Tue 24 Feb
        ("2027-W01", date(2027, 1, 4)),
        ("2027-W40", date(2027, 10, 4)),   # not known yet: the Monday stands
    ],
)
def test_monday_plan_deadlines(week, due):
    y, w = cal.parse_week(week)
    assert cal.monday_plan_day(y, w, CAL) == due
    assert cal.end_of(due, TZ).isoformat() == f"{due.isoformat()}T23:59:59+08:00"


@pytest.mark.parametrize(
    ("month", "due"),
    [
        ((2026, 11), date(2026, 11, 27)),  # an ordinary last Friday
        ((2026, 9), date(2026, 9, 24)),    # last Friday is Mid-Autumn: Thursday before it
        ((2026, 10), date(2026, 10, 30)),
        ((2027, 1), date(2027, 1, 29)),
        ((2027, 12), date(2027, 12, 31)),
    ],
)
def test_month_end_deadlines(month, due):
    assert cal.month_end_day(*month, CAL) == due


def test_on_time_until_the_last_second():
    due = cal.end_of(date(2026, 11, 23), TZ)
    assert cal.status(due, due, due) == "on_time"
    assert cal.status(due, due + timedelta(seconds=1), due) == "late"
    assert cal.status(due, None, due) == "open"
    assert cal.status(due, None, due + timedelta(seconds=1)) == "missing"


def test_protected_days_are_the_plan_and_summary_days():
    got = cal.protected_days(date(2026, 9, 21), date(2026, 10, 12), CAL)
    assert got == [(date(2026, 9, 21), "monday"), (date(2026, 9, 24), "month_end"),
                   (date(2026, 9, 28), "monday"), (date(2026, 10, 8), "monday"),
                   (date(2026, 10, 12), "monday")]
    assert cal.protected_days(date(2026, 12, 1), date(2026, 12, 3), CAL) == []


@pytest.mark.parametrize("bad", ["2026-48", "2026-W54", "W54", "2026-Wxx"])
def test_bad_weeks(bad):
    with pytest.raises(InvalidInput, match="is not an ISO week"):
        cal.parse_week(bad)


def test_week_id_and_last_friday():
    assert cal.week_id(date(2026, 11, 27)) == "2026-W48"
    assert cal.week_id(date(2027, 1, 1)) == "2026-W53"
    assert cal.last_friday(2026, 7) == date(2026, 7, 31)
    assert cal.last_friday(2026, 8) == date(2026, 8, 28)


def test_times_are_shanghai():
    assert cal.end_of(date(2026, 1, 1), TZ) == datetime(2026, 1, 1, 15, 59, 59,
                                                        tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-30", date(2026, 11, 30)),
        ("2026/11/30", date(2026, 11, 30)),
        ("2026.11.30", date(2026, 11, 30)),
        ("2026年11月30日", date(2026, 11, 30)),
        ("2026年1月5日", date(2026, 1, 5)),
        ("2026-1-5", date(2026, 1, 5)),
        ("２０２６年１１月３０日", date(2026, 11, 30)),
        (" 2026 / 11 / 30 ", date(2026, 11, 30)),
        ("11-30", date(2027, 11, 30)),  # without the year: the nearest to the caller's today
        ("11/30", date(2027, 11, 30)),
        ("11月30日", date(2027, 11, 30)),
        ("11月30号", date(2027, 11, 30)),
    ],
)
def test_dates_as_people_write_them(typed, expected):
    assert parse_date(typed, "--due", today=date(2027, 11, 1)) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-02-30", "--due '2026-02-30' is not a day of the calendar"),
        ("2026/13/01", "--due '2026/13/01' is not a day of the calendar"),
        ("30/11/2026", "--due '30/11/2026' is not a date"),
        ("tomorrow", "--due 'tomorrow' is not a date"),
        ("11-30", "--due '11-30' has no year"),
    ],
)
def test_what_is_not_a_date_says_so(typed, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        parse_date(typed, "--due")
