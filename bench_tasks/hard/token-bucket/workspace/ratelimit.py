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

import time

EPSILON = 1e-9


class RateLimiter:
    """``RateLimiter(capacity, refill_rate, clock=time.monotonic)``

    ``capacity`` and ``refill_rate`` are the defaults for every key; ``set_limit``
    overrides them for one key.
    """

    def __init__(self, capacity, refill_rate, clock=time.monotonic):
        raise NotImplementedError

    def try_acquire(self, key, tokens=1):
        """Refill ``key``'s bucket, then take ``tokens`` from it if available.

        Return True if the tokens were taken, False otherwise (on False the level
        is unchanged, apart from the refill).
        """
        raise NotImplementedError

    def tokens(self, key):
        """Return the current level of ``key`` (after refill) as a float.

        Unknown keys report their full capacity.
        """
        raise NotImplementedError

    def wait_time(self, key, tokens=1):
        """Seconds (a float) until ``try_acquire(key, tokens)`` would succeed if
        nothing else touched the key: ``0.0`` if it would succeed now, else
        ``(tokens - level) / refill_rate``. Never takes tokens."""
        raise NotImplementedError

    def set_limit(self, key, capacity, refill_rate):
        """Give ``key`` its own capacity and refill rate (validated like the
        constructor's arguments).

        If the key already has a bucket, it is first refilled up to now at its
        OLD rate and capacity; then its level is capped at the new capacity (it
        is never raised). Otherwise a full bucket with the new capacity is
        created. The per-key limit is kept until the limiter is discarded, also
        across ``reset`` and ``prune``.
        """
        raise NotImplementedError

    def reset(self, key):
        """Forget ``key``'s bucket (its next use sees a full bucket). The key's
        own limit from ``set_limit``, if any, is kept. Unknown keys are ignored."""
        raise NotImplementedError

    def prune(self):
        """Drop every bucket that is full at the current time, i.e. whose
        refilled level is >= its capacity - EPSILON (dropping it changes no
        observable level), and return how many were dropped."""
        raise NotImplementedError

    def __len__(self):
        """Number of keys that currently have a bucket."""
        raise NotImplementedError
