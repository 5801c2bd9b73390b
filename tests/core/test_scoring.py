from decimal import Decimal as D

import pytest

from ecomops.core.grades import Band
from ecomops.core.scoring import final_score, grade_for, level_for, rater_total

BANDS = [Band("A", D(90), D(100)), Band("B", D(80), D(90)), Band("C", D(60), D(80)),
         Band("D", D(0), D(60))]
EQUAL = {c: D(20) for c in "abcde"}


@pytest.mark.parametrize(
    ("scores", "total"),
    [
        ({"a": 90, "b": 80, "c": 70, "d": 60, "e": 100}, D(80)),
        ({"a": 95, "b": 95, "c": 95, "d": 95, "e": 95}, D(95)),
        ({"a": 89, "b": 90, "c": 90, "d": 90, "e": 90}, D("89.8")),
        ({"a": 0, "b": 0, "c": 0, "d": 0, "e": 1}, D("0.2")),
    ],
)
def test_rater_total_is_the_weighted_mean(scores, total):
    assert rater_total(EQUAL, {k: D(v) for k, v in scores.items()}) == total


def test_rater_total_with_unequal_weights():
    weights = {"a": D(50), "b": D(30), "c": D(20)}
    assert rater_total(weights, {"a": D(100), "b": D(50), "c": D(0)}) == D(65)


def test_a_missing_score_is_refused():
    with pytest.raises(ValueError, match="no score for e"):
        rater_total(EQUAL, {c: D(80) for c in "abcd"})


@pytest.mark.parametrize(
    ("totals", "final"),
    [
        ([D("89.95")], D("90.0")),           # half-up at the A edge
        ([D("89.94")], D("89.9")),
        ([D("79.95")], D("80.0")),
        ([D("59.94")], D("59.9")),
        ([D(80), D(85)], D("82.5")),
        ([D("88.3"), D("91.6")], D("90.0")),  # 89.95 exactly → 90.0
        ([D(70), D(71), D(71)], D("70.7")),   # 70.666… → 70.7
    ],
)
def test_final_score_is_the_mean_rounded_half_up(totals, final):
    assert final_score(totals) == final


def test_rater_weights():
    assert final_score([D(80), D(90)], [D(3), D(1)]) == D("82.5")


@pytest.mark.parametrize(
    ("score", "grade"),
    [("59.9", "D"), ("60", "C"), ("79.95", "B"), ("79.94", "C"), ("89.95", "A"),
     ("89.94", "B"), ("90", "A"), ("100", "A"), ("0", "D")],
)
def test_grade_band_edges(score, grade):
    assert grade_for(D(score), BANDS) == grade


@pytest.mark.parametrize(("score", "level"), [("59.9", "D"), ("60", "C"), ("79.95", "C"),
                                              ("89.99", "B"), ("90", "A")])
def test_a_criterion_scores_level_is_its_band_unrounded(score, level):
    assert level_for(D(score), BANDS) == level
