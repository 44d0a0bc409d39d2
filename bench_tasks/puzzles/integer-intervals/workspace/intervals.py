"""Closed integer intervals: (start, end) covers every int n with start <= n <= end.

All functions validate every interval (tuple/list of exactly two ints, not bools,
start <= end), accept any iterable of intervals and never modify their arguments.
Wrong types raise TypeError; a wrong length or start > end raises ValueError.
"""


def merge_intervals(intervals, max_gap=0):
    """Return the union of ``intervals`` as a sorted list of (start, end) tuples.

    Two intervals merge if they overlap or if at most ``max_gap`` integers lie
    strictly between them: with max_gap=0, (1, 3) + (4, 6) -> (1, 6) but (1, 3) and
    (5, 6) stay apart. Merging is transitive. ``max_gap`` must be an int >= 0
    (TypeError / ValueError otherwise).
    """
    raise NotImplementedError


def subtract_intervals(base, remove):
    """Return the integers in ``base`` but not in ``remove`` as maximal sorted intervals.

    [(1, 10)] minus [(3, 4)] -> [(1, 2), (5, 10)].
    """
    raise NotImplementedError


def total_length(intervals):
    """Return how many distinct integers ``intervals`` cover ((1, 3) -> 3)."""
    raise NotImplementedError
