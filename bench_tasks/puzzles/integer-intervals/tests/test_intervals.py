import random

import pytest

from intervals import merge_intervals, subtract_intervals, total_length


def covered(intervals):
    return {n for start, end in intervals for n in range(start, end + 1)}


def maximal_runs(numbers):
    runs = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def test_empty_input():
    assert merge_intervals([]) == []
    assert subtract_intervals([], [(1, 2)]) == []
    assert total_length([]) == 0


@pytest.mark.parametrize(
    ("intervals", "expected"),
    [
        ([(1, 3), (2, 5)], [(1, 5)]),
        ([(1, 10), (3, 4)], [(1, 10)]),
        ([(5, 6), (1, 2)], [(1, 2), (5, 6)]),
        ([(1, 3), (3, 5)], [(1, 5)]),
        ([(4, 4)], [(4, 4)]),
        ([(-5, -1), (0, 2)], [(-5, 2)]),
    ],
)
def test_merge_overlapping_and_sorting(intervals, expected):
    assert merge_intervals(intervals) == expected


def test_adjacent_integers_merge_with_default_gap():
    assert merge_intervals([(1, 3), (4, 6)]) == [(1, 6)]
    assert merge_intervals([(4, 6), (1, 3)]) == [(1, 6)]
    assert merge_intervals([(1, 1), (2, 2), (3, 3)]) == [(1, 3)]


def test_one_missing_integer_keeps_intervals_apart_with_default_gap():
    assert merge_intervals([(1, 3), (5, 6)]) == [(1, 3), (5, 6)]


def test_max_gap_bridges_missing_integers():
    assert merge_intervals([(1, 3), (5, 6)], max_gap=1) == [(1, 6)]
    assert merge_intervals([(1, 3), (6, 6)], max_gap=1) == [(1, 3), (6, 6)]
    assert merge_intervals([(1, 3), (6, 6)], max_gap=2) == [(1, 6)]
    assert merge_intervals([(1, 2), (4, 5), (7, 8)], max_gap=1) == [(1, 8)]
    assert merge_intervals([(1, 2), (4, 5), (8, 9)], max_gap=1) == [(1, 5), (8, 9)]


def test_contained_interval_does_not_shrink_the_merge():
    assert merge_intervals([(1, 10), (2, 3), (11, 12)]) == [(1, 12)]
    assert merge_intervals([(0, 100), (5, 6), (50, 60)]) == [(0, 100)]


def test_results_are_tuples_and_inputs_untouched():
    data = [[5, 6], [1, 3], (2, 4)]
    snapshot = [list(x) if isinstance(x, list) else x for x in data]
    result = merge_intervals(data)
    assert result == [(1, 6)]
    assert all(type(item) is tuple for item in result)
    assert data == snapshot
    assert type(data[0]) is list


def test_accepts_generators_and_tuples_of_intervals():
    assert merge_intervals(((i, i) for i in range(5))) == [(0, 4)]
    assert total_length(((1, 3), (10, 10))) == 4
    assert subtract_intervals(iter([(1, 5)]), iter([(2, 2)])) == [(1, 1), (3, 5)]


@pytest.mark.parametrize(
    ("base", "remove", "expected"),
    [
        ([(1, 10)], [(3, 4)], [(1, 2), (5, 10)]),
        ([(1, 10)], [(1, 10)], []),
        ([(1, 10)], [(0, 1)], [(2, 10)]),
        ([(1, 10)], [(10, 20)], [(1, 9)]),
        ([(1, 10)], [(5, 5)], [(1, 4), (6, 10)]),
        ([(1, 3), (4, 6)], [], [(1, 6)]),
        ([(1, 5), (10, 15)], [(4, 11)], [(1, 3), (12, 15)]),
        ([(1, 10)], [(2, 2), (4, 4), (6, 7)], [(1, 1), (3, 3), (5, 5), (8, 10)]),
        ([(1, 3)], [(5, 8)], [(1, 3)]),
    ],
)
def test_subtract(base, remove, expected):
    assert subtract_intervals(base, remove) == expected


def test_total_length_counts_both_ends_once():
    assert total_length([(1, 3)]) == 3
    assert total_length([(4, 4)]) == 1
    assert total_length([(1, 3), (2, 5)]) == 5
    assert total_length([(1, 3), (4, 6)]) == 6
    assert total_length([(-2, 2), (10, 11)]) == 7


def test_randomised_against_set_semantics():
    rng = random.Random(20240601)
    for _ in range(300):
        base = [tuple(sorted((rng.randint(-20, 40), rng.randint(-20, 40)))) for _ in range(rng.randint(0, 6))]
        remove = [tuple(sorted((rng.randint(-20, 40), rng.randint(-20, 40)))) for _ in range(rng.randint(0, 4))]
        assert merge_intervals(base) == maximal_runs(covered(base))
        assert total_length(base) == len(covered(base))
        assert subtract_intervals(base, remove) == maximal_runs(covered(base) - covered(remove))
        gap = rng.randint(0, 3)
        merged = merge_intervals(base, max_gap=gap)
        for (_, end), (start, _) in zip(merged, merged[1:]):
            assert start - end - 1 > gap
        assert covered(base) <= covered(merged)


@pytest.mark.parametrize("bad", [(1, 2, 3), (1,), [], [5]])
def test_wrong_length_raises_value_error(bad):
    with pytest.raises(ValueError):
        merge_intervals([bad])
    with pytest.raises(ValueError):
        total_length([(0, 1), bad])


@pytest.mark.parametrize("bad", [(1.0, 2), (1, "2"), (True, 3), (0, None), "ab", 5, {1: 2, 3: 4}])
def test_wrong_types_raise_type_error(bad):
    with pytest.raises(TypeError):
        merge_intervals([bad])
    with pytest.raises(TypeError):
        subtract_intervals([(0, 1)], [bad])


def test_reversed_interval_raises_value_error():
    with pytest.raises(ValueError):
        merge_intervals([(5, 4)])
    with pytest.raises(ValueError):
        subtract_intervals([(5, 4)], [])
    with pytest.raises(ValueError):
        total_length([(1, 2), (3, -3)])


def test_max_gap_validation():
    with pytest.raises(ValueError):
        merge_intervals([(1, 2)], max_gap=-1)
    with pytest.raises(TypeError):
        merge_intervals([(1, 2)], max_gap=1.0)
    with pytest.raises(TypeError):
        merge_intervals([(1, 2)], max_gap=True)
