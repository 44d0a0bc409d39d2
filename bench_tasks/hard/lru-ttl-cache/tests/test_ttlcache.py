import math

import pytest

from ttlcache import TTLCache


class Clock:
    def __init__(self, t=0.0):
        self.t = t

    def __call__(self):
        return self.t

    def advance(self, dt):
        self.t += dt


@pytest.fixture
def clock():
    return Clock(100.0)


def make(capacity=3, clock=None, **kw):
    return TTLCache(capacity, clock=clock or Clock(), **kw)


# --- capacity / LRU order -------------------------------------------------------


def test_basic_set_get_and_missing_default(clock):
    c = make(clock=clock)
    assert c.set("a", 1) is None
    assert c.get("a") == 1
    assert c["a"] == 1
    assert c.get("zz") is None
    assert c.get("zz", "dflt") == "dflt"
    with pytest.raises(KeyError):
        c["zz"]


def test_evicts_least_recently_inserted_when_untouched(clock):
    c = make(3, clock)
    for k in "abcd":
        c.set(k, k.upper())
    assert c.keys() == ["b", "c", "d"]
    assert "a" not in c
    assert len(c) == 3


def test_get_refreshes_recency(clock):
    c = make(3, clock)
    for k in "abc":
        c.set(k, 0)
    assert c.get("a") == 0
    c.set("d", 0)
    assert c.keys() == ["c", "a", "d"]
    assert "b" not in c


def test_getitem_hit_refreshes_recency_but_miss_does_not_change_order(clock):
    c = make(3, clock)
    for k in "abc":
        c.set(k, 0)
    c["a"]
    with pytest.raises(KeyError):
        c["nope"]
    c.get("nope")
    assert c.keys() == ["b", "c", "a"]


def test_peek_contains_len_keys_do_not_refresh_recency(clock):
    c = make(3, clock)
    for k in "abc":
        c.set(k, k)
    assert c.peek("a") == "a"
    assert c.peek("missing", 7) == 7
    assert "a" in c
    assert len(c) == 3
    c.ttl_remaining("a")
    c.keys()
    c.set("d", "d")
    assert "a" not in c
    assert c.keys() == ["b", "c", "d"]


def test_update_existing_key_replaces_value_makes_mru_and_never_evicts(clock):
    evicted = []
    c = make(3, clock, on_evict=lambda k, v: evicted.append((k, v)))
    for k in "abc":
        c.set(k, 1)
    c.set("a", 2)
    assert evicted == []
    assert len(c) == 3
    assert c.keys() == ["b", "c", "a"]
    assert c.peek("a") == 2
    c.set("d", 1)
    assert evicted == [("b", 1)]


def test_capacity_one(clock):
    evicted = []
    c = make(1, clock, on_evict=lambda k, v: evicted.append(k))
    c.set("a", 1)
    c.set("a", 2)
    c.set("b", 3)
    assert c.keys() == ["b"]
    assert evicted == ["a"]


def test_none_values_and_falsy_values_are_real_entries(clock):
    c = make(3, clock)
    c.set("n", None)
    c.set("z", 0)
    assert "n" in c
    assert c.get("n", "dflt") is None
    assert c["n"] is None
    assert c.get("z", "dflt") == 0
    assert c.pop("n", "dflt") is None
    assert len(c) == 1


# --- TTL ------------------------------------------------------------------------


def test_entry_expires_exactly_at_deadline(clock):
    c = make(3, clock)
    c.set("a", 1, ttl=10)
    clock.advance(9.5)
    assert c.get("a") == 1
    clock.t = 110.0
    assert c.get("a") is None
    assert c.get("a", "gone") == "gone"
    with pytest.raises(KeyError):
        c["a"]


def test_expired_entry_invisible_to_contains_len_keys_peek(clock):
    c = make(5, clock)
    c.set("short", 1, ttl=5)
    c.set("long", 2, ttl=50)
    c.set("forever", 3, ttl=None)
    assert len(c) == 3
    clock.advance(5)
    assert "short" not in c
    assert c.peek("short") is None
    assert len(c) == 2
    assert c.keys() == ["long", "forever"]
    clock.advance(1000)
    assert len(c) == 1
    assert c.keys() == ["forever"]
    assert c["forever"] == 3


