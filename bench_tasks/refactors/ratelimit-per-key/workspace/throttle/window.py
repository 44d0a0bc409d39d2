"""The sliding-window log behind ``RateLimiter``."""

import time
from collections import deque


class SlidingWindowLog:
    """Remembers the times of recent calls and admits at most ``limit`` per ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._log: deque[float] = deque()

    def _prune(self, now: float) -> None:
        while self._log and now - self._log[0] >= self.window:
            self._log.popleft()

    def hit(self) -> bool:
        """Record a call now; True if it is within the limit."""
        now = time.monotonic()
        self._prune(now)
        self._log.append(now)
        return len(self._log) <= self.limit

    def remaining(self) -> int:
        self._prune(time.monotonic())
        return max(0, self.limit - len(self._log))

    def retry_after(self) -> float:
        now = time.monotonic()
        self._prune(now)
        if len(self._log) < self.limit:
            return 0.0
        return self._log[-self.limit] + self.window - now
