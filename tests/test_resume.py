"""Resume and retry: a killed or broken sweep continues without losing or repeating finished cells."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from pytest_hybridarena.run.resume import ResumeIndex, latest_attempts, read_jsonl
from tests.conftest import MakeTask

COUNTING_CONFTEST = '''
import os, time
from pathlib import Path
from pytest_hybridarena.agents.base import AgentResult

LOG = Path(os.environ["ARENA_TEST_RUNS"])

class Counting:
    """Solves the task, and logs every run so tests can count which cells really ran."""
    name = "counting"; uses_llm = False
    def available(self): return True, ""
    def run(self, request):
        with LOG.open("a") as f:
            f.write(request.workspace.parent.name + "\\n")
        time.sleep(float(os.environ.get("ARENA_TEST_DELAY", "0")))
        (request.workspace / "calc.py").write_text("def add(a, b):\\n    return a + b\\n")
        return AgentResult("ok")

class Flaky:
    """Errors on its first run of a cell, solves it afterwards."""
    name = "flaky"; uses_llm = False
    def available(self): return True, ""
    def run(self, request):
        marker = LOG.with_name("flaky-" + str(request.seed))
        if not marker.exists():
            marker.write_text("x")
            return AgentResult("error", error="HTTP 504 from upstream")
        (request.workspace / "calc.py").write_text("def add(a, b):\\n    return a + b\\n")
        return AgentResult("ok")

def pytest_arena_make_agent(name, params, config):
    return {"counting": Counting, "flaky": Flaky}.get(name, lambda: None)()

def pytest_arena_agent_names(config):
    return ["counting", "flaky"]
'''


def results(pytester: pytest.Pytester) -> Path:
    [path] = pytester.path.glob("reports/*/results.jsonl")
    return path


def test_read_jsonl_skips_and_reports_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    good = {"cell": {"task_class": "c", "task_id": "t", "agent": "a", "strategy": "s", "seed": 1}}
    path.write_text(json.dumps(good) + "\n" + '{"cell": {"task_cl')
    rows, problems = read_jsonl(path)
    assert rows == [good]
    assert problems == [f"{path}:2: torn last line (18 bytes) skipped"]


def test_latest_attempt_wins() -> None:
    cell = {"task_class": "c", "task_id": "t", "agent": "a", "strategy": "s", "seed": 1}
    rows = [{"cell": cell, "attempt": 1, "outcome": "error"}, {"cell": cell, "attempt": 2, "outcome": "pass"}]
    assert latest_attempts(rows)["c/t[a-s-s1]"]["outcome"] == "pass"
    assert latest_attempts(reversed(rows))["c/t[a-s-s1]"]["outcome"] == "pass"


def test_lookup_needs_matching_config_and_task_hashes(tmp_path: Path) -> None:
    cell = {"task_class": "c", "task_id": "t", "agent": "a", "strategy": "s", "seed": 1}
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"cell": cell, "config_sha": "C", "task_sha": "T", "outcome": "fail"}) + "\n")
    index = ResumeIndex.load(path, retry_errors=False)
    assert index.lookup("c/t[a-s-s1]", "C", "T")[0] is not None
    assert index.lookup("c/t[a-s-s1]", "C2", "T") == (None, 1)
    assert index.lookup("c/t[a-s-s1]", "C", "T2") == (None, 1)


def test_resume_reuses_finished_cells_and_reports_the_whole_sweep(
    pytester: pytest.Pytester, make_task: MakeTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_task("add")
    make_task("bdd")
    pytester.makeconftest(COUNTING_CONFTEST)
    runs = pytester.path / "runs.log"
    monkeypatch.setenv("ARENA_TEST_RUNS", str(runs))
    pytester.runpytest("bench_tasks", "--arena-agents=counting", "--arena-seeds=1,2", "-k", "add")
    assert len(runs.read_text().splitlines()) == 2
    out = results(pytester)
    result = pytester.runpytest(
        "bench_tasks", "--arena-agents=counting", "--arena-seeds=1,2", f"--arena-resume={out}"
    )
    result.assert_outcomes(passed=4)
    assert len(runs.read_text().splitlines()) == 4, "only the two new cells ran"
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert Counter(r["cell"]["task_id"] for r in rows) == {"add": 2, "bdd": 2}
    result.stdout.fnmatch_lines(["*resuming*2 finished cells*", "*counting*4*4*0*"])


def test_retry_errors_runs_only_error_cells_and_keeps_the_earlier_attempt(
    pytester: pytest.Pytester, make_task: MakeTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_task("add")
    pytester.makeconftest(COUNTING_CONFTEST)
    monkeypatch.setenv("ARENA_TEST_RUNS", str(pytester.path / "runs.log"))
    first = pytester.runpytest("bench_tasks", "--arena-agents=flaky,counting")
    assert first.ret == pytest.ExitCode.TESTS_FAILED
    out = results(pytester)
    again = pytester.runpytest("bench_tasks", "--arena-agents=flaky,counting", f"--arena-resume={out}")
    again.assert_outcomes(passed=1, errors=1)  # without --arena-retry the error row is reused
    retried = pytester.runpytest(
        "bench_tasks", "--arena-agents=flaky,counting", f"--arena-resume={out}", "--arena-retry=errors"
    )
    retried.assert_outcomes(passed=2)
    assert retried.ret == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    flaky = [r for r in rows if r["cell"]["agent"] == "flaky"]
    assert [(r["attempt"], r["outcome"]) for r in flaky] == [(1, "error"), (2, "pass")]
    assert len([r for r in rows if r["cell"]["agent"] == "counting"]) == 1
    cells = out.parent / "cells"
    assert (cells / "puzzles__add__flaky-always-local-s42").is_dir()
    assert (cells / "puzzles__add__flaky-always-local-s42.attempt2").is_dir()


def test_retry_without_resume_is_a_usage_error(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", "--arena-retry=errors")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--arena-retry=errors needs --arena-resume*"])


def test_a_sigkilled_sweep_resumes_with_every_cell_exactly_once(
    pytester: pytest.Pytester, make_task: MakeTask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("t1", "t2", "t3"):
        make_task(name)
    pytester.makeconftest(COUNTING_CONFTEST)
    monkeypatch.setenv("ARENA_TEST_RUNS", str(tmp_path / "runs.log"))
    env = {**os.environ, "ARENA_TEST_DELAY": "0.4"}
    env.pop("PYTEST_ADDOPTS", None)
    args = [sys.executable, "-m", "pytest", "bench_tasks", "--arena-agents=counting", "--arena-seeds=1,2",
            "-p", "no:cacheprovider", "-p", "no:asyncio", "-p", "no:aiohttp"]  # fmt: skip
    proc = subprocess.Popen(args, cwd=pytester.path, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    out: Path | None = None
    while time.monotonic() < deadline:  # wait until some, not all, cells have finished
        found = list(pytester.path.glob("reports/*/results.jsonl"))
        if found and len(found[0].read_text().splitlines()) >= 2:
            out = found[0]
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert out is not None, "the sweep never wrote two rows"
    before = len(out.read_text().splitlines())
    assert before < 6, "the sweep finished before it could be killed"
    result = pytester.runpytest_subprocess("bench_tasks", "--arena-agents=counting", "--arena-seeds=1,2",
                                           f"--arena-resume={out}")  # fmt: skip
    result.assert_outcomes(passed=6)
    rows, problems = read_jsonl(out)
    keys = Counter(f"{r['cell']['task_id']}-s{r['cell']['seed']}" for r in rows)
    assert len(keys) == 6
    assert set(keys.values()) == {1}, keys
    assert len(problems) <= 1, problems  # at most the torn line of the killed writer
