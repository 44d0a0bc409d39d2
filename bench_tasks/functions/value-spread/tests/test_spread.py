import pytest

from solution import spread


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([3, 9, 4], 6),
        ([-2.5, 2.5], 5.0),
        ([7], 0),
        ([-10, -3], 7),
        ([5, 5, 5], 0),
        ([100, 1, 50, 2], 99),
    ],
)
def test_examples(values, expected):
    assert spread(values) == pytest.approx(expected)


def test_empty_list_gives_zero():
    assert spread([]) == 0


def test_floats():
    assert spread([0.5, 0.25, 1.0]) == pytest.approx(0.75)


def test_input_is_not_modified():
    values = [3, 1, 2]
    spread(values)
    assert values == [3, 1, 2]


def test_all_equal_values():
    assert spread([4, 4, 4]) == 0
