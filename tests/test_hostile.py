"""Hostile solutions against the real plugin and the real process sandbox, with and without bwrap.

One sweep per mode runs every attack of ``tests/hostile/solutions.py`` as a task (the oracle agent
puts the hostile ``mod.py`` in place), in a pytest *subprocess*, so an attack that kills its parent
kills that sweep and not this test run. Each test below then checks that one attack failed: the
sweep finished and wrote every row, no hostile row is a pass, and nothing leaked or survived.

"no bwrap" is this machine with bwrap faked away (a conftest replaces ``probe_bwrap``), which leaves
util-linux ``unshare``. A mode this machine cannot give is skipped with the probe's reason.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pytest_hybridarena.run.sandbox import process as sandbox_process
from tests.hostile.procs import kill_all_with, new_marker, pids_with
from tests.hostile.solutions import HOSTILE, TESTS, solution, symlink_patch

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux namespaces and /proc")

FAKE_NO_BWRAP = """
from pytest_hybridarena.run.sandbox import process
process.probe_bwrap = lambda: (None, "bwrap: faked away by tests/test_hostile.py")
"""
STUB = "def run():\n    raise NotImplementedError\n"
OUTER_ARGS = ["-p", "no:cacheprovider", "-p", "no:asyncio", "-p", "no:aiohttp", "--arena-agents=oracle"]


def need_mode(mode: str) -> None:
    """Skip unless this machine confines scored code in ``mode`` with its own pid namespace."""
    if mode == "bwrap":
        prefix, reason = sandbox_process.probe_bwrap()
        if prefix is None or "--unshare-pid" not in prefix:
            pytest.skip(f"needs bwrap with pid namespaces: {reason}")
    else:
        prefix, reason = sandbox_process.probe_unshare()
        if prefix is None or "--pid" not in prefix:
            pytest.skip(f"needs unshare with pid namespaces: {reason}")


def write_task(root: Path, name: str, files: dict[str, str]) -> Path:
    folder = root / "bench_tasks" / "hostile" / name
    toml = f'title = "{name}"\ninstruction = "x"\n[score]\ntimeout_s = 30\n'
    for rel, text in {
        "task.toml": toml,
        "workspace/mod.py": STUB,
        "tests/test_mod.py": TESTS,
        **files,
    }.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


@dataclass
class Sweep:
    mode: str
    root: Path
    marker: str
    sentinel: str
    proc: subprocess.CompletedProcess[str]
    rows: dict[str, dict[str, Any]]
    run_dir: Path
    connections: int
    host_file: Path

    def log(self, task: str) -> str:
        return (self.run_dir / self.rows[task]["artifacts"] / "score.log").read_text(errors="replace")


@pytest.fixture(scope="module", params=["bwrap", "no-bwrap"])
def sweep(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sweep]:
    mode: str = request.param
    need_mode(mode)
    root = tmp_path_factory.mktemp(f"hostile-{mode}")
    marker, sentinel = new_marker(), f"sk-hybridarena-sentinel-{uuid.uuid4().hex}"
    host_file = root / "host-file.txt"
    host_file.write_text("untouched")
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        values = {"marker": marker, "port": listener.getsockname()[1], "outside": root}
        values["reports"] = root / "reports"
        for name in HOSTILE:
            files = {"solution/mod.py": solution(name, **values)}
            if name == "symlinks":
                tests = root / "bench_tasks" / "hostile" / name / "tests"
                files["solution/links.patch"] = symlink_patch("tests_link", str(tests))
                files["solution/links2.patch"] = symlink_patch("host_link", str(host_file))
            write_task(root, name, files)
        write_task(root, "zz-after", {"solution/mod.py": "def run():\n    return 42\n"})
        if mode == "no-bwrap":
            (root / "conftest.py").write_text(FAKE_NO_BWRAP)
        env = {**os.environ, "OPENAI_API_KEY": sentinel}
        env.pop("PYTEST_ADDOPTS", None)
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "bench_tasks", *OUTER_ARGS, f"--basetemp={root / 'tmp'}"],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            connections = 0
            while True:
                try:
                    conn, _ = listener.accept()
                except BlockingIOError:
                    break
                conn.close()
                connections += 1
            results = sorted(root.glob("reports/*/results.jsonl"))
            assert results, proc.stdout[-3000:] + proc.stderr[-3000:]
            rows = {}
            for line in results[0].read_text().splitlines():
                row = json.loads(line)
                rows[row["cell"]["task_id"]] = row
            yield Sweep(mode, root, marker, sentinel, proc, rows, results[0].parent, connections, host_file)
        finally:
            kill_all_with(marker)


def test_the_sweep_survives_every_attack_and_writes_every_row(sweep: Sweep) -> None:
    assert sweep.proc.returncode in (0, 1), sweep.proc.stdout[-3000:]
    assert sorted(sweep.rows) == sorted([*HOSTILE, "zz-after"]), sweep.proc.stdout[-3000:]
    assert sweep.rows["zz-after"]["outcome"] == "pass"
    passed = [name for name in HOSTILE if sweep.rows[name]["outcome"] == "pass"]
    assert passed == [], {name: sweep.log(name)[-1500:] for name in passed}


def test_an_atexit_rewrite_of_the_results_is_not_a_pass(sweep: Sweep) -> None:
    row = sweep.rows["atexit-forge"]
    assert row["outcome"] == "fail", row["error"]
    assert row["tests"]["passed"] == 0


def test_rewriting_the_hidden_tests_is_not_a_pass(sweep: Sweep) -> None:
    row = sweep.rows["rewrite-tests"]
    assert row["outcome"] in ("fail", "error"), sweep.log("rewrite-tests")
    assert row["tests"]["passed"] == 0
    assert (sweep.root / "bench_tasks/hostile/rewrite-tests/tests/test_mod.py").read_text() == TESTS


def test_the_harness_environment_reaches_no_artifact_and_no_row(sweep: Sweep) -> None:
    assert "/proc/" in sweep.log("environ"), "the attack did not run"
    leaks = [
        str(path)
        for path in sweep.root.joinpath("reports").rglob("*")
        if path.is_file() and sweep.sentinel in path.read_text(errors="replace")
    ]
    assert leaks == []


def test_killing_the_parent_or_every_pytest_stops_neither_the_sweep_nor_scores_a_pass(sweep: Sweep) -> None:
    for name in ("kill-parent", "scan-kill"):
        assert sweep.rows[name]["outcome"] in ("fail", "error"), sweep.log(name)
    assert sweep.rows["zz-after"]["outcome"] == "pass"


def test_a_daemon_that_moves_itself_out_of_the_run_cgroup_does_not_survive(sweep: Sweep) -> None:
    assert pids_with(sweep.marker) == []


def test_writes_outside_the_run_directory_do_not_land(sweep: Sweep) -> None:
    assert not Path("/var/tmp", sweep.marker).exists()
    assert not (sweep.root / sweep.marker).exists()


def test_a_cell_cannot_read_another_cells_files(sweep: Sweep) -> None:
    secret = "VICTIM-" + sweep.marker[::-1]
    victims = [p for p in (sweep.root / "tmp").rglob("secret.txt") if p.read_text() == secret]
    assert victims, "the victim cell did not leave its secret behind"
    assert secret not in sweep.log("zz-read-cell")


def test_the_network_is_unreachable(sweep: Sweep) -> None:
    assert "blocked" in sweep.log("network")
    assert sweep.connections == 0


def test_symlinks_in_the_workspace_reach_neither_the_hidden_tests_nor_the_host(sweep: Sweep) -> None:
    assert "refused host_link" in sweep.log("symlinks")
    assert sweep.host_file.read_text() == "untouched"
    assert (sweep.root / "bench_tasks/hostile/symlinks/tests/test_mod.py").read_text() == TESTS
    assert sweep.rows["symlinks"]["outcome"] != "pass"


def test_huge_output_is_cut_and_the_row_stays_small(sweep: Sweep) -> None:
    assert sweep.rows["huge-output"]["outcome"] in ("fail", "error")
    log = sweep.run_dir / sweep.rows["huge-output"]["artifacts"] / "score.log"
    assert log.stat().st_size < 256 * 1024
    assert len(json.dumps(sweep.rows["huge-output"])) < 64 * 1024


# --- SIGKILL of the harness while a suite is scoring --------------------------------------------

SLEEPING_SOLUTION = """
import os, subprocess, sys
daemon = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{marker}"],
                          start_new_session=True)
