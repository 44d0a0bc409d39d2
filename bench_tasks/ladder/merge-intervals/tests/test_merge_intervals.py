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


def test_unsorted_input_chains_into_one():
    assert merge_intervals([(9, 12), (1, 4), (6, 9), (3, 6)]) == [(1, 12)]


def test_result_is_sorted_by_start():
    assert merge_intervals([(20, 21), (0, 1), (10, 11)]) == [(0, 1), (10, 11), (20, 21)]


def test_input_is_not_modified():
    intervals = [(5, 7), (1, 5)]
    merge_intervals(intervals)
    assert intervals == [(5, 7), (1, 5)]


def test_nested_interval_is_absorbed():
    assert merge_intervals([(2, 3), (1, 10)]) == [(1, 10)]
