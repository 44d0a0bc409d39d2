"""Backoff schedules."""

from collections.abc import Iterator


def delay_schedule(initial: float, factor: float, max_delay: float) -> Iterator[float]:
    """Yield the delays to wait before each retry, forever.

    The sequence is ``initial, initial * factor, initial * factor**2, ...`` and no
    value is ever larger than ``max_delay``.
    """
    delay = initial
    while True:
        yield delay
        if delay < max_delay:
            delay = delay * factor
