"""The agent's edit as a diff (``pytest_hybridarena/run/review.py``): lines changed, binary files,
the capped ``workspace.diff``, and the row's review object from a real cell run."""

from __future__ import annotations

from pathlib import Path

from pytest_hybridarena.agents import make_builtin_agent
from pytest_hybridarena.promotion.promote import count_diff_lines, review_inputs
from pytest_hybridarena.promotion.roles import reference_lines
from pytest_hybridarena.results.cells import Cell
from pytest_hybridarena.run.review import diff_workspaces, review_object, write_diff
from pytest_hybridarena.run.runner import CellContext, run_cell
from pytest_hybridarena.run.sandbox import ProcessSandbox
from pytest_hybridarena.run.tasks import load_task


def tree(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def test_lines_changed_count_added_and_removed_lines_of_text_files(tmp_path: Path) -> None:
    before = tree(tmp_path / "a", {"calc.py": b"a\nb\nc\n", "gone.py": b"x\ny\n", "same.txt": b"s\n"})
    after = tree(tmp_path / "b", {"calc.py": b"a\nB\nc\nd\n", "new/mod.py": b"1\n2\n3\n", "same.txt": b"s\n"})
    diff = diff_workspaces(before, after)
    # calc.py: -b +B +d (3); gone.py: -x -y (2); new/mod.py: +3 lines (3)
    assert (diff.lines_changed, diff.files_changed) == (8, 3)
    assert "--- a/gone.py\n+++ /dev/null\n" in diff.text
    assert "--- /dev/null\n+++ b/new/mod.py\n" in diff.text
    assert count_diff_lines(diff.text) == diff.lines_changed  # promotion's fallback reads the same number


def test_binary_files_count_as_changed_files_without_lines(tmp_path: Path) -> None:
    before = tree(tmp_path / "a", {"logo.png": b"\x89PNG\0\1", "latin1.txt": "café\n".encode("latin-1")})
    after = tree(tmp_path / "b", {"logo.png": b"\x89PNG\0\2", "latin1.txt": "cafe\n".encode("latin-1")})
    diff = diff_workspaces(before, after)
    assert (diff.lines_changed, diff.files_changed) == (0, 2)
    assert "Binary files a/logo.png and b/logo.png differ" in diff.text


def test_tool_caches_are_not_part_of_the_edit(tmp_path: Path) -> None:
    before = tree(tmp_path / "a", {"m.py": b"x = 1\n"})
    after = tree(
        tmp_path / "b",
        {"m.py": b"x = 1\n", "__pycache__/m.cpython-311.pyc": b"\0", ".pytest_cache/v": b"1\n"},
    )
    assert diff_workspaces(before, after).files_changed == 0


def test_written_diff_is_capped_but_the_count_is_not(tmp_path: Path) -> None:
    before = tree(tmp_path / "a", {})
    after = tree(tmp_path / "b", {"data.csv": b"".join(b"%d,row\n" % i for i in range(5000))})
    diff = diff_workspaces(before, after)
    path = write_diff(diff, tmp_path, cap=10_000)
    text = path.read_text()
    assert path.name == "workspace.diff"
    assert len(text) < 10_200
    assert "truncated at 10000 of" in text
    assert review_object(None, diff) == {"rounds": None, "lines_changed": 5000, "files_changed": 1}


def test_a_cell_row_carries_the_review_object_promotion_reads(tmp_path: Path) -> None:
    """The oracle's edit is the reference solution: its lines changed equal the reference size, so
    its excess lines are 0; it does not work in rounds, so ``rounds`` stays None."""
    folder = tree(
        tmp_path / "bench_tasks" / "puzzles" / "add",
        {
            "task.toml": b'instruction = "Implement add in calc.py."\n',
            "workspace/calc.py": b"def add(a, b):\n    raise NotImplementedError\n",
            "tests/test_calc.py": b"from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
            "solution/calc.py": b'def add(a, b):\n    """Sum."""\n    return a + b\n',
        },
    )
    spec = load_task(folder)
    ctx = CellContext(
        run_id="r",
        cell=Cell("puzzles", "add", "oracle", "always-local", 1),
        spec=spec,
        task_sha="",
        config_sha="",
        workdir=tmp_path / "work",
        artifacts_dir=tmp_path / "run" / "cells" / "c",
        artifacts_ref="cells/c",
    )
    oracle = make_builtin_agent("oracle")
    assert oracle is not None
    run = run_cell(ctx, oracle, ProcessSandbox())
    wire = run.row.to_wire()
    assert wire["outcome"] == "pass"
    assert wire["review"] == {"rounds": None, "lines_changed": 3, "files_changed": 1}
    assert wire["rounds"] is None
    assert reference_lines(folder) == 3
    assert review_inputs(wire, None) == (None, 3)
    assert count_diff_lines((ctx.artifacts_dir / "workspace.diff").read_text()) == 3
