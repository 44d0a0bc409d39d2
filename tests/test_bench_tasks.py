"""The bundled benchmark itself: every task keeps its invariants, and its tests are not tied to the
reference solution (an independently written alternative solution passes them too)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_hybridarena.__main__ import main
from pytest_hybridarena.agents.builtin import answer_file
from pytest_hybridarena.agents.builtin_context import scan_workspace
from pytest_hybridarena.run.catalog import find_tasks
from pytest_hybridarena.run.sandbox import ProcessSandbox
from pytest_hybridarena.run.scoring import copy_workspace, score_workspace
from pytest_hybridarena.run.tasks import load_task

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench_tasks"
ALT = Path(__file__).resolve().parent / "alt_solutions"
ALT_DIRS = sorted(p for p in ALT.glob("*/*") if p.is_dir())


def test_every_bundled_task_holds_its_invariants(tmp_path: Path) -> None:
    """oracle passes every acceptance test and nop fails at least one, for every task."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "bench_tasks", "--arena-validate", "-n", "2", "-q",
         "-p", "no:cacheprovider", f"--arena-out={tmp_path / 'validate.jsonl'}"],
        cwd=REPO, capture_output=True, text=True, timeout=1200, check=False,
        env={k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "BROKEN" not in proc.stdout
    rows = (tmp_path / "validate.jsonl").read_text().splitlines()
    assert len(rows) == 2 * len(list(find_tasks(BENCH)))


# Edit-mode tasks with a reference solution folder (a single-shot task's prompt names its artifact).
EDIT_TASKS = [f for f in find_tasks(BENCH) if (f / "solution").is_dir() and load_task(f).mode == "edit"]


@pytest.mark.parametrize("folder", EDIT_TASKS, ids=lambda p: p.relative_to(BENCH).as_posix())
def test_the_builtin_agent_points_its_answer_at_a_file_the_solution_writes(folder: Path) -> None:
    """The file the builtin agent's answer line names is one the reference solution provides (or it
    names none): never the data file beside a script to write, never the README of a package."""
    task = load_task(folder)
    workspace = folder / "workspace"
    texts = [f.path for f in scan_workspace(workspace) if f.text is not None] if workspace.is_dir() else []
    chosen = answer_file(task.instruction, texts)
    solution = {p.relative_to(folder / "solution").as_posix() for p in (folder / "solution").rglob("*")}
    assert chosen is None or chosen in solution, f"answer line names {chosen}; the solution writes {solution}"


def test_every_task_class_has_an_alternative_solution() -> None:
    classes = {load_task(folder).task_class for folder in find_tasks(BENCH)}
    assert classes <= {p.parent.name for p in ALT_DIRS}


@pytest.mark.parametrize("alt", ALT_DIRS, ids=[f"{p.parent.name}/{p.name}" for p in ALT_DIRS])
def test_an_alternative_solution_passes_the_hidden_suite(alt: Path, tmp_path: Path) -> None:
    spec = load_task(BENCH / alt.parent.name / alt.name)
    workspace = tmp_path / "workspace"
    copy_workspace(spec.workspace, workspace)
    shutil.copytree(alt, workspace, dirs_exist_ok=True)
    reference = {p.relative_to(spec.solution) for p in spec.solution.rglob("*") if p.is_file()}
    alternative = {p.relative_to(alt) for p in alt.rglob("*") if p.is_file()}
    assert alternative, "an empty alternative proves nothing"
    for rel in reference & alternative:
        assert (alt / rel).read_bytes() != (spec.solution / rel).read_bytes(), f"{rel} is the reference"
    result = score_workspace(spec, workspace, tmp_path, ProcessSandbox())
    assert result.all_passed, result.failed_tests


def test_tasks_command_lists_tasks_with_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tasks", str(BENCH / "puzzles")]) == 0
    out = capsys.readouterr().out
    assert "roman-numerals" in out
    line = next(line for line in out.splitlines() if "roman-numerals" in line)
    assert " 35 " in line, line
    assert "tasks: puzzles" in out
