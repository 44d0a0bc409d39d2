"""The public rate limiter."""

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from throttle.rates import Rate, parse_rate
from throttle.window import SlidingWindowLog


class RateLimiter:
    """Admit at most ``rate.limit`` calls per ``rate.window`` seconds per key (sliding window).

    ``rate`` is a ``Rate`` or a rate string (see ``parse_rate``). Every key has its own
    independent window; ``key=None`` is the default shared bucket. ``clock`` returns the
    current time in seconds (default ``time.monotonic``). Keys with no call counting
    any more are forgotten, so ``len(limiter)`` is the number of keys with at least one
    call counting right now.
    """

    def __init__(self, rate: Rate | str, *, clock: Callable[[], float] = time.monotonic) -> None:
        if isinstance(rate, str):
            rate = parse_rate(rate)
        if rate.limit < 1 or rate.window <= 0:
            raise ValueError(f"invalid rate: {rate!r}")
        self.rate = rate
        self._clock = clock
        # Ordered by the time of each key's latest allowed call (oldest first), so idle
        # keys are always at the front.
        self._windows: OrderedDict[Hashable, SlidingWindowLog] = OrderedDict()

    def _now(self) -> float:
        now = self._clock()
        while self._windows:
            key, window = next(iter(self._windows.items()))
            if not window.idle(now):
                break
            del self._windows[key]
        return now

    def allow(self, key: Hashable = None) -> bool:
        """True (and the call is recorded) if a call for ``key`` is allowed now."""
        now = self._now()
        window = self._windows.get(key)
        if window is None:
            window = SlidingWindowLog(self.rate.limit, self.rate.window)
        if not window.try_hit(now):
            return False
        self._windows[key] = window
        self._windows.move_to_end(key)
        return True

    def remaining(self, key: Hashable = None) -> int:
        """How many calls for ``key`` would be allowed right now."""
        now = self._now()
        window = self._windows.get(key)
        return self.rate.limit if window is None else window.remaining(now)

    def retry_after(self, key: Hashable = None) -> float:
        """Seconds until a call for ``key`` would be allowed; 0.0 if one is allowed now."""
        now = self._now()
        window = self._windows.get(key)
        return 0.0 if window is None else window.retry_after(now)

    def __len__(self) -> int:
        self._now()
        return len(self._windows)
