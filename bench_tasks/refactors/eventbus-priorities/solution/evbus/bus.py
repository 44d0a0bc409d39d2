"""The ``EventBus``."""

from collections.abc import Callable
from typing import Any

from evbus.errors import BusError, PublishError
from evbus.subscription import Handler, Subscription

ErrorCallback = Callable[[str, Handler, Exception], Any]


class EventBus:
    """An in-process publish/subscribe bus.

    Handlers are called synchronously with ``handler(event, payload)``: higher
    ``priority`` first, equal priorities in subscription order. A handler raising an
    ``Exception`` does not stop the others; see ``publish``.
    """

    def __init__(self, *, on_error: ErrorCallback | None = None) -> None:
        self._subscriptions: list[Subscription] = []
        self._on_error = on_error

    def subscribe(
        self, event: str, handler: Handler, *, once: bool = False, priority: int = 0
    ) -> Subscription:
        """Register ``handler`` for ``event`` (``"*"`` matches every event).

        With ``once=True`` the subscription is removed just before its first call.
        Raises BusError if ``event`` is not a non-empty str, ``handler`` is not
        callable or ``priority`` is not an int.
        """
        if not isinstance(event, str) or not event:
            raise BusError(f"event name must be a non-empty str, got {event!r}")
        if not callable(handler):
            raise BusError(f"handler must be callable, got {handler!r}")
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise BusError(f"priority must be an int, got {priority!r}")
        subscription = Subscription(self, event, handler, once, priority)
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
        """Call every handler matching ``event``; return the successful results in call order.

        The set of handlers is fixed when ``publish`` starts. A handler raising an
        ``Exception`` is reported to ``on_error(event, handler, exc)`` when the bus has
        one; without one, ``PublishError`` is raised after every handler ran.
        """
        matching = [sub for sub in self._subscriptions if sub.matches(event)]
        # sorted() is stable: equal priorities keep subscription order.
        matching.sort(key=lambda sub: -sub.priority)
        results: list[Any] = []
        errors: list[tuple[Handler, Exception]] = []
        for sub in matching:
            if not sub.active:
                continue
            if sub.once:
                self.unsubscribe(sub)
            try:
                results.append(sub.handler(event, payload))
            except Exception as exc:  # noqa: BLE001 - isolation is the point
                if self._on_error is not None:
                    self._on_error(event, sub.handler, exc)
                else:
                    errors.append((sub.handler, exc))
        if errors:
            raise PublishError(event, errors, results)
        return results
