"""Which configuration to use: paired comparisons, the Pareto frontier and the decision table.

Plain functions over the per-cell data of :mod:`pytest_hybridarena.analysis`. The frontier is over
(pass rate, cost per task) point estimates; the decision table asks, for each task class, for the
cheapest configuration that is *non-inferior* to the best one (paired test on matched (task, seed)
pairs, Holm-adjusted over the cheaper candidates), and says why in one sentence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from pytest_hybridarena.stats import holm, paired_difference, task_set_seed

if TYPE_CHECKING:
    from pytest_hybridarena.analysis import CellData

__all__ = ["compare_pairs", "config_label", "decision_table", "pareto_frontier", "pareto_frontiers"]


def compare_pairs(
    a: CellData, b: CellData, *, margin: float, resamples: int, confidence: float
) -> dict[str, Any]:
    """Paired comparison of cell ``a`` against cell ``b`` on their common (task, seed) pairs.

    The bootstrap seed is :func:`stats.task_set_seed` of the matched tasks, so the result depends
    only on the two cells, and comparisons over the same tasks share their resamples. The cost ratio
    (a's cost over b's on the same pairs) is left out when either side has an unpriced pair.
    """
    common, ia, ib = np.intersect1d(a.pairs, b.pairs, assume_unique=True, return_indices=True)
    cost_a, cost_b = a.pair_cost[ia], b.pair_cost[ib]
    priced = bool(common.size) and not (np.isnan(cost_a).any() or np.isnan(cost_b).any())
    diff = paired_difference(
        a.pair_task[ia],
        a.pair_pass[ia],
        b.pair_pass[ib],
        seed=task_set_seed(a.key["task_class"], (a.task_names[t] for t in np.unique(a.pair_task[ia]))),
        margin=margin,
        resamples=resamples,
        confidence=confidence,
        cost_a=cost_a if priced else None,
        cost_b=cost_b if priced else None,
        cache=a.cache,
    )
    ratio = diff.cost_ratio
    return {
        "cell": a.id,
        "baseline_cell": b.id,
        "task_class": a.key["task_class"],
        "agent": a.key["agent"],
        "strategy": a.key["strategy"],
        "baseline": b.key["strategy"],
        "pairs": diff.pairs,
        "tasks": diff.tasks,
        "margin": margin,
        "diff": {
            "point": None if math.isnan(diff.point) else diff.point,
            "low": diff.low,
            "high": diff.high,
            "method": diff.method,
        },
        "p_value": diff.p_value,
        "cost_ratio": None if ratio is None else {"point": ratio.point, "low": ratio.low, "high": ratio.high},
    }


def _dominates(x: dict[str, Any], y: dict[str, Any]) -> bool:
    px, cx = x["pass_rate"]["point"], x["cost_per_task"]["point"]
    py, cy = y["pass_rate"]["point"], y["cost_per_task"]["point"]
    return bool(px >= py and cx <= cy and (px > py or cx < cy))


def pareto_frontier(cells: Sequence[dict[str, Any]]) -> list[str]:
    """Ids of the cells no other cell dominates on (higher pass rate, lower cost), cheapest first.

    Cells without a pass rate or a known cost are not candidates. Exact ties both stay on.
    """
    cands = [c for c in cells if c.get("pass_rate") and c.get("cost_per_task")]
    front = [c for c in cands if not any(_dominates(o, c) for o in cands if o is not c)]
    front.sort(key=lambda c: (c["cost_per_task"]["point"], -c["pass_rate"]["point"], c["id"]))
    return [c["id"] for c in front]


def pareto_frontiers(cells: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """:func:`pareto_frontier` per task class (configurations compete within a class)."""
    classes = sorted({c["task_class"] for c in cells})
    return {tc: pareto_frontier([c for c in cells if c["task_class"] == tc]) for tc in classes}


def config_label(cell: dict[str, Any], *, with_models: bool = False) -> str:
    """How a configuration reads in a sentence: ``aider · cascade`` (models added when they differ)."""
    label = f"{cell['agent']} · {cell['strategy']}"
    if with_models:
        label += f" ({cell['local_model'] or '-'} + {cell['cloud_model'] or '-'})"
    return label


def _cost(cell: dict[str, Any]) -> float:
    return math.inf if cell.get("cost_per_task") is None else float(cell["cost_per_task"]["point"])


def decision_table(
    cells: Sequence[CellData], *, margin: float, alpha: float, resamples: int, confidence: float
) -> list[dict[str, Any]]:
    """One recommendation per task class: the cheapest configuration non-inferior to the best.

    *Best* is the highest pass-rate point (ties: cheaper, then id). Candidates are the priced cells
    strictly cheaper than the best; each is compared with the best on matched pairs, the family's
    p-values are Holm-adjusted, and the cheapest candidate whose adjusted p-value is below α wins.
    With none, the best itself is recommended.
    """
    out = []
    for tc in sorted({c.key["task_class"] for c in cells}):
        members = [c for c in cells if c.key["task_class"] == tc and c.stats["pass_rate"] is not None]
        if not members:
            continue
        with_models = len({(c.key["local_model"], c.key["cloud_model"]) for c in members}) > 1
        best = min(members, key=lambda c: (-c.stats["pass_rate"]["point"], _cost(c.stats), c.id))
        best_cost = _cost(best.stats)
        cands = sorted(
            (c for c in members if c is not best and _cost(c.stats) < best_cost),
            key=lambda c: (_cost(c.stats), -c.stats["pass_rate"]["point"], c.id),
        )
        family = [
            compare_pairs(c, best, margin=margin, resamples=resamples, confidence=confidence) for c in cands
        ]
        for entry, p_adj in zip(family, holm([f["p_value"] for f in family]), strict=True):
            entry["p_holm"] = p_adj
            entry["non_inferior"] = bool(entry["pairs"] > 0 and p_adj < alpha)
        chosen = next((c for c, f in zip(cands, family, strict=True) if f["non_inferior"]), best)
        entry_of = {f["cell"]: f for f in family}
        out.append(
            {
                "task_class": tc,
                "best": best.id,
                "recommended": chosen.id,
                "reason": _reason(chosen, best, entry_of.get(chosen.id), margin, len(family), with_models),
                "family_size": len(family),
                "candidates": [
                    {
                        "cell": f["cell"],
                        "cost_per_task": _cost(c.stats),
                        "pass_rate": c.stats["pass_rate"]["point"],
                        "diff": f["diff"],
                        "p_holm": f["p_holm"],
                        "non_inferior": f["non_inferior"],
                        "cost_ratio": f["cost_ratio"],
                    }
                    for c, f in zip(cands, family, strict=True)
                ],
            }
        )
    return out


def _pct(x: float | None) -> str:
    return "?" if x is None else f"{100 * x:.1f}%"


def _reason(
    chosen: CellData,
    best: CellData,
    entry: dict[str, Any] | None,
    margin: float,
    family: int,
    with_models: bool,
) -> str:
    pts = f"{100 * margin:g} pts"
    best_label = config_label(best.stats, with_models=with_models)
    best_rate = _pct(best.stats["pass_rate"]["point"])
    if entry is None:
        if family == 0:
            return (
                f"{best_label} has the highest pass rate ({best_rate}) and no priced configuration is cheaper"
            )
        return (
            f"{best_label} has the highest pass rate ({best_rate}); none of the {family} cheaper "
            f"configurations is non-inferior to it at {pts} (Holm-adjusted)"
        )
    ratio = entry["cost_ratio"]
    cost = f" while using {100 * ratio['point']:.0f}% of its cost" if ratio else ""
    d = entry["diff"]
    return (
        f"{config_label(chosen.stats, with_models=with_models)} ({_pct(chosen.stats['pass_rate']['point'])}) "
        f"is non-inferior to the best, {best_label} ({best_rate}), at {pts}{cost} "
        f"(Δ {100 * d['point']:+.1f} pts [{100 * d['low']:+.1f}, {100 * d['high']:+.1f}], "
        f"Holm over {family})"
    )
