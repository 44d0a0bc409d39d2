"""Alternative solution: intervals handled as half-open boundary events.

Written from the task instruction alone; internally every closed (a, b) becomes the
half-open [a, b + 1), and unions / differences are computed with a coverage sweep.
"""

from itertools import groupby


def _check_bound(value):
    if type(value) is bool or not isinstance(value, int):
        raise TypeError("interval bounds must be int")


def _half_open(intervals):
    out = []
    for iv in intervals:
        if not isinstance(iv, (tuple, list)):
            raise TypeError("interval must be a tuple or list")
        if len(iv) != 2:
            raise ValueError("interval must have exactly two elements")
        lo, hi = iv[0], iv[1]
        _check_bound(lo)
        _check_bound(hi)
        if lo > hi:
            raise ValueError("start must not exceed end")
        out.append((lo, hi + 1))
    return out


def _sweep(weighted):
    """Yield half-open [lo, hi) pieces where the summed weight is positive.

    ``weighted`` is a list of (lo, hi, weight); positive weights add coverage, a
    large negative weight masks it out.
    """
    events = []
    for lo, hi, w in weighted:
        events.append((lo, w))
        events.append((hi, -w))
    events.sort()
    pieces = []
    level = 0
    start = None
    for pos, group in groupby(events, key=lambda e: e[0]):
        level += sum(w for _, w in group)
        if level > 0 and start is None:
            start = pos
        elif level <= 0 and start is not None:
            pieces.append((start, pos))
            start = None
    return pieces


def merge_intervals(intervals, max_gap=0):
    if isinstance(max_gap, bool) or not isinstance(max_gap, int):
        raise TypeError("max_gap must be an int")
    if max_gap < 0:
        raise ValueError("max_gap must not be negative")
    pieces = _sweep([(lo, hi, 1) for lo, hi in _half_open(intervals)])
    joined = []
    for lo, hi in pieces:
        if joined and lo - joined[-1][1] <= max_gap:
            joined[-1] = (joined[-1][0], hi)
        else:
            joined.append((lo, hi))
    return [(lo, hi - 1) for lo, hi in joined]


def subtract_intervals(base, remove):
    base_pieces = _half_open(base)
    holes = _half_open(remove)
    mask = len(base_pieces) + 1
    weighted = [(lo, hi, 1) for lo, hi in base_pieces] + [(lo, hi, -mask) for lo, hi in holes]
    return [(lo, hi - 1) for lo, hi in _sweep(weighted)]


def total_length(intervals):
    return sum(hi - lo for lo, hi in _sweep([(lo, hi, 1) for lo, hi in _half_open(intervals)]))
