"""The sliding-window log behind ``RateLimiter``: one per key, time passed in by the caller."""

from collections import deque


class SlidingWindowLog:
    """Remembers the times of recent allowed calls; admits at most ``limit`` per ``window`` seconds.

    An allowed call at time ``t`` counts while ``now - t < window``. Refused calls are
    not recorded (they must not extend the wait).
    """

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._log: deque[float] = deque()

    def _prune(self, now: float) -> None:
        while self._log and now - self._log[0] >= self.window:
            self._log.popleft()

    def try_hit(self, now: float) -> bool:
        """Record a call at ``now`` if it is within the limit; return whether it was."""
        self._prune(now)
        if len(self._log) >= self.limit:
            return False
        self._log.append(now)
        return True

    def remaining(self, now: float) -> int:
        self._prune(now)
        return self.limit - len(self._log)

    def retry_after(self, now: float) -> float:
        self._prune(now)
        if len(self._log) < self.limit:
            return 0.0
        return self._log[0] + self.window - now

    def idle(self, now: float) -> bool:
        """True when no recorded call counts any more at ``now``."""
        self._prune(now)
        return not self._log
