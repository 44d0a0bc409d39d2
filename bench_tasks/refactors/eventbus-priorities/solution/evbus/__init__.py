"""evbus: a tiny in-process publish/subscribe event bus."""

from evbus.bus import EventBus
from evbus.errors import BusError, PublishError
from evbus.subscription import Subscription

__all__ = ["BusError", "EventBus", "PublishError", "Subscription"]
