"""Embedded overlap: how much of a ``-n 2`` embedded sweep the model spends idle.

    python bench/embedded_overlap.py [--runs 1,2,2:1] [--marker demo] [--seeds 42]
                                     [--model qwen2.5-coder-0.5b] [--json out.json]

Each run is a real sweep — ``python -m pytest bench_tasks -m <marker> [-n N] --arena-agents=builtin
--arena-strategies=always-local`` with the local side on ``embedded:<model>`` — with the backend's
trace on (``ARENA_EMBEDDED_TRACE``, docs/embedded.md): every process logs each model load and
each generation with wall-clock start and end. A run is ``N`` (``-n N``, threads = the backend's
default, ``os.cpu_count()``) or ``N:T`` (``;threads=T`` in the backend spec); ``1`` is plain pytest
without xdist, the baseline, and the first run listed is the one the last column compares with.

Figures per run, over the sweep's span (first cell's ``started_at`` → last cell's ``finished_at``
in results.jsonl):

* idle = 1 − |union of all generation intervals| / span: the time no copy of the model generates
  (the target at ``-n 2``: ≤ 20%);
* per worker: its generations' busy time / span, and / its own span (its first cell → last cell);
* both = the share of the span in which two or more generations run at once (each worker loads its
  own copy of the model, so on 2 cores these compete for the CPUs);
* where the idle time goes: model loads, scoring (a cell's last ``wall_s.score`` seconds), and
  the rest (the agent's own work, pytest between cells, a worker starting late or done early);
* completion tokens per second of span — the sweep's real output rate, compared with ``-n 1``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

Interval = tuple[float, float]


# -- interval arithmetic -------------------------------------------------------------------------
def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint intervals covering exactly the input (empty ones dropped)."""
    out: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def measure(intervals: Iterable[Interval]) -> float:
    """Total length of the union."""
    return sum(end - start for start, end in union(intervals))


def clip(intervals: Iterable[Interval], window: Interval) -> list[Interval]:
    lo, hi = window
    return [(max(s, lo), min(e, hi)) for s, e in intervals if min(e, hi) > max(s, lo)]


