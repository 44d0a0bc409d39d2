"""Time :func:`pytest_hybridarena.results.analysis.analyze` on synthetic rows (target: 100k rows ≤ 5 s).

    python bench/analysis_speed.py [--rows 100000] [--resamples 10000] [--repeat 3]

The rows look like a large sweep: 3 task classes × 4 agents × 6 strategies (the two anchors, a
cascade threshold sweep of three, heuristic) × 1 model pair, tasks × seeds filling up ``--rows``;
pass probabilities depend on task difficulty and strategy so that seeds of a task correlate. The
figure is wall time of ``analyze`` alone (rows already in memory), the best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from typing import Any

import numpy as np

from pytest_hybridarena.results.analysis import analyze

CLASSES = ("puzzles", "refactors", "debug")
AGENTS = ("aider", "builtin", "cline", "opencode")
STRATEGIES = (
    ("always-local", 0.0, -0.25),
    ("cascade@threshold=5", 0.3, -0.08),
    ("cascade@threshold=15", 0.55, -0.03),
    ("cascade@threshold=25", 0.8, -0.01),
    ("heuristic", 0.4, -0.05),
    ("always-cloud", 1.0, 0.0),
)


def synthetic_rows(n_rows: int, *, seed: int = 0, seeds_per_task: int = 5) -> list[dict[str, Any]]:
    """``n_rows`` rows of the wire schema (the fields analysis reads), deterministic from ``seed``."""
    rng = np.random.default_rng(seed)
    configs = len(CLASSES) * len(AGENTS) * len(STRATEGIES)
    tasks_per_class = max(1, n_rows // (configs * seeds_per_task))
    rows: list[dict[str, Any]] = []
    for tc in CLASSES:
        ease = rng.uniform(0.1, 0.95, size=tasks_per_class)
        for agent in AGENTS:
            for strategy, cloud_share, penalty in STRATEGIES:
                for t in range(tasks_per_class):
                    for s in range(seeds_per_task):
                        p = float(np.clip(ease[t] + penalty, 0, 1))
                        roll = rng.random()
                        outcome = "pass" if roll < p else ("error" if roll > 0.98 else "fail")
                        calls = int(rng.integers(3, 20))
                        cloud_calls = round(calls * cloud_share)
                        prompt, completion = 2000 * calls, 300 * calls
                        cloud_p = int(prompt * cloud_share)
                        cloud_c = int(completion * cloud_share)
                        rows.append(
                            {
                                "schema": 1,
                                "run_id": "bench",
                                "cell": {
                                    "task_id": f"{tc}-{t:04d}",
                                    "task_class": tc,
                                    "agent": agent,
                                    "strategy": strategy,
                                    "seed": s,
                                },
                                "models": {"local": "ollama:qwen2.5-coder:7b", "cloud": "openai:gpt-5.5"},
                                "outcome": outcome,
                                "calls": {"total": calls, "local": calls - cloud_calls, "cloud": cloud_calls},
                                "tokens": {
                                    "local_prompt": prompt - cloud_p,
                                    "local_completion": completion - cloud_c,
                                    "cloud_prompt": cloud_p,
                                    "cloud_completion": cloud_c,
                                    "cached": 0,
                                },
                                "cost_usd": {
                                    "scenario": "list-price",
                                    "value": (cloud_p * 5.0 + cloud_c * 30.0) / 1e6,
                                },
                                "wall_s": {"agent": 10.0, "score": 1.0, "total": float(rng.uniform(5, 60))},
                            }
                        )
    return rows[:n_rows] if len(rows) > n_rows else rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--resamples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = synthetic_rows(args.rows)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        aggregate = analyze(rows, resamples=args.resamples)
        times.append(time.perf_counter() - start)
    result = {
        "rows": len(rows),
        "cells": len(aggregate["cells"]),
        "comparisons": len(aggregate["comparisons"]),
        "resamples": args.resamples,
        "seconds_best": round(min(times), 3),
        "seconds_all": [round(t, 3) for t in times],
        "host": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
