import pytest

from pages import compact_ranges


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        ([1, 2, 3, 5, 7, 8], "1-3,5,7-8"),
        ([4], "4"),
        ([0], "0"),
        ([1, 3, 5], "1,3,5"),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "1-10"),
        ([9, 10], "9-10"),
        ([98, 99, 100, 101], "98-101"),
    ],
)
def test_sorted_input(numbers, expected):
    assert compact_ranges(numbers) == expected


def test_empty_list_gives_empty_string():
    assert compact_ranges([]) == ""


def test_unsorted_input_is_sorted_numerically():
    assert compact_ranges([10, 1]) == "1,10"
    assert compact_ranges([8, 7, 5, 3, 2, 1]) == "1-3,5,7-8"
    assert compact_ranges([100, 20, 3]) == "3,20,100"


def test_duplicates_count_once():
    assert compact_ranges([5, 3, 4, 4]) == "3-5"
    assert compact_ranges([2, 2, 2]) == "2"
    assert compact_ranges([1, 1, 3, 3]) == "1,3"


def test_two_number_run_uses_a_dash():
    assert compact_ranges([0, 1, 5]) == "0-1,5"


def test_runs_at_both_ends_and_singles_between():
    assert compact_ranges([0, 1, 2, 4, 6, 8, 9]) == "0-2,4,6,8-9"


def test_input_list_is_not_modified():
    numbers = [3, 1, 2, 2]
    compact_ranges(numbers)
    assert numbers == [3, 1, 2, 2]


def test_long_descending_input():
    assert compact_ranges(list(range(5, 0, -1))) == "1-5"


@pytest.mark.parametrize("numbers", [[-1], [1, 2, -3], [0, -1]])
def test_negative_numbers_raise_value_error(numbers):
    with pytest.raises(ValueError):
        compact_ranges(numbers)
