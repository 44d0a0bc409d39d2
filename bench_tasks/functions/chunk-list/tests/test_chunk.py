import pytest

from solution import chunk


@pytest.mark.parametrize(
    ("items", "size", "expected"),
    [
        ([1, 2, 3, 4, 5], 2, [[1, 2], [3, 4], [5]]),
        ([1, 2, 3], 3, [[1, 2, 3]]),
        ([], 4, []),
        ([1, 2], 5, [[1, 2]]),
        ([1, 2, 3], 1, [[1], [2], [3]]),
        (["a", "b", "c", "d"], 2, [["a", "b"], ["c", "d"]]),
        (list(range(7)), 3, [[0, 1, 2], [3, 4, 5], [6]]),
    ],
)
def test_examples(items, size, expected):
    assert chunk(items, size) == expected


@pytest.mark.parametrize("size", [0, -1, -10])
def test_size_below_one_raises(size):
    with pytest.raises(ValueError):
        chunk([1, 2, 3], size)


def test_input_is_not_modified():
    items = [1, 2, 3]
    chunk(items, 2)
    assert items == [1, 2, 3]


def test_size_larger_than_the_list():
    assert chunk([1, 2], 5) == [[1, 2]]


def test_last_piece_is_never_empty():
    for size in range(1, 8):
        pieces = chunk(list(range(12)), size)
        assert all(pieces)
        assert [x for piece in pieces for x in piece] == list(range(12))
