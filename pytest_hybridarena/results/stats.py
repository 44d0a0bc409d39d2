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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_CONFIDENCE",
    "DEFAULT_RESAMPLES",
    "Interval",
    "PairedDifference",
    "RateEstimate",
    "cell_seed",
    "cluster_bootstrap_ci",
    "cluster_bootstrap_ratios",
    "cluster_bootstrap_sums",
    "holm",
    "median",
    "min_pairs_for_verdict",
    "non_inferior",
    "paired_difference",
    "pairs_needed",
    "pass_rate_ci",
    "rate_estimate",
    "tango_noninferiority_p",
    "tango_paired_interval",
    "task_set_seed",
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


def task_set_seed(task_class: str, tasks: Iterable[str]) -> int:
    """The bootstrap seed of every statistic over a set of tasks of one class (the analysis).

    ``cell_seed("<class>|" + "\\n".join(sorted(tasks)))``: it depends only on the tasks a cell (or a
    matched comparison) covers, so cells and comparisons over the same tasks share their resamples
    (common random numbers, drawn once) and a cell's interval still depends on nothing but its own
    rows. ``pass_rate_ci(outcomes, key="<class>|" + "\\n".join(sorted(outcomes)))`` reproduces the
    analysis's pass-rate interval.
    """
    return cell_seed(f"{task_class}|" + "\n".join(sorted(tasks)))


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
    b_low, b_high = cluster_bootstrap_ci(
        successes, trials, resamples=resamples, confidence=confidence, seed=cell_seed(key)
    )
    return rate_estimate(sum(successes), n, k, b_low, b_high, confidence)


