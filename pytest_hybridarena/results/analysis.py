"""The analysis behind ``aggregate.json``: every statistic of every cell, from result rows alone.

:func:`analyze` is a pure function over row dicts (the wire format of :mod:`pytest_hybridarena.results.rows`):
no files, no pytest, deterministic (every bootstrap is seeded from a hash of what it compares). The
live run and ``python -m pytest_hybridarena report`` call it on the same rows and get the same
numbers. The methods are in ``docs/statistics.md``; the output schema is in ``docs/report.md``.

A *cell* is (task class, agent, strategy, local model, cloud model), and its figures come from
:func:`figures.cell_figures`, the same grouping, seed and arithmetic as the live terminal table:
the models split a cell only when the rows hold runs against different models.
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
from pytest_hybridarena.results.figures import (
    CellFigures,
    CellKey,
    cell_figures,
    cell_id,
    cell_key,
    group_cells,
    interval_dict,
)
from pytest_hybridarena.results.pareto import (
    compare_pairs,
    decision_table,
    inconclusive_reason,
    pareto_frontiers,
)
from pytest_hybridarena.results.rows import (
    OUTCOMES,
    Cost,
    Tokens,
    counts_as_judged,
    counts_as_passed,
    priced_as,
)
from pytest_hybridarena.results.stats import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    WeightCache,
    holm,
)

__all__ = [
    "AGGREGATE_SCHEMA_VERSION",
    "CellData",
    "CellKey",
    "analyze",
    "build_cells",
    "cell_id",
    "cell_key",
    "comparison_sentence",
    "interval_dict",
    "judge_family",
    "reprice_rows",
]

AGGREGATE_SCHEMA_VERSION = 1  # aggregate.json's schema_version (rows carry rows.SCHEMA_VERSION)


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
    figures: CellFigures | None = None


def reprice_rows(
    rows: Iterable[dict[str, Any]], price_as: str | None, table: PriceTable | None = None
) -> list[dict[str, Any]]:
    """Rows with ``cost_usd`` recomputed from tokens, cloud tokens billed at ``price_as``'s rates.

    The one repricing rule (:func:`rows.priced_as`), which a live ``--arena-price-as`` run uses
    too: local tokens $0, cached tokens count only when the cloud side saw prompt tokens, a mid tier's cost
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
        cost = priced_as(
            Tokens.from_wire(row.get("tokens")), price_as, table, Cost.from_wire(row.get("cost_usd"))
        )
        out.append({**row, "cost_usd": cost.to_wire()})
    return out


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
    by_outcome = {o: 0 for o in OUTCOMES}
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
            "cost_scenarios": sorted({str(Cost.from_wire(r.get("cost_usd")).scenario) for r in rows}),
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
    """Group rows into cells (:func:`figures.group_cells`) and compute every per-cell statistic."""
    return build_cells(group_cells(rows), resamples=resamples, confidence=confidence, cache=cache)


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
    figures = cell_figures(key, members, resamples=resamples, confidence=confidence, cache=cache)
    judged = [r for r in members if counts_as_judged(r["outcome"])]
    m = len(judged)
    task = np.fromiter((task_codes[r["cell"]["task_id"]] for r in judged), np.int64, m)
    seed_idx = np.fromiter((seed_codes[int(r["cell"]["seed"])] for r in judged), np.int64, m)
    passed = np.fromiter((counts_as_passed(r["outcome"]) for r in judged), np.float64, m)
    cost = np.fromiter(
        (math.nan if (v := (r.get("cost_usd") or {}).get("value")) is None else float(v) for r in judged),
        np.float64,
        m,
    )
    # (task, seed) pairs for the paired comparisons; repeated pairs (merged reruns) are averaged.
    pair_codes = task * n_seeds + seed_idx
    pairs, pinv = np.unique(pair_codes, return_inverse=True)
    runs = np.bincount(pinv, minlength=pairs.size)
    return CellData(
        id=figures.id,
        key=dict(zip(("task_class", "agent", "strategy", "local_model", "cloud_model"), key, strict=True)),
        stats=figures.as_dict(),
        pairs=pairs,
        pair_task=pairs // n_seeds,
        pair_pass=np.bincount(pinv, weights=passed, minlength=pairs.size) / np.maximum(runs, 1),
        pair_cost=np.bincount(pinv, weights=cost, minlength=pairs.size) / np.maximum(runs, 1),
        task_names=task_names,
        cache=cache,
        figures=figures,
    )


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
