"""Rate strings such as ``100/min`` or ``30/5m``."""

import re
from typing import NamedTuple

_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600}
_RATE = re.compile(r"\s*([0-9]+)\s*/\s*([0-9]*)\s*([a-z]+)\s*")


class Rate(NamedTuple):
    limit: int
    window: float  # seconds


def parse_rate(text: str) -> Rate:
    """``"100/min"`` -> ``Rate(100, 60.0)``; ``"30/5m"`` -> ``Rate(30, 300.0)``.

    Raises ValueError for malformed text, an unknown unit or a zero limit/multiplier.
    """
    match = _RATE.fullmatch(text)
    if match is None:
        raise ValueError(f"malformed rate: {text!r}")
    limit, multiplier, unit = match.groups()
    if unit not in _UNITS:
        raise ValueError(f"unknown unit {unit!r} in rate {text!r}")
    count = int(multiplier) if multiplier else 1
    if int(limit) < 1 or count < 1:
        raise ValueError(f"rate must be positive: {text!r}")
    return Rate(int(limit), float(count * _UNITS[unit]))
