import math

import pytest

from ratelimit import RateLimiter


class Clock:
    def __init__(self, t=1000.0):
        self.t = t

    def __call__(self):
        return self.t

    def advance(self, dt):
        self.t += dt


@pytest.fixture
def clock():
    return Clock()


def test_new_key_starts_full_and_allows_a_burst_of_capacity(clock):
    rl = RateLimiter(5, 1, clock=clock)
    assert [rl.try_acquire("u") for _ in range(6)] == [True] * 5 + [False]
    assert rl.tokens("u") == 0.0


def test_keys_are_independent(clock):
    rl = RateLimiter(2, 1, clock=clock)
    assert rl.try_acquire("a") and rl.try_acquire("a")
    assert not rl.try_acquire("a")
    assert rl.try_acquire("b")
    assert rl.try_acquire(("ip", "10.0.0.1"))
    assert rl.try_acquire(42)
    assert rl.tokens("b") == 1.0


def test_lazy_refill_over_time(clock):
    rl = RateLimiter(4, 2, clock=clock)
    for _ in range(4):
        assert rl.try_acquire("k")
    clock.advance(0.5)
    assert rl.tokens("k") == pytest.approx(1.0)
    assert rl.try_acquire("k")
    assert not rl.try_acquire("k")
    clock.advance(1.25)
    assert rl.tokens("k") == pytest.approx(2.5)


def test_refill_never_exceeds_capacity(clock):
    rl = RateLimiter(3, 10, clock=clock)
    rl.try_acquire("k", 3)
    clock.advance(3600)
    assert rl.tokens("k") == 3.0
    assert [rl.try_acquire("k") for _ in range(4)] == [True, True, True, False]


def test_fractional_rate_and_fractional_requests(clock):
    rl = RateLimiter(2, 0.5, clock=clock)
    assert rl.try_acquire("k", 1.75)
    assert rl.tokens("k") == pytest.approx(0.25)
    assert not rl.try_acquire("k", 0.5)
    clock.advance(0.5)  # +0.25
    assert rl.try_acquire("k", 0.5)
    assert rl.tokens("k") == pytest.approx(0.0)


def test_fractional_capacity(clock):
    rl = RateLimiter(2.5, 1, clock=clock)
    assert rl.try_acquire("k", 2)
    assert not rl.try_acquire("k", 1)
    assert rl.try_acquire("k", 0.5)
    with pytest.raises(ValueError):
        rl.try_acquire("k", 3)


def test_failed_acquire_takes_nothing(clock):
    rl = RateLimiter(10, 1, clock=clock)
    assert rl.try_acquire("k", 7)
    assert not rl.try_acquire("k", 4)
    assert rl.tokens("k") == 3.0
    assert rl.try_acquire("k", 3)


def test_tolerance_makes_accumulated_float_refills_count(clock):
    rl = RateLimiter(1, 0.1, clock=clock)
    assert rl.try_acquire("k")
    for _ in range(10):
        clock.advance(1)
        rl.tokens("k")  # refill in ten small steps: 0.9999999999999999
    assert rl.try_acquire("k")
    assert rl.tokens("k") == 0.0  # never negative


def test_tokens_returns_float_and_unknown_key_reports_capacity(clock):
    rl = RateLimiter(3, 1, clock=clock)
    value = rl.tokens("nobody")
    assert isinstance(value, float) and value == 3.0
    rl.try_acquire("k", 1)
    assert isinstance(rl.tokens("k"), float)


def test_wait_time(clock):
    rl = RateLimiter(4, 2, clock=clock)
    assert rl.wait_time("k") == 0.0
    assert rl.wait_time("k", 4) == 0.0
    rl.try_acquire("k", 4)
    assert rl.wait_time("k") == pytest.approx(0.5)
    assert rl.wait_time("k", 3) == pytest.approx(1.5)
    clock.advance(0.25)
    assert rl.wait_time("k", 3) == pytest.approx(1.25)
    assert rl.tokens("k") == pytest.approx(0.5)  # wait_time took nothing
    clock.advance(rl.wait_time("k", 3))
    assert rl.try_acquire("k", 3)


def test_wait_time_validation(clock):
    rl = RateLimiter(4, 2, clock=clock)
    with pytest.raises(ValueError):
        rl.wait_time("k", 5)
    with pytest.raises(ValueError):
        rl.wait_time("k", 0)
    with pytest.raises(TypeError):
        rl.wait_time("k", "1")
    assert len(rl) == 0


def test_clock_going_backwards_adds_nothing_and_is_not_double_counted(clock):
    rl = RateLimiter(10, 1, clock=clock)
    clock.t = 100.0
    rl.try_acquire("k", 10)
    clock.t = 90.0
    assert rl.tokens("k") == 0.0
    assert not rl.try_acquire("k")
    clock.t = 95.0
    assert rl.tokens("k") == 0.0
    clock.t = 103.0  # only 3 seconds past the last refill at t=100
    assert rl.tokens("k") == pytest.approx(3.0)


def test_integer_clock(clock):
    t = [0]
    rl = RateLimiter(2, 1, clock=lambda: t[0])
    rl.try_acquire("k", 2)
    t[0] = 1
    assert rl.tokens("k") == 1.0


