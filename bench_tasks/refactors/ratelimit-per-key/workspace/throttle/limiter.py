"""The public rate limiter."""

from throttle.rates import Rate, parse_rate
from throttle.window import SlidingWindowLog


class RateLimiter:
    """Admit at most ``rate.limit`` calls per ``rate.window`` seconds (sliding window).

    ``rate`` is a ``Rate`` or a rate string (see ``parse_rate``).
    """

    def __init__(self, rate: Rate | str) -> None:
        if isinstance(rate, str):
            rate = parse_rate(rate)
        if rate.limit < 1 or rate.window <= 0:
            raise ValueError(f"invalid rate: {rate!r}")
        self.rate = rate
        self._window = SlidingWindowLog(rate.limit, rate.window)

    def allow(self) -> bool:
        """True (and the call is recorded) if a call is allowed now."""
        return self._window.hit()

    def remaining(self) -> int:
        """How many calls would be allowed right now."""
        return self._window.remaining()

    def retry_after(self) -> float:
        """Seconds until a call would be allowed; 0.0 if one is allowed now."""
        return self._window.retry_after()
