"""Summary statistics for small lists of numbers."""

from typing import List, Optional


def mean(values: List[float]) -> Optional[float]:
    """Return the arithmetic mean (average) of ``values``.

    The mean is the sum of the values divided by how many there are. An empty
    list has no mean: return None instead of raising an error.

    Examples: [1, 2, 3, 4] -> 2.5; [10] -> 10; [-1, 1] -> 0; [] -> None.
    """
    if len(values) == 0:
        return None
    total = 0.0
    for v in values:
        total += v
    return total / len(values)
