import pytest

from numstats import mean


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 3, 4], 2.5),
        ([10], 10),
        ([-1, 1], 0),
        ([0.1, 0.2, 0.3], 0.2),
        ([2, 2, 2, 2, 2], 2),
        ([-4, -8], -6),
    ],
)
def test_means(values, expected):
    assert mean(values) == pytest.approx(expected)


def test_empty_list_gives_none():
    assert mean([]) is None


def test_input_is_not_modified():
    values = [3, 1]
    mean(values)
    assert values == [3, 1]


def test_single_value():
    assert mean([7.5]) == pytest.approx(7.5)


def test_mean_of_mixed_signs_can_be_zero():
    assert mean([-3, 3, -1, 1]) == pytest.approx(0)