def test_default_ttl_applies_when_ttl_omitted_and_none_overrides(clock):
    c = make(5, clock, default_ttl=30)
    c.set("d", 1)
    c.set("never", 2, ttl=None)
    c.set("own", 3, ttl=5)
    clock.advance(5)
    assert c.keys() == ["d", "never"]
    clock.advance(25)
    assert c.keys() == ["never"]


def test_update_recomputes_deadline_from_now_using_default_ttl(clock):
    c = make(5, clock, default_ttl=10)
    c.set("a", 1, ttl=100)
    clock.advance(8)
    c.set("a", 2)  # no ttl -> default_ttl (10) from now, NOT the old 100
    assert c.ttl_remaining("a") == 10
    clock.advance(9)
    assert c.get("a") == 2
    clock.advance(1)
    assert "a" not in c


def test_update_can_make_entry_immortal_or_mortal(clock):
    c = make(5, clock)
    c.set("a", 1, ttl=10)
    c.set("a", 1, ttl=None)
    clock.advance(1000)
    assert c["a"] == 1
    c.set("a", 2, ttl=1)
    clock.advance(1)
    assert "a" not in c


def test_get_does_not_extend_ttl(clock):
    c = make(3, clock)
    c.set("a", 1, ttl=10)
    for _ in range(9):
        clock.advance(1)
        assert c.get("a") == 1
    clock.advance(1)
    assert c.get("a") is None


def test_ttl_remaining(clock):
    c = make(3, clock, default_ttl=20)
    c.set("a", 1)
    c.set("b", 2, ttl=None)
    clock.advance(5)
    assert c.ttl_remaining("a") == pytest.approx(15)
    assert c.ttl_remaining("b") is None
    with pytest.raises(KeyError):
        c.ttl_remaining("missing")
    clock.advance(15)
    with pytest.raises(KeyError):
        c.ttl_remaining("a")


def test_fractional_ttl(clock):
    c = make(3, clock)
    c.set("a", 1, ttl=0.25)
    clock.advance(0.125)
    assert "a" in c
    clock.advance(0.125)
    assert "a" not in c


def test_expired_entries_do_not_count_towards_capacity(clock):
    evicted = []
    c = make(2, clock, on_evict=lambda k, v: evicted.append(k))
    c.set("old", 1)  # LRU, never expires
    c.set("tmp", 2, ttl=1)
    clock.advance(1)  # tmp expired
    c.set("new", 3)
    assert evicted == []  # room came from the expired entry; "old" survives
    assert c.keys() == ["old", "new"]


def test_expired_entries_are_never_reported_to_on_evict(clock):
    evicted = []
    c = make(2, clock, on_evict=lambda k, v: evicted.append(k))
    c.set("a", 1, ttl=1)
    c.set("b", 2, ttl=1)
    clock.advance(2)
    c.set("c", 3)
    c.set("d", 4)
    c.set("e", 5)
    assert evicted == ["c"]
    assert c.keys() == ["d", "e"]


def test_setting_an_expired_key_is_an_insert(clock):
    evicted = []
    c = make(2, clock, on_evict=lambda k, v: evicted.append(k))
    c.set("a", 1, ttl=1)
    c.set("b", 2)
    clock.advance(1)
    c.set("a", 3)
    assert c.keys() == ["b", "a"]
    assert evicted == []
    assert c["a"] == 3


def test_expiry_is_read_from_clock_on_every_call_and_clock_may_be_int():
    t = [0]
    c = TTLCache(2, clock=lambda: t[0])
    c.set("a", 1, ttl=3)
    t[0] = 2
    assert c.ttl_remaining("a") == 1
    t[0] = 3
    assert len(c) == 0


# --- delete / pop / clear ---------------------------------------------------------


def test_delete_semantics(clock):
    evicted = []
    c = make(3, clock, on_evict=lambda k, v: evicted.append(k))
    c.set("a", 1)
    c.set("b", 2, ttl=1)
    assert c.delete("a") is True
    assert c.delete("a") is False
    assert c.delete("never") is False
    clock.advance(1)
    assert c.delete("b") is False  # expired -> not a live entry
    assert len(c) == 0
    assert evicted == []


