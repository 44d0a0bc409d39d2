"""Exceptions raised by evbus."""

from typing import Any


class BusError(Exception):
    """Raised for invalid use of the bus (bad event name, non-callable handler)."""


class PublishError(BusError):
    """Raised by ``publish`` (after every handler ran) when handlers failed and the
    bus has no ``on_error`` callback.

    ``event`` is the published event, ``errors`` the ``(handler, exception)`` pairs in
    call order and ``results`` the return values of the handlers that succeeded.
    """

    def __init__(self, event: str, errors: list[tuple[Any, Exception]], results: list[Any]) -> None:
        super().__init__(f"{len(errors)} handler(s) failed for event {event!r}")
        self.event = event
        self.errors = errors
        self.results = results
