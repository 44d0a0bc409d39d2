"""Bad options are usage errors before any cell runs; an exception in one cell's setup, scoring or row
becomes that cell's error row and the sweep goes on."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_hybridarena.run import runner
from pytest_hybridarena.shell.state import ArenaState
from tests.conftest import MakeTask
from tests.test_plugin import rows_of


def test_an_existing_file_as_arena_out_is_a_usage_error(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    taken = pytester.path / "notes.txt"
    taken.write_text("someone's notes\n")
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle", f"--arena-out={taken}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--arena-out: '{taken}' already exists; give a new file*"])
    assert taken.read_text() == "someone's notes\n"
    assert not list(pytester.path.glob("reports/*/results.jsonl"))


@pytest.mark.parametrize("kind", ["folder", "under-a-file", "proc"])
def test_an_unwritable_arena_out_is_a_usage_error(
    pytester: pytest.Pytester, make_task: MakeTask, kind: str
) -> None:
    make_task("add")
    (pytester.path / "a-file").write_text("x")
    out, message = {
        "folder": (pytester.path / "bench_tasks", "is a folder; give the path of the results file"),
        "under-a-file": (pytester.path / "a-file" / "results.jsonl", "cannot be written: * is not a folder"),
        "proc": (Path("/proc/arena-run/results.jsonl"), "cannot be written: cannot create anything in /proc"),
    }[kind]
    if kind == "proc" and not sys.platform.startswith("linux"):
        pytest.skip("/proc is Linux's")
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle", f"--arena-out={out}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--arena-out: '{out}' {message}*"])


def test_an_empty_file_or_the_resumed_file_is_a_fine_arena_out(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    out = pytester.path / "rows.jsonl"
    out.touch()  # e.g. made by mktemp in a wrapper script
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle", f"--arena-out={out}")
    assert result.ret == pytest.ExitCode.OK
    assert len(out.read_text().splitlines()) == 1
    # The run continues in its own file: --arena-resume alone, and with --arena-out naming it.
    for extra in ([], [f"--arena-out={out}"]):
        result = pytester.runpytest(
            "bench_tasks", "--arena-agents=oracle,nop", f"--arena-resume={out}", *extra
        )
        assert result.ret == pytest.ExitCode.OK, result.stderr.str()
    assert [json.loads(line)["cell"]["agent"] for line in out.read_text().splitlines()] == ["oracle", "nop"]


def test_a_file_as_arena_record_is_a_usage_error(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    tape = pytester.path / "tape.json"
    tape.write_text("{}")
    result = pytester.runpytest("bench_tasks", f"--arena-record={tape}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--arena-record: '{tape}' is a file, not a folder*"])
    (pytester.path / "a-file").write_text("x")
    result = pytester.runpytest("bench_tasks", f"--arena-record={pytester.path / 'a-file' / 'tapes'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--arena-record: cannot record into *a-file/tapes*: * is not a folder*"])


def test_a_baseline_that_is_not_a_strategy_of_the_run_is_a_usage_error(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    strategies = "--arena-strategies=always-local,cascade"
    result = pytester.runpytest("bench_tasks", strategies, "--arena-baseline=bogus")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--arena-baseline: 'bogus' is not one of this run's strategies (always-local, cascade)*"]
    )
    result = pytester.runpytest("bench_tasks", strategies, "--arena-baseline=cascade", "--co")
    assert result.ret == pytest.ExitCode.OK
    result = pytester.runpytest("bench_tasks", strategies, "--co")  # the default baseline is not in the run
    assert result.ret == pytest.ExitCode.OK


ROW_HOOK_CONFTEST = """
from pathlib import Path

def pytest_arena_update_row(row, item):
    if row["cell"]["task_id"] == "row-raises":
        raise RuntimeError("injected into row-raises")
    if row["cell"]["task_id"] == "row-path":
        row["extra"] = Path("not-a-builtin")
"""


def test_an_exception_in_any_phase_of_a_cell_is_its_error_row_and_the_sweep_goes_on(
    pytester: pytest.Pytester, make_task: MakeTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults = ("setup-hash", "setup-copy", "score", "review", "row-raises", "row-path")
    for name in (*faults, "zz-ok"):
        make_task(name)
    pytester.makeconftest(ROW_HOOK_CONFTEST)

    def raising_for(task_id: str, real: Any) -> Any:
        def faulty(*args: Any, **kwargs: Any) -> Any:
            if any(
                (isinstance(a, Path) and task_id in a.parts) or getattr(a, "id", None) == task_id
                for a in args
            ):
                raise RuntimeError(f"injected into {task_id}")
            return real(*args, **kwargs)

        return faulty

    monkeypatch.setattr(ArenaState, "task_sha", raising_for("setup-hash", ArenaState.task_sha))
    monkeypatch.setattr(runner, "copy_workspace", raising_for("setup-copy", runner.copy_workspace))
    monkeypatch.setattr(runner, "score_workspace", raising_for("score", runner.score_workspace))
    monkeypatch.setattr(runner, "diff_workspaces", raising_for("review", runner.diff_workspaces))
    # The row phase is faulted by the conftest's pytest_arena_update_row hook.
    result = pytester.runpytest_inprocess("bench_tasks", "--arena-agents=oracle")
    rows = {r["cell"]["task_id"]: r for r in rows_of(pytester)}
    assert sorted(rows) == sorted((*faults, "zz-ok")), "every cell has its row"
    assert rows["zz-ok"]["outcome"] == "pass"
    expected = {
        "setup-hash": ("setup", "RuntimeError: injected into setup-hash"),
        "setup-copy": ("setup", "RuntimeError: injected into setup-copy"),
        "score": ("score", "scoring broke: RuntimeError: injected into score"),
        "review": ("harness", "RuntimeError: injected into review"),
        "row-raises": ("row", "the row could not be built: RuntimeError: injected into row-raises"),
        "row-path": ("row", "the row could not be built: TypeError: Object of type PosixPath"),
    }
    for task_id, (kind, message) in expected.items():
        row = rows[task_id]
        assert (row["outcome"], row["error"]["kind"]) == ("error", kind), (task_id, row["error"])
        assert row["error"]["message"].startswith(message), (task_id, row["error"])
    result.stdout.fnmatch_lines([f"*1 passed*{len(faults)} error*"])
    assert "INTERNALERROR" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
