"""Hostile solutions under the real process sandbox, end to end: each becomes a row with its cause,
in bounded time, and the sweep carries on; a weaker sandbox is announced once."""

from __future__ import annotations

import os
import time

import pytest

from pytest_hybridarena.run.sandbox import process as sandbox_process
from pytest_hybridarena.run.sandbox.cgroup import probe_cgroups
from tests.conftest import MakeTask
from tests.test_plugin import rows_of

TESTS = """
from mod import run

def test_run():
    assert run() == 42
"""

# Each "solution" is what the oracle agent puts in the workspace: hostile code the suite imports.
HOSTILE = {
    # 3 GiB of touched memory: under RLIMIT_AS (4 GiB) but over the tree's 1 GiB memory cap.
    "oom": "def run():\n    return len(b'x' * (3 * 1024 ** 3))\n",
    "forkbomb": "import os\n\ndef run():\n    while True:\n        os.fork()\n",
    "spin": "def run():\n    while True:\n        pass\n",
    "diskfill": (
        "def run():\n    with open('fill.bin', 'wb') as f:\n        while True:\n"
        "            f.write(b'x' * (1 << 20))\n"
    ),
}


def make_hostile(make_task: MakeTask, name: str) -> None:
    make_task(
        name,
        toml=f'title = "{name}"\ninstruction = "x"\n[score]\ntimeout_s = 8\n',
        workspace={"mod.py": "def run():\n    raise NotImplementedError\n"},
        tests={"test_mod.py": TESTS},
        solution={"mod.py": HOSTILE[name]},
    )


def test_hostile_solutions_end_as_rows_with_their_cause_and_the_sweep_goes_on(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    support = probe_cgroups()
    if support.pids is None or support.memory is None:
        pytest.skip(f"needs writable cgroup pids and memory controllers: {support.detail}")
    for name in HOSTILE:
        make_hostile(make_task, name)
    make_task("zz-after")  # sorted last: a plain task that must still pass afterwards
    started = time.monotonic()
    pytester.runpytest("bench_tasks", "--arena-agents=oracle")
    elapsed = time.monotonic() - started
    rows = {r["cell"]["task_id"]: r for r in rows_of(pytester)}
    assert sorted(rows) == [*sorted(HOSTILE), "zz-after"]

    oom = rows["oom"]
    assert (oom["outcome"], oom["error"]["kind"]) == ("error", "sandbox-limit"), oom["error"]
    assert "memory cap of 1024 MiB" in oom["error"]["message"]
    assert oom["sandbox"]["cgroup"]["hit"]["oom_kill"] >= 1

    # The cap refuses forks. Then it is a race which ends the suite first: its own report of the
    # failed test, the wall budget (every process retrying fork), or the memory cap's OOM killer
    # (a few hundred interpreters). Each is a bounded row that says so.
    bomb = rows["forkbomb"]
    assert bomb["sandbox"]["cgroup"]["hit"]["pids"] >= 1
    kind = (bomb["error"] or {}).get("kind")
    assert (bomb["outcome"], kind) in {
        ("fail", None),
        ("timeout", "score-timeout"),
        ("error", "sandbox-limit"),
    }

    spin = rows["spin"]
    assert (spin["outcome"], spin["error"]["kind"]) == ("timeout", "score-timeout")
    assert "within its 8s budget" in spin["error"]["message"]

    fill = rows["diskfill"]  # RLIMIT_FSIZE stops the file at 256 MiB: the test fails, nothing else
    assert fill["outcome"] == "fail"
    assert fill["error"] is None

    assert rows["zz-after"]["outcome"] == "pass"
    assert elapsed < 120, "every hostile cell ended well inside its budgets"
    assert not any(d.name.startswith(f"hybridarena-{os.getpid()}-") for d in (support.pids.iterdir()))


def test_a_weaker_sandbox_is_announced_once(
    pytester: pytest.Pytester, make_task: MakeTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox_process, "probe_bwrap", lambda: (None, "bwrap: not on PATH (faked)"))
    monkeypatch.setattr(sandbox_process, "probe_unshare", lambda: (None, "unshare: EPERM (faked)"))
    make_task("add")
    make_task("sub")
    result = pytester.runpytest_inprocess("bench_tasks", "--arena-agents=oracle")
    warnings = [line for line in result.outlines if "sandbox is weaker" in line]
    assert len(warnings) == 1, result.outlines
    assert "no network isolation (no isolation method works here: bwrap: not on PATH (faked)" in warnings[0]
    assert "filesystem is not confined" in warnings[0]
    assert [r["outcome"] for r in rows_of(pytester)] == ["pass", "pass"]


def test_full_isolation_prints_no_warning(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    if sandbox_process.probe_bwrap()[0] is None:
        pytest.skip(f"full isolation needs bwrap: {sandbox_process.probe_bwrap()[1]}")
    support = probe_cgroups()
    if support.pids is None or support.memory is None:
        pytest.skip(f"full isolation needs writable cgroup pids and memory controllers: {support.detail}")
    make_task("add")
    result = pytester.runpytest_inprocess("bench_tasks", "--arena-agents=oracle")
    assert not [line for line in result.outlines if "sandbox is weaker" in line]
    [row] = rows_of(pytester)
    assert row["sandbox"]["filesystem"] == sandbox_process.BWRAP_FILESYSTEM
    assert row["sandbox"]["cgroup"]["active"]
