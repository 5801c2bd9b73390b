"""The §8.1 phases in time: windows from the effective date, the current phase, a phase's
status (pure rules, table-driven)."""

from datetime import date

import pytest

from ecomops.core.phases import PhaseWindow, current_phase, phase_status, stage, windows

EFFECTIVE = date(2026, 11, 17)
HANDBOOK = [("preparation", 1, 3), ("practice", 3, 6), ("integration", 3, 6)]
SPANS = windows(EFFECTIVE, HANDBOOK)


def test_windows_chain_from_the_effective_date():
    assert [(w.phase, w.start, w.latest_start, w.target, w.due) for w in SPANS] == [
        ("preparation", date(2026, 11, 17), date(2026, 11, 17), date(2026, 12, 17),
         date(2027, 2, 17)),
        ("practice", date(2026, 12, 17), date(2027, 2, 17), date(2027, 3, 17),
         date(2027, 8, 17)),
        ("integration", date(2027, 3, 17), date(2027, 8, 17), date(2027, 6, 17),
         date(2028, 2, 17)),
    ]


def test_a_phase_of_fixed_length_and_no_phases():
    assert windows(date(2026, 1, 31), [("only", 1, 1)]) == [
        PhaseWindow("only", date(2026, 1, 31), date(2026, 1, 31), date(2026, 2, 28),
                    date(2026, 2, 28))]
    assert windows(EFFECTIVE, []) == []
    assert stage(EFFECTIVE, [], date(2026, 12, 1)) == "after"
    assert current_phase(EFFECTIVE, [], date(2026, 12, 1)) is None


@pytest.mark.parametrize(
    ("today", "expected_stage", "expected_phase"),
    [
        (date(2026, 11, 16), "before", None),        # the day before the effective date
        (date(2026, 11, 17), "during", "preparation"),  # the effective date itself
        (date(2026, 12, 17), "during", "preparation"),  # its target passed: still current
        (date(2027, 2, 17), "during", "preparation"),   # its due date: the last day
        (date(2027, 2, 18), "during", "practice"),
        (date(2027, 8, 17), "during", "practice"),
        (date(2027, 8, 18), "during", "integration"),
        (date(2028, 2, 17), "during", "integration"),
        (date(2028, 2, 18), "after", None),          # every window has passed
    ],
)
def test_the_current_phase_by_date(today, expected_stage, expected_phase):
    assert stage(EFFECTIVE, SPANS, today) == expected_stage
    assert current_phase(EFFECTIVE, SPANS, today) == expected_phase


PRACTICE = SPANS[1]  # may begin 2026-12-17


@pytest.mark.parametrize(
    ("done", "total", "overdue", "current", "today", "expected"),
    [
        (10, 10, 0, True, date(2027, 1, 1), "done"),       # every item done, even early
        (10, 10, 0, False, date(2028, 1, 1), "done"),      # done beats a passed due date
        (3, 10, 2, True, date(2027, 9, 1), "overdue"),     # an item overdue
        (3, 10, 1, False, date(2027, 1, 1), "overdue"),    # a due date moved by hand
        (3, 10, 0, True, date(2027, 3, 1), "current"),
        (0, 10, 0, False, date(2026, 12, 17), "open"),     # its earliest start has come
        (0, 10, 0, False, date(2026, 12, 16), "upcoming"),
        (0, 0, 0, False, date(2026, 12, 1), "upcoming"),   # no items: never "done"
    ],
)
def test_a_phases_status(done, total, overdue, current, today, expected):
    assert phase_status(PRACTICE, done=done, total=total, overdue=overdue, current=current,
                        today=today) == expected
