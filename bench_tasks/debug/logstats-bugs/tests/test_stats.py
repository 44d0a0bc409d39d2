import pytest

from logstats import mean, percentile


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([10, 20, 30, 40], 50, 20),
        ([10, 20, 30, 40], 25, 10),
        ([10, 20, 30, 40], 75, 30),
        ([10, 20, 30, 40], 100, 40),
        ([40, 10, 30, 20], 95, 40),
        ([5], 1, 5),
        ([5], 100, 5),
        ([3, 1, 2], 50, 2),
        (list(range(1, 101)), 95, 95),
        (list(range(1, 101)), 0.5, 1),
    ],
)
def test_nearest_rank_percentile(values, p, expected):
    assert percentile(values, p) == expected


@pytest.mark.parametrize(("values", "p"), [([], 50), ([1, 2], 0), ([1, 2], 101), ([1, 2], -5)])
def test_percentile_rejects(values, p):
    with pytest.raises(ValueError):
        percentile(values, p)


def test_percentile_does_not_mutate_input():
    values = [3, 1, 2]
    percentile(values, 50)
    assert values == [3, 1, 2]


def test_mean():
    assert mean([1, 2, 3, 4]) == 2.5
    with pytest.raises(ValueError):
        mean([])