def intersect(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """The union of ``a`` intersected with the union of ``b``."""
    ua, ub = union(a), union(b)
    out: list[Interval] = []
    i = j = 0
    while i < len(ua) and j < len(ub):
        lo, hi = max(ua[i][0], ub[j][0]), min(ua[i][1], ub[j][1])
        if hi > lo:
            out.append((lo, hi))
        if ua[i][1] < ub[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """The union of ``a`` minus the union of ``b``."""
    out: list[Interval] = []
    ub = union(b)
    for start, end in union(a):
        cur = start
        for bs, be in ub:
            if be <= cur or bs >= end:
                continue
            if bs > cur:
                out.append((cur, bs))
            cur = max(cur, be)
            if cur >= end:
                break
        if cur < end:
            out.append((cur, end))
    return out


def overlapped(intervals: Sequence[Interval], depth: int = 2) -> float:
    """Time during which at least ``depth`` of the intervals run at once."""
    edges = sorted([(s, 1) for s, e in intervals if e > s] + [(e, -1) for s, e in intervals if e > s])
    total, active, last = 0.0, 0, 0.0
    for t, step in edges:
        if active >= depth:
            total += t - last
        active += step
        last = t
    return total


# -- a sweep's figures ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    worker: str
    start: float
    end: float
    score_s: float


@dataclass(frozen=True)
class Generation:
    worker: str
    start: float
    end: float
    completion_tokens: int


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def read_cells(results: Path) -> list[Cell]:
    cells = []
    for line in results.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        cells.append(
            Cell(
                worker=row.get("worker") or "main",
                start=_epoch(row["started_at"]),
                end=_epoch(row["finished_at"]),
                score_s=float((row.get("wall_s") or {}).get("score") or 0.0),
            )
        )
    return cells


def read_trace(folder: Path) -> tuple[list[Generation], list[Generation]]:
    """(generations, loads) from every ``embedded-<pid>.jsonl`` in ``folder``."""
    gens: list[Generation] = []
    loads: list[Generation] = []
    for path in sorted(folder.glob("embedded-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            item = Generation(
                worker=rec.get("worker") or "main",
                start=float(rec["start"]),
                end=float(rec["end"]),
                completion_tokens=int(rec.get("completion_tokens") or 0),
            )
            (gens if rec["kind"] == "generate" else loads).append(item)
    return gens, loads


def overlap_figures(
    cells: Sequence[Cell], gens: Sequence[Generation], loads: Sequence[Generation]
) -> dict[str, Any]:
    """Idle fraction, per-worker busy fractions and where the idle time goes, over the cells' span."""
    if not cells:
        raise ValueError("no cells: the sweep produced no rows")
    span: Interval = (min(c.start for c in cells), max(c.end for c in cells))
    length = span[1] - span[0]
    busy = clip([(g.start, g.end) for g in gens], span)
    idle = subtract([span], busy)
    load_iv = clip([(x.start, x.end) for x in loads], span)
    score_iv = clip([(c.end - c.score_s, c.end) for c in cells], span)
    idle_load = intersect(idle, load_iv)
    idle_score = intersect(subtract(idle, idle_load), score_iv)
    workers: dict[str, dict[str, float]] = {}
    for worker in sorted({c.worker for c in cells}):
        mine = [c for c in cells if c.worker == worker]
        own: Interval = (min(c.start for c in mine), max(c.end for c in mine))
        own_busy = measure(clip([(g.start, g.end) for g in gens if g.worker == worker], span))
        workers[worker] = {
            "cells": len(mine),
            "busy_of_span": own_busy / length,
            "busy_of_own_span": own_busy / (own[1] - own[0]) if own[1] > own[0] else 0.0,
            "own_span_s": own[1] - own[0],
        }
    tokens = sum(g.completion_tokens for g in gens)
    return {
        "cells": len(cells),
        "span_s": length,
        "generations": len(gens),
        "busy_s": measure(busy),
        "idle": measure(idle) / length,
        "both": overlapped(busy) / length,
        "idle_load": measure(idle_load) / length,
        "idle_score": measure(idle_score) / length,
        "idle_other": (measure(idle) - measure(idle_load) - measure(idle_score)) / length,
        "loads_s": [round(x.end - x.start, 3) for x in loads],
        "completion_tokens": tokens,
        "tokens_per_s": tokens / length,
        "workers": workers,
    }


# -- running sweeps ------------------------------------------------------------------------------
def parse_run(text: str) -> tuple[int, int | None]:
    """``"2"`` -> (2, None); ``"2:1"`` -> (2, 1): workers and embedded threads (None: default)."""
    workers, _, threads = text.partition(":")
    return int(workers), int(threads) if threads else None


def run_sweep(
    workers: int, threads: int | None, args: argparse.Namespace, tmp: Path
) -> tuple[dict[str, Any], float]:
    name = f"n{workers}" + (f"-t{threads}" if threads else "")
    out, trace = tmp / name / "results.jsonl", tmp / name / "trace"
    local = f"embedded:{args.model}" + (f";threads={threads}" if threads else "")
    cmd = [
        sys.executable, "-m", "pytest", "bench_tasks", "-m", args.marker, "-q", "--tb=no",
        "-p", "no:cacheprovider", "--arena-agents=builtin", "--arena-strategies=always-local",
        f"--arena-seeds={args.seeds}", f"--arena-local={local}", f"--arena-cloud={local}",
        f"--arena-out={out}",
    ]  # fmt: skip
    if workers > 1:
        cmd += ["-n", str(workers)]
    env = {**os.environ, "ARENA_EMBEDDED_TRACE": str(trace)}
    env.pop("PYTEST_ADDOPTS", None)
    t0 = time.time()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    wall = time.time() - t0
    if not out.exists():
        raise SystemExit(f"sweep {name} wrote no results:\n{proc.stdout[-6000:]}\n{proc.stderr[-4000:]}")
    cells = read_cells(out)
    gens, loads = read_trace(trace)
    figures = overlap_figures(cells, gens, loads)
    figures["run"] = name
    figures["wall_s"] = wall
    figures["startup_s"] = min(c.start for c in cells) - t0
    return figures, wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--runs", default="1,2,2:1", help="comma-separated N or N:threads; the first is the baseline"
    )
    ap.add_argument("--marker", default="demo", help="pytest -m expression selecting the tasks")
    ap.add_argument("--seeds", default="42", help="--arena-seeds (more seeds, more cells)")
    ap.add_argument("--model", default="qwen2.5-coder-0.5b")
    ap.add_argument("--json", help="write every run's figures here")
    ap.add_argument(
        "--keep", help="run in this folder and keep results and traces (default: a temporary one)"
    )
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="arena-overlap-") as tmp:
        where = Path(args.keep) if args.keep else Path(tmp)
        for text in args.runs.split(","):
            workers, threads = parse_run(text)
            figures, wall = run_sweep(workers, threads, args, where)
            results.append(figures)
            print(f"{figures['run']}: {wall:.1f} s, idle {figures['idle']:.0%}", file=sys.stderr)
    base = results[0]
    print(f"embedded overlap: {base['cells']} cells, model {args.model}, {os.cpu_count()} CPUs")
    head = (
        "run",
        "wall s",
        "span s",
        "idle",
        "both",
        "idle:load",
        "idle:score",
        "idle:other",
        "tok/s",
        "vs base",
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in results:
        print(
            f"| {r['run']} | {r['wall_s']:.1f} | {r['span_s']:.1f} | {r['idle']:.0%} | {r['both']:.0%} "
            f"| {r['idle_load']:.1%} | {r['idle_score']:.1%} | {r['idle_other']:.0%} "
            f"| {r['tokens_per_s']:.1f} | {r['tokens_per_s'] / base['tokens_per_s']:.2f}× |"
        )
    for r in results:
        per = ", ".join(
            f"{w}: {f['busy_of_span']:.0%} of span ({f['busy_of_own_span']:.0%} of its own "
            f"{f['own_span_s']:.0f} s, {f['cells']:.0f} cells)"
            for w, f in r["workers"].items()
        )
        print(f"{r['run']}: start-up {r['startup_s']:.1f} s, loads {r['loads_s']} s; {per}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
