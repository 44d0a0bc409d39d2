from typing import List, Tuple


def merge_intervals(intervals: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """Merge overlapping closed intervals.

    Each interval is a tuple (start, end) with start <= end, and it includes
    both ends. The input may be in any order. Intervals that overlap or touch
    (one starts exactly where another ends) are merged into one. Return the
    merged intervals as a list of tuples sorted by start. The input list is not
    modified.

    >>> merge_intervals([(1, 3), (2, 6), (8, 10)])
    [(1, 6), (8, 10)]
    >>> merge_intervals([(5, 7), (1, 5)])
    [(1, 7)]
    >>> merge_intervals([])
    []
    """
    ordered = sorted(intervals, key=lambda iv: iv[0])
    result: List[Tuple[int, int]] = []
    for start, end in ordered:
        if result and result[-1][1] >= start:
            last_start, last_end = result.pop()
            result.append((last_start, max(last_end, end)))
        else:
            result.append((start, end))
    return result
