from evbus import EventBus


def test_publish_calls_handlers_in_subscription_order():
    bus = EventBus()
    calls = []
    bus.subscribe("ping", lambda e, p: calls.append(("a", p)) or "a")
    bus.subscribe("*", lambda e, p: calls.append(("star", e)) or "star")
    bus.subscribe("ping", lambda e, p: calls.append(("b", p)) or "b")
    assert bus.publish("ping", 1) == ["a", "star", "b"]
    assert calls == [("a", 1), ("star", "ping"), ("b", 1)]


def test_once_handler_runs_once():
    bus = EventBus()
    calls = []
    bus.subscribe("ping", lambda e, p: calls.append(p), once=True)
    bus.publish("ping", 1)
    bus.publish("ping", 2)
    assert calls == [1]


def test_cancel():
    bus = EventBus()
    sub = bus.subscribe("ping", lambda e, p: "x")
    sub.cancel()
    assert bus.publish("ping") == []
    assert not sub.active
