"""The rules of leave, shift swaps and the handover form (issue 13 items 3 and 4), and the
past-due rule of tasks (item 5): pure, table-driven."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ecomops.core import leave as rules
from ecomops.core.calendar import WorkCalendar
from ecomops.core.tasks import check_due
from ecomops.errors import InvalidInput, NotAllowed

TZ = ZoneInfo("Asia/Shanghai")
# October 2026 as the State Council has it: 1–7 off (1, 2, 5, 6, 7 holidays on weekdays),
# Saturday the 10th a working day
OCTOBER = WorkCalendar(
    holidays={date(2026, 10, d): "National Day" for d in (1, 2, 5, 6, 7)},
    workdays={date(2026, 10, 10): "adjusted working day (National Day)"},
    known_years=frozenset({2026}),
)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("leave", "leave"), ("LEAVE", "leave"), (" leave ", "leave"), ("请假", "leave"),
        ("請假", "leave"), ("swap", "swap"), ("Swap", "swap"), ("调休", "swap"),
        ("調休", "swap"), ("ｓｗａｐ", "swap"),  # full-width letters
    ],
)
def test_a_kind_is_typed_in_english_or_either_script(typed, kind):
    assert rules.parse_kind(typed) == kind


@pytest.mark.parametrize("typed", ["holiday", "", " ", "休假", "leave swap", "請"])
def test_an_unknown_kind_is_refused_naming_the_option(typed):
    with pytest.raises(InvalidInput) as e:
        rules.parse_kind(typed)
    assert e.value.param == "kind" and "unknown kind" in e.value.message
    assert "leave (请假) or swap (调休)" in str(e.value)


@pytest.mark.parametrize(
    ("first", "last", "working"),
    [
        (date(2026, 11, 28), date(2026, 11, 28), []),  # a Saturday
        (date(2026, 11, 28), date(2026, 11, 29), []),  # Saturday–Sunday
        (date(2026, 11, 27), date(2026, 11, 29), [date(2026, 11, 27)]),
        (date(2026, 10, 1), date(2026, 10, 7), []),  # National Day week
        (date(2026, 10, 10), date(2026, 10, 10), [date(2026, 10, 10)]),  # the make-up Saturday
        (date(2026, 10, 7), date(2026, 10, 9), [date(2026, 10, 8), date(2026, 10, 9)]),
    ],
)
def test_working_days_follow_the_calendar(first, last, working):
    assert rules.working_days(first, last, OCTOBER) == working


@pytest.mark.parametrize(
    ("protected", "status"),
    [([], "approved"), ([date(2026, 11, 30)], "pending"),
     ([date(2026, 11, 27), date(2026, 11, 30)], "pending")],
)
def test_only_a_request_on_a_protected_day_waits(protected, status):
    assert rules.initial_status(protected) == status


ON_FILE = [
    rules.Span(1, date(2026, 12, 1), date(2026, 12, 3), "approved"),
    rules.Span(2, date(2026, 12, 8), date(2026, 12, 8), "pending"),
    rules.Span(3, date(2026, 12, 10), date(2026, 12, 11), "declined"),
]


@pytest.mark.parametrize(
    ("first", "last", "clash"),
    [
        (date(2026, 12, 3), date(2026, 12, 4), 1),  # shares the 3rd
        (date(2026, 11, 30), date(2026, 12, 1), 1),  # shares the 1st
        (date(2026, 12, 2), date(2026, 12, 2), 1),  # inside
        (date(2026, 11, 1), date(2026, 12, 31), 1),  # around all: the earliest is named
        (date(2026, 12, 8), date(2026, 12, 8), 2),  # pending holds its days too
        (date(2026, 12, 4), date(2026, 12, 7), None),  # between
        (date(2026, 12, 10), date(2026, 12, 11), None),  # declined frees its days
        (date(2026, 11, 30), date(2026, 11, 30), None),
    ],
)
def test_a_request_overlapping_a_pending_or_approved_one(first, last, clash):
    found = rules.overlapping(first, last, ON_FILE)
    assert (found.id if found else None) == clash


@pytest.mark.parametrize(
    ("status", "requester", "decider", "approve", "result"),
    [
        ("pending", 3, 2, True, "approved"),
        ("pending", 3, 2, False, "declined"),
        ("pending", 3, 1, True, "approved"),
        ("pending", 2, 2, True, NotAllowed),  # one's own request
        ("pending", 2, 2, False, NotAllowed),
        ("approved", 3, 2, True, InvalidInput),  # only a pending one is decided
        ("approved", 3, 2, False, InvalidInput),
        ("declined", 3, 2, True, InvalidInput),
    ],
)
def test_a_decision(status, requester, decider, approve, result):
    if isinstance(result, str):
        assert rules.decision(status, 7, requester, decider, approve) == result
        return
    with pytest.raises(result) as e:
        rules.decision(status, 7, requester, decider, approve)
    assert "leave 7" in e.value.message


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (("2026-12-02T09:00", "2026-12-02T17:00"), ("2026-12-02T16:00", "2026-12-02T18:00"), True),
        (("2026-12-02T09:00", "2026-12-02T17:00"), ("2026-12-02T17:00", "2026-12-02T18:00"), False),
        (("2026-12-02T09:00", "2026-12-02T17:00"), ("2026-12-02T08:00", "2026-12-02T09:00"), False),
        (("2026-12-02T09:00", "2026-12-03T17:00"), ("2026-12-02T10:00", "2026-12-02T11:00"), True),
        (("2026-12-02T10:00", "2026-12-02T11:00"), ("2026-12-02T09:00", "2026-12-03T17:00"), True),
    ],
)
def test_handover_windows(a, b, overlap):
    assert rules.windows_overlap(at(a[0]), at(a[1]), at(b[0]), at(b[1])) is overlap
    assert rules.windows_overlap(at(b[0]), at(b[1]), at(a[0]), at(a[1])) is overlap


@pytest.mark.parametrize(
    ("leave", "window", "overlap"),
    [
        # leave on the 2nd against a form on the 2nd, the evening before, the morning after
        (("2026-12-02", "2026-12-02"), ("2026-12-02T09:00", "2026-12-02T17:00"), True),
        (("2026-12-02", "2026-12-02"), ("2026-12-01T18:00", "2026-12-02T00:00"), False),
        (("2026-12-02", "2026-12-02"), ("2026-12-01T18:00", "2026-12-02T00:01"), True),
        (("2026-12-02", "2026-12-02"), ("2026-12-03T00:00", "2026-12-03T09:00"), False),
        (("2026-12-02", "2026-12-02"), ("2026-12-02T23:59", "2026-12-03T09:00"), True),
        (("2026-12-01", "2026-12-04"), ("2026-12-03T09:00", "2026-12-03T10:00"), True),
    ],
)
def test_leave_days_against_a_handover_window(leave, window, overlap):
    days = rules.day_window(date.fromisoformat(leave[0]), date.fromisoformat(leave[1]), TZ)
    assert rules.windows_overlap(*days, at(window[0]), at(window[1])) is overlap


@pytest.mark.parametrize(
    ("due", "past", "ok"),
    [
        (date(2026, 11, 23), False, True),  # today
        (date(2026, 11, 24), False, True),
        (date(2026, 11, 22), False, False),  # yesterday
        (date(2026, 11, 22), True, True),  # on purpose
        (date(1900, 1, 1), True, True),
    ],
)
def test_a_due_date_in_the_past_needs_past(due, past, ok):
    today = date(2026, 11, 23)
    if ok:
        assert check_due(due, today, past) == due
        return
    with pytest.raises(InvalidInput) as e:
        check_due(due, today, past)
    assert e.value.param == "past"
    assert f"the due date {due} is before today (2026-11-23)" in e.value.message
