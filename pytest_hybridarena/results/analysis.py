"""The analysis behind ``aggregate.json``: every statistic of every cell, from result rows alone.

:func:`analyze` is a pure function over row dicts (the wire format of :mod:`pytest_hybridarena.results.rows`):
no files, no pytest, deterministic (every bootstrap is seeded from a hash of what it compares). The
live run and ``python -m pytest_hybridarena report`` call it on the same rows and get the same
numbers. The methods are in ``docs/statistics.md``; the output schema is in ``docs/report.md``.

A *cell* here is (task class, agent, strategy, local model, cloud model): the summary table of a
live run groups by the first three only, and the models split a cell only when a merged analysis
holds runs against different models.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from pytest_hybridarena.pricing import PriceTable, load_prices
from pytest_hybridarena.results.calibration import calibrate, sweep_curves
from pytest_hybridarena.results.pareto import (
    compare_pairs,
    decision_table,
    inconclusive_reason,
    pareto_frontiers,
)
from pytest_hybridarena.results.rounds import max_rounds_used, row_pass_round
from pytest_hybridarena.results.stats import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    Interval,
    RateEstimate,
    WeightCache,
    cluster_bootstrap_ratios,
    holm,
    median,
    pass_rate_ci,
    rate_estimate,
    task_set_seed,
)

__all__ = [
    "AGGREGATE_SCHEMA_VERSION",
    "CellData",
    "CellKey",
    "analyze",
    "build_cells",
    "cell_key",
    "comparison_sentence",
    "interval_dict",
    "judge_family",
    "reprice_rows",
]

AGGREGATE_SCHEMA_VERSION = 1  # aggregate.json's schema_version (rows carry rows.SCHEMA_VERSION)
_OUTCOMES = ("pass", "fail", "error", "timeout", "skipped")
# Per-task totals, one column each; the ratios below are (numerator, denominator) column pairs.
_N, _PASS, _ERROR, _TIMEOUT, _JUDGED, _COST, _TOKENS, _CLOUD_TOK, _SIDE_CALLS, _CLOUD_CALLS, _CALLS, _WALL = (
    range(12)
)
# Cells whose rows had a mid tier also get its shares (the other cells' stats keep their keys).
_MID_TOK, _MID_CALLS = 12, 13
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
}
_SPEND |= set(_MID_RATIOS)


@dataclass
class CellData:
    """The judged (non-skipped) trials of one cell as arrays, for the paired comparisons.

    ``pairs`` are the sorted distinct (task, seed) codes; ``pair_task`` the task code of each pair,
    ``pair_pass`` the share of its runs that passed (1.0/0.0 unless a merged input ran it twice) and
    ``pair_cost`` its mean cost (NaN when unknown).
    """

    id: str
    key: dict[str, Any]
    stats: dict[str, Any]
    pairs: npt.NDArray[np.int64]
    pair_task: npt.NDArray[np.int64]
    pair_pass: npt.NDArray[np.float64]
    pair_cost: npt.NDArray[np.float64]
    task_names: list[str]
    cache: WeightCache


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


def reprice_rows(
    rows: Iterable[dict[str, Any]], price_as: str | None, table: PriceTable | None = None
) -> list[dict[str, Any]]:
    """Rows with ``cost_usd`` recomputed from tokens, cloud tokens billed at ``price_as``'s rates.

    The same arithmetic as a live ``--arena-price-as`` run (``runner._cost``): local tokens $0,
    cached tokens count only when the cloud side saw prompt tokens, a mid tier's cost
    (``cost_usd.mid``) is kept at its own price and added, rounded to 8 decimals. With
    ``price_as=None`` the rows are returned unchanged. Raises ValueError naming the model when the
    price table does not know it.
    """
    rows = list(rows)
    if price_as is None:
        return rows
    table = table or load_prices()
    if table.resolve(price_as) is None:
        raise ValueError(
            f"--price-as {price_as!r} is not in the price table; known: {', '.join(table.prices)}"
        )
    out = []
    for row in rows:
        tokens = row.get("tokens") or {}
        prompt = int(tokens.get("cloud_prompt", 0))
        cached = int(tokens.get("cached", 0)) if prompt else 0
        value = table.cost_usd(price_as, prompt, int(tokens.get("cloud_completion", 0)), cached)
        cost: dict[str, Any] = {
            "scenario": f"as:{price_as}",
            "value": None if value is None else round(value, 8),
        }
        old = row.get("cost_usd") or {}
        if "mid" in old:  # a mid tier keeps its own list price; price_as is about the cloud side
            mid = old["mid"]
            cost["value"] = None if value is None or mid is None else round(value + mid, 8)
            cost["mid"] = mid
        out.append({**row, "cost_usd": cost})
    return out


CellKey = tuple[str, str, str, str | None, str | None]


def cell_key(row: dict[str, Any]) -> CellKey:
    """(task class, agent, strategy, local model, cloud model): what makes two rows one cell."""
    cell, models = row["cell"], row.get("models") or {}
    return (cell["task_class"], cell["agent"], cell["strategy"], models.get("local"), models.get("cloud"))


def _cell_id(key: CellKey) -> str:
    return "|".join("-" if part is None else part for part in key)


def analyze(
    rows: Iterable[dict[str, Any]],
    *,
    baseline: str = "always-cloud",
    margin: float = 0.05,
    price_as: str | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    decisions: Iterable[dict[str, Any]] | None = None,
    calibrate_strategy: str | None = None,
    target_cloud: float = 0.2,
) -> dict[str, Any]:
    """The aggregate of a set of rows: cells, paired comparisons, Pareto frontiers, decision table,
    threshold-sweep curves and (with ``calibrate_strategy`` and ``decisions``) a calibration.

    ``margin`` is a fraction (0.05 = 5 percentage points). Verdicts are one-sided tests at
    α = (1 − confidence) / 2 (2.5 % for 95 %), Holm-adjusted within each family; the aggregate's
    ``settings`` records all of this. Rows of any outcome are accepted; skipped rows are counted and
    otherwise left out (intention-to-treat for everything else).
    """
    if not 0.0 <= margin < 1.0:
        raise ValueError(f"margin is a fraction in [0, 1), e.g. 0.05 for 5 points; got {margin!r}")
    rows = reprice_rows(rows, price_as)
    cache: WeightCache = {}  # resample multiplicities per task set, shared by cells and comparisons
    cells = _build_cells(rows, resamples=resamples, confidence=confidence, cache=cache)
    alpha = (1.0 - confidence) / 2.0
    comparisons = _baseline_comparisons(cells, baseline, margin, alpha, resamples, confidence)
    by_outcome = {o: 0 for o in _OUTCOMES}
    for row in rows:
        by_outcome[row["outcome"]] += 1
    aggregate: dict[str, Any] = {
        "schema_version": AGGREGATE_SCHEMA_VERSION,
        "settings": {
            "baseline": baseline,
            "margin": margin,
            "confidence": confidence,
            "alpha": alpha,
            "resamples": resamples,
            "price_as": price_as,
            "multiplicity": "holm",
        },
        "rows": {
            "total": len(rows),
            "by_outcome": by_outcome,
            "runs": sorted({str(r.get("run_id")) for r in rows}),
            "cost_scenarios": sorted({str((r.get("cost_usd") or {}).get("scenario")) for r in rows}),
        },
        "cells": {c.id: c.stats for c in cells},
        "comparisons": comparisons,
        "pareto": pareto_frontiers([c.stats for c in cells]),
        "decisions": decision_table(
            cells, margin=margin, alpha=alpha, resamples=resamples, confidence=confidence
        ),
        "curves": sweep_curves([c.stats for c in cells]),
        "calibration": None,
    }
    if calibrate_strategy is not None:
        aggregate["calibration"] = calibrate(decisions or [], calibrate_strategy, target_cloud)
    return aggregate


def _build_cells(
    rows: Sequence[dict[str, Any]], *, resamples: int, confidence: float, cache: WeightCache
) -> list[CellData]:
    """Group rows into cells (:func:`cell_key`) and compute every per-cell statistic."""
    grouped: dict[CellKey, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(cell_key(row), []).append(row)
    order = sorted(grouped, key=lambda k: tuple("" if p is None else p for p in k))
    return build_cells(
        [(key, grouped[key]) for key in order], resamples=resamples, confidence=confidence, cache=cache
    )


def build_cells(
    groups: Sequence[tuple[CellKey, list[dict[str, Any]]]],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    cache: WeightCache | None = None,
) -> list[CellData]:
    """Every per-cell statistic of rows already grouped into cells, in the given order.

    Task and seed codes are shared over all groups, so any two of the cells can be paired
    (:func:`pareto.compare_pairs`), even two with the same key (``compare`` builds run A's and run
    B's cells this way). Tasks are coded in sorted-id order, so each cell's bootstrap sees its tasks
    in the same order as :func:`stats.pass_rate_ci`.
    """
    cache = {} if cache is None else cache
    rows = [r for _, members in groups for r in members]
    task_names = sorted({r["cell"]["task_id"] for r in rows})
    task_codes = {t: i for i, t in enumerate(task_names)}
    seed_codes = {s: i for i, s in enumerate(sorted({int(r["cell"]["seed"]) for r in rows}))}
    n_seeds = max(1, len(seed_codes))
    return [
        _cell(key, members, task_names, task_codes, seed_codes, n_seeds, resamples, confidence, cache)
        for key, members in groups
    ]


def _cell(
    key: CellKey,
    members: list[dict[str, Any]],
    task_names: list[str],
    task_codes: dict[str, int],
    seed_codes: dict[int, int],
    n_seeds: int,
    resamples: int,
    confidence: float,
    cache: WeightCache,
) -> CellData:
    cell_id = _cell_id(key)
    counts = {o: 0 for o in _OUTCOMES}
    for row in members:
        counts[row["outcome"]] += 1
    judged_mask = np.fromiter((r["outcome"] != "skipped" for r in members), bool, len(members))
    judged = [r for r in members if r["outcome"] != "skipped"]
    m = len(judged)
    cost_all = np.fromiter(
        (math.nan if (v := (r.get("cost_usd") or {}).get("value")) is None else float(v) for r in members),
        np.float64,
        len(members),
    )
    cols = _columns(members, cost_all)
    task_all = np.fromiter((task_codes[r["cell"]["task_id"]] for r in members), np.int64, len(members))
    task = task_all[judged_mask]
    seed_idx = np.fromiter((seed_codes[int(r["cell"]["seed"])] for r in judged), np.int64, m)
    cost = cost_all[judged_mask]
    ratios = {**_RATIOS, **_MID_RATIOS} if any("mid" in (r.get("models") or {}) for r in members) else _RATIOS
    unpriced = int(np.isnan(cost_all).sum())
    # Achievement over the judged trials' tasks, spend over every row's tasks. Without skipped rows
    # both are the same task set, the same seed and so the same (cached) resamples.
    intervals: dict[str, Interval | None] = {}
    totals_of: dict[bool, npt.NDArray[np.float64]] = {}
    k_judged = 0
    seed = task_set_seed(key[0], ())
    for spend in (False, True):
        rows_mask = np.ones(len(members), bool) if spend else judged_mask
        codes = task_all[rows_mask]
        tasks_sorted, inverse = np.unique(codes, return_inverse=True)
        k = tasks_sorted.size
        columns = [np.bincount(inverse, weights=cols[rows_mask, j], minlength=k) for j in range(_NCOLS)]
        totals = np.stack(columns, axis=1).reshape(k, _NCOLS).astype(np.float64)
        totals_of[spend] = totals
        set_seed = task_set_seed(key[0], (task_names[t] for t in tasks_sorted))
        if not spend:
            k_judged, seed = int(k), set_seed
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
            seed=set_seed,
            cache=cache,
        )
        intervals.update(zip(wanted, found, strict=True))
    stats: dict[str, Any] = {
        "id": cell_id,
        "task_class": key[0],
        "agent": key[1],
        "strategy": key[2],
        "local_model": key[3],
        "cloud_model": key[4],
        "counts": counts,
        "n": m,
        "rows": len(members),
        "tasks": k_judged,
        "seeds": sorted({int(r["cell"]["seed"]) for r in judged}),
        "bootstrap_seed": seed,
    }
    judged_totals = totals_of[False]
    for name in ratios:
        interval = intervals.get(name)
        if name in _RATES:
            den = float(judged_totals[:, _RATES[name]].sum())
            num = float(judged_totals[:, _RATIOS[name][0]].sum())
            low, high = (interval.low, interval.high) if interval else (0.0, 1.0)
            est = rate_estimate(num, den, k_judged, low, high, confidence) if den > 0 else None
            stats[name] = interval_dict(est)
        else:
            stats[name] = interval_dict(interval)
    spent = totals_of[True].sum(axis=0)
    stats["cost_total"] = None if unpriced else float(spent[_COST])
    stats["cost_unpriced"] = unpriced
    stats["tokens_total"] = int(spent[_TOKENS])
    stats["calls_total"] = int(spent[_CALLS])
    stats["median_wall_s"] = median(cols[judged_mask, _WALL]) if m else None
    stats["pass_at_round"] = _pass_at_round(judged, cell_id, resamples, confidence)
    # (task, seed) pairs for the paired comparisons; repeated pairs (merged reruns) are averaged.
    pair_codes = task * n_seeds + seed_idx
    pairs, pinv = np.unique(pair_codes, return_inverse=True)
    runs = np.bincount(pinv, minlength=pairs.size)
    return CellData(
        id=cell_id,
        key=dict(zip(("task_class", "agent", "strategy", "local_model", "cloud_model"), key, strict=True)),
        stats=stats,
        pairs=pairs,
        pair_task=pairs // n_seeds,
        pair_pass=np.bincount(pinv, weights=cols[judged_mask, _PASS], minlength=pairs.size)
        / np.maximum(runs, 1),
        pair_cost=np.bincount(pinv, weights=cost, minlength=pairs.size) / np.maximum(runs, 1),
        task_names=task_names,
        cache=cache,
    )


def _columns(rows: list[dict[str, Any]], cost: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """One row of per-trial quantities per row (``_N`` … ``_ROWS``); skipped rows count in
    ``_ROWS`` and the spend columns, not in ``_N`` or the outcome columns."""
    cols = np.zeros((len(rows), _NCOLS))
    for i, r in enumerate(rows):
        outcome = r["outcome"]
        tok, calls = r["tokens"], r["calls"]
        cloud_tok = tok["cloud_prompt"] + tok["cloud_completion"]
        mid_tok = tok.get("mid_prompt", 0) + tok.get("mid_completion", 0)
        cols[i, _ROWS] = 1.0
        cols[i, _N] = outcome != "skipped"
        cols[i, _PASS] = outcome == "pass"
        cols[i, _ERROR] = outcome == "error"
        cols[i, _TIMEOUT] = outcome == "timeout"
        cols[i, _JUDGED] = outcome in ("pass", "fail")
        cols[i, _TOKENS] = cloud_tok + mid_tok + tok["local_prompt"] + tok["local_completion"]
        cols[i, _CLOUD_TOK] = cloud_tok
        cols[i, _MID_TOK] = mid_tok
        cols[i, _SIDE_CALLS] = calls["local"] + calls.get("mid", 0) + calls["cloud"]
        cols[i, _CLOUD_CALLS] = calls["cloud"]
        cols[i, _MID_CALLS] = calls.get("mid", 0)
        cols[i, _CALLS] = calls["total"]
        cols[i, _WALL] = float(r["wall_s"]["total"])
    cols[:, _COST] = np.nan_to_num(cost)
    return cols


def _pass_at_round(
    judged: list[dict[str, Any]], cell_id: str, resamples: int, confidence: float
) -> list[dict[str, Any]] | None:
    """pass@round-k for k = 1 … the most rounds a row used, each with the pass rate's interval
    (``rounds.py``, ``docs/rounds.md``); None when no row of the cell reports rounds."""
    used = max_rounds_used(judged)
    if not used:
        return None
    out = []
    for k in range(1, used + 1):
        per_task: dict[str, list[bool]] = {}
        for r in judged:
            p = row_pass_round(r)
            per_task.setdefault(r["cell"]["task_id"], []).append(p is not None and p <= k)
        est = pass_rate_ci(per_task, key=f"{cell_id}|round{k}", resamples=resamples, confidence=confidence)
        out.append({"round": k, **(interval_dict(est) or {})})
    return out


def _baseline_comparisons(
    cells: list[CellData], baseline: str, margin: float, alpha: float, resamples: int, confidence: float
) -> list[dict[str, Any]]:
    """Every strategy against the baseline strategy of its (class, agent, local, cloud) group, with
    Holm's correction over the comparisons of that group (one family per baseline cell)."""
    groups: dict[tuple[Any, ...], list[CellData]] = {}
    for c in cells:
        k = c.key
        groups.setdefault((k["task_class"], k["agent"], k["local_model"], k["cloud_model"]), []).append(c)
    out: list[dict[str, Any]] = []
    for members in groups.values():
        base = [c for c in members if c.key["strategy"] == baseline]
        if len(base) != 1 or base[0].stats["n"] == 0:
            continue
        others = [c for c in members if c is not base[0] and c.stats["n"] > 0]
        family = [
            compare_pairs(c, base[0], margin=margin, resamples=resamples, confidence=confidence)
            for c in others
        ]
        out += judge_family(family, alpha=alpha, confidence=confidence)
    return out


def judge_family(
    family: list[dict[str, Any]], *, alpha: float, confidence: float = DEFAULT_CONFIDENCE
) -> list[dict[str, Any]]:
    """Holm-adjust one family of :func:`pareto.compare_pairs` entries and add to each its
    ``p_holm``, ``family_size``, ``verdict`` (and ``verdict_unadjusted``), ``why`` (the reason an
    inconclusive verdict is one, else None) and ``sentence``. Returns the same entries."""
    adjusted = holm([f["p_value"] for f in family])
    for entry, p_adj in zip(family, adjusted, strict=True):
        entry["p_holm"] = p_adj
        entry["family_size"] = len(family)
        entry["verdict"] = _verdict(entry, p_adj, alpha, entry["margin"])
        entry["verdict_unadjusted"] = _verdict(entry, entry["p_value"], alpha, entry["margin"])
        entry["why"] = (
            inconclusive_reason(entry, alpha=alpha, confidence=confidence)
            if entry["verdict"] == "inconclusive"
            else None
        )
        entry["sentence"] = comparison_sentence(entry)
    return family


def _verdict(entry: dict[str, Any], p: float, alpha: float, margin: float) -> str:
    if entry["pairs"] == 0:
        return "no pairs"
    if p < alpha:
        return "non-inferior"
    if entry["diff"]["high"] is not None and entry["diff"]["high"] < -margin:
        return "inferior"
    return "inconclusive"


def comparison_sentence(entry: dict[str, Any]) -> str:
    """The sentence a reader wants, e.g. "heuristic is non-inferior to always-cloud at 5 pts while
    using 38% of its cost"."""
    a, b = entry["strategy"], entry["baseline"]
    pts = f"{100 * entry['margin']:g} pts"
    ratio = entry.get("cost_ratio")
    cost = (
        f" while using {100 * ratio['point']:.0f}% of its cost"
        if ratio and ratio["point"] is not None
        else ""
    )
    verdict = entry["verdict"]
    if verdict == "non-inferior":
        return f"{a} is non-inferior to {b} at {pts}{cost}"
    if verdict == "inferior":
        return f"{a} is inferior to {b} by more than {pts}{cost}"
    if verdict == "no pairs":
        return f"{a} and {b} share no (task, seed) pairs; nothing to compare"
    why = f": {entry['why']}" if entry.get("why") else ""
    return f"{a} is not shown non-inferior to {b} at {pts}{cost} (inconclusive{why})"
