import pytest

from solution import unique_in_order


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["b", "a", "b", "c", "a"], ["b", "a", "c"]),
        (["x", "X", "x"], ["x", "X"]),
        ([], []),
        (["same", "same", "same"], ["same"]),
        (["z", "y", "x"], ["z", "y", "x"]),
        (["", "a", ""], ["", "a"]),
    ],
)
def test_examples(items, expected):
    assert unique_in_order(items) == expected


def test_order_is_first_appearance_not_sorted():
    assert unique_in_order(["pear", "apple", "pear", "fig"]) == ["pear", "apple", "fig"]


def test_input_is_not_modified():
    items = ["a", "a", "b"]
    unique_in_order(items)
    assert items == ["a", "a", "b"]


def test_no_repeats_gives_the_same_list():
    assert unique_in_order(["z", "y", "x"]) == ["z", "y", "x"]


def test_comparison_is_case_sensitive():
    assert unique_in_order(["Go", "go", "GO", "go"]) == ["Go", "go", "GO"]
