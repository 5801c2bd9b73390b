from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ecomops.core.tasks import add_months, days_overdue, is_overdue, month_end, phase_windows

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [(date(2026, 11, 17), 1, date(2026, 12, 17)), (date(2026, 11, 17), 3, date(2027, 2, 17)),
     (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2027, 12, 31), 2, date(2028, 2, 29)),
     (date(2026, 11, 17), 0, date(2026, 11, 17))],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_phase_dates_from_the_effective_date():
    windows = phase_windows(date(2026, 11, 17), [("preparation", 1, 3), ("practice", 3, 6),
                                                  ("integration", 3, 6)])
    assert [(w.phase, w.target, w.due) for w in windows] == [
        ("preparation", date(2026, 12, 17), date(2027, 2, 17)),
        ("practice", date(2027, 3, 17), date(2027, 8, 17)),
        ("integration", date(2027, 6, 17), date(2028, 2, 17)),
    ]


def test_overdue_at_the_end_of_the_due_date():
    due = date(2026, 11, 30)
    last_second = datetime(2026, 11, 30, 23, 59, 59, tzinfo=TZ)
    assert not is_overdue(due, False, last_second, TZ)
    assert is_overdue(due, False, last_second + timedelta(seconds=1), TZ)
    assert days_overdue(due, False, last_second + timedelta(seconds=1), TZ) == 1
    assert days_overdue(due, False, datetime(2026, 12, 9, 8, 0, tzinfo=TZ), TZ) == 9
    assert not is_overdue(due, True, datetime(2027, 1, 1, tzinfo=TZ), TZ)
    # a UTC instant that is already 1 December in Shanghai
    assert is_overdue(due, False, datetime(2026, 11, 30, 16, 0, 1, tzinfo=ZoneInfo("UTC")), TZ)


def test_month_end():
    assert month_end(2026, 11) == date(2026, 11, 30)
    assert month_end(2028, 2) == date(2028, 2, 29)
