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

import time

_MISSING = object()


class TTLCache:
    """LRU cache with per-entry TTL.

    ``TTLCache(capacity, default_ttl=None, clock=time.monotonic, on_evict=None)``

    * ``capacity``: maximum number of live entries.
    * ``default_ttl``: TTL used by ``set`` when its ``ttl`` argument is omitted.
    * ``clock``: see the module docstring.
    * ``on_evict``: optional callable ``on_evict(key, value)``. It is called once
      for every live entry removed to make room (capacity eviction in ``set`` or
      ``resize``), after the entry has been removed. It is NOT called for
      expired entries, ``delete``, ``clear``, ``pop`` or when ``set`` replaces
      the value of an existing key.
    """

    def __init__(self, capacity, default_ttl=None, clock=time.monotonic, on_evict=None):
        raise NotImplementedError

    @property
    def capacity(self):
        """The current capacity (an int)."""
        raise NotImplementedError

    def set(self, key, value, ttl=_MISSING):
        """Store ``value`` under ``key`` and make it the MRU entry; return None.

        ``ttl`` omitted -> use ``default_ttl``; ``ttl=None`` -> never expires;
        otherwise a TTL as described in the module docstring. The deadline is
        always recomputed from the current time, also when the key already
        exists (an update does NOT keep the old deadline or the old TTL: an
        update without ``ttl`` uses ``default_ttl``).

        Updating a live key never evicts anything. Inserting a new key (or a key
        whose entry has expired) when the cache already holds ``capacity`` live
        entries evicts the LRU live entry first (calling ``on_evict``). Expired
        entries never count towards the capacity and are never passed to
        ``on_evict``.
        """
        raise NotImplementedError

    def get(self, key, default=None):
        """Return the live value for ``key`` and make it the MRU entry, else ``default``."""
        raise NotImplementedError

    def __getitem__(self, key):
        """Like ``get`` but raise ``KeyError`` when there is no live entry."""
        raise NotImplementedError

    def peek(self, key, default=None):
        """Return the live value for ``key`` (or ``default``) WITHOUT touching recency."""
        raise NotImplementedError

    def __contains__(self, key):
        """True iff ``key`` has a live entry. Does not touch recency."""
        raise NotImplementedError

    def __len__(self):
        """Number of live entries."""
        raise NotImplementedError

    def keys(self):
        """A new list of the live keys, from least to most recently used."""
        raise NotImplementedError

    def delete(self, key):
        """Remove ``key``. Return True if a live entry was removed, else False
        (missing or already expired). Never raises for a missing key."""
        raise NotImplementedError

    def pop(self, key, default=_MISSING):
        """Remove ``key`` and return its live value. If there is no live entry,
        return ``default`` if given, else raise ``KeyError``."""
        raise NotImplementedError

    def clear(self):
        """Remove every entry (no ``on_evict`` calls)."""
        raise NotImplementedError

    def ttl_remaining(self, key):
        """Seconds until the live entry ``key`` expires (``deadline - clock()``,
        a number > 0), or None if it never expires. Raise ``KeyError`` if there
        is no live entry. Does not touch recency."""
        raise NotImplementedError

    def resize(self, capacity):
        """Change the capacity (validated like the constructor argument).

        If more live entries remain than the new capacity, evict LRU live
        entries (calling ``on_evict`` for each, least recent first) until
        ``len(cache) == capacity``.
        """
        raise NotImplementedError
