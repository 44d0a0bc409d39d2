"""The ``EventBus``."""

from typing import Any

from evbus.errors import BusError
from evbus.subscription import Handler, Subscription


class EventBus:
    """An in-process publish/subscribe bus.

    Handlers are called synchronously, in subscription order, with
    ``handler(event, payload)``.
    """

    def __init__(self) -> None:
        self._subscriptions: list[Subscription] = []

    def subscribe(self, event: str, handler: Handler, *, once: bool = False) -> Subscription:
        """Register ``handler`` for ``event`` (``"*"`` matches every event).

        With ``once=True`` the subscription is removed just before its first call.
        Raises BusError if ``event`` is not a non-empty str or ``handler`` is not callable.
        """
        if not isinstance(event, str) or not event:
            raise BusError(f"event name must be a non-empty str, got {event!r}")
        if not callable(handler):
            raise BusError(f"handler must be callable, got {handler!r}")
        subscription = Subscription(self, event, handler, once)
        self._subscriptions.append(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Remove ``subscription``; harmless if it is not registered."""
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)
        subscription.active = False

    def handler_count(self, event: str) -> int:
        """The number of handlers ``publish(event)`` would call right now."""
        return sum(1 for sub in self._subscriptions if sub.matches(event))

    def publish(self, event: str, payload: Any = None) -> list[Any]:
        """Call every handler matching ``event``; return their results in call order.

        The set of handlers is fixed when ``publish`` starts: handlers subscribed
        while it runs are not called for this event.
        """
        matching = [sub for sub in self._subscriptions if sub.matches(event)]
        results = []
        for sub in matching:
            if not sub.active:
                continue
            if sub.once:
                self.unsubscribe(sub)
            results.append(sub.handler(event, payload))
        return results
