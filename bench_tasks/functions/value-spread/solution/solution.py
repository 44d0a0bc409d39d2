from typing import List


def spread(values: List[float]) -> float:
    """Return the difference between the largest and the smallest of ``values``.

    The result is never negative. A list with a single value has a spread of 0,
    and so does an empty list.

    Examples: [3, 9, 4] -> 6; [-2.5, 2.5] -> 5.0; [7] -> 0; [] -> 0.
    """
    if not values:
        return 0
    return max(values) - min(values)
