"""Behaviour that already works in the workspace and must keep working."""

import pytest

from retrykit import RetryError, delay_schedule, retry


def flaky(failures, exc_type=ConnectionError):
    calls = []

    def func(*args, **kwargs):
        calls.append((args, kwargs))
        if len(calls) <= failures:
            raise exc_type(f"failure {len(calls)}")
        return ("ok", args, kwargs)

    return func, calls


def test_success_on_first_call_does_not_sleep():
    sleeps, events = [], []
    func, calls = flaky(0)
    wrapped = retry(sleep=sleeps.append, on_retry=lambda *a: events.append(a))(func)
    assert wrapped(1, key="v") == ("ok", (1,), {"key": "v"})
    assert len(calls) == 1
    assert sleeps == []
    assert events == []


def test_retries_until_success_with_default_backoff():
    sleeps = []
    func, calls = flaky(2)
    assert retry(sleep=sleeps.append)(func)()[0] == "ok"
    assert len(calls) == 3
    assert sleeps == pytest.approx([0.1, 0.2])


def test_gives_up_with_retry_error_chained_from_last_exception():
    sleeps = []
    func, calls = flaky(100)
    wrapped = retry(max_attempts=4, initial_delay=1, sleep=sleeps.append)(func)
    with pytest.raises(RetryError) as info:
        wrapped()
    err = info.value
    assert err.attempts == 4
    assert isinstance(err.last_exception, ConnectionError)
    assert str(err.last_exception) == "failure 4"
    assert err.__cause__ is err.last_exception
    assert len(calls) == 4
    assert sleeps == pytest.approx([1, 2, 4])


def test_single_attempt_never_sleeps():
    sleeps = []
    func, calls = flaky(1)
    with pytest.raises(RetryError):
        retry(max_attempts=1, sleep=sleeps.append)(func)()
    assert sleeps == []
    assert len(calls) == 1


def test_unlisted_exceptions_propagate_immediately():
    sleeps = []
    func, calls = flaky(3, exc_type=KeyError)
    wrapped = retry(retry_on=(ConnectionError, TimeoutError), sleep=sleeps.append)(func)
    with pytest.raises(KeyError):
        wrapped()
    assert len(calls) == 1
    assert sleeps == []


def test_on_retry_called_before_each_sleep():
    log = []
    func, _ = flaky(2)
    wrapped = retry(
        initial_delay=0.5,
        factor=3,
        sleep=lambda d: log.append(("sleep", d)),
        on_retry=lambda attempt, exc, delay: log.append(("retry", attempt, str(exc), delay)),
    )(func)
    wrapped()
    assert log == [
        ("retry", 1, "failure 1", 0.5),
        ("sleep", 0.5),
        ("retry", 2, "failure 2", 1.5),
        ("sleep", 1.5),
    ]


@pytest.mark.parametrize(
    "kwargs",
    [{"max_attempts": 0}, {"initial_delay": -1}, {"factor": 0.5}, {"max_delay": -1}],
)
def test_invalid_arguments_rejected_at_decoration_time(kwargs):
    with pytest.raises(ValueError):
        retry(**kwargs)


def test_wraps_preserves_metadata():
    @retry()
    def documented():
        """Docstring."""

    assert documented.__name__ == "documented"
    assert documented.__doc__ == "Docstring."


def test_delay_schedule_below_the_cap():
    gen = delay_schedule(0.5, 3, 100)
    assert [next(gen) for _ in range(4)] == pytest.approx([0.5, 1.5, 4.5, 13.5])


def test_delay_schedule_reaching_the_cap_exactly():
    gen = delay_schedule(1, 2, 8)
    assert [next(gen) for _ in range(6)] == pytest.approx([1, 2, 4, 8, 8, 8])
