"""Appraisal scoring: rater totals, the final score, its grade, and a criterion score's level.

Pure functions over plain data, ``Decimal`` throughout:

- a rater's total is  Σ weight × score / Σ weights  over the rubric's criteria (not rounded);
- the final score is the mean of the rater totals (equal rater weights unless given),
  rounded half-up to one decimal;
- the grade is the band that holds the rounded score; a criterion score's level is the band
  that holds that score.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from ecomops.core.grades import Band, grade_of
from ecomops.errors import InvalidInput

ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)

#: what a rater gives for a criterion: a score 0–100, or a grade letter standing for its points
Rating = Decimal | str


def check_score(score: Decimal, where: str = "") -> Decimal:
    """``score`` when it is a valid criterion score: 0–100 with at most two decimals."""
    if not score.is_finite() or not Decimal(0) <= score <= HUNDRED:
        raise InvalidInput(f"{where}score {score} is outside 0–100", "give 0–100")
    exponent = score.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidInput(f"{where}score {score} has more than two decimals")
    return score


def parse_score(text: str, where: str = "") -> Decimal:
    """A typed criterion score: digits with at most one decimal point (and a sign), 0–100."""
    raw = text.strip()
    if not _NUMBER.fullmatch(raw):
        raise InvalidInput(f"{where}score {text!r} is not a number", "give 0–100")
    return check_score(Decimal(raw), where)


def parse_rating(text: str, grades: Collection[str], where: str = "") -> Rating:
    """What a rater typed for a criterion: a grade letter (``b`` → ``"B"``), else a score."""
    letter = text.strip().upper()
    if letter in grades:
        return letter
    return parse_score(text, where)


def rating_points(
    value: Rating, points: Mapping[str, Decimal], where: str = ""
) -> tuple[Decimal, str | None]:
    """A rating as (score, the grade letter it was given as, if any): a letter counts its
    grade's points."""
    if isinstance(value, str):
        letter = value.strip().upper()
        if letter not in points:
            raise InvalidInput(
                f"{where}level {value!r} is not one of {', '.join(points)}"
            )
        return points[letter], letter
    return check_score(value, where), None


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
