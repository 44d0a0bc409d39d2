"""``python -m pytest_hybridarena compare RUN_A RUN_B``: what changed between two runs, cell by cell.

Each run's cells are grouped by the one rule of :func:`figures.group_cells` and paired across the
runs by (task class, agent, strategy) (by the models too when a run holds a cell against several
model pairs), and within a cell on the (task, seed) pairs both runs judged. The statistics are the
live paired comparison's, not a copy:
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
from pytest_hybridarena.results.figures import CellKey, group_cells
from pytest_hybridarena.results.fmt import DASH, percent, points_ci
from pytest_hybridarena.results.pareto import compare_pairs
from pytest_hybridarena.results.report import ReportWarning, load_rows
from pytest_hybridarena.results.stats import DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, WeightCache

__all__ = ["add_arguments", "compare_runs", "render_comparison", "run"]

Key = tuple[str, str, str]
Group = tuple[CellKey, list[dict[str, Any]]]


def _match(
    rows_a: Sequence[dict[str, Any]], rows_b: Sequence[dict[str, Any]]
) -> tuple[list[tuple[Key, Group, Group]], list[str], list[str]]:
    """Each run's cells by the one grouping rule (:func:`figures.group_cells`), paired across the
    runs by (class, agent, strategy); when a run holds that cell against several model pairs, only
    cells with the same models are paired. Returns the pairs and the names of the unpaired cells."""
    sides: list[dict[Key, list[Group]]] = [{}, {}]
    for side, rows in zip(sides, (rows_a, rows_b), strict=True):
        for key, members in group_cells(rows):
            side.setdefault(key[:3], []).append((key, members))
    pairs: list[tuple[Key, Group, Group]] = []
    only: list[list[str]] = [[], []]
    for short in sorted(set(sides[0]) | set(sides[1])):
        in_a, in_b = sides[0].get(short, []), sides[1].get(short, [])
        if len(in_a) == 1 and len(in_b) == 1:
            pairs.append((short, in_a[0], in_b[0]))
            continue
        rest_b = dict(in_b)
        for key, members in in_a:
            if key in rest_b:
                pairs.append((short, (key, members), (key, rest_b.pop(key))))
            else:
                only[0].append(_name(key, len(in_a) > 1))
        only[1] += [_name(key, len(in_b) > 1) for key in rest_b]
    return pairs, only[0], only[1]


def _name(key: CellKey, with_models: bool) -> str:
    name = " · ".join(key[:3])
    return f"{name} ({key[3] or DASH} + {key[4] or DASH})" if with_models else name


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
    matched, only_a, only_b = _match(rows_a, rows_b)
    groups = [group for _, a, b in matched for group in (a, b)]
    cache: WeightCache = {}
    cells = build_cells(groups, resamples=resamples, confidence=confidence, cache=cache)
    family = []
    shared = [short for short, _, _ in matched]
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

    return {
        "margin": margin,
        "confidence": confidence,
        "comparisons": family,
        "only_a": only_a,
        "only_b": only_b,
    }


def _models_text(models: list[str | None]) -> str:
    return " + ".join(m or DASH for m in models)


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
            percent(e["pass_a"]),
            percent(e["pass_b"]),
            points_ci(e["diff"]),
            f"{e['p_holm']:.4f}",
            e["verdict"],
            percent((e["cost_ratio"] or {}).get("point"), 0),
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
