"""A few of the examples, as tests you can run: python -m pytest test_examples.py"""

import pytest
from solution import merge_intervals


@pytest.mark.parametrize(
    ("intervals", "expected"),
    [
        ([(1, 3), (2, 6), (8, 10)], [(1, 6), (8, 10)]),
        ([(5, 7), (1, 5)], [(1, 7)]),
        ([], []),
        ([(4, 9)], [(4, 9)]),
        ([(1, 10), (2, 3), (4, 5)], [(1, 10)]),
        ([(1, 2), (3, 4)], [(1, 2), (3, 4)]),
        ([(4, 4), (4, 4)], [(4, 4)]),
        ([(-5, -1), (-2, 0), (10, 12)], [(-5, 0), (10, 12)]),
    ],
)
def test_examples(intervals, expected):
    assert merge_intervals(intervals) == expected
