"""Pass rates with confidence intervals for the summary table.

A *cell* (task class x agent x routing strategy) holds several tasks, each run under several seeds.
Seeds of one task are not independent trials: an easy task passes under every seed and a hard one
fails under every seed. The interval therefore comes from a bootstrap that resamples *tasks*
(clusters) with their seeds attached, floored by the Wilson interval on the pooled counts so that a
0 % or 100 % cell, or a cell with few trials, never reports a zero-width interval.

Everything here is a plain function over plain data, deterministic given its inputs: the bootstrap
RNG is seeded from a hash of the cell key (:func:`cell_seed`), so one cell's interval does not depend
on which other cells ran or in what order. See ``docs/statistics.md`` for the method in prose.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_CONFIDENCE",
    "DEFAULT_RESAMPLES",
    "RateEstimate",
    "cell_seed",
    "cluster_bootstrap_ci",
    "median",
    "pass_rate_ci",
    "wilson_interval",
]

DEFAULT_RESAMPLES = 10_000
DEFAULT_CONFIDENCE = 0.95


@dataclass(frozen=True)
class RateEstimate:
    """A pass rate with its interval, as shown in one cell of the summary table.

    ``point`` is pooled successes / pooled trials (NaN when ``n == 0``). ``low``/``high`` are the
    interval bounds in [0, 1]. ``n`` counts trials (task x seed items that were run, not skipped) and
    ``k`` counts tasks with at least one trial. ``method`` records which procedure produced the
    bounds: ``"cluster-bootstrap"`` (both bounds from the bootstrap), ``"wilson"`` (both from the
    Wilson floor), ``"cluster-bootstrap+wilson"`` (one from each) or ``"none"`` (no trials; the
    interval is the uninformative (0, 1)).
    """

    point: float
    low: float
    high: float
    n: int
    k: int
    method: str


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")


def _z(confidence: float) -> float:
    """Two-sided standard-normal quantile, e.g. 1.959964 for 0.95."""
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def wilson_interval(successes: int, n: int, confidence: float = DEFAULT_CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Unlike the normal (Wald) interval it stays inside [0, 1] and does not collapse to a point at
    0/n or n/n, which is why :func:`pass_rate_ci` uses it as a floor. ``n == 0`` gives the
    uninformative (0.0, 1.0).
    """
    _check_confidence(confidence)
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return (0.0, 1.0)
    z = _z(confidence)
    z2 = z * z
    p = successes / n
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = (z / denom) * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    # At 0/n and n/n the closed form is exactly 0 or 1; pin it so rounding cannot leave 1e-17.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def cluster_bootstrap_ci(
    successes_per_cluster: npt.ArrayLike,
    trials_per_cluster: npt.ArrayLike,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int,
) -> tuple[float, float]:
    """Percentile interval of a ratio estimator from a cluster (task-level) bootstrap.

    Each resample draws ``k`` clusters with replacement and computes
    ``sum(successes[drawn]) / sum(trials[drawn])``; the interval is the ``(1 - confidence) / 2`` and
    ``(1 + confidence) / 2`` quantiles of those ratios (linear interpolation, numpy's default, as in
    ``scipy.stats.bootstrap(method="percentile")``). With one trial per cluster this is the ordinary
    row-level percentile bootstrap of a mean.

    The numerator need not be a count: any non-negative per-cluster total over a positive
    per-cluster denominator works (e.g. cloud tokens / all tokens).

    All resamples are drawn at once as a ``resamples x k`` index matrix from
    ``np.random.default_rng(seed)``; memory is about ``resamples * k * 8`` bytes (10,000 x 500 tasks
    is 40 MB). ``k == 0`` gives (0.0, 1.0). ``k == 1`` cannot vary under resampling, so the point
    estimate is returned twice; callers that need a non-degenerate interval widen it
    (:func:`pass_rate_ci` uses the Wilson floor).
    """
    _check_confidence(confidence)
    if resamples < 1:
        raise ValueError(f"resamples must be >= 1, got {resamples}")
    num = np.asarray(successes_per_cluster, dtype=np.float64).reshape(-1)
    den = np.asarray(trials_per_cluster, dtype=np.float64).reshape(-1)
    if num.shape != den.shape:
        raise ValueError(
            f"successes_per_cluster and trials_per_cluster must have the same length, "
            f"got {num.size} and {den.size}"
        )
    if np.any(den <= 0) or np.any(num < 0) or np.any(num > den):
        raise ValueError(
            "every cluster needs trials > 0 and 0 <= successes <= trials; "
            "drop clusters with no trials before calling"
        )
    k = num.size
    if k == 0:
        return (0.0, 1.0)
    if k == 1:
        point = float(num[0] / den[0])
        return (point, point)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, k, size=(resamples, k))
    ratios = num[idx].sum(axis=1) / den[idx].sum(axis=1)
    alpha = 1.0 - confidence
    low, high = np.quantile(ratios, [alpha / 2.0, 1.0 - alpha / 2.0])
    return (float(low), float(high))


