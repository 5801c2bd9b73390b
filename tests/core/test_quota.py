from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecomops.core.quota import (
    Person,
    counts_of,
    cumulative_limits,
    fewest_moves,
    largest_remainder,
    rank_grades,
    strict_moves,
    violations,
)

GRADES = ["A", "B", "C", "D"]
SHARES = [D(45), D(30), D(20), D(5)]


@pytest.mark.parametrize("n", range(1, 41))
def test_limits_for_n_1_to_40_are_exact_ceilings(n):
    # ceil(45n/100), ceil(75n/100), ceil(95n/100) in integer arithmetic
    expected = [(45 * n + 99) // 100, (75 * n + 99) // 100, (95 * n + 99) // 100]
    assert cumulative_limits(n, SHARES) == expected


@pytest.mark.parametrize(
    ("n", "limits"),
    [(1, [1, 1, 1]), (2, [1, 2, 2]), (7, [4, 6, 7]), (19, [9, 15, 19]), (20, [9, 15, 19]),
     (21, [10, 16, 20]), (40, [18, 30, 38])],
)
def test_known_limits(n, limits):
    assert cumulative_limits(n, SHARES) == limits


def people(grades_scores):
    return [Person(f"p{i:02d}", D(s), g) for i, (g, s) in enumerate(grades_scores)]


def test_twenty_people_with_ten_a_move_the_lowest_a_to_b():
    group = people([("A", 99 - i) for i in range(10)] + [("B", 85)] * 5 + [("C", 70)] * 4
                   + [("D", 50)])
    limits = cumulative_limits(20, SHARES)
    vio = violations(counts_of(group, GRADES), GRADES, limits)
    assert [(v.grades, v.count, v.limit) for v in vio] == [("A", 10, 9)]
    moves = fewest_moves(group, GRADES, limits)
    assert [(m.name, m.score, m.from_grade, m.to_grade) for m in moves] == [
        ("p09", D(90), "A", "B")]


def test_ties_go_by_score_then_name():
    group = [Person("王", D(91), "A"), Person("李", D(91), "A"), Person("张", D(95), "A")]
    moves = fewest_moves(group, GRADES, [1, 3, 3])
    assert [m.name for m in moves] == sorted(["王", "李"])


def test_each_boundary_moves_the_lowest_of_its_lowest_grade():
    group = people([("A", 95), ("A", 94), ("B", 85)])
    limits = [1, 2, 3]
    moves = fewest_moves(group, GRADES, limits)
    assert [(m.name, m.from_grade, m.to_grade) for m in moves] == [
        ("p01", "A", "B"), ("p02", "B", "C")]


@pytest.mark.parametrize(
    ("n", "counts"),
    [(20, [9, 6, 4, 1]), (1, [1, 0, 0, 0]), (3, [1, 1, 1, 0]), (10, [5, 3, 2, 0]),
     (7, [3, 2, 2, 0])],
)
def test_largest_remainder_counts(n, counts):
    assert largest_remainder(n, SHARES) == counts
    assert sum(counts) == n


def test_strict_mode_suggests_rank_based_grades():
    group = people([("A", 95), ("A", 91), ("A", 88), ("B", 70)])  # n=4 → 2 A, 1 B, 1 C
    assert rank_grades(group, GRADES, largest_remainder(4, SHARES)) == {
        "p00": "A", "p01": "A", "p02": "B", "p03": "C"}
    assert [(m.name, m.from_grade, m.to_grade) for m in strict_moves(group, GRADES, SHARES)] == [
        ("p02", "A", "B"), ("p03", "B", "C")]


groups = st.lists(
    st.tuples(st.sampled_from(GRADES), st.integers(min_value=0, max_value=1000)),
    min_size=1, max_size=60,
)


@given(groups)
def test_suggested_moves_always_satisfy_the_rule_and_are_the_fewest(data):
    group = [Person(f"p{i:03d}", D(s) / 10, g) for i, (g, s) in enumerate(data)]
    limits = cumulative_limits(len(group), SHARES)
    moves = fewest_moves(group, GRADES, limits)
    final = {p.name: p.grade for p in group}
    for m in moves:
        assert final[m.name] == m.from_grade
        assert GRADES.index(m.to_grade) == GRADES.index(m.from_grade) + 1
        final[m.name] = m.to_grade
    after = [Person(p.name, p.score, final[p.name]) for p in group]
    assert violations(counts_of(after, GRADES), GRADES, limits) == []
    # the lower bound: each one-grade move fixes one unit of excess at one boundary
    excess = sum(v.count - v.limit for v in violations(counts_of(group, GRADES), GRADES, limits))
    assert len(moves) == excess
