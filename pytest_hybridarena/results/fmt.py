"""How figures are written, in one place: the terminal table, ``summary.md``, the ``report`` and
``compare`` commands and the HTML report all format through these functions, so a figure reads the
same wherever it is shown.

Each takes a number, or an interval as an object (:class:`stats.Interval`, :class:`stats.RateEstimate`)
or as the ``{"point", "low", "high"}`` dict of ``aggregate.json``; a missing value (None, NaN) is
``–``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "DASH",
    "cloud_share",
    "cost_cell",
    "count_ci",
    "duration",
    "duration_ci",
    "money",
    "money_ci",
    "percent",
    "percent_ci",
    "points_ci",
    "settings_line",
    "tokens_ci",
]

DASH = "–"


def _value(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _triple(iv: Any) -> tuple[float | None, float | None, float | None]:
    """(point, low, high) of an interval object or dict; all None for None."""
    if iv is None:
        return None, None, None
    if isinstance(iv, Mapping):
        return _value(iv.get("point")), _value(iv.get("low")), _value(iv.get("high"))
    return _value(iv.point), _value(iv.low), _value(iv.high)


def percent(x: float | None, digits: int = 1) -> str:
    """A share as a percentage, ``60.5%``."""
    v = _value(x)
    return DASH if v is None else f"{100 * v:.{digits}f}%"


def percent_ci(iv: Any, digits: int = 1) -> str:
    """A share with its interval, ``60.5% [48.5–72.5]`` (the point alone when it has no bounds)."""
    point, low, high = _triple(iv)
    if point is None:
        return DASH
    if low is None or high is None:
        return percent(point, digits)
    return f"{100 * point:.{digits}f}% [{100 * low:.{digits}f}–{100 * high:.{digits}f}]"


def money(x: float | None) -> str:
    """Dollars to four decimals, ``$0.0123``."""
    v = _value(x)
    return DASH if v is None else f"${v:.4f}"


def money_ci(iv: Any) -> str:
    """Dollars with an interval, ``$0.0123 [0.0100–0.0150]``."""
    point, low, high = _triple(iv)
    if point is None:
        return DASH
    if low is None or high is None:
        return money(point)
    return f"${point:.4f} [{low:.4f}–{high:.4f}]"


def cost_cell(iv: Any, unpriced: int) -> str:
    """A cell's cost per task: its interval, ``unpriced`` when a row's model has no price, else ``–``."""
    if _triple(iv)[0] is not None:
        return money_ci(iv)
    return "unpriced" if unpriced else DASH


def count_ci(iv: Any, fmt: str = ".0f") -> str:
    """A mean with its interval, ``1234 [1000–1500]``."""
    point, low, high = _triple(iv)
    if point is None or low is None or high is None:
        return DASH
    return f"{point:{fmt}} [{low:{fmt}}–{high:{fmt}}]"


def tokens_ci(iv: Any) -> str:
    """Tokens per task with an interval."""
    return count_ci(iv, ".0f")


def duration(seconds: float | None) -> str:
    """Seconds to one decimal, ``12.5s``."""
    v = _value(seconds)
    return DASH if v is None else f"{v:.1f}s"


def duration_ci(iv: Any) -> str:
    """Seconds per task with an interval, ``12.5 [10.0–15.0]``."""
    return count_ci(iv, ".1f")


def cloud_share(calls: float | None, tokens: float | None) -> str:
    """The cloud's share of calls and of tokens as ``calls/tokens%``, e.g. ``100/97%``; an unknown
    side is ``–`` (``100/–``), both unknown ``–``."""
    c, t = _value(calls), _value(tokens)
    if c is None and t is None:
        return DASH
    return f"{DASH if c is None else f'{100 * c:.0f}'}/{percent(t, 0)}"


def points_ci(iv: Any, unit: str = "") -> str:
    """A difference of two rates in points, ``+1.0 [-2.0, +3.0]`` (``unit`` after the point)."""
    point, low, high = _triple(iv)
    if point is None or low is None or high is None:
        return DASH
    return f"{100 * point:+.1f}{unit} [{100 * low:+.1f}, {100 * high:+.1f}]"


def settings_line(aggregate: Mapping[str, Any]) -> str:
    """The analysis settings of an ``aggregate.json`` in one sentence (``summary.md``, the HTML report)."""
    s = aggregate["settings"]
    price = f"cloud tokens priced as {s['price_as']}" if s["price_as"] else "costs as recorded in the rows"
    return (
        f"{aggregate['rows']['total']} rows; baseline {s['baseline']}, non-inferiority margin "
        f"{100 * s['margin']:g} pts, one-sided α {s['alpha']:g} with Holm's correction per family, "
        f"{s['resamples']} task-clustered bootstrap resamples; {price}"
    )
