import pytest

from retrykit import RetryError, retry


def flaky(failures, exc_type=ConnectionError):
    """Return a function that raises ``failures`` times, then returns "ok"."""
    calls = []

    def func():
        calls.append(None)
        if len(calls) <= failures:
            raise exc_type(f"failure {len(calls)}")
        return "ok"

    return func, calls


def test_succeeds_after_retries():
    sleeps = []
    func, calls = flaky(2)
    wrapped = retry(max_attempts=3, initial_delay=0.5, sleep=sleeps.append)(func)
    assert wrapped() == "ok"
    assert len(calls) == 3
    assert sleeps == [0.5, 1.0]


def test_gives_up():
    func, calls = flaky(10)
    wrapped = retry(max_attempts=2, sleep=lambda d: None)(func)
    with pytest.raises(RetryError) as info:
        wrapped()
    assert info.value.attempts == 2
    assert len(calls) == 2
