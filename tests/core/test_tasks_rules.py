from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ecomops.core.tasks import (
    BEFORE_START,
    add_months,
    before_start,
    check_reason,
    days_overdue,
    is_closed,
    is_overdue,
    month_end,
    no_longer_before_start,
    permission,
    phase_windows,
    transition,
)
from ecomops.errors import InvalidInput

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


# --- statuses: open → doing → done, dropped (cancelled) and back --------------------------------

TRANSITIONS = [
    # (from, to, the history's verb, or the refusal)
    ("open", "doing", "started"),
    ("open", "done", "done"),
    ("doing", "done", "done"),
    ("done", "open", "reopened"),
    ("doing", "open", "reopened"),
    ("open", "cancelled", "cancelled"),
    ("doing", "cancelled", "cancelled"),
    ("cancelled", "open", "reopened"),
    ("done", "cancelled", "task 7 is done; it cannot be cancelled"),
    ("cancelled", "cancelled", "task 7 is already cancelled"),
    ("cancelled", "done", "task 7 is cancelled; it cannot be marked done; reopen it first"),
    ("cancelled", "doing", "task 7 is cancelled; it cannot be marked doing; reopen it first"),
    ("open", "open", "task 7 is open; it cannot be reopened"),
    ("done", "done", "task 7 is done; it cannot be marked done"),
    ("done", "doing", "task 7 is done; it cannot be marked doing"),
    ("open", "late", "unknown status 'late'; use one of open, doing, done, cancelled"),
]


@pytest.mark.parametrize(("current", "target", "expected"), TRANSITIONS)
def test_transitions(current, target, expected):
    if " " not in expected:
        assert transition(7, current, target) == expected
        return
    with pytest.raises(InvalidInput) as err:
        transition(7, current, target)
    assert str(err.value) == expected


@pytest.mark.parametrize(
    ("current", "target", "needs"),
    [
        ("open", "doing", "work_task"),
        ("doing", "done", "work_task"),
        ("done", "open", "work_task"),
        ("open", "cancelled", "assign_task"),
        ("doing", "cancelled", "assign_task"),
        ("cancelled", "open", "assign_task"),
    ],
)
def test_dropping_work_or_bringing_it_back_is_for_who_may_assign_it(current, target, needs):
    assert permission(current, target) == needs


@pytest.mark.parametrize(
    ("status", "closed"),
    [("open", False), ("doing", False), ("done", True), ("cancelled", True)],
)
def test_closed_statuses_are_never_overdue(status, closed):
    assert is_closed(status) is closed
    long_after = datetime(2030, 1, 1, tzinfo=TZ)
    assert is_overdue(date(2026, 11, 30), is_closed(status), long_after, TZ) is not closed
    assert days_overdue(date(2026, 11, 30), is_closed(status), long_after, TZ) == (
        0 if closed else 1128
    )


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("活动取消", "活动取消"), ("  the fair was called off \n", "the fair was called off"),
     ("a\nb", "a\nb"), ("", None), ("   ", None), ("\n\t", None), (None, None)],
)
def test_a_cancellation_needs_a_reason(reason, expected):
    if expected is not None:
        assert check_reason(reason) == expected
        return
    with pytest.raises(InvalidInput) as err:
        check_reason(reason)
    assert str(err.value) == "the reason is empty; say why the task is dropped"
    assert err.value.param == "reason"


@pytest.mark.parametrize(
    ("due", "since", "dropped"),
    [
        (date(2026, 11, 30), date(2026, 12, 4), True),
        (date(2026, 12, 3), date(2026, 12, 4), True),
        (date(2026, 12, 4), date(2026, 12, 4), False),  # due on the start day: not yet overdue
        (date(2026, 12, 31), date(2026, 12, 4), False),
        (date(2026, 11, 30), date(2026, 1, 1), False),
        (date(1900, 1, 1), None, False),  # no start day recorded: nothing is dropped
    ],
)
def test_handbook_tasks_overdue_on_the_start_day_are_dropped(due, since, dropped):
    assert before_start(due, since) is dropped


@pytest.mark.parametrize(
    ("status", "reason", "due", "since", "reopened"),
    [
        # the handbook's own cancellation, and a reload moved the date (another year)
        ("cancelled", BEFORE_START, date(2027, 11, 30), date(2026, 12, 4), True),
        ("cancelled", BEFORE_START, date(2026, 12, 4), date(2026, 12, 4), True),
        # still due before the start day: stays cancelled
        ("cancelled", BEFORE_START, date(2026, 11, 30), date(2026, 12, 4), False),
        # a person's cancellation is theirs: never undone by a reload
        ("cancelled", "活动取消", date(2027, 11, 30), date(2026, 12, 4), False),
        # and nothing else is ever touched
        ("open", None, date(2026, 11, 30), date(2026, 12, 4), False),
        ("done", None, date(2027, 11, 30), date(2026, 12, 4), False),
    ],
)
def test_a_reload_reopens_only_the_handbooks_own_cancellation(
    status, reason, due, since, reopened
):
    assert no_longer_before_start(status, reason, due, since) is reopened
