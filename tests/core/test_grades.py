from decimal import Decimal as D

import pytest

from ecomops.core.grades import Band, band_problems, grade_of

SEED_BANDS = [Band("A", D(90), D(100)), Band("B", D(80), D(90)), Band("C", D(60), D(80)),
              Band("D", D(0), D(60))]


@pytest.mark.parametrize(
    ("score", "grade"),
    [("0", "D"), ("59", "D"), ("59.5", "D"), ("59.9", "D"), ("60", "C"), ("79.9", "C"),
     ("79.95", "C"), ("80", "B"), ("89.5", "B"), ("89.9", "B"), ("89.95", "B"), ("90", "A"),
     ("99.99", "A"), ("100", "A")],
)
def test_grade_of_band_edges(score, grade):
    assert grade_of(D(score), SEED_BANDS) == grade


@pytest.mark.parametrize("score", ["-0.1", "100.1", "250"])
def test_scores_outside_0_100_are_refused(score):
    with pytest.raises(ValueError, match="outside 0–100"):
        grade_of(D(score), SEED_BANDS)


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        (SEED_BANDS, []),
        ([Band("A", D(90), D(100)), Band("B", D(80), D(89)), Band("C", D(0), D(80))],
         ["gap between 89 and 90"]),
        ([Band("A", D(85), D(100)), Band("B", D(0), D(90))], ["overlap"]),
        ([Band("A", D(10), D(100))], ["start at 10, not 0"]),
        ([Band("A", D(0), D(99))], ["end at 99, not 100"]),
        ([Band("A", D(50), D(50)), Band("B", D(0), D(100))], ["is empty"]),
    ],
)
def test_band_problems(bands, expected):
    found = band_problems(bands)
    assert len(found) == len(expected)
    for message, words in zip(found, expected, strict=True):
        assert words in message
