"""Helpers for rectangular grids stored as lists of rows."""

from typing import List


def in_bounds(grid: List[List[int]], row: int, col: int) -> bool:
    """Return True if (row, col) is a cell of ``grid``."""
    return 0 <= row < len(grid) and 0 <= col < len(grid[row])


def neighbour_sum(grid: List[List[int]], row: int, col: int) -> int:
    """Return the sum of the values around the cell (row, col) of ``grid``.

    ``grid`` is a list of rows of equal length, and ``grid[row][col]`` is the
    cell. Its neighbours are the up to eight cells that touch it horizontally,
    vertically or diagonally. Neighbours that would lie outside the grid are
    simply missing, and the cell's own value is not included. The helper
    ``in_bounds`` above may be used.

    Examples: for grid = [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
    neighbour_sum(grid, 1, 1) is 40 (everything but the 5),
    neighbour_sum(grid, 0, 0) is 2 + 4 + 5 = 11 and
    neighbour_sum(grid, 2, 1) is 4 + 5 + 6 + 7 + 9 = 31.
    """
    total = -grid[row][col]
    for r in range(max(row - 1, 0), min(row + 2, len(grid))):
        for c in range(max(col - 1, 0), min(col + 2, len(grid[r]))):
            total += grid[r][c]
    return total
