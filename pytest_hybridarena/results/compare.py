"""``python -m pytest_hybridarena compare RUN_A RUN_B``: what changed between two runs, cell by cell.

Cells are paired by key across the runs, (task class, agent, strategy), and within a cell on the
(task, seed) pairs both runs judged. The statistics are the live paired comparison's, not a copy:
:func:`pareto.compare_pairs` (``stats.paired_difference``: task-clustered bootstrap with Tango's
score floor) for Δ = B − A and its interval, and :func:`analysis.judge_family` for Holm's
correction over every compared cell, the verdict and the reason an inconclusive one is one.
*non-inferior* reads "B is at most the margin worse than A". The models may differ between the
runs (that is often the point of comparing them); they are shown when they do.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tabulate import tabulate

from pytest_hybridarena.results.analysis import CellData, build_cells, judge_family, reprice_rows
from pytest_hybridarena.results.pareto import compare_pairs
from pytest_hybridarena.results.report import ReportWarning, load_rows
from pytest_hybridarena.results.stats import DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, WeightCache

__all__ = ["add_arguments", "compare_runs", "render_comparison", "run"]

Key = tuple[str, str, str]


def _group(rows: Sequence[dict[str, Any]]) -> dict[Key, list[dict[str, Any]]]:
    out: dict[Key, list[dict[str, Any]]] = {}
    for row in rows:
        cell = row["cell"]
        out.setdefault((cell["task_class"], cell["agent"], cell["strategy"]), []).append(row)
    return out


def _models(rows: Sequence[dict[str, Any]], side: str) -> str | None:
    names = sorted({str(m) for r in rows if (m := (r.get("models") or {}).get(side))})
    return "+".join(names) or None


def _matched_rate(cell: CellData, other: CellData) -> float | None:
    common, ia, _ = np.intersect1d(cell.pairs, other.pairs, assume_unique=True, return_indices=True)
    return float(cell.pair_pass[ia].mean()) if common.size else None


def compare_runs(
    rows_a: Sequence[dict[str, Any]],
    rows_b: Sequence[dict[str, Any]],
    *,
    margin: float = 0.05,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
) -> dict[str, Any]:
    """Paired comparisons of every cell the two runs share, B against A.

    Returns ``comparisons`` (one :func:`pareto.compare_pairs` entry per shared cell, judged as one
    Holm family, plus ``pass_a``/``pass_b`` on the matched pairs and the models of each side),
    ``only_a`` and ``only_b`` (cell keys as ``class · agent · strategy``). ``margin`` is a fraction.
    """
    if not 0.0 <= margin < 1.0:
        raise ValueError(f"margin is a fraction in [0, 1), e.g. 0.05 for 5 points; got {margin!r}")
    groups_a, groups_b = _group(rows_a), _group(rows_b)
    shared = sorted(set(groups_a) & set(groups_b))
    groups = []
    for key in shared:
        for members in (groups_a[key], groups_b[key]):
            models = (_models(members, "local"), _models(members, "cloud"))
            groups.append(((*key, *models), members))
    cache: WeightCache = {}
    cells = build_cells(groups, resamples=resamples, confidence=confidence, cache=cache)
    family = []
    for i, key in enumerate(shared):
        a, b = cells[2 * i], cells[2 * i + 1]
        entry = compare_pairs(b, a, margin=margin, resamples=resamples, confidence=confidence)
        # The sentence names the runs; the table shows the strategy once.
        entry.update(strategy=f"{key[2]} in B", baseline=f"{key[2]} in A")
        entry.update(
            pass_a=_matched_rate(a, b),
            pass_b=_matched_rate(b, a),
            models_a=[a.key["local_model"], a.key["cloud_model"]],
            models_b=[b.key["local_model"], b.key["cloud_model"]],
        )
        family.append(entry)
    judge_family(family, alpha=(1.0 - confidence) / 2.0, confidence=confidence)
    for entry, key in zip(family, shared, strict=True):
        entry.update(strategy=key[2], baseline=key[2])

    def names(keys: set[Key]) -> list[str]:
        return [" · ".join(k) for k in sorted(keys)]

    return {
        "margin": margin,
        "confidence": confidence,
        "comparisons": family,
        "only_a": names(set(groups_a) - set(groups_b)),
        "only_b": names(set(groups_b) - set(groups_a)),
    }


def _pts(d: dict[str, Any]) -> str:
    if d.get("point") is None:
        return "–"
    return f"{100 * d['point']:+.1f} [{100 * d['low']:+.1f}, {100 * d['high']:+.1f}]"


def _models_text(models: list[str | None]) -> str:
    return " + ".join(m or "–" for m in models)


def _rate(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def render_comparison(result: dict[str, Any], label_a: str, label_b: str) -> str:
    """The comparison as terminal text: a header, one table line per shared cell, the reason of
    every inconclusive verdict, and the cells only one run has."""
    entries = result["comparisons"]
    pts = f"{100 * result['margin']:g} pts"
    vary = any(e["models_a"] != e["models_b"] for e in entries)
    headers = (
        "class",
        "agent",
        "strategy",
        *(("models A → B",) if vary else ()),
        "pairs",
        "A pass",
        "B pass",
        "Δ B−A (pts) [95% CI]",
        "p (Holm)",
        "verdict",
        "cost B/A",
    )
    table = [
        (
            e["task_class"],
            e["agent"],
            e["strategy"],
            *((f"{_models_text(e['models_a'])} → {_models_text(e['models_b'])}",) if vary else ()),
            e["pairs"],
            _rate(e["pass_a"]),
            _rate(e["pass_b"]),
            _pts(e["diff"]),
            f"{e['p_holm']:.4f}",
            e["verdict"],
            "–" if not e["cost_ratio"] else f"{100 * e['cost_ratio']['point']:.0f}%",
        )
        for e in entries
    ]
    out = [
        f"A: {label_a}",
        f"B: {label_b}",
        f"paired by (class, agent, strategy) on the (task, seed) pairs both ran; Δ = B − A; "
        f"non-inferior: B is at most {pts} worse than A (one-sided, Holm over {len(entries)} cells)",
        tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True),
    ]
    out += [
        f"  inconclusive, {e['task_class']} · {e['agent']} · {e['strategy']}: {e['why']}"
        for e in entries
        if e.get("why")
    ]
    for side, keys in (("A", result["only_a"]), ("B", result["only_b"])):
        if keys:
            out.append(f"only in {side} ({len(keys)}): {', '.join(keys)}")
    return "\n".join(out)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_a", type=Path, help="the earlier run: a run folder or results.jsonl")
    parser.add_argument("run_b", type=Path, help="the run compared with it")
    parser.add_argument(
        "--margin", type=float, default=5.0, metavar="PTS", help="non-inferiority margin in points (5)"
    )
    parser.add_argument(
        "--resamples", type=int, default=DEFAULT_RESAMPLES, help="bootstrap resamples (10000)"
    )
    parser.add_argument(
        "--price-as", metavar="MODEL", help="price both runs' cloud tokens at this model's rates"
    )


def run(args: argparse.Namespace) -> int:
    """The ``compare`` command: 0 when it compared, 2 for unusable inputs (the message says which)."""
    if not 0.0 <= args.margin < 100.0:
        print(f"compare: --margin is in points (0-100), got {args.margin}", file=sys.stderr)
        return 2
    loaded = []
    for name, path in (("RUN_A", args.run_a), ("RUN_B", args.run_b)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ReportWarning)
            try:
                rows = reprice_rows(load_rows([path]), args.price_as)
            except (OSError, ValueError) as exc:
                print(f"compare: {name} {exc}", file=sys.stderr)
                return 2
        for w in caught:
            print(f"warning: {name}: {w.message}", file=sys.stderr)
        if not rows:
            print(f"compare: {name} {path}: no rows", file=sys.stderr)
            return 2
        loaded.append(rows)
    result = compare_runs(loaded[0], loaded[1], margin=args.margin / 100.0, resamples=args.resamples)
    if not result["comparisons"]:
        print(
            f"compare: {args.run_a} and {args.run_b} have no cell in common (class, agent, strategy); "
            f"A has {', '.join(result['only_a'])}; B has {', '.join(result['only_b'])}",
            file=sys.stderr,
        )
        return 2

    def label(path: Path, rows: list[dict[str, Any]]) -> str:
        runs = sorted({str(r.get("run_id")) for r in rows})
        return f"{path} (run {', '.join(runs)}; {len(rows)} rows)"

    print(render_comparison(result, label(args.run_a, loaded[0]), label(args.run_b, loaded[1])))
    return 0
