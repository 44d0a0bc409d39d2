import pytest

from evbus import BusError, EventBus, Subscription


def recorder(calls, name, result=None):
    def handler(event, payload):
        calls.append((name, event, payload))
        return name if result is None else result

    return handler


def test_publish_in_subscription_order_including_wildcards():
    bus = EventBus()
    calls = []
    bus.subscribe("ping", recorder(calls, "a"))
    bus.subscribe("*", recorder(calls, "star"))
    bus.subscribe("pong", recorder(calls, "other"))
    bus.subscribe("ping", recorder(calls, "b"))
    assert bus.publish("ping", {"n": 1}) == ["a", "star", "b"]
    assert calls == [("a", "ping", {"n": 1}), ("star", "ping", {"n": 1}), ("b", "ping", {"n": 1})]


def test_publish_without_listeners_and_default_payload():
    bus = EventBus()
    assert bus.publish("nobody") == []
    calls = []
    bus.subscribe("x", recorder(calls, "h"))
    bus.publish("x")
    assert calls == [("h", "x", None)]


def test_results_keep_falsy_return_values():
    bus = EventBus()
    bus.subscribe("x", lambda e, p: None)
    bus.subscribe("x", lambda e, p: 0)
    assert bus.publish("x") == [None, 0]


def test_once_is_removed_before_its_first_call():
    bus = EventBus()
    seen = []

    def handler(event, payload):
        seen.append(bus.handler_count("x"))
        return payload

    sub = bus.subscribe("x", handler, once=True)
    assert bus.publish("x", 1) == [1]
    assert bus.publish("x", 2) == []
    assert seen == [0]
    assert not sub.active


def test_cancel_and_unsubscribe_are_idempotent():
    bus = EventBus()
    calls = []
    sub = bus.subscribe("x", recorder(calls, "h"))
    assert isinstance(sub, Subscription) and sub.active
    sub.cancel()
    sub.cancel()
    bus.unsubscribe(sub)
    assert bus.publish("x") == []
    assert calls == []
    assert not sub.active


def test_handler_count():
    bus = EventBus()
    bus.subscribe("a", lambda e, p: None)
    bus.subscribe("*", lambda e, p: None)
    bus.subscribe("b", lambda e, p: None)
    assert bus.handler_count("a") == 2
    assert bus.handler_count("c") == 1


def test_handlers_added_during_publish_wait_for_the_next_event():
    bus = EventBus()
    calls = []

    def adder(event, payload):
        bus.subscribe("x", recorder(calls, "late"))
        return "adder"

    bus.subscribe("x", adder, once=True)
    assert bus.publish("x", 1) == ["adder"]
    assert bus.publish("x", 2) == ["late"]


def test_handler_cancelled_during_publish_is_skipped():
    bus = EventBus()
    calls = []
    second = None

    def first(event, payload):
        second.cancel()
        return "first"

    bus.subscribe("x", first)
    second = bus.subscribe("x", recorder(calls, "second"))
    assert bus.publish("x") == ["first"]
    assert calls == []


@pytest.mark.parametrize(("event", "handler"), [("", print), (None, print), (3, print), ("x", "not callable")])
def test_invalid_subscriptions(event, handler):
    with pytest.raises(BusError):
        EventBus().subscribe(event, handler)
