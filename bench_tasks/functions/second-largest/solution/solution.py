from typing import List, Optional


def second_largest(values: List[int]) -> Optional[int]:
    """Return the second-largest distinct value in ``values``.

    Repeated values count once, so in [5, 5, 3] the largest value is 5 and the
    second-largest is 3. If there are fewer than two distinct values (this
    includes an empty list), return None. The input list is not modified.

    Examples: [4, 1, 7, 3] -> 4; [5, 5, 3] -> 3; [2, 2] -> None; [] -> None.
    """
    distinct = sorted(set(values), reverse=True)
    if len(distinct) < 2:
        return None
    return distinct[1]
