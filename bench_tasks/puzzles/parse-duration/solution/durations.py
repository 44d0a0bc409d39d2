"""Human-readable durations such as "1h30m" or "2d 4h".

Units (case-insensitive on input): w = 604800 s, d = 86400 s, h = 3600 s,
m = 60 s, s = 1 s.
"""

import re

_UNITS = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
_ORDER = {unit: index for index, (unit, _) in enumerate(_UNITS)}
_SIZE = dict(_UNITS)
_COMPONENT = re.compile(r"\s*([0-9]+)([A-Za-z])(?![A-Za-z])")


def parse_duration(text: str) -> int:
    """Return the number of seconds described by ``text``.

    Grammar: one or more components ``<ASCII digits><unit>`` ("90s", "1H", "007m"),
    separated by optional whitespace; leading/trailing whitespace is ignored.
    Each unit at most once, in the order w, d, h, m, s. Values are not capped
    ("90m" == 5400).

    Raises ValueError for malformed text (empty, missing unit or number, unknown
    unit, sign, decimal point, whitespace inside a component, repeated or
    out-of-order units, non-ASCII digits) and TypeError if ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {type(text).__name__}")
    body = text.strip()
    if not body:
        raise ValueError("empty duration")
    total = 0
    last = -1
    pos = 0
    while pos < len(body):
        match = _COMPONENT.match(body, pos)
        if match is None:
            raise ValueError(f"malformed duration: {text!r}")
        number, unit = match.group(1), match.group(2).lower()
        if unit not in _SIZE:
            raise ValueError(f"unknown unit {unit!r} in {text!r}")
        if _ORDER[unit] <= last:
            raise ValueError(f"unit {unit!r} repeated or out of order in {text!r}")
        last = _ORDER[unit]
        total += int(number) * _SIZE[unit]
        pos = match.end()
    return total


def format_duration(seconds: int) -> str:
    """Return the canonical text for ``seconds``, e.g. 3661 -> "1h1m1s", 0 -> "0s".

    Greedy decomposition into w, d, h, m, s; zero parts omitted; no separators;
    lowercase units. Raises ValueError if ``seconds`` is negative and TypeError
    if it is not an int. ``parse_duration(format_duration(n)) == n``.
    """
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        raise TypeError(f"expected an int, got {type(seconds).__name__}")
    if seconds < 0:
        raise ValueError("negative duration")
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