def cell_seed(key: str) -> int:
    """A stable 64-bit RNG seed for one cell: the first 8 bytes of SHA-256(key), big-endian.

    Stable across processes, platforms and Python versions (unlike ``hash()``, which is salted per
    process), so re-running the report over the same rows reproduces every interval exactly.
    """
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")


def pass_rate_ci(
    outcomes: Mapping[str, Sequence[bool]],
    *,
    key: str,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
) -> RateEstimate:
    """Pass rate of one cell with a task-clustered bootstrap interval and a Wilson floor.

    ``outcomes`` maps task id → the per-seed passed flags of that task in this cell. The caller
    applies intention-to-treat: an item that errored or timed out is ``False`` here, not dropped.
    Skipped items are left out; a task with an empty sequence contributes nothing (not to ``n``,
    not to ``k``).

    The interval is ``low = min(boot_low, wilson_low)``, ``high = max(boot_high, wilson_high)``:
    the cluster bootstrap accounts for seeds of a task being correlated and can only widen the
    Wilson interval on the pooled counts, never narrow it. The bootstrap RNG is seeded with
    ``cell_seed(key)`` and tasks are ordered by id first, so the result depends only on
    ``(outcomes, key, resamples, confidence)`` and not on mapping order or other cells.
    """
    tasks = sorted(task for task, flags in outcomes.items() if len(flags) > 0)
    successes = [sum(1 for flag in outcomes[task] if flag) for task in tasks]
    trials = [len(outcomes[task]) for task in tasks]
    n = sum(trials)
    k = len(tasks)
    if n == 0:
        _check_confidence(confidence)
        return RateEstimate(point=math.nan, low=0.0, high=1.0, n=0, k=0, method="none")
    s = sum(successes)
    w_low, w_high = wilson_interval(s, n, confidence)
    b_low, b_high = cluster_bootstrap_ci(
        successes, trials, resamples=resamples, confidence=confidence, seed=cell_seed(key)
    )
    from_boot = (b_low < w_low) + (b_high > w_high)
    method = {0: "wilson", 1: "cluster-bootstrap+wilson", 2: "cluster-bootstrap"}[from_boot]
    return RateEstimate(
        point=s / n,
        low=min(b_low, w_low),
        high=max(b_high, w_high),
        n=n,
        k=k,
        method=method,
    )


def median(values: Iterable[float]) -> float | None:
    """Median of ``values`` (e.g. wall times in seconds), or None when there are none.

    NaN values are rejected rather than silently sorted into an arbitrary position.
    """
    data = sorted(float(v) for v in values)
    if not data:
        return None
    if any(math.isnan(v) for v in data):
        raise ValueError("median got NaN; drop missing values before calling")
    mid = len(data) // 2
    if len(data) % 2:
        return data[mid]
    return (data[mid - 1] + data[mid]) / 2.0
