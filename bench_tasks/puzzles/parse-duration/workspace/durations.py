"""Human-readable durations such as "1h30m" or "2d 4h".

Units (case-insensitive on input): w = 604800 s, d = 86400 s, h = 3600 s,
m = 60 s, s = 1 s.
"""


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
    raise NotImplementedError


def format_duration(seconds: int) -> str:
    """Return the canonical text for ``seconds``, e.g. 3661 -> "1h1m1s", 0 -> "0s".

    Greedy decomposition into w, d, h, m, s; zero parts omitted; no separators;
    lowercase units. Raises ValueError if ``seconds`` is negative and TypeError
    if it is not an int. ``parse_duration(format_duration(n)) == n``.
    """
    raise NotImplementedError
