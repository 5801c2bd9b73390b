"""Appraisal scoring: rater totals, the final score, its grade, and a criterion score's level.

Pure functions over plain data, ``Decimal`` throughout:

- a rater's total is  Σ weight × score / Σ weights  over the rubric's criteria (not rounded);
- the final score is the mean of the rater totals (equal rater weights unless given),
  rounded half-up to one decimal;
- the grade is the band that holds the rounded score; a criterion score's level is the band
  that holds that score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from ecomops.core.grades import Band, grade_of

ONE_PLACE = Decimal("0.1")


def rater_total(weights: Mapping[str, Decimal], scores: Mapping[str, Decimal]) -> Decimal:
    """Weighted mean of one sheet's scores; every weighted criterion must have a score."""
    missing = sorted(set(weights) - set(scores))
    if missing:
        raise ValueError(f"no score for {', '.join(missing)}")
    total_weight = sum(weights.values(), Decimal(0))
    if total_weight <= 0:
        raise ValueError("weights add up to zero")
    return sum((weights[c] * scores[c] for c in weights), Decimal(0)) / total_weight


def round_score(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def final_score(
    totals: Sequence[Decimal], rater_weights: Sequence[Decimal] | None = None
) -> Decimal:
    """The (weighted) mean of the rater totals, rounded half-up to one decimal."""
    if not totals:
        raise ValueError("no rater totals")
    weights = list(rater_weights) if rater_weights is not None else [Decimal(1)] * len(totals)
    if len(weights) != len(totals):
        raise ValueError("one weight per rater total")
    mean = sum((w * t for w, t in zip(weights, totals, strict=True)), Decimal(0)) / sum(
        weights, Decimal(0)
    )
    return round_score(mean)


def grade_for(score: Decimal, bands: Sequence[Band]) -> str:
    """The grade of a final score (rounded first, so 89.95 is 90.0 and an A)."""
    return grade_of(round_score(score), bands)


def level_for(score: Decimal, bands: Sequence[Band]) -> str:
    """The level a single criterion score stands for: the band it falls in."""
    return grade_of(score, bands)