with open("{fifo}", "w") as f:
    f.write("scoring")

def run():
    import time
    time.sleep(600)
"""


@pytest.mark.parametrize("mode", ["bwrap", "no-bwrap"])
def test_sigkill_of_pytest_while_scoring_leaves_no_process_behind(
    mode: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    need_mode(mode)
    root = tmp_path_factory.mktemp(f"orphans-{mode}")
    marker = new_marker()
    # The FIFO lives where the scored code can open it under every confinement: a folder of its own
    # in /run, which is neither hidden nor replaced (a FIFO opens for writing on a read-only mount).
    fifo_dir = Path("/run") / marker
    fifo_dir.mkdir(mode=0o755)
    fifo = fifo_dir / "ready"
    os.mkfifo(fifo, 0o666)
    os.chmod(fifo, 0o666)
    write_task(
        root,
        "sleeper",
        {
            "solution/mod.py": textwrap.dedent(SLEEPING_SOLUTION)
            .replace("{marker}", marker)
            .replace("{fifo}", str(fifo))
        },
    )
    if mode == "no-bwrap":
        (root / "conftest.py").write_text(FAKE_NO_BWRAP)
    env = {**os.environ}
    env.pop("PYTEST_ADDOPTS", None)
    outer = subprocess.Popen(
        [sys.executable, "-m", "pytest", "bench_tasks", *OUTER_ARGS, f"--basetemp={root / 'tmp'}"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            ready, _, _ = select.select([reader], [], [], 300)
            assert ready, "the scored code never started"
            assert os.read(reader, 100) == b"scoring"
        finally:
            os.close(reader)
        assert pids_with(marker), "the daemon did not start"
        os.kill(outer.pid, signal.SIGKILL)  # the harness only: its process group is left alone
        outer.wait(30)
        survivors = _await_gone(marker)
        assert survivors == [], f"processes outlived the harness: {survivors}"
    finally:
        outer.kill()
        outer.wait(30)
        kill_all_with(marker)
        fifo.unlink()
        fifo_dir.rmdir()


def _await_gone(marker: str, timeout_s: float = 30.0) -> list[int]:
    """Wait on pidfds (no polling) until the marked processes have exited; the ones left."""
    fds = []
    for pid in pids_with(marker):
        try:
            fds.append(os.pidfd_open(pid))
        except ProcessLookupError:
            continue
    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    try:
        pending = set(fds)
        while pending:
            events = poller.poll(int(timeout_s * 1000))
            if not events:
                break
            for fd, _ in events:
                poller.unregister(fd)
                pending.discard(fd)
    finally:
        for fd in fds:
            os.close(fd)
    return pids_with(marker)


# --- an agent CLI dies with the harness ---------------------------------------------------------

STAND_IN_HARNESS = """
import sys
from pathlib import Path
from pytest_hybridarena.agents.cli_run import agent_env, run_cli
cli = [sys.executable, "-c", sys.argv[1], sys.argv[2]]
run_cli(cli, Path(sys.argv[3]), agent_env(Path(sys.argv[3])), 600, Path(sys.argv[3]) / "out.log")
"""
AGENT_CLI = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", sys.argv[1]])
open(sys.argv[1].join(["/run/", "/ready"]), "w").write("started")
time.sleep(600)
"""


