"""Which configuration to use: paired comparisons, the Pareto frontier and the decision table.

Plain functions over the per-cell data of :mod:`pytest_hybridarena.results.analysis`. The frontier is over
(pass rate, cost per task) point estimates; the decision table asks, for each task class, for the
cheapest configuration that is *non-inferior* to the best one (paired test on matched (task, seed)
pairs, Holm-adjusted over the cheaper candidates), and says why in one sentence. A configuration
that passed nothing is never recommended, and a verdict that more data would decide says how much.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from pytest_hybridarena.results.stats import (
    DEFAULT_CONFIDENCE,
    holm,
    min_pairs_for_verdict,
    paired_difference,
    pairs_needed,
    task_set_seed,
)

if TYPE_CHECKING:
    from pytest_hybridarena.results.analysis import CellData

__all__ = [
    "compare_pairs",
    "config_label",
    "decision_table",
    "inconclusive_reason",
    "pareto_frontier",
    "pareto_frontiers",
]


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
        "variance": None if math.isnan(diff.variance) else diff.variance,
        "pairs_needed": None
        if math.isnan(diff.variance)
        else pairs_needed(diff.variance, margin, confidence=confidence),
    }


def _tasks_by_seeds(needed: int, entry: dict[str, Any]) -> str:
    """``needed`` pairs as tasks × seeds at the comparison's own seeds per task (the variance was
    measured with that clustering, so adding tasks at that ratio is what the estimate covers)."""
    seeds = max(1, round(entry["pairs"] / entry["tasks"])) if entry["tasks"] else 1
    tasks = math.ceil(needed / seeds)
    return f"e.g. {tasks} task{'s' if tasks != 1 else ''} × {seeds} seed{'s' if seeds != 1 else ''}"


def inconclusive_reason(
    entry: dict[str, Any], *, alpha: float, confidence: float = DEFAULT_CONFIDENCE
) -> str:
    """Why a paired comparison (an entry of :func:`compare_pairs` with ``p_holm`` and
    ``family_size``) has no verdict: Holm's correction took it away, too few pairs for any verdict
    at the margin, fewer pairs than the power-style estimate of :func:`stats.pairs_needed`, or an
    observed difference too close to the margin. One clause, no verdict word (the caller adds it).
    """
    n, margin = entry["pairs"], entry["margin"]
    if n == 0:
        return "no matched (task, seed) pairs"
    if entry["p_value"] < alpha <= entry["p_holm"]:
        return (
            f"non-inferior on its own (p {entry['p_value']:.3f}) but not after Holm's correction over "
            f"{entry['family_size']} comparisons (p {entry['p_holm']:.3f})"
        )
    pts = f"{100 * margin:g}-point margin"
    need = entry.get("pairs_needed")
    if need is None:
        return f"n = {n} pairs; a {pts} cannot be resolved when the two are equal"
    plan = f"≥ {need} pairs, {_tasks_by_seeds(need, entry)}, needed to resolve a {pts} at this variance"
    least = min_pairs_for_verdict(margin, confidence)
    if least is not None and n < least:
        return (
            f"n = {n} pairs is too few for any verdict at a {pts}, which needs ≥ {least} even if every "
            f"pair agrees; {plan}"
        )
    if n < need:
        return f"n = {n} pairs; {plan}"
    d = entry["diff"]
    return (
        f"n = {n} pairs would resolve a {pts} if the two were equal, but the observed "
        f"Δ {100 * d['point']:+.1f} pts [{100 * d['low']:+.1f}, {100 * d['high']:+.1f}] still reaches "
        f"below −{100 * margin:g} pts"
    )


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
    strictly cheaper than the best that passed at least one trial; each is compared with the best on
    matched pairs, the family's p-values are Holm-adjusted, and the cheapest candidate whose adjusted
    p-value is below α wins. With none, the best itself is recommended. Cells that had no model
    (the ``oracle`` and ``nop`` controls) take no part. A class where no
    configuration passed anything gets no recommendation at all (``best`` and ``recommended`` are
    None): a 0 % configuration is no answer, however cheap.
    """
    out = []
    # Controls (oracle, nop: agents whose cells never had a model) measure the task, not a
    # configuration anyone could deploy: they are never the best or a candidate.
    cells = [c for c in cells if c.key["local_model"] is not None or c.key["cloud_model"] is not None]
    for tc in sorted({c.key["task_class"] for c in cells}):
        members = [c for c in cells if c.key["task_class"] == tc and c.stats["pass_rate"] is not None]
        if not members:
            continue
        if not any(c.stats["counts"]["pass"] for c in members):
            out.append(_nothing_passed(tc, members))
            continue
        with_models = len({(c.key["local_model"], c.key["cloud_model"]) for c in members}) > 1
        best = min(members, key=lambda c: (-c.stats["pass_rate"]["point"], _cost(c.stats), c.id))
        best_cost = _cost(best.stats)
        cheaper = [c for c in members if c is not best and _cost(c.stats) < best_cost]
        cands = sorted(
            (c for c in cheaper if c.stats["counts"]["pass"]),
            key=lambda c: (_cost(c.stats), -c.stats["pass_rate"]["point"], c.id),
        )
        family = [
            compare_pairs(c, best, margin=margin, resamples=resamples, confidence=confidence) for c in cands
        ]
        for entry, p_adj in zip(family, holm([f["p_value"] for f in family]), strict=True):
            entry["p_holm"] = p_adj
            entry["family_size"] = len(family)
            entry["non_inferior"] = bool(entry["pairs"] > 0 and p_adj < alpha)
        chosen = next((c for c, f in zip(cands, family, strict=True) if f["non_inferior"]), best)
        entry_of = {f["cell"]: f for f in family}
        reason = _reason(
            chosen, best, entry_of.get(chosen.id), margin, len(family), with_models, len(cheaper)
        )
        if chosen is best and family:
            reason += _shortfall(family, confidence)
        out.append(
            {
                "task_class": tc,
                "best": best.id,
                "recommended": chosen.id,
                "reason": reason,
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
                        "pairs": f["pairs"],
                        "pairs_needed": f["pairs_needed"],
                    }
                    for c, f in zip(cands, family, strict=True)
                ],
            }
        )
    return out


