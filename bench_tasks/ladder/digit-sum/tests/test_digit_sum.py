import pytest

from solution import digit_sum


def test_docstring_examples():
    assert digit_sum(123) == 6
    assert digit_sum(9045) == 18


def test_zero():
    assert digit_sum(0) == 0


@pytest.mark.parametrize(("n", "expected"), [(-77, 14), (-5, 5), (-100, 1)])
def test_sign_is_ignored(n, expected):
    assert digit_sum(n) == expected


@pytest.mark.parametrize("n", [1, 5, 9])
def test_single_digit(n):
    assert digit_sum(n) == n


def test_large_numbers():
    assert digit_sum(999999999) == 81
    assert digit_sum(10**20) == 1
