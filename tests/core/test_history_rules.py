"""Grades over time (pure rules, table-driven): cycles in time order, a cycle's year, who was
given the same grade more than once."""

import pytest

from ecomops.core.history import cycle_key, cycle_year, in_time_order, repeated
from ecomops.errors import InvalidInput


@pytest.mark.parametrize(
    ("cycle", "key", "year"),
    [
        ("2026-01", (2026, 1, 0), 2026),
        ("2026-11", (2026, 11, 0), 2026),
        ("2026-Q1", (2026, 3, 1), 2026),
        ("2026-q4", (2026, 12, 1), 2026),
        ("2026", (2026, 12, 2), 2026),
        ("2027-2", (2027, 2, 0), 2027),
    ],
)
def test_cycle_key_and_year(cycle, key, year):
    assert cycle_key(cycle) == key
    assert cycle_year(cycle) == year


def test_cycles_in_time_order():
    ids = ["2026", "2027-01", "2026-Q4", "2026-12", "2026-Q3", "2026-09", "2026-10", "2025"]
    assert in_time_order(ids) == [
        "2025", "2026-09", "2026-Q3", "2026-10", "2026-12", "2026-Q4", "2026", "2027-01"]


def test_a_bad_cycle_id_is_refused():
    with pytest.raises(InvalidInput):
        cycle_key("November")


@pytest.mark.parametrize(
    ("graded", "expected"),
    [
        ([], []),
        ([("李娜", "2026-11", "A")], []),  # once is not more than once
        ([("李娜", "2026-11", "A"), ("李娜", "2026-10", "A")],
         [("李娜", "A", ("2026-10", "2026-11"))]),
        ([("李娜", "2026-11", "B"), ("李娜", "2026-10", "B")], []),  # B and C are not counted
        ([("孙悦", "2026", "D"), ("孙悦", "2026-Q4", "D"), ("孙悦", "2026-12", "D"),
          ("李娜", "2026-12", "A"), ("李娜", "2026", "A"), ("王强", "2026-12", "A")],
         [("李娜", "A", ("2026-12", "2026")), ("孙悦", "D", ("2026-12", "2026-Q4", "2026"))]),
    ],
)
def test_graded_a_or_d_more_than_once(graded, expected):
    found = repeated(graded, ["A", "D"])
    assert [(r.name, r.grade, r.cycles) for r in found] == expected
    assert [r.count for r in found] == [len(c) for _, _, c in expected]
