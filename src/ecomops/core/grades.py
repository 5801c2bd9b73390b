"""Grade bands: which grade a score falls in, and whether a set of bands covers 0–100 once.

A band holds the scores with ``low <= score < high``; the band whose ``high`` is 100 also holds
100 itself. Scores are :class:`~decimal.Decimal`, never floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

TOP = Decimal(100)
BOTTOM = Decimal(0)


@dataclass(frozen=True)
class Band:
    grade: str
    low: Decimal
    high: Decimal

    def contains(self, score: Decimal) -> bool:
        return self.low <= score < self.high or (score == self.high == TOP)


def band_problems(bands: Sequence[Band]) -> list[str]:
    """What is wrong with a set of bands: empty bands, overlaps, gaps, or ends short of 0–100."""
    problems: list[str] = []
    for b in bands:
        if b.low >= b.high:
            problems.append(f"grade {b.grade}'s band {b.low}–{b.high} is empty")
    ordered = sorted((b for b in bands if b.low < b.high), key=lambda b: (b.low, b.high))
    if not ordered:
        return problems or ["no grade bands"]
    if ordered[0].low != BOTTOM:
        problems.append(
            f"grade bands start at {ordered[0].low}, not 0: scores below it fit no grade"
        )
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        if upper.low < lower.high:
            problems.append(
                f"grade bands overlap: {lower.grade} ({lower.low}–{lower.high}) and "
                f"{upper.grade} ({upper.low}–{upper.high}) both hold {upper.low}"
            )
        elif upper.low > lower.high:
            problems.append(
                f"grade bands leave a gap between {lower.high} and {upper.low} "
                f"(after {lower.grade}, before {upper.grade}): a score there fits no grade "
                f"(a band holds min <= score < max)"
            )
    if ordered[-1].high != TOP:
        problems.append(f"grade bands end at {ordered[-1].high}, not 100")
    return problems


def grade_of(score: Decimal, bands: Sequence[Band]) -> str:
    """The grade whose band holds ``score`` (0–100)."""
    if not BOTTOM <= score <= TOP:
        raise ValueError(f"score {score} is outside 0–100")
    for b in bands:
        if b.contains(score):
            return b.grade
    raise ValueError(f"no band holds {score}")
