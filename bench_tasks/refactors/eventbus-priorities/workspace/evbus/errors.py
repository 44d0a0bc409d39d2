"""Exceptions raised by evbus."""


class BusError(Exception):
    """Raised for invalid use of the bus (bad event name, non-callable handler)."""
