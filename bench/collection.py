"""Collection at scale: 10,000 cells (50 tasks × 5 agents × 8 strategies × 5 seeds).

    python bench/collection.py [--tasks 50]

Runs ``pytest --collect-only -q`` on generated task folders in a subprocess and reports its wall
time and peak memory (max RSS), next to a baseline measured in the same run: the same pytest
collecting a single trivial test file (interpreter + pytest + plugin start-up). Targets:
collecting 10,000 cells ≤ 2 s and ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AGENTS = "oracle,nop,builtin,aider,mini-swe-agent"
STRATEGIES = "always-local,always-cloud,rules,heuristic,cascade,phase-aware,escalate,llm-classifier"
SEEDS = "1,2,3,4,5"


def timed(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB of the child, and its stdout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 5):
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return wall, max(peak, before) / 1024, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="arena-collect-") as tmp:
        root = Path(tmp)
        for i in range(args.tasks):
            task = root / "bench_tasks" / f"class{i % 5}" / f"task{i:03d}"
            (task / "workspace").mkdir(parents=True)
            (task / "tests").mkdir()
            (task / "task.toml").write_text(f'title = "t{i}"\ntags = ["easy"]\ninstruction = "x"\n')
        (root / "test_one.py").write_text("def test_one():\n    pass\n")
        base = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
        baseline = min(timed([*base, "test_one.py"], root)[0] for _ in range(3))
        runs = [
            timed(
                [
                    *base,
                    "bench_tasks",
                    f"--arena-agents={AGENTS}",
                    f"--arena-strategies={STRATEGIES}",
                    f"--arena-seeds={SEEDS}",
                ],
                root,
            )
            for _ in range(3)
        ]
        wall, peak, out = min(runs, key=lambda r: r[0])
    cells = sum(1 for line in out.splitlines() if "::" in line)
    print(f"collection: {cells} cells from {args.tasks} tasks, {os.cpu_count()} CPUs")
    print(f"  pytest start-up alone (1 trivial test): {baseline:.2f} s")
    print(
        f"  collecting {cells} cells: {wall:.2f} s wall (best of 3), {wall - baseline:.2f} s above start-up"
    )
    print(f"  peak RSS: {peak:.0f} MB; {1000 * (wall - baseline) / max(cells, 1):.3f} ms per cell")


if __name__ == "__main__":
    main()