def rate_estimate(
    successes: float, n: float, k: int, boot_low: float, boot_high: float, confidence: float
) -> RateEstimate:
    """Combine a bootstrap interval with the Wilson floor on the pooled counts (see :func:`pass_rate_ci`).

    ``low = min(boot_low, wilson_low)``, ``high = max(boot_high, wilson_high)``; ``method`` says which
    side came from where. Counts are rounded to integers for Wilson (they are integers for pass,
    error and timeout counts).
    """
    if n <= 0:
        _check_confidence(confidence)
        return RateEstimate(point=math.nan, low=0.0, high=1.0, n=0, k=0, method="none")
    s_int, n_int = round(successes), round(n)
    w_low, w_high = wilson_interval(s_int, n_int, confidence)
    from_boot = (boot_low < w_low) + (boot_high > w_high)
    method = {0: "wilson", 1: "cluster-bootstrap+wilson", 2: "cluster-bootstrap"}[from_boot]
    return RateEstimate(
        point=successes / n,
        low=min(boot_low, w_low),
        high=max(boot_high, w_high),
        n=n_int,
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


# --- means, ratios and paired comparisons ---------------------------------------------------------

_CHUNK_ELEMENTS = 1 << 22  # resample-matrix entries drawn at once: 4M int64 = 32 MB
_CACHE_ELEMENTS = 1 << 23  # largest multiplicity matrix worth keeping: 8M float64 = 64 MB


@dataclass(frozen=True)
class Interval:
    """A point estimate with a percentile interval (same units as the point)."""

    point: float
    low: float
    high: float


WeightCache = dict[tuple[int, int, int], npt.NDArray[np.float64]]


def cluster_bootstrap_sums(
    totals: npt.ArrayLike,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int,
    cache: WeightCache | None = None,
) -> npt.NDArray[np.float64]:
    """Column sums of ``totals`` (``k`` clusters × ``m`` statistics) over ``resamples`` cluster resamples.

    Row ``r`` of the result is ``sum_j totals[idx[r, j]]`` for the same index matrix
    :func:`cluster_bootstrap_ci` draws from ``np.random.default_rng(seed)``, so a ratio of two columns
    reproduces that function's interval exactly. The index matrix becomes a ``resamples × k`` matrix
    of multiplicities (``np.bincount``) and one matrix product gives every statistic at once.

    Drawing the matrix is most of the cost (about 25 ms for 10,000 × 300), so a caller analysing
    many cells over the same tasks passes a ``cache`` dict: the multiplicities are kept per
    ``(k, resamples, seed)`` when they fit in 64 MB and reused, and the same seed then means the
    same resamples (common random numbers). Larger matrices are built in blocks of about 4M entries,
    which bounds memory for any ``k`` without changing the draw (numpy's Generator yields the same
    stream whether drawn at once or in blocks).
    """
    if resamples < 1:
        raise ValueError(f"resamples must be >= 1, got {resamples}")
    table = np.asarray(totals, dtype=np.float64)
    if table.ndim == 1:
        table = table[:, None]
    if table.ndim != 2:
        raise ValueError(f"totals must be k x m, got shape {table.shape}")
    k, m = table.shape
    if k == 0:
        return np.zeros((resamples, m), dtype=np.float64)
    cacheable = cache is not None and resamples * k <= _CACHE_ELEMENTS
    if cacheable and cache is not None and (k, resamples, seed) in cache:
        return cache[(k, resamples, seed)] @ table
    rng = np.random.default_rng(seed)
    if cacheable and cache is not None:
        weights = _weights(rng, resamples, k)
        cache[(k, resamples, seed)] = weights
        return weights @ table
    out = np.empty((resamples, m), dtype=np.float64)
    block = max(1, _CHUNK_ELEMENTS // k)
    for start in range(0, resamples, block):  # blocks of resamples, not one resample at a time
        rows = min(block, resamples - start)
        out[start : start + rows] = _weights(rng, rows, k) @ table
    return out


def _weights(rng: np.random.Generator, rows: int, k: int) -> npt.NDArray[np.float64]:
    """``rows × k`` multiplicities of ``rows`` resamples of ``k`` clusters (each row sums to k)."""
    idx = rng.integers(0, k, size=(rows, k))
    flat = (np.arange(rows)[:, None] * k + idx).ravel()
    return np.bincount(flat, minlength=rows * k).reshape(rows, k).astype(np.float64)


def _quantiles(values: npt.NDArray[np.float64], confidence: float) -> tuple[npt.NDArray[np.float64], ...]:
    """Percentile bounds per column, ignoring resamples where the statistic is undefined (NaN)."""
    alpha = 1.0 - confidence
    qs = [alpha / 2.0, 1.0 - alpha / 2.0]
    if np.isnan(values).any():
        low, high = np.nanquantile(values, qs, axis=0)
    else:
        low, high = np.quantile(values, qs, axis=0)
    return low, high


def cluster_bootstrap_ratios(
    totals: npt.ArrayLike,
    ratios: Sequence[tuple[int, int]],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int,
    cache: WeightCache | None = None,
) -> list[Interval | None]:
    """Ratio estimators ``sum(num) / sum(den)`` with a task-clustered percentile interval each.

    ``totals`` holds per-cluster totals (one row per task, one column per quantity); each entry of
    ``ratios`` names a (numerator column, denominator column) pair. All ratios share one set of
    resamples, so they are jointly consistent (a resample that drew the expensive tasks draws them
    for every statistic). A mean per trial is the ratio (sum of values, number of trials); a
    fraction such as cloud tokens / all tokens is a ratio of two sums. A ratio whose pooled
    denominator is 0 is ``None``; resamples whose denominator is 0 are left out of its quantiles.
    One cluster gives the degenerate interval (point, point).
    """
    _check_confidence(confidence)
    table = np.asarray(totals, dtype=np.float64)
    if table.ndim == 1:
        table = table[:, None]
    pooled = table.sum(axis=0)
    wanted = [(a, b) for a, b in ratios if pooled[b] != 0]
    results: dict[tuple[int, int], Interval] = {}
    if wanted:
        sums = cluster_bootstrap_sums(table, resamples=resamples, seed=seed, cache=cache)
        num = sums[:, [a for a, _ in wanted]]
        den = sums[:, [b for _, b in wanted]]
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)
        low, high = _quantiles(values, confidence)
        for j, (a, b) in enumerate(wanted):
            point = float(pooled[a] / pooled[b])
            # Float rounding of large sums can leave the bound a hair past the point on a
            # degenerate draw; the interval must still contain its point.
            results[(a, b)] = Interval(point, min(float(low[j]), point), max(float(high[j]), point))
    return [results.get((a, b)) for a, b in ratios]


@dataclass(frozen=True)
class PairedDifference:
    """Difference in pass rate ``a − b`` on matched (task, seed) pairs, with its interval.

    ``p_value`` is the one-sided p-value of H0: ``a − b ≤ −margin`` (a is worse than b by the margin
    or more), the larger of the paired cluster-bootstrap p-value and Tango's score-test p-value on the
    pair counts (see :func:`paired_difference`); small means a is non-inferior. ``method`` names
    where the interval bounds came from, as in :class:`RateEstimate` (``score`` is the floor).
    ``cost_ratio`` is ``sum(cost_a) / sum(cost_b)`` over the same pairs when costs were given.
    ``variance`` is the per-pair variance of ``a − b`` that :func:`pairs_needed` plans with: the larger
    of ``pairs ×`` the bootstrap variance of the difference (clustering included) and the variance
    Tango's score test assumes at ``−margin`` (never 0 when the margin is not), NaN without pairs.
    """

    point: float
    low: float
    high: float
    pairs: int
    tasks: int
    margin: float
    p_value: float
    method: str
    cost_ratio: Interval | None = None
    variance: float = math.nan


def _tango_variance(only_a: float, only_b: float, n: float, d0: float) -> float:
    """Per-pair variance of ``a − b`` under H0: ``p_a − p_b = d0``, ``2q + d0(1 − d0)``, with ``q`` the
    restricted maximum-likelihood estimate of P(only b) (Tango 1998)."""
    w = -only_a - only_b + (2 * n - only_a + only_b) * d0
    q = (math.sqrt(max(0.0, w * w + 8 * n * only_b * d0 * (1 - d0))) - w) / (4 * n)
    return 2 * q + d0 * (1 - d0)


def _tango_z(only_a: float, only_b: float, n: float, d0: float) -> float | None:
    """Tango's score statistic for H0: ``p_a − p_b = d0``; None where it is undefined (zero variance)."""
    var = n * _tango_variance(only_a, only_b, n, d0)
    if var <= 0:
        return None
    return (only_a - only_b - n * d0) / math.sqrt(var)


def tango_noninferiority_p(only_a: float, only_b: float, n: float, margin: float) -> float:
    """One-sided p-value of Tango's (1998) score test of H0: ``p_a − p_b ≤ −margin`` for paired pairs.

    ``only_a``/``only_b`` are the discordant pair counts out of ``n`` pairs. The statistic is
    ``(only_a − only_b + n·margin) / sqrt(n·(2·q + δ0·(1 − δ0)))`` with ``δ0 = −margin`` and ``q``
    the restricted maximum-likelihood estimate of P(only b) under H0; with margin 0 it is McNemar's
    statistic. The pairs are treated as independent, so this is a floor on the evidence needed, not
    a substitute for the clustered bootstrap. An undefined statistic (no pairs, or margin 0 with no
    discordant pairs) gives 1.0.
    """
    z = _tango_z(only_a, only_b, n, -margin) if n > 0 else None
    return 1.0 if z is None else 1.0 - NormalDist().cdf(z)


def tango_paired_interval(
    only_a: float, only_b: float, n: float, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[float, float]:
    """Tango's score interval for ``p_a − p_b`` from paired pairs: the ``d0`` not rejected by the
    two-sided score test (:func:`tango_noninferiority_p` inverted, by root finding).

    It stays inside [−1, 1] and keeps a width when every pair agrees (80 agreeing pairs give about
    ±4.6 points), unlike a percentile bootstrap (a point) or Newcombe's hybrid interval (also a
    point when there are no discordant pairs); :func:`paired_difference` uses it as the floor of
    its interval, the way :func:`pass_rate_ci` uses Wilson. ``n == 0`` gives (−1, 1).
    """
    _check_confidence(confidence)
    if n <= 0:
        return (-1.0, 1.0)
    zc = _z(confidence)
    delta = (only_a - only_b) / n
    eps = 1e-9

    def excess(d0: float, sign: float) -> float:
        if abs(d0 - delta) < 1e-15:
            return -zc
        z = _tango_z(only_a, only_b, n, d0)
        return (0.0 if z is None else sign * z) - zc

    lo_end, hi_end = -1.0 + eps, 1.0 - eps
    low = -1.0 if delta <= lo_end or excess(lo_end, 1.0) <= 0 else _root(excess, lo_end, delta, 1.0)
    high = 1.0 if delta >= hi_end or excess(hi_end, -1.0) <= 0 else _root(excess, delta, hi_end, -1.0)
    return (max(-1.0, low), min(1.0, high))


def _root(f: Callable[[float, float], float], a: float, b: float, sign: float) -> float:
    """Bisection for the sign change of ``f(·, sign)`` on [a, b] (the score statistic is monotone in
    d0); 60 halvings of an interval of width ≤ 2 leave less than 1e-17."""
    fa = f(a, sign)
    for _ in range(60):
        mid = (a + b) / 2.0
        fm = f(mid, sign)
        if (fm > 0) == (fa > 0):
            a, fa = mid, fm
        else:
            b = mid
    return (a + b) / 2.0


def paired_difference(
    tasks: Sequence[str] | npt.ArrayLike,
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    *,
    seed: int,
    margin: float = 0.0,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    cost_a: npt.ArrayLike | None = None,
    cost_b: npt.ArrayLike | None = None,
    cache: WeightCache | None = None,
) -> PairedDifference:
    """Paired difference in pass rate, ``mean(a − b)`` over matched pairs, clustered by task.

    Element ``i`` of ``tasks``, ``a`` and ``b`` is one matched (task, seed) pair: the task it belongs
    to and the two outcomes (1.0 passed, 0.0 not; a fraction when a side ran a pair more than once).
    The bootstrap resamples tasks with all their pairs (the seeds of a task and the two sides of a
    pair stay together, which is what makes the comparison sharper than two separate intervals).

    - Interval: percentile of the resampled ``sum(a − b) / pairs``, never narrower than Tango's
      score interval on the pair counts (:func:`tango_paired_interval`).
    - ``p_value`` for H0: ``diff ≤ −margin``: ``max(p_boot, p_tango)`` where
      ``p_boot = (1 + #{diff* ≤ −margin}) / (resamples + 1)`` and ``p_tango`` is
      :func:`tango_noninferiority_p`. The bootstrap part is exact for the percentile interval (its
      lower bound at level α exceeds −margin iff p_boot ≲ α); the score test keeps a handful of
      pairs, or a degenerate bootstrap (one task, identical tasks), from reading as proof.
    """
    _check_confidence(confidence)
    va = np.asarray(a, dtype=np.float64).reshape(-1)
    vb = np.asarray(b, dtype=np.float64).reshape(-1)
    labels = np.asarray(tasks).reshape(-1)
    if not va.size == vb.size == labels.size:
        raise ValueError(f"tasks, a and b must have the same length, got {labels.size}, {va.size}, {vb.size}")
    if va.size == 0:
        return PairedDifference(math.nan, -1.0, 1.0, 0, 0, margin, 1.0, "none")
    if np.any((va < 0) | (va > 1) | (vb < 0) | (vb > 1)):
        raise ValueError("paired outcomes must lie in [0, 1] (1.0 passed, 0.0 not)")
    uniq, inverse = np.unique(labels, return_inverse=True)
    k = uniq.size
    columns = [va - vb, np.ones_like(va)]
    with_cost = cost_a is not None and cost_b is not None
    if with_cost:
        columns += [np.asarray(cost_a, dtype=np.float64).reshape(-1), np.asarray(cost_b, dtype=np.float64)]
    table = np.stack([np.bincount(inverse, weights=col, minlength=k) for col in columns], axis=1)
    n = float(va.size)
    point = float(table[:, 0].sum() / n)
    sums = cluster_bootstrap_sums(table, resamples=resamples, seed=seed, cache=cache)
    diffs = sums[:, 0] / sums[:, 1]
    b_low, b_high = (float(x) for x in np.quantile(diffs, [(1 - confidence) / 2, (1 + confidence) / 2]))
    only_a = float(np.clip(va - vb, 0, None).sum())
    only_b = float(np.clip(vb - va, 0, None).sum())
    n_low, n_high = tango_paired_interval(only_a, only_b, n, confidence)
    from_boot = (b_low < n_low) + (b_high > n_high)
    method = {0: "score", 1: "cluster-bootstrap+score", 2: "cluster-bootstrap"}[from_boot]
    p_boot = (1.0 + float(np.count_nonzero(diffs <= -margin + 1e-12))) / (resamples + 1.0)
    p_value = max(p_boot, tango_noninferiority_p(only_a, only_b, n, margin))
    variance = max(n * float(np.var(diffs)), _tango_variance(only_a, only_b, n, -margin))
    ratio = None
    if with_cost and table[:, 3].sum() > 0:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(sums[:, 3] > 0, sums[:, 2] / np.where(sums[:, 3] > 0, sums[:, 3], 1.0), np.nan)
        r_low, r_high = _quantiles(r[:, None], confidence)
        r_point = float(table[:, 2].sum() / table[:, 3].sum())
        ratio = Interval(r_point, min(float(r_low[0]), r_point), max(float(r_high[0]), r_point))
    return PairedDifference(
        point=point,
        low=min(b_low, n_low, point),
        high=max(b_high, n_high, point),
        pairs=int(n),
        tasks=k,
        margin=margin,
        p_value=min(1.0, p_value),
        method=method,
        cost_ratio=ratio,
        variance=variance,
    )


def non_inferior(diff: Interval | PairedDifference | tuple[float, float], margin: float) -> bool:
    """CI-based non-inferiority: the lower bound of the difference (a − b) lies above ``−margin``.

    With a two-sided 95 % interval this is the one-sided test at α = 2.5 %, the usual convention
    for non-inferiority trials. For several comparisons against one baseline use the Holm-adjusted
    p-values instead (:func:`holm`), which is what the report does.
    """
    low = diff[0] if isinstance(diff, tuple) else diff.low
    return bool(low > -margin)


def holm(pvalues: Sequence[float] | npt.ArrayLike) -> list[float]:
    """Holm's step-down adjusted p-values (family-wise error control, any dependence).

    Sorted ascending, ``p_adj(i) = max_{j ≤ i} min(1, (m − j + 1) · p(j))``; reject H0 number
    ``i`` when ``p_adj(i) < α``. Returned in the input order; ties keep their input order.
    """
    p = np.asarray(pvalues, dtype=np.float64).reshape(-1)
    if p.size == 0:
        return []
    if np.any((p < 0) | (p > 1) | np.isnan(p)):
        raise ValueError("p-values must lie in [0, 1]")
    order = np.argsort(p, kind="stable")
    m = p.size
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return [float(x) for x in adjusted]


# --- how many pairs a verdict needs ---------------------------------------------------------------


def min_pairs_for_verdict(margin: float, confidence: float = DEFAULT_CONFIDENCE) -> int | None:
    """The fewest matched pairs that can show non-inferiority at ``margin`` at all.

    The most favourable evidence for "no worse" short of one side winning outright is every pair
    agreeing (no discordant pair). Tango's score test (:func:`tango_noninferiority_p`, part of every
    paired p-value) then rejects H0: ``Δ ≤ −margin`` at one-sided α = (1 − confidence) / 2 from
    ``n > z²(1 − m)/m`` on (73 pairs at 5 points, 95 %). Fewer pairs than this cannot give a
    non-inferiority verdict whatever they show. None for a zero margin: agreeing pairs never reject
    ``Δ ≤ 0``.
    """
    _check_confidence(confidence)
    if not margin > 0.0:
        return None
    alpha = (1.0 - confidence) / 2.0
    z = _z(confidence)
    n = max(1, math.floor(z * z * (1.0 - margin) / margin))
    while tango_noninferiority_p(0.0, 0.0, n, margin) >= alpha:
        n += 1
    return n


def pairs_needed(
    variance: float, margin: float, *, confidence: float = DEFAULT_CONFIDENCE, power: float = 0.8
) -> int | None:
    """Matched pairs a non-inferiority verdict at ``margin`` needs, a power-style estimate.

    ``ceil((z₁₋α + z_power)² · variance / margin²)``, at least :func:`min_pairs_for_verdict`: the
    usual sample size for a non-inferiority test of paired differences under the planning
    assumption that the two sides are truly equal (Δ = 0), with the per-pair ``variance`` observed so
    far (:attr:`PairedDifference.variance`, which carries the clustering of seeds within tasks). So
    it holds for pairs drawn the way these were, with the same seeds per task. None for a zero
    margin or an unknown variance (no pairs).
    """
    _check_confidence(confidence)
    if not 0.0 < power < 1.0:
        raise ValueError(f"power must be strictly between 0 and 1, got {power!r}")
    least = min_pairs_for_verdict(margin, confidence)
    if least is None or not math.isfinite(variance):
        return None
    z = _z(confidence) + NormalDist().inv_cdf(power)
    return max(least, math.ceil(z * z * max(0.0, variance) / (margin * margin) - 1e-9))
