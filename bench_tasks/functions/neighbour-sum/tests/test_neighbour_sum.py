import pytest

from grid import in_bounds, neighbour_sum

GRID = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]


@pytest.mark.parametrize(
    ("row", "col", "expected"),
    [
        (1, 1, 40),
        (0, 0, 11),
        (2, 1, 31),
        (0, 2, 2 + 5 + 6),
        (2, 2, 5 + 6 + 8),
        (1, 0, 1 + 2 + 5 + 7 + 8),
    ],
)
def test_three_by_three(row, col, expected):
    assert neighbour_sum(GRID, row, col) == expected


def test_single_cell_has_no_neighbours():
    assert neighbour_sum([[42]], 0, 0) == 0


def test_single_row():
    assert neighbour_sum([[1, 2, 3, 4]], 0, 1) == 4
    assert neighbour_sum([[1, 2, 3, 4]], 0, 3) == 3


def test_rectangular_grid_and_negative_values():
    grid = [[-1, 0, 2, 5], [3, -4, 1, 1]]
    assert neighbour_sum(grid, 0, 1) == -1 + 2 + 3 - 4 + 1
    assert neighbour_sum(grid, 1, 3) == 2 + 5 + 1


def test_helper_is_kept():
    assert in_bounds(GRID, 2, 2) is True
    assert in_bounds(GRID, 3, 0) is False
    assert in_bounds(GRID, 0, -1) is False
