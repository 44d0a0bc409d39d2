import pytest

import grading
from grading import letter_grade


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (100, "A"),
        (95, "A"),
        (90, "A"),
        (89, "B"),
        (80, "B"),
        (79, "C"),
        (70, "C"),
        (69, "D"),
        (60, "D"),
        (59, "F"),
        (1, "F"),
        (0, "F"),
    ],
)
def test_grades(score, expected):
    assert letter_grade(score) == expected


@pytest.mark.parametrize("score", [-1, 101, 1000, -50])
def test_out_of_range_raises(score):
    with pytest.raises(ValueError):
        letter_grade(score)


def test_thresholds_constant_is_kept():
    assert grading.THRESHOLDS == [(90, "A"), (80, "B"), (70, "C"), (60, "D")]


def test_docstring_examples():
    assert letter_grade(95) == "A"
    assert letter_grade(89) == "B"
    assert letter_grade(59) == "F"


def test_every_valid_score_gets_a_letter():
    for score in range(0, 101):
        assert letter_grade(score) in {"A", "B", "C", "D", "F"}
