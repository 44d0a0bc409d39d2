import pytest

from solution import sum_even


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        ([1, 2, 3, 4], 6),
        ([-4, 5, 10], 6),
        ([2], 2),
        ([2, 2, 2], 6),
        ([0, 1, 0], 0),
        ([10, 20, 30, 41], 60),
    ],
)
def test_examples(numbers, expected):
    assert sum_even(numbers) == expected


def test_empty_list_gives_zero():
    assert sum_even([]) == 0


def test_only_odd_numbers_give_zero():
    assert sum_even([1, 3, 5, -7]) == 0


def test_negative_even_numbers_count():
    assert sum_even([-2, -3, -6]) == -8


def test_large_range():
    assert sum_even(list(range(101))) == 2550


def test_input_is_not_modified():
    numbers = [4, 1, 2]
    sum_even(numbers)
    assert numbers == [4, 1, 2]