def test_pop_semantics(clock):
    c = make(3, clock)
    c.set("a", 1)
    c.set("b", 2, ttl=1)
    assert c.pop("a") == 1
    assert "a" not in c
    with pytest.raises(KeyError):
        c.pop("a")
    assert c.pop("a", None) is None
    clock.advance(1)
    with pytest.raises(KeyError):
        c.pop("b")
    assert c.pop("b", "x") == "x"


def test_clear_does_not_call_on_evict_and_cache_is_reusable(clock):
    evicted = []
    c = make(2, clock, on_evict=lambda k, v: evicted.append(k))
    c.set("a", 1)
    c.set("b", 2)
    c.clear()
    assert len(c) == 0 and c.keys() == []
    c.set("c", 3)
    c.set("d", 4)
    c.set("e", 5)
    assert evicted == ["c"]


def test_deleted_key_frees_a_slot(clock):
    evicted = []
    c = make(2, clock, on_evict=lambda k, v: evicted.append(k))
    c.set("a", 1)
    c.set("b", 2)
    c.delete("a")
    c.set("c", 3)
    assert evicted == []
    assert c.keys() == ["b", "c"]


# --- resize -----------------------------------------------------------------------


def test_resize_shrinks_evicting_lru_first(clock):
    evicted = []
    c = make(4, clock, on_evict=lambda k, v: evicted.append((k, v)))
    for i, k in enumerate("abcd"):
        c.set(k, i)
    c.get("a")
    c.resize(2)
    assert c.capacity == 2
    assert evicted == [("b", 1), ("c", 2)]
    assert c.keys() == ["d", "a"]


def test_resize_grow_and_expired_entries_not_evicted_on_shrink(clock):
    evicted = []
    c = make(3, clock, on_evict=lambda k, v: evicted.append(k))
    c.set("x", 1, ttl=1)
    c.set("y", 2)
    c.set("z", 3)
    clock.advance(1)
    c.resize(2)
    assert evicted == []
    assert c.keys() == ["y", "z"]
    c.resize(5)
    assert c.capacity == 5
    for k in "pqr":
        c.set(k, 0)
    assert evicted == []
    assert len(c) == 5


# --- validation -------------------------------------------------------------------


@pytest.mark.parametrize("bad", [2.0, "3", None, True])
def test_capacity_type_errors(bad):
    with pytest.raises(TypeError):
        TTLCache(bad, clock=Clock())


@pytest.mark.parametrize("bad", [0, -1])
def test_capacity_value_errors(bad):
    with pytest.raises(ValueError):
        TTLCache(bad, clock=Clock())


@pytest.mark.parametrize("bad", ["5", True, [1]])
def test_ttl_type_errors(bad, clock):
    with pytest.raises(TypeError):
        TTLCache(2, default_ttl=bad, clock=clock)
    c = make(2, clock)
    with pytest.raises(TypeError):
        c.set("a", 1, ttl=bad)


@pytest.mark.parametrize("bad", [0, 0.0, -1, -0.5, math.nan, math.inf])
def test_ttl_value_errors(bad, clock):
    with pytest.raises(ValueError):
        TTLCache(2, default_ttl=bad, clock=clock)
    c = make(2, clock)
    with pytest.raises(ValueError):
        c.set("a", 1, ttl=bad)


def test_failed_set_and_resize_leave_cache_unchanged(clock):
    evicted = []
    c = make(2, clock, on_evict=lambda k, v: evicted.append(k))
    c.set("a", 1)
    c.set("b", 2)
    with pytest.raises(ValueError):
        c.set("c", 3, ttl=-1)
    with pytest.raises(TypeError):
        c.set("a", 9, ttl="x")
    with pytest.raises(ValueError):
        c.resize(0)
    with pytest.raises(TypeError):
        c.resize(1.0)
    assert evicted == []
    assert c.keys() == ["a", "b"]
    assert c.peek("a") == 1
    assert c.capacity == 2
