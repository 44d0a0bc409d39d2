"""Harness overhead per cell: an ``oracle`` sweep over every bundled task versus running each
task's acceptance suite directly with pytest in a loop, in the same run.

    python bench/harness_overhead.py

The baseline does the minimum a person would: copy the workspace, overlay the reference solution
and the tests, run ``python -m pytest tests`` there. The sweep does everything the plugin does per
cell (collection, workspace copy, the oracle agent, a fresh scoring directory, the sandbox, JUnit
parsing, the row, the JSONL, the summary). Target: ratio ≤ 1.3.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pytest_hybridarena.run.catalog import find_tasks  # noqa: E402
from pytest_hybridarena.run.tasks import load_task  # noqa: E402


def direct_loop(tmp: Path) -> float:
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    t0 = time.perf_counter()
    for folder in find_tasks(REPO / "bench_tasks"):
        spec = load_task(folder)
        work = tmp / spec.task_class / spec.id
        shutil.copytree(spec.workspace, work)
        shutil.copytree(spec.solution, work, dirs_exist_ok=True)
        shutil.rmtree(work / "tests", ignore_errors=True)
        shutil.copytree(spec.tests, work / "tests")
        subprocess.run([sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider"],
                       cwd=work, env=env, capture_output=True, check=False)  # fmt: skip
    return time.perf_counter() - t0


def sweep(tmp: Path) -> float:
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "bench_tasks", "-q", "--tb=no", "-p", "no:cacheprovider",
         "--arena-agents=oracle", "--arena-strategies=always-local", "--arena-seeds=42",
         f"--arena-out={tmp / 'rows.jsonl'}"],
        cwd=REPO, env=env, capture_output=True, check=False,
    )  # fmt: skip
    return time.perf_counter() - t0


def main() -> None:
    tasks = len(list(find_tasks(REPO / "bench_tasks")))
    with tempfile.TemporaryDirectory(prefix="arena-harness-") as tmp:
        base = direct_loop(Path(tmp, "direct"))
        swept = sweep(Path(tmp))
    print(f"harness overhead: {tasks} tasks, {os.cpu_count()} CPUs")
    print(f"  direct pytest loop: {base:.1f} s ({1000 * base / tasks:.0f} ms per task)")
    print(f"  oracle sweep:       {swept:.1f} s ({1000 * swept / tasks:.0f} ms per cell)")
    print(f"  ratio sweep/direct: {swept / base:.2f} (target ≤ 1.3)")


if __name__ == "__main__":
    main()
