"""An in-memory LRU cache whose entries can also expire after a time-to-live.

Time comes from an injectable ``clock``: a zero-argument callable returning the
current time in seconds as an int or float (default: ``time.monotonic``). The
cache never sleeps and has no background thread: expiry is evaluated lazily,
whenever an operation looks at an entry.

Definitions used below
----------------------
* An entry stored at time ``t`` with a TTL of ``ttl`` seconds has the deadline
  ``t + ttl``. It is *expired* from the moment ``clock() >= deadline`` on
  (so an entry with ttl=10 stored at t=0 is still live at t=9.999 and expired at
  t=10). An entry stored with ``ttl=None`` never expires.
* A *live* entry is one that is not expired. Expired entries behave exactly as
  if they were not in the cache: no method ever returns them, counts them or
  reports them as present. An implementation may drop them whenever it likes.
* *Recency*: the cache keeps its live entries ordered from least recently used
  (LRU) to most recently used (MRU). Only ``set`` (insert or update), ``get``
  and ``__getitem__`` (on a hit) make an entry the MRU. ``peek``,
  ``__contains__``, ``__len__``, ``keys``, ``ttl_remaining`` and failed lookups
  never change the order.

Validation
----------
* ``capacity`` must be an ``int`` >= 1. A non-int (including ``bool`` and
  ``float`` such as ``2.0``) raises ``TypeError``; an int < 1 raises
  ``ValueError``.
* A TTL (``default_ttl`` or the ``ttl`` argument of ``set``) is either ``None``
  (never expires) or a real number (``int`` or ``float``, but not ``bool``)
  that is finite and > 0. A non-number (e.g. ``"5"``) or a ``bool`` raises
  ``TypeError``; ``0``, a negative number, ``nan`` or ``inf`` raises
  ``ValueError``.
* Validation happens before anything changes: a call that raises leaves the
  cache exactly as it was.
"""

import math
import time
from collections import OrderedDict

_MISSING = object()


def _check_capacity(capacity):
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise TypeError(f"capacity must be an int, got {type(capacity).__name__}")
    if capacity < 1:
        raise ValueError(f"capacity must be >= 1, got {capacity}")
    return capacity


def _check_ttl(ttl):
    if ttl is None:
        return None
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise TypeError(f"ttl must be a number or None, got {type(ttl).__name__}")
    if not math.isfinite(ttl) or ttl <= 0:
        raise ValueError(f"ttl must be finite and > 0, got {ttl!r}")
    return ttl


class TTLCache:
    """LRU cache with per-entry TTL (see the module docstring)."""

    def __init__(self, capacity, default_ttl=None, clock=time.monotonic, on_evict=None):
        self._capacity = _check_capacity(capacity)
        self._default_ttl = _check_ttl(default_ttl)
        self._clock = clock
        self._on_evict = on_evict
        self._data = OrderedDict()  # key -> (value, deadline or None); LRU first

    @property
    def capacity(self):
        return self._capacity

    # -- helpers -------------------------------------------------------------

    def _purge(self, now):
        dead = [k for k, (_, dl) in self._data.items() if dl is not None and now >= dl]
        for k in dead:
            del self._data[k]

    def _live(self, key, now):
        """Return the (value, deadline) of a live entry or None (dropping it if expired)."""
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[1] is not None and now >= entry[1]:
            del self._data[key]
            return None
        return entry

    def _evict_to(self, size):
        while len(self._data) > size:
            key, (value, _) = self._data.popitem(last=False)
            if self._on_evict is not None:
                self._on_evict(key, value)

    # -- API -----------------------------------------------------------------

    def set(self, key, value, ttl=_MISSING):
        ttl = self._default_ttl if ttl is _MISSING else _check_ttl(ttl)
        now = self._clock()
        self._purge(now)
        deadline = None if ttl is None else now + ttl
        if key in self._data:
            self._data[key] = (value, deadline)
            self._data.move_to_end(key)
            return None
        self._evict_to(self._capacity - 1)
        self._data[key] = (value, deadline)
        return None

    def get(self, key, default=None):
        entry = self._live(key, self._clock())
        if entry is None:
            return default
        self._data.move_to_end(key)
        return entry[0]

    def __getitem__(self, key):
        entry = self._live(key, self._clock())
        if entry is None:
            raise KeyError(key)
        self._data.move_to_end(key)
        return entry[0]

    def peek(self, key, default=None):
        entry = self._live(key, self._clock())
        return default if entry is None else entry[0]

    def __contains__(self, key):
        return self._live(key, self._clock()) is not None

    def __len__(self):
        self._purge(self._clock())
        return len(self._data)

    def keys(self):
        self._purge(self._clock())
        return list(self._data)

    def delete(self, key):
        if self._live(key, self._clock()) is None:
            return False
        del self._data[key]
        return True

    def pop(self, key, default=_MISSING):
        entry = self._live(key, self._clock())
        if entry is None:
            if default is _MISSING:
                raise KeyError(key)
            return default
        del self._data[key]
        return entry[0]

    def clear(self):
        self._data.clear()

    def ttl_remaining(self, key):
        now = self._clock()
        entry = self._live(key, now)
        if entry is None:
            raise KeyError(key)
        return None if entry[1] is None else entry[1] - now

    def resize(self, capacity):
        self._capacity = _check_capacity(capacity)
        self._purge(self._clock())
        self._evict_to(self._capacity)