# The builtin agent's own check runs (the workspace's visible tests) go the same way.
STAND_IN_BUILTIN = """
import sys
from pathlib import Path
from pytest_hybridarena.agents.builtin import run_command
run_command([sys.executable, "-c", sys.argv[1], sys.argv[2]], Path(sys.argv[3]), 600)
"""


@pytest.mark.parametrize(
    "harness_code", [STAND_IN_HARNESS, STAND_IN_BUILTIN], ids=["agent-cli", "builtin-check"]
)
def test_an_agent_cli_and_its_children_die_with_the_harness(tmp_path: Path, harness_code: str) -> None:
    marker = new_marker()
    fifo_dir = Path("/run", marker)
    fifo_dir.mkdir()
    os.mkfifo(fifo_dir / "ready")
    harness = subprocess.Popen(
        [sys.executable, "-c", harness_code, AGENT_CLI, marker, str(tmp_path)], start_new_session=True
    )
    try:
        reader = os.open(fifo_dir / "ready", os.O_RDONLY | os.O_NONBLOCK)
        try:
            ready, _, _ = select.select([reader], [], [], 120)
            assert ready, "the agent CLI never started"
        finally:
            os.close(reader)
        running = pids_with(marker)
        deadline = time.monotonic() + 30  # the CLI's child may still be starting when "ready" arrives
        while len(running) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
            running = pids_with(marker)
        assert len(running) == 4, "the stand-in harness, the supervisor, the CLI and its child run"
        os.kill(harness.pid, signal.SIGKILL)
        harness.wait(30)
        assert _await_gone(marker) == []
    finally:
        harness.kill()
        harness.wait(30)
        kill_all_with(marker)
        (fifo_dir / "ready").unlink()
        fifo_dir.rmdir()
