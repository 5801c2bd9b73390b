"""The forced distribution (§6.2): limits, violations, and the fewest moves that satisfy it.

The handbook's part: grades run best first (A, B, C, D) with shares (45, 30, 20, 5), and the
year-end appraisal is exempt. The rest is the tool's reading of it (``ecomops manual check``
lists it as assumptions): with N complete appraisals in a group, the favourable grades are
capped cumulatively: at most ceil(45%·N) A, at most ceil(75%·N) A or B, at most ceil(95%·N) A,
B or C — computed exactly with fractions, so N = 20 allows 9 A, not 10; and the suggested moves
are the fewest one-grade moves, top down. Strict mode asks instead for the exact
largest-remainder counts (ties to the higher grade).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Person:
    name: str
    score: Decimal
    grade: str


@dataclass(frozen=True)
class Move:
    name: str
    score: Decimal
    from_grade: str
    to_grade: str


@dataclass(frozen=True)
class Violation:
    grades: str  # "A", "A+B", "A+B+C"
    count: int
    limit: int


def group_label(grades: Sequence[str], k: int) -> str:
    return "+".join(grades[: k + 1])


def cumulative_limits(n: int, shares: Sequence[Decimal]) -> list[int]:
    """ceil(cumulative share · n) for each group of the best k+1 grades (all but the last)."""
    limits = []
    cum = Fraction(0)
    for share in shares[:-1]:
        cum += Fraction(share)
        limits.append(math.ceil(cum * n / 100))
    return limits


def counts_of(people: Sequence[Person], grades: Sequence[str]) -> dict[str, int]:
    counts = dict.fromkeys(grades, 0)
    for p in people:
        counts[p.grade] += 1
    return counts


def violations(
    counts: dict[str, int], grades: Sequence[str], limits: Sequence[int]
) -> list[Violation]:
    out = []
    cum = 0
    for k, limit in enumerate(limits):
        cum += counts[grades[k]]
        if cum > limit:
            out.append(Violation(group_label(grades, k), cum, limit))
    return out


def fewest_moves(
    people: Sequence[Person], grades: Sequence[str], limits: Sequence[int]
) -> list[Move]:
    """One-grade moves, top down: while the best k+1 grades hold more than their limit, the
    lowest-scoring person of grade k (ties: lower score, then name) moves down one grade.

    A move across the boundary below grade k changes no other cumulative count, so the number
    of moves is the sum of the excesses: no fewer moves can satisfy the rule.
    """
    # people of each grade, lowest first (by score, then name); a moved person joins the
    # next grade, where they are again ordered among its members
    import heapq

    by_grade: dict[str, list] = {g: [] for g in grades}
    for p in people:
        by_grade[p.grade].append((p.score, p.name))
    for g in grades:
        heapq.heapify(by_grade[g])
    moves: list[Move] = []
    cumulative = 0
    for k, limit in enumerate(limits):
        here, below = by_grade[grades[k]], by_grade[grades[k + 1]]
        cumulative += len(here)
        while cumulative > limit:
            score, name = heapq.heappop(here)
            heapq.heappush(below, (score, name))
            moves.append(Move(name, score, grades[k], grades[k + 1]))
            cumulative -= 1
    return moves


def largest_remainder(n: int, shares: Sequence[Decimal]) -> list[int]:
    """Exact counts per grade: floors of share·n, the rest to the largest remainders
    (ties to the higher grade)."""
    quotas = [Fraction(s) * n / 100 for s in shares]
    counts = [math.floor(q) for q in quotas]
    left = n - sum(counts)
    order = sorted(range(len(shares)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[:left]:
        counts[i] += 1
    return counts


def rank_grades(people: Sequence[Person], grades: Sequence[str], counts: Sequence[int]):
    """Grades by rank: the best ``counts[0]`` scores get the first grade, and so on
    (ties: higher score first, then name)."""
    ranked = sorted(people, key=lambda p: (-p.score, p.name))
    out = {}
    i = 0
    for grade, count in zip(grades, counts, strict=True):
        for p in ranked[i : i + count]:
            out[p.name] = grade
        i += count
    return out


def strict_moves(people: Sequence[Person], grades: Sequence[str], shares: Sequence[Decimal]):
    """Strict mode: the moves from each person's grade to the rank-based grade."""
    target = rank_grades(people, grades, largest_remainder(len(people), shares))
    return [
        Move(p.name, p.score, p.grade, target[p.name])
        for p in sorted(people, key=lambda p: (-p.score, p.name))
        if target[p.name] != p.grade
    ]