def _pct(x: float | None) -> str:
    return "?" if x is None else f"{100 * x:.1f}%"


def _nothing_passed(task_class: str, members: Sequence[CellData]) -> dict[str, Any]:
    """The decision of a class where no configuration passed a single trial: no recommendation."""
    counts = {o: sum(c.stats["counts"][o] for c in members) for o in ("error", "timeout")}
    trials = sum(c.stats["n"] for c in members)
    of = f"0 of {trials} trial{'s' if trials != 1 else ''}"
    broken = [
        f"{v} {'timeout' if o == 'timeout' else 'error'}{'s' if v != 1 else ''}"
        for o, v in counts.items()
        if v
    ]
    configs = f"{len(members)} configuration{'s' if len(members) != 1 else ''}"
    return {
        "task_class": task_class,
        "best": None,
        "recommended": None,
        "reason": (
            f"no configuration solved any task of this class ({of} "
            f"passed over {configs}{'; ' + ', '.join(broken) if broken else ''}); nothing to recommend"
        ),
        "family_size": 0,
        "candidates": [],
    }


def _shortfall(family: Sequence[dict[str, Any]], confidence: float) -> str:
    """When the best stays recommended because cheaper candidates are undecided for lack of pairs:
    how many pairs would decide (the largest estimate among them; ``stats.pairs_needed``)."""
    short = [
        f
        for f in family
        if not f["non_inferior"] and f["pairs_needed"] is not None and f["pairs"] < f["pairs_needed"]
    ]
    if not short:
        return ""
    worst = max(short, key=lambda f: f["pairs_needed"])
    fewest = min(f["pairs"] for f in short)
    least = min_pairs_for_verdict(worst["margin"], confidence)
    few = " (too few for any verdict)" if least is not None and fewest < least else ""
    return (
        f"; n = {fewest} pairs{few}: ≥ {worst['pairs_needed']} pairs, "
        f"{_tasks_by_seeds(worst['pairs_needed'], worst)}, needed to resolve a "
        f"{100 * worst['margin']:g}-point margin at this variance"
    )


def _reason(
    chosen: CellData,
    best: CellData,
    entry: dict[str, Any] | None,
    margin: float,
    family: int,
    with_models: bool,
    cheaper: int = 0,
) -> str:
    pts = f"{100 * margin:g} pts"
    best_label = config_label(best.stats, with_models=with_models)
    best_rate = _pct(best.stats["pass_rate"]["point"])
    if entry is None:
        if family == 0:
            trials = f"{best.stats['counts']['pass']} of {best.stats['n']} trials"
            if cheaper:
                return (
                    f"{best_label} has the highest pass rate ({best_rate}, {trials}); the {cheaper} cheaper "
                    f"configuration{'s' if cheaper != 1 else ''} solved no task"
                )
            return (
                f"{best_label} has the highest pass rate ({best_rate}, {trials}) and no priced "
                "configuration is cheaper"
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
