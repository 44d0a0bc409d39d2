"""Closed integer intervals: (start, end) covers every int n with start <= n <= end.

All functions validate every interval (tuple/list of exactly two ints, not bools,
start <= end), accept any iterable of intervals and never modify their arguments.
Wrong types raise TypeError; a wrong length or start > end raises ValueError.
"""


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _validated(intervals):
    result = []
    for item in intervals:
        if not isinstance(item, (tuple, list)):
            raise TypeError(f"interval must be a tuple or list, got {type(item).__name__}")
        if len(item) != 2:
            raise ValueError(f"interval must have two elements, got {len(item)}")
        start, end = item
        if not (_is_int(start) and _is_int(end)):
            raise TypeError(f"interval bounds must be ints: {item!r}")
        if start > end:
            raise ValueError(f"interval start > end: {item!r}")
        result.append((start, end))
    return result


def _merge(pairs, max_gap):
    merged = []
    for start, end in sorted(pairs):
        if merged and start - merged[-1][1] - 1 <= max_gap:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def merge_intervals(intervals, max_gap=0):
    """Return the union of ``intervals`` as a sorted list of (start, end) tuples.

    Two intervals merge if they overlap or if at most ``max_gap`` integers lie
    strictly between them: with max_gap=0, (1, 3) + (4, 6) -> (1, 6) but (1, 3) and
    (5, 6) stay apart. Merging is transitive. ``max_gap`` must be an int >= 0
    (TypeError / ValueError otherwise).
    """
    if not _is_int(max_gap):
        raise TypeError("max_gap must be an int")
    if max_gap < 0:
        raise ValueError("max_gap must be >= 0")
    return _merge(_validated(intervals), max_gap)


def subtract_intervals(base, remove):
    """Return the integers in ``base`` but not in ``remove`` as maximal sorted intervals.

    [(1, 10)] minus [(3, 4)] -> [(1, 2), (5, 10)].
    """
    base_merged = _merge(_validated(base), 0)
    holes = _merge(_validated(remove), 0)
    result = []
    for start, end in base_merged:
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end < cursor or hole_start > end:
                continue
            if hole_start > cursor:
                result.append((cursor, hole_start - 1))
            cursor = max(cursor, hole_end + 1)
            if cursor > end:
                break
        if cursor <= end:
            result.append((cursor, end))
    return result


def total_length(intervals):
    """Return how many distinct integers ``intervals`` cover ((1, 3) -> 3)."""
    return sum(end - start + 1 for start, end in _merge(_validated(intervals), 0))
