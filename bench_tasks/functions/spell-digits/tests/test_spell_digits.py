import pytest

import solution
from solution import spell_digits


def test_docstring_examples():
    assert spell_digits(472) == "four seven two"
    assert spell_digits(105) == "one zero five"


@pytest.mark.parametrize(("n", "expected"), [(0, "zero"), (9, "nine"), (4, "four")])
def test_single_digit(n, expected):
    assert spell_digits(n) == expected


def test_zeros_inside_the_number():
    assert spell_digits(1000) == "one zero zero zero"


@pytest.mark.parametrize(("n", "expected"), [(-38, "minus three eight"), (-6, "minus six")])
def test_negative_numbers(n, expected):
    assert spell_digits(n) == expected


def test_all_ten_digits():
    assert spell_digits(1234567890) == "one two three four five six seven eight nine zero"


def test_digit_names_constant_is_kept():
    assert solution.DIGIT_NAMES[0] == "zero"
    assert solution.DIGIT_NAMES[9] == "nine"
    assert len(solution.DIGIT_NAMES) == 10
