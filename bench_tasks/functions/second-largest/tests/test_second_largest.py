import pytest

from solution import second_largest


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([4, 1, 7, 3], 4),
        ([5, 5, 3], 3),
        ([1, 2], 1),
        ([-1, -5, -3], -3),
        ([9, 9, 9, 8, 8], 8),
        ([0, 10, 10, 5], 5),
    ],
)
def test_examples(values, expected):
    assert second_largest(values) == expected


@pytest.mark.parametrize("values", [[], [7], [2, 2], [4, 4, 4]])
def test_fewer_than_two_distinct_values_give_none(values):
    assert second_largest(values) is None


def test_input_is_not_modified():
    values = [3, 9, 1]
    second_largest(values)
    assert values == [3, 9, 1]


def test_two_distinct_values():
    assert second_largest([1, 2]) == 1
    assert second_largest([2, 1]) == 1


def test_negative_values():
    assert second_largest([-1, -5, -3]) == -3
