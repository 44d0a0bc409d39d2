"""The task catalog: every task under a folder, with its acceptance-test count, tags and the size of
its reference solution. Plain functions; ``python -m pytest_hybridarena tasks`` prints it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tabulate import tabulate

from pytest_hybridarena.run.scoring import INI_NAME, build_score_dir, copy_workspace
from pytest_hybridarena.run.tasks import TASK_FILE, TaskError, TaskSpec, load_task

__all__ = ["TaskEntry", "find_tasks", "render_catalog", "task_entry"]


@dataclass(frozen=True)
class TaskEntry:
    spec: TaskSpec | None
    path: Path
    tests: int | None  # acceptance test items (parametrized cases count one each); None: not collectable
    solution_files: int
    solution_lines: int
    problem: str | None = None


def find_tasks(root: Path) -> Iterator[Path]:
    """Task folders under ``root`` (folders holding task.toml), sorted; never descends into one."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if TASK_FILE in filenames:
            dirnames.clear()
            yield Path(dirpath)


def _count_tests(spec: TaskSpec) -> int | None:
    """Collect the acceptance suite the way scoring runs it, on workspace + reference solution."""
    with tempfile.TemporaryDirectory(prefix="arena-catalog-") as tmp:
        workspace = Path(tmp, "ws")
        copy_workspace(spec.workspace, workspace)
        if spec.solution.is_dir():
            for src in spec.solution.rglob("*"):
                if src.is_file() and src.suffix not in (".patch", ".diff"):
                    dest = workspace / src.relative_to(spec.solution)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(src.read_bytes())
        score_dir = Path(tmp, "score")
        build_score_dir(spec, workspace, score_dir)
        proc = subprocess.run(
            [sys.executable, "-P", "-m", "pytest", "tests", "-c", INI_NAME, "--rootdir", ".",
             "--confcutdir", "tests", "-p", "no:cacheprovider", "--co", "-q"],
            cwd=score_dir,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
            timeout=120,
            check=False,
        )  # fmt: skip
    if proc.returncode != 0:
        return None
    return sum(1 for line in proc.stdout.splitlines() if "::" in line)


def task_entry(folder: Path) -> TaskEntry:
    try:
        spec = load_task(folder)
    except TaskError as exc:
        return TaskEntry(None, folder, None, 0, 0, problem=str(exc))
    files = [p for p in spec.solution.rglob("*") if p.is_file()] if spec.solution.is_dir() else []
    lines = sum(len(p.read_bytes().splitlines()) for p in files)
    return TaskEntry(spec, folder, _count_tests(spec), len(files), lines)


def render_catalog(entries: list[TaskEntry]) -> str:
    rows = []
    for e in entries:
        if e.spec is None:
            rows.append(("?", e.path.name, "–", "–", "–", f"INVALID: {e.problem}"))
            continue
        tests = "not collectable" if e.tests is None else str(e.tests)
        solution = f"{e.solution_files} files, {e.solution_lines} lines"
        rows.append((e.spec.task_class, e.spec.id, tests, ", ".join(e.spec.tags), solution, e.spec.title))
    rows.sort(key=lambda r: (r[0], r[1]))
    table = tabulate(rows, headers=("class", "task", "tests", "tags", "reference solution", "title"))
    by_class: dict[str, int] = {}
    for e in entries:
        if e.spec is not None:
            by_class[e.spec.task_class] = by_class.get(e.spec.task_class, 0) + 1
    counts = ", ".join(f"{cls} {n}" for cls, n in sorted(by_class.items()))
    return f"{table}\n\n{len(entries)} tasks: {counts}"
