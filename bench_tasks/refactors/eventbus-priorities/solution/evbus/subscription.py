"""Subscription handles returned by ``EventBus.subscribe``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evbus.bus import EventBus

Handler = Callable[[str, Any], Any]


class Subscription:
    """One registered handler. ``cancel()`` removes it from its bus."""

    def __init__(self, bus: EventBus, event: str, handler: Handler, once: bool, priority: int = 0) -> None:
        self._bus = bus
        self.event = event
        self.handler = handler
        self.once = once
        self.priority = priority
        self.active = True

    def matches(self, event: str) -> bool:
        """True if a ``publish(event)`` should call this subscription."""
        return self.event == "*" or self.event == event

    def cancel(self) -> None:
        """Remove this subscription from its bus (harmless if already removed)."""
        self._bus.unsubscribe(self)

    def __repr__(self) -> str:
        name = getattr(self.handler, "__name__", repr(self.handler))
        return f"<Subscription {self.event!r} -> {name} p={self.priority}{' once' if self.once else ''}>"
