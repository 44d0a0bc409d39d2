"""The max_delay bug fix and the new jitter option."""

import itertools

import pytest

from retrykit import RetryError, delay_schedule, retry


class FakeRng:
    def __init__(self, values):
        self._values = list(values)
        self.calls = 0

    def random(self):
        value = self._values[self.calls]
        self.calls += 1
        return value


def failing(failures):
    calls = []

    def func():
        calls.append(None)
        if len(calls) <= failures:
            raise ConnectionError(f"failure {len(calls)}")
        return "ok"

    return func, calls


def take(gen, n):
    return list(itertools.islice(gen, n))


# --- bug fix: max_delay cap -------------------------------------------------


def test_schedule_is_capped():
    assert take(delay_schedule(1, 2, 10), 7) == pytest.approx([1, 2, 4, 8, 10, 10, 10])


def test_schedule_initial_above_cap():
    assert take(delay_schedule(5, 2, 3), 3) == pytest.approx([3, 3, 3])


def test_schedule_with_factor_one_and_zero_cap():
    assert take(delay_schedule(2, 1, 5), 3) == pytest.approx([2, 2, 2])
    assert take(delay_schedule(0.1, 2, 0), 3) == pytest.approx([0, 0, 0])


def test_decorator_sleeps_are_capped():
    sleeps, delays = [], []
    func, _ = failing(100)
    wrapped = retry(
        max_attempts=7,
        initial_delay=1,
        factor=2,
        max_delay=10,
        sleep=sleeps.append,
        on_retry=lambda attempt, exc, delay: delays.append(delay),
    )(func)
    with pytest.raises(RetryError):
        wrapped()
    assert sleeps == pytest.approx([1, 2, 4, 8, 10, 10])
    assert delays == pytest.approx(sleeps)


def test_decorator_initial_delay_above_cap():
    sleeps = []
    func, _ = failing(2)
    assert retry(initial_delay=5, max_delay=3, sleep=sleeps.append)(func)() == "ok"
    assert sleeps == pytest.approx([3, 3])


# --- feature: jitter ------------------------------------------------------


def test_jitter_scales_each_delay_with_one_rng_call_per_sleep():
    sleeps = []
    rng = FakeRng([0.5, 0.0, 0.75])
    func, calls = failing(3)
    wrapped = retry(
        max_attempts=4, initial_delay=1, factor=2, max_delay=100, jitter=0.5, rng=rng, sleep=sleeps.append
    )(func)
    assert wrapped() == "ok"
    assert len(calls) == 4
    # d * (1 - jitter * r) for d = 1, 2, 4
    assert sleeps == pytest.approx([0.75, 2.0, 2.5])
    assert rng.calls == 3


def test_jitter_is_applied_after_the_cap_and_does_not_compound():
    sleeps = []
    rng = FakeRng([0.5] * 5)
    func, _ = failing(5)
    wrapped = retry(
        max_attempts=6, initial_delay=2, factor=2, max_delay=5, jitter=0.5, rng=rng, sleep=sleeps.append
    )(func)
    wrapped()
    # schedule 2, 4, 5, 5, 5 -> each times 0.75
    assert sleeps == pytest.approx([1.5, 3.0, 3.75, 3.75, 3.75])


def test_on_retry_receives_the_jittered_delay():
    log = []
    rng = FakeRng([0.25, 0.5])
    func, _ = failing(2)
    wrapped = retry(
        initial_delay=4,
        factor=2,
        max_delay=100,
        jitter=1,
        rng=rng,
        sleep=lambda d: log.append(("sleep", d)),
        on_retry=lambda attempt, exc, delay: log.append(("retry", attempt, delay)),
    )(func)
    wrapped()
    assert log == [("retry", 1, 3.0), ("sleep", 3.0), ("retry", 2, 4.0), ("sleep", 4.0)]


def test_no_rng_call_after_final_failure():
    rng = FakeRng([0.0, 0.0])
    func, calls = failing(100)
    wrapped = retry(max_attempts=3, jitter=0.2, rng=rng, sleep=lambda d: None)(func)
    with pytest.raises(RetryError) as info:
        wrapped()
    assert info.value.attempts == 3
    assert len(calls) == 3
    assert rng.calls == 2


def test_zero_jitter_never_uses_rng():
    sleeps = []
    rng = FakeRng([])
    func, _ = failing(2)
    wrapped = retry(initial_delay=1, factor=2, jitter=0.0, rng=rng, sleep=sleeps.append)(func)
    assert wrapped() == "ok"
    assert sleeps == [1, 2]
    assert rng.calls == 0


def test_default_rng_keeps_delays_within_bounds():
    sleeps = []
    func, _ = failing(5)
    wrapped = retry(max_attempts=6, initial_delay=1, factor=2, max_delay=8, jitter=0.5, sleep=sleeps.append)(
        func
    )
    assert wrapped() == "ok"
    assert len(sleeps) == 5
    for d, slept in zip([1, 2, 4, 8, 8], sleeps):
        assert d * 0.5 <= slept <= d


@pytest.mark.parametrize("jitter", [-0.01, 1.01, 2])
def test_jitter_out_of_range_rejected_at_decoration_time(jitter):
    with pytest.raises(ValueError):
        retry(jitter=jitter)


@pytest.mark.parametrize("jitter", [0, 0.3, 1])
def test_jitter_bounds_are_inclusive(jitter):
    sleeps = []
    func, _ = failing(1)
    assert retry(jitter=jitter, rng=FakeRng([0.0]), sleep=sleeps.append)(func)() == "ok"
    assert sleeps == pytest.approx([0.1])
