"""A cell's figures, computed once: the one grouping rule and the one bootstrap seed of every output.

The live terminal table (:mod:`~pytest_hybridarena.results.table`), ``aggregate.json`` and
``summary.md`` (:mod:`~pytest_hybridarena.results.analysis`, :mod:`~pytest_hybridarena.results.report`),
the HTML report and the ``report`` / ``compare`` commands all take a cell's counts, pass rate and
interval, cloud shares, calls, cost and wall time from :func:`cell_figures`, over the rows that
:func:`group_cells` put into that cell. So the same rows give the same figures wherever they are
shown, and a cell's figures depend on nothing but its key and its own rows.

* **Grouping** (:func:`group_cells`): a cell is (task class, agent, strategy, local model, cloud
  model). A row that names no model at all (it broke before a router served it: a setup error, a
  crashed worker) joins the cell of its (class, agent, strategy) when exactly one model pair ran
  it; otherwise the missing models are a pair of their own.
* **Seed** (:func:`cell_seed_of`): every bootstrap of a cell draws from
  ``np.random.default_rng(cell_seed(<task class>))``: derived from the cell's key alone, never from
  what else is in the run. Cells of a class with as many tasks share their resamples (common random
  numbers, drawn once, which keeps 100,000 rows within seconds). Tasks are ordered by id, so
  ``stats.pass_rate_ci(outcomes, key=<task class>)`` reproduces the pass-rate interval exactly.

Plain functions over wire rows; no pytest (``docs/statistics.md``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from pytest_hybridarena.results.rounds import max_rounds_used, row_pass_round
from pytest_hybridarena.results.rows import (
    OUTCOMES,
    Calls,
    Cost,
    Models,
    Timing,
    Tokens,
    counts_as_error,
    counts_as_judged,
    counts_as_passed,
    has_mid_tier,
)
from pytest_hybridarena.results.stats import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    Interval,
    RateEstimate,
    WeightCache,
    cell_seed,
    cluster_bootstrap_ratios,
    median,
    pass_rate_ci,
    rate_estimate,
)

__all__ = [
    "CellFigures",
    "CellKey",
    "cell_figures",
    "cell_id",
    "cell_key",
    "cell_seed_of",
    "group_cells",
    "interval_dict",
]

CellKey = tuple[str, str, str, str | None, str | None]

# Per-task totals, one column each; the ratios below are (numerator, denominator) column pairs.
_N, _PASS, _ERROR, _TIMEOUT, _JUDGED, _COST, _TOKENS, _CLOUD_TOK, _SIDE_CALLS, _CLOUD_CALLS, _CALLS, _WALL = (
    range(12)
)
_MID_TOK, _MID_CALLS = 12, 13  # only cells whose rows had a mid tier report these shares
_ROWS = 14  # every row, skipped ones included: the denominator of what a cell spent
_NCOLS = 15
_RATIOS = {
    "pass_rate": (_PASS, _N),
    "pass_rate_error_adjusted": (_PASS, _JUDGED),
    "error_rate": (_ERROR, _N),
    "timeout_rate": (_TIMEOUT, _N),
    "cost_per_task": (_COST, _ROWS),
    "tokens_per_task": (_TOKENS, _ROWS),
    "cloud_fraction_tokens": (_CLOUD_TOK, _TOKENS),
    "cloud_fraction_calls": (_CLOUD_CALLS, _SIDE_CALLS),
    "calls_per_task": (_CALLS, _ROWS),
    "wall_s_per_task": (_WALL, _N),
}
_RATES = {"pass_rate": _N, "pass_rate_error_adjusted": _JUDGED, "error_rate": _N, "timeout_rate": _N}
_MID_RATIOS = {"mid_fraction_tokens": (_MID_TOK, _TOKENS), "mid_fraction_calls": (_MID_CALLS, _SIDE_CALLS)}
# What a cell spent is summed over *every* row (an error, a timeout or an unscored row spent its
# tokens too); what it achieved is over the judged (non-skipped) trials only.
_SPEND = {
    "cost_per_task",
    "tokens_per_task",
    "cloud_fraction_tokens",
    "cloud_fraction_calls",
    "calls_per_task",
    *_MID_RATIOS,
}


def cell_key(row: dict[str, Any]) -> CellKey:
    """(task class, agent, strategy, local model, cloud model) as the row names them (before
    :func:`group_cells` places a row that names no model)."""
    cell, models = row["cell"], Models.from_wire(row.get("models"))
    return (cell["task_class"], cell["agent"], cell["strategy"], models.local, models.cloud)


def cell_id(key: CellKey) -> str:
    """The key as one string, ``class|agent|strategy|local|cloud`` (``-`` for no model)."""
    return "|".join("-" if part is None else part for part in key)


def cell_seed_of(key: CellKey) -> int:
    """The bootstrap seed of every statistic of a cell: :func:`stats.cell_seed` of its task class
    (the part of the key that decides which tasks it can hold)."""
    return cell_seed(key[0])


def _sort_key(key: CellKey) -> tuple[str, ...]:
    return tuple("" if p is None else p for p in key)


def group_cells(rows: Iterable[dict[str, Any]]) -> list[tuple[CellKey, list[dict[str, Any]]]]:
    """Rows grouped into cells, sorted by key; rows keep their input order within a cell.

    A row with neither a local nor a cloud model joins the cell of its (class, agent, strategy)
    when exactly one model pair ran it (see the module docstring)."""
    rows = list(rows)
    served: dict[tuple[str, str, str], set[CellKey]] = {}
    for row in rows:
        key = cell_key(row)
        if key[3] is not None or key[4] is not None:
            served.setdefault(key[:3], set()).add(key)
    grouped: dict[CellKey, list[dict[str, Any]]] = {}
    for row in rows:
        key = cell_key(row)
        pairs = served.get(key[:3], set())
        if key[3] is None and key[4] is None and len(pairs) == 1:
            key = next(iter(pairs))
        grouped.setdefault(key, []).append(row)
    return [(key, grouped[key]) for key in sorted(grouped, key=_sort_key)]


@dataclass(frozen=True)
class CellFigures:
    """Everything a cell reports (``docs/statistics.md``). Rates are :class:`RateEstimate` (None
    without trials); the other statistics are :class:`Interval` (None when undefined, e.g. a cloud
    share without calls, or a cost when a row is unpriced)."""

    key: CellKey
    counts: dict[str, int]
    rows: int
    tasks: int
    seeds: tuple[int, ...]
    bootstrap_seed: int
    rates: dict[str, RateEstimate | None]
    ratios: dict[str, Interval | None]
    has_mid: bool
    cost_total: float | None
    cost_unpriced: int
    tokens_total: int
    calls_total: int
    median_wall_s: float | None
    rounds_used: int
    pass_at_round: tuple[RateEstimate, ...]

    @property
    def id(self) -> str:
        return cell_id(self.key)

    @property
    def task_class(self) -> str:
        return self.key[0]

    @property
    def agent(self) -> str:
        return self.key[1]

    @property
    def strategy(self) -> str:
        return self.key[2]

    @property
    def local_model(self) -> str | None:
        return self.key[3]

    @property
    def cloud_model(self) -> str | None:
        return self.key[4]

    @property
    def n(self) -> int:
        """Trials that count toward the pass rate: every row but skipped ones."""
        return sum(v for k, v in self.counts.items() if k != "skipped")

    @property
    def rate(self) -> RateEstimate | None:
        return self.rates["pass_rate"]

    def point(self, name: str) -> float | None:
        """The point estimate of a ratio (``cloud_fraction_calls``, ``cost_per_task`` …), or None."""
        value = self.ratios.get(name)
        return None if value is None else value.point

    def as_dict(self) -> dict[str, Any]:
        """The cell as ``aggregate.json`` holds it (``docs/report.md``)."""
        stats: dict[str, Any] = {
            "id": self.id,
            "task_class": self.key[0],
            "agent": self.key[1],
            "strategy": self.key[2],
            "local_model": self.key[3],
            "cloud_model": self.key[4],
            "counts": dict(self.counts),
            "n": self.n,
            "rows": self.rows,
            "tasks": self.tasks,
            "seeds": list(self.seeds),
            "bootstrap_seed": self.bootstrap_seed,
        }
        for name in _names(self.has_mid):
            stats[name] = interval_dict(self.rates[name] if name in _RATES else self.ratios.get(name))
        stats["cost_total"] = self.cost_total
        stats["cost_unpriced"] = self.cost_unpriced
        stats["tokens_total"] = self.tokens_total
        stats["calls_total"] = self.calls_total
        stats["median_wall_s"] = self.median_wall_s
        stats["pass_at_round"] = (
            [{"round": k, **(interval_dict(est) or {})} for k, est in enumerate(self.pass_at_round, 1)]
            if self.rounds_used
            else None
        )
        return stats


def _names(has_mid: bool) -> list[str]:
    return [*_RATIOS, *(_MID_RATIOS if has_mid else ())]


def interval_dict(value: Interval | RateEstimate | None) -> dict[str, Any] | None:
    """An interval as JSON-ready builtins (NaN becomes null)."""
    if value is None:
        return None
    out: dict[str, Any] = {"point": _num(value.point), "low": _num(value.low), "high": _num(value.high)}
    if isinstance(value, RateEstimate):
        out["method"] = value.method
    return out


def _num(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def cell_figures(
    key: CellKey,
    members: Sequence[dict[str, Any]],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    cache: WeightCache | None = None,
) -> CellFigures:
    """Every figure of one cell from its rows (:func:`group_cells`), seeded by :func:`cell_seed_of`.

    Achievement (pass, error and timeout rates, wall) is over the judged trials' tasks, spend
    (cost, tokens, calls, cloud shares) over every row's tasks; without skipped rows both are the
    same task set and so the same resamples."""
    seed = cell_seed_of(key)
    counts: dict[str, int] = {o: 0 for o in OUTCOMES}
    for row in members:
        counts[row["outcome"]] += 1
    judged_mask = np.fromiter((counts_as_judged(r["outcome"]) for r in members), bool, len(members))
    judged = [r for r in members if counts_as_judged(r["outcome"])]
    cost_all = np.fromiter(
        (math.nan if (v := Cost.from_wire(r.get("cost_usd")).value) is None else float(v) for r in members),
        np.float64,
        len(members),
    )
    cols = _columns(members, cost_all)
    names = sorted({r["cell"]["task_id"] for r in members})
    codes = {t: i for i, t in enumerate(names)}
    task_all = np.fromiter((codes[r["cell"]["task_id"]] for r in members), np.int64, len(members))
    mid = has_mid_tier(members)
    ratios = {**_RATIOS, **_MID_RATIOS} if mid else _RATIOS
    unpriced = int(np.isnan(cost_all).sum())
    intervals: dict[str, Interval | None] = {}
    totals_of: dict[bool, npt.NDArray[np.float64]] = {}
    k_judged = 0
    for spend in (False, True):
        rows_mask = np.ones(len(members), bool) if spend else judged_mask
        _, inverse = np.unique(task_all[rows_mask], return_inverse=True)
        k = int(inverse.max()) + 1 if inverse.size else 0
        columns = [np.bincount(inverse, weights=cols[rows_mask, j], minlength=k) for j in range(_NCOLS)]
        totals = np.stack(columns, axis=1).reshape(k, _NCOLS).astype(np.float64)
        totals_of[spend] = totals
        if not spend:
            k_judged = k
        wanted = [
            name
            for name in ratios
            if (name in _SPEND) == spend and not (name == "cost_per_task" and unpriced)
        ]
        if not k or not wanted:
            continue
        found = cluster_bootstrap_ratios(
            totals,
            [ratios[name] for name in wanted],
            resamples=resamples,
            confidence=confidence,
            seed=seed,
            cache=cache,
        )
        intervals.update(zip(wanted, found, strict=True))
    judged_totals = totals_of[False]
    rates: dict[str, RateEstimate | None] = {}
    for name, den_col in _RATES.items():
        interval = intervals.get(name)
        den = float(judged_totals[:, den_col].sum())
        num = float(judged_totals[:, _RATIOS[name][0]].sum())
        low, high = (interval.low, interval.high) if interval else (0.0, 1.0)
        rates[name] = rate_estimate(num, den, k_judged, low, high, confidence) if den > 0 else None
    spent = totals_of[True].sum(axis=0)
    used = max_rounds_used(judged)
    return CellFigures(
        key=key,
        counts=counts,
        rows=len(members),
        tasks=k_judged,
        seeds=tuple(sorted({int(r["cell"]["seed"]) for r in judged})),
        bootstrap_seed=seed,
        rates=rates,
        ratios={name: intervals.get(name) for name in ratios if name not in _RATES},
        has_mid=mid,
        cost_total=None if unpriced else float(spent[_COST]),
        cost_unpriced=unpriced,
        tokens_total=int(spent[_TOKENS]),
        calls_total=int(spent[_CALLS]),
        median_wall_s=median(cols[judged_mask, _WALL]) if judged else None,
        rounds_used=used,
        pass_at_round=_pass_at_round(judged, key[0], used, resamples, confidence),
    )


def _columns(rows: Sequence[dict[str, Any]], cost: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """One row of per-trial quantities per row (``_N`` … ``_ROWS``); skipped rows count in
    ``_ROWS`` and the spend columns, not in ``_N`` or the outcome columns."""
    cols = np.zeros((len(rows), _NCOLS))
    for i, r in enumerate(rows):
        outcome = r["outcome"]
        tok, calls = Tokens.from_wire(r["tokens"]), Calls.from_wire(r["calls"])
        cols[i, _ROWS] = 1.0
        cols[i, _N] = counts_as_judged(outcome)
        cols[i, _PASS] = counts_as_passed(outcome)
        cols[i, _ERROR] = outcome == "error"
        cols[i, _TIMEOUT] = outcome == "timeout"
        cols[i, _JUDGED] = counts_as_judged(outcome) and not counts_as_error(outcome)
        cols[i, _TOKENS] = tok.total
        cols[i, _CLOUD_TOK] = tok.cloud
        cols[i, _MID_TOK] = tok.mid
        cols[i, _SIDE_CALLS] = calls.served
        cols[i, _CLOUD_CALLS] = calls.cloud
        cols[i, _MID_CALLS] = calls.mid or 0
        cols[i, _CALLS] = calls.total
        cols[i, _WALL] = float(Timing.from_wire(r["wall_s"]).total)
    cols[:, _COST] = np.nan_to_num(cost)
    return cols


def _pass_at_round(
    judged: list[dict[str, Any]], task_class: str, used: int, resamples: int, confidence: float
) -> tuple[RateEstimate, ...]:
    """pass@round-k for k = 1 … the most rounds a row used, each with the pass rate's interval
    seeded like the pass rate (``rounds.py``, ``docs/rounds.md``); empty when no row of the cell
    reports rounds."""
    out = []
    for k in range(1, used + 1):
        per_task: dict[str, list[bool]] = {}
        for r in judged:
            p = row_pass_round(r)
            per_task.setdefault(r["cell"]["task_id"], []).append(p is not None and p <= k)
        out.append(pass_rate_ci(per_task, key=task_class, resamples=resamples, confidence=confidence))
    return tuple(out)
