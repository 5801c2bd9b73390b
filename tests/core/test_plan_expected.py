"""Whom a period's plan is expected of (issue 13 item 2): a member of the department on its
deadline's day (pure rules, core.plans)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from ecomops.core.plans import NOT_EXPECTED, STATUSES, cell, joined_day, left_day, member_on

TZ = ZoneInfo("Asia/Shanghai")
D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "joined", "left", "member"),
    [
        ("2026-11-30", "2026-11-27", None, True),  # joined before the deadline's day
        ("2026-11-27", "2026-11-27", None, True),  # joined on it: expected
        ("2026-11-23", "2026-11-27", None, False),  # before joining
        ("2026-11-02", "2026-11-27", None, False),
        ("2026-11-30", "2026-11-02", "2026-12-01", True),  # leaves after it
        ("2026-11-30", "2026-11-02", "2026-11-30", False),  # left on it: no longer
        ("2026-12-07", "2026-11-02", "2026-12-01", False),  # after leaving
        ("2026-11-30", "2026-12-01", "2026-11-01", False),  # nonsense dates expect nothing
    ],
)
def test_member_on_the_deadlines_day(day, joined, left, member):
    assert member_on(D(day), D(joined), D(left) if left else None) is member


@pytest.mark.parametrize(
    ("joined_on", "created_at", "day"),
    [
        ("2026-11-27", "2026-12-05T02:00:00", "2026-11-27"),  # the date given wins
        (None, "2026-11-27T01:00:00", "2026-11-27"),  # 09:00 in Shanghai
        (None, "2026-11-26T16:00:00", "2026-11-27"),  # midnight in Shanghai: the 27th
        (None, "2026-11-26T15:59:59", "2026-11-26"),  # 23:59:59 on the 26th
    ],
)
def test_joined_day_falls_back_to_the_day_the_entry_was_made(joined_on, created_at, day):
    made = datetime.fromisoformat(created_at).replace(tzinfo=UTC)
    assert joined_day(D(joined_on) if joined_on else None, made, TZ) == D(day)


@pytest.mark.parametrize(
    ("left_on", "active", "deactivated_at", "day"),
    [
        (None, True, None, None),  # still here
        ("2026-12-01", True, None, "2026-12-01"),  # leaving recorded ahead
        ("2026-12-01", False, "2026-12-20T02:00:00", "2026-12-01"),  # the date given wins
        (None, False, "2026-11-30T16:30:00", "2026-12-01"),  # deactivated: that day, Shanghai
        (None, False, None, None),  # inactive with no time: no day to go by
    ],
)
def test_left_day_falls_back_to_the_day_of_deactivation(left_on, active, deactivated_at, day):
    off = datetime.fromisoformat(deactivated_at).replace(tzinfo=UTC) if deactivated_at else None
    got = left_day(D(left_on) if left_on else None, active, off, TZ)
    assert got == (D(day) if day else None)


@pytest.mark.parametrize(
    ("expected", "submitted", "unsent", "status"),
    [
        (True, "on_time", "missing", "on_time"),
        (True, "late", "missing", "late"),
        (True, None, "missing", "missing"),
        (True, None, "open", "open"),
        (False, None, "missing", NOT_EXPECTED),  # before joining: not "missing"
        (False, "late", "missing", NOT_EXPECTED),  # handed in anyway: not counted either way
        (False, "on_time", "open", NOT_EXPECTED),
    ],
)
def test_a_cells_status(expected, submitted, unsent, status):
    assert cell(expected, submitted, unsent) == status
    assert status in STATUSES