def test_len_counts_buckets_created_by_try_acquire_and_set_limit_only(clock):
    rl = RateLimiter(1, 1, clock=clock)
    assert len(rl) == 0
    rl.tokens("a")
    rl.wait_time("a")
    assert len(rl) == 0
    rl.try_acquire("a")
    rl.try_acquire("a")  # fails, still one bucket
    assert len(rl) == 1
    rl.set_limit("b", 5, 1)
    assert len(rl) == 2


def test_reset_refills_key_and_removes_bucket(clock):
    rl = RateLimiter(3, 1, clock=clock)
    rl.try_acquire("a", 3)
    rl.try_acquire("b", 1)
    rl.reset("a")
    rl.reset("unknown")
    assert len(rl) == 1
    assert rl.tokens("a") == 3.0
    assert rl.try_acquire("a", 3)


def test_prune_drops_only_full_buckets(clock):
    rl = RateLimiter(4, 1, clock=clock)
    rl.try_acquire("a", 1)
    rl.try_acquire("b", 4)
    rl.try_acquire("c", 2)
    clock.advance(2)  # a full again, b at 2, c full
    assert rl.prune() == 2
    assert len(rl) == 1
    assert rl.tokens("b") == pytest.approx(2.0)
    assert rl.tokens("a") == 4.0
    assert rl.prune() == 0
    clock.advance(10)
    assert rl.prune() == 1
    assert len(rl) == 0


def test_prune_uses_tolerance(clock):
    rl = RateLimiter(1, 0.1, clock=clock)
    rl.try_acquire("k")
    for _ in range(10):
        clock.advance(1)
        rl.tokens("k")
    assert rl.prune() == 1


def test_set_limit_overrides_defaults_for_one_key(clock):
    rl = RateLimiter(2, 1, clock=clock)
    rl.set_limit("vip", 10, 5)
    assert rl.tokens("vip") == 10.0
    assert rl.try_acquire("vip", 10)
    clock.advance(1)
    assert rl.tokens("vip") == pytest.approx(5.0)
    assert rl.tokens("other") == 2.0
    with pytest.raises(ValueError):
        rl.try_acquire("other", 3)
    assert rl.wait_time("vip", 8) == pytest.approx(0.6)


def test_set_limit_refills_at_old_rate_then_caps_level(clock):
    rl = RateLimiter(10, 1, clock=clock)
    rl.try_acquire("k", 10)
    clock.advance(4)  # old rate: level 4
    rl.set_limit("k", 3, 100)
    assert rl.tokens("k") == pytest.approx(3.0)  # capped, not raised
    rl.try_acquire("k", 3)
    clock.advance(0.01)
    assert rl.tokens("k") == pytest.approx(1.0)  # new rate from now on


def test_set_limit_never_raises_level(clock):
    rl = RateLimiter(2, 1, clock=clock)
    rl.try_acquire("k", 2)
    rl.set_limit("k", 50, 1)
    assert rl.tokens("k") == 0.0
    clock.advance(5)
    assert rl.tokens("k") == pytest.approx(5.0)  # above the old capacity of 2


def test_set_limit_survives_reset_and_prune(clock):
    rl = RateLimiter(2, 1, clock=clock)
    rl.set_limit("k", 6, 1)
    rl.try_acquire("k", 6)
    rl.reset("k")
    assert rl.tokens("k") == 6.0
    rl.try_acquire("k", 1)
    clock.advance(5)
    assert rl.prune() == 1
    assert rl.tokens("k") == 6.0
    assert rl.try_acquire("k", 6)


@pytest.mark.parametrize("bad", ["1", None, True, [1]])
def test_constructor_type_errors(bad, clock):
    with pytest.raises(TypeError):
        RateLimiter(bad, 1, clock=clock)
    with pytest.raises(TypeError):
        RateLimiter(1, bad, clock=clock)


@pytest.mark.parametrize("bad", [0, -1, 0.0, math.nan, math.inf, -math.inf])
def test_constructor_value_errors(bad, clock):
    with pytest.raises(ValueError):
        RateLimiter(bad, 1, clock=clock)
    with pytest.raises(ValueError):
        RateLimiter(1, bad, clock=clock)


@pytest.mark.parametrize(
    ("amount", "exc"),
    [(0, ValueError), (-1, ValueError), (math.nan, ValueError), (math.inf, ValueError),
     (6, ValueError), (5.5, ValueError), ("1", TypeError), (False, TypeError), (None, TypeError)],
)
def test_try_acquire_amount_validation_changes_nothing(amount, exc, clock):
    rl = RateLimiter(5, 1, clock=clock)
    with pytest.raises(exc):
        rl.try_acquire("k", amount)
    assert len(rl) == 0
    assert rl.tokens("k") == 5.0


def test_set_limit_validation_changes_nothing(clock):
    rl = RateLimiter(5, 1, clock=clock)
    rl.try_acquire("k", 2)
    with pytest.raises(ValueError):
        rl.set_limit("k", 0, 1)
    with pytest.raises(TypeError):
        rl.set_limit("k", 1, "fast")
    with pytest.raises(ValueError):
        rl.set_limit("new", 3, -2)
    assert len(rl) == 1
    assert rl.tokens("k") == 3.0
    assert rl.tokens("new") == 5.0


def test_unhashable_key_is_a_type_error(clock):
    rl = RateLimiter(5, 1, clock=clock)
    with pytest.raises(TypeError):
        rl.try_acquire(["list"])
    with pytest.raises(TypeError):
        rl.tokens({"d": 1})
    assert len(rl) == 0
