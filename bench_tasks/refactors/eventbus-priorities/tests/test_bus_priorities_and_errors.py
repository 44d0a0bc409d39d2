import pytest

import evbus
from evbus import BusError, EventBus


def named(calls, name, fail=None):
    def handler(event, payload):
        calls.append(name)
        if fail is not None:
            raise fail
        return name

    handler.__name__ = name
    return handler


def test_higher_priority_runs_first():
    bus = EventBus()
    calls = []
    bus.subscribe("x", named(calls, "low"), priority=-5)
    bus.subscribe("x", named(calls, "default"))
    bus.subscribe("x", named(calls, "high"), priority=10)
    assert bus.publish("x") == ["high", "default", "low"]
    assert calls == ["high", "default", "low"]


def test_equal_priorities_keep_subscription_order_across_wildcards():
    bus = EventBus()
    calls = []
    bus.subscribe("x", named(calls, "a"), priority=1)
    bus.subscribe("*", named(calls, "star"), priority=1)
    bus.subscribe("x", named(calls, "b"))
    bus.subscribe("*", named(calls, "star-high"), priority=2)
    bus.subscribe("x", named(calls, "c"), priority=1)
    assert bus.publish("x") == ["star-high", "a", "star", "c", "b"]


def test_priority_with_once():
    bus = EventBus()
    calls = []
    bus.subscribe("x", named(calls, "plain"))
    bus.subscribe("x", named(calls, "first-once"), once=True, priority=3)
    assert bus.publish("x") == ["first-once", "plain"]
    assert bus.publish("x") == ["plain"]


@pytest.mark.parametrize("priority", [1.5, "1", None])
def test_non_int_priority_rejected(priority):
    with pytest.raises(BusError):
        EventBus().subscribe("x", print, priority=priority)


def test_failing_handler_does_not_stop_the_others_with_on_error():
    reported = []
    bus = EventBus(on_error=lambda event, handler, exc: reported.append((event, handler, exc)))
    calls = []
    boom = ValueError("boom")
    bad = named(calls, "bad", fail=boom)
    bus.subscribe("x", named(calls, "first"), priority=1)
    bus.subscribe("x", bad)
    bus.subscribe("x", named(calls, "last"), priority=-1)
    assert bus.publish("x", 7) == ["first", "last"]
    assert calls == ["first", "bad", "last"]
    assert reported == [("x", bad, boom)]


def test_on_error_is_called_once_per_failure_in_call_order():
    reported = []
    bus = EventBus(on_error=lambda event, handler, exc: reported.append(str(exc)))
    calls = []
    bus.subscribe("*", named(calls, "w", fail=KeyError("w")))
    bus.subscribe("x", named(calls, "ok"))
    bus.subscribe("x", named(calls, "z", fail=RuntimeError("z")), priority=4)
    assert bus.publish("x") == ["ok"]
    assert reported == ["z", "'w'"]


def test_without_on_error_publish_raises_after_all_handlers_ran():
    bus = EventBus()
    calls = []
    e1, e2 = ValueError("one"), TypeError("two")
    h1 = named(calls, "h1", fail=e1)
    h3 = named(calls, "h3", fail=e2)
    bus.subscribe("x", h1)
    bus.subscribe("x", named(calls, "h2"))
    bus.subscribe("x", h3)
    bus.subscribe("x", named(calls, "h4"))
    with pytest.raises(evbus.PublishError) as info:
        bus.publish("x")
    assert calls == ["h1", "h2", "h3", "h4"]
    err = info.value
    assert isinstance(err, BusError)
    assert err.event == "x"
    assert err.errors == [(h1, e1), (h3, e2)]
    assert err.results == ["h2", "h4"]


def test_no_error_no_publish_error():
    bus = EventBus()
    bus.subscribe("x", lambda e, p: 1)
    assert bus.publish("x") == [1]


def test_failing_once_handler_is_still_removed():
    bus = EventBus(on_error=lambda *a: None)
    calls = []
    bus.subscribe("x", named(calls, "once", fail=ValueError()), once=True)
    bus.publish("x")
    bus.publish("x")
    assert calls == ["once"]
    assert bus.handler_count("x") == 0


def test_base_exceptions_are_not_swallowed():
    bus = EventBus(on_error=lambda *a: None)
    calls = []
    bus.subscribe("x", named(calls, "stop", fail=KeyboardInterrupt()))
    bus.subscribe("x", named(calls, "after"))
    with pytest.raises(KeyboardInterrupt):
        bus.publish("x")
    assert calls == ["stop"]
