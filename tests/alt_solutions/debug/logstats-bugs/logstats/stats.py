"""Small statistics helpers."""

from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: the value at 1-based rank ``ceil(p / 100 * n)`` (at least 1)
    of the sorted values. ValueError for empty ``values`` or ``p`` outside (0, 100]."""
    n = len(values)
    if n == 0:
        raise ValueError("percentile of no values")
    if p <= 0 or p > 100:
        raise ValueError(f"percentile must be in (0, 100], got {p}")
    # ceil(p * n / 100) without floats where p is an int
    rank = -(-p * n // 100)
    rank = int(rank) if rank >= 1 else 1
    return sorted(values)[rank - 1]


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; ValueError for no values."""
    if len(values) == 0:
        raise ValueError("mean of no values")
    return sum(values) / len(values)
