"""Backoff schedules."""

from collections.abc import Iterator


def delay_schedule(initial: float, factor: float, max_delay: float) -> Iterator[float]:
    """Yield the delays to wait before each retry, forever.

    The sequence is ``initial, initial * factor, initial * factor**2, ...`` with
    every value capped at ``max_delay`` (``min(value, max_delay)``).
    """
    delay = initial
    while True:
        if delay >= max_delay:
            # Capped from here on; stop multiplying so the value cannot overflow.
            while True:
                yield max_delay
        yield delay
        delay = delay * factor
