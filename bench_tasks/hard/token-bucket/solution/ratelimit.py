"""Per-key token-bucket rate limiting with lazy refill.

Every key (any hashable object: a user id, an IP address, a tuple...) has its
own bucket. A bucket holds a *level* of tokens between 0 and its capacity; the
level is a float and may be fractional. Requests take tokens out; tokens flow
back in continuously at ``refill_rate`` tokens per second, up to the capacity
(the capacity is therefore also the largest burst).

Nothing runs in the background. Refill is computed lazily from an injectable
``clock`` (a zero-argument callable returning seconds as an int or float;
default ``time.monotonic``) whenever an operation touches a key:

    elapsed = now - last             (last = time of the bucket's last refill)
    level   = min(capacity, level + elapsed * refill_rate)
    last    = now

If the clock reads *earlier* than ``last`` (clocks can jump backwards), nothing
is added or removed and ``last`` is left unchanged, so time is never counted
twice.

A key that has no bucket behaves exactly like a full bucket. ``len(limiter)``
is the number of keys that currently have a bucket. A bucket is created by
``try_acquire`` (whether it succeeds or not) and by ``set_limit``;
``tokens`` and ``wait_time`` never create one; ``reset`` and ``prune`` remove
buckets.

Floating point: refill arithmetic accumulates rounding errors (ten refills of
0.1 tokens give 0.9999999999999999). Comparisons therefore use the tolerance
``EPSILON = 1e-9``: a request for ``n`` tokens is satisfiable when
``level >= n - EPSILON``; after a successful request the level becomes
``max(0.0, level - n)``.

Validation (checked before anything changes; a call that raises changes no
state and creates no bucket):

* ``capacity``, ``refill_rate`` and every ``tokens`` amount must be an ``int``
  or ``float`` but not a ``bool``, else ``TypeError``; they must be finite and
  > 0, else ``ValueError``.
* Asking for more tokens than the key's capacity (``try_acquire`` or
  ``wait_time``) raises ``ValueError``: such a request could never succeed.
* An unhashable key raises ``TypeError``.
"""

import math
import time

EPSILON = 1e-9


def _check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")
    return value


class _Bucket:
    __slots__ = ("level", "last")

    def __init__(self, level, last):
        self.level = float(level)
        self.last = last


class RateLimiter:
    """``RateLimiter(capacity, refill_rate, clock=time.monotonic)`` (see module docstring)."""

    def __init__(self, capacity, refill_rate, clock=time.monotonic):
        self._capacity = _check_positive("capacity", capacity)
        self._rate = _check_positive("refill_rate", refill_rate)
        self._clock = clock
        self._buckets = {}
        self._limits = {}  # key -> (capacity, rate)

    def _limit(self, key):
        return self._limits.get(key, (self._capacity, self._rate))

    def _refilled(self, key, now):
        """Return the up-to-date bucket of ``key`` or None (meaning: full)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return None
        capacity, rate = self._limit(key)
        if now > bucket.last:
            bucket.level = min(float(capacity), bucket.level + (now - bucket.last) * rate)
            bucket.last = now
        return bucket

    def _check_amount(self, key, tokens):
        _check_positive("tokens", tokens)
        capacity, _ = self._limit(key)
        if tokens > capacity:
            raise ValueError(f"cannot request {tokens} tokens: capacity is {capacity}")

    def try_acquire(self, key, tokens=1):
        hash(key)
        self._check_amount(key, tokens)
        now = self._clock()
        bucket = self._refilled(key, now)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self._limit(key)[0], now)
        if bucket.level >= tokens - EPSILON:
            bucket.level = max(0.0, bucket.level - tokens)
            return True
        return False

    def tokens(self, key):
        hash(key)
        bucket = self._refilled(key, self._clock())
        if bucket is None:
            return float(self._limit(key)[0])
        return bucket.level

    def wait_time(self, key, tokens=1):
        hash(key)
        self._check_amount(key, tokens)
        level = self.tokens(key)
        if level >= tokens - EPSILON:
            return 0.0
        return (tokens - level) / self._limit(key)[1]

    def set_limit(self, key, capacity, refill_rate):
        hash(key)
        _check_positive("capacity", capacity)
        _check_positive("refill_rate", refill_rate)
        now = self._clock()
        bucket = self._refilled(key, now)
        self._limits[key] = (capacity, refill_rate)
        if bucket is None:
            self._buckets[key] = _Bucket(capacity, now)
        else:
            bucket.level = min(bucket.level, float(capacity))

    def reset(self, key):
        self._buckets.pop(key, None)

    def prune(self):
        now = self._clock()
        full = []
        for key in self._buckets:
            bucket = self._refilled(key, now)
            if bucket.level >= self._limit(key)[0] - EPSILON:
                full.append(key)
        for key in full:
            del self._buckets[key]
        return len(full)

    def __len__(self):
        return len(self._buckets)
