"""A real multi-host sweep: two hosts made of network namespaces, each with its own sshd, workers
started by pytest-xdist over ssh (docs/scaling.md, "One model server, N worker hosts").

Each host is provisioned with ``python -m pytest_hybridarena provision`` (version check + the task
tree shipped as a tarball over ssh) into a folder of its own, and reaches the model only through its
own link: a scripted OpenAI-compatible server that listens on the machine's end of every link.
One test provisions a fresh host venv from the project's wheel (``provision --wheel``) instead.
Skips with the reason when not root, without ``ip`` or without an sshd binary.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from tests.netns_hosts import Host, NetnsHosts, namespaces_left, unavailable_reason
from tests.wheel_build import build_wheel

pytest.importorskip("xdist")

SOLUTION = "def add(a, b):\n    return a + b\n"

CALLER_CONFTEST = '''
import httpx
from pytest_hybridarena.agents.base import AgentResult

class Caller:
    """Asks the model once and writes its answer into calc.py."""
    name = "caller"; uses_llm = True
    def available(self): return True, ""
    def run(self, request):
        ep = request.endpoint
        r = httpx.post(ep.openai_base_url + "/chat/completions",
                       headers={"Authorization": "Bearer " + ep.api_key},
                       json={"model": ep.model,
                             "messages": [{"role": "user", "content": request.instruction}]},
                       timeout=600)
        if r.status_code != 200:
            return AgentResult("error", error=f"HTTP {r.status_code}: {r.text[:200]}")
        (request.workspace / "calc.py").write_text(r.json()["choices"][0]["message"]["content"])
        return AgentResult("ok")

def pytest_arena_make_agent(name, params, config):
    return Caller() if name == "caller" else None

def pytest_arena_agent_names(config):
    return ["caller"]
'''

# No path on the command line: xdist rewrites path arguments relative to its rsync roots and
# refuses the others, so every host collects ``testpaths`` from its own copy of this file.
PYTEST_INI = """\
[pytest]
testpaths = bench_tasks
addopts = -p no:aiohttp -p no:asyncio -p no:cacheprovider
"""


@dataclass
class Model:
    """A scripted OpenAI-compatible server on the machine's end of every host's link."""

    ports: dict[str, int] = field(default_factory=dict)  # host name -> port
    calls: dict[str, int] = field(default_factory=dict)  # caller address -> calls answered
    hang_for: set[str] = field(default_factory=set)  # caller addresses whose calls never end
    hung: threading.Event = field(default_factory=threading.Event)

    def env(self, host: Host) -> str:
        return f"{host.gateway}:{self.ports[host.name]}"


@pytest.fixture
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetnsHosts]:
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with NetnsHosts(tmp_path_factory.mktemp("hosts")) as made:
        yield made
    tag = made.hosts[0].name.rsplit("-", 1)[0]
    assert namespaces_left(tag) == [], "every namespace is deleted"


@pytest.fixture
def model(hosts: NetnsHosts) -> Iterator[Model]:
    state = Model()
    never = asyncio.Event()

    async def chat(request: web.Request) -> web.Response:
        await request.read()
        caller = request.remote or "?"
        if caller in state.hang_for:
            state.hung.set()
            await never.wait()  # the host dies with this call in flight
        state.calls[caller] = state.calls.get(caller, 0) + 1
        return web.json_response(
            {
                "id": "chatcmpl-x",
                "object": "chat.completion",
                "created": 1,
                "model": "fake",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": SOLUTION},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            }
        )

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="multihost-model", daemon=True)
    thread.start()

    async def start() -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", chat)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        for host in hosts.hosts:
            site = web.TCPSite(runner, host.gateway, 0)
            await site.start()
            assert site._server is not None
            state.ports[host.name] = int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        return runner

    runner = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        yield state
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def write_project(root: Path, tasks: int) -> Path:
    """The controller's folder: the task tree, the agent's conftest and the ini."""
    for i in range(tasks):
        task = root / "bench_tasks" / "puzzles" / f"t{i}"
        for rel, text in {
            "task.toml": 'title = "add"\ninstruction = "Implement add."\n',
            "workspace/calc.py": "def add(a, b):\n    raise NotImplementedError\n",
            "tests/test_calc.py": "from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
            "solution/calc.py": SOLUTION,
        }.items():
            (task / rel).parent.mkdir(parents=True, exist_ok=True)
            (task / rel).write_text(text)
    (root / "conftest.py").write_text(textwrap.dedent(CALLER_CONFTEST))
    (root / "pytest.ini").write_text(PYTEST_INI)
    return root


def provision(
    hosts: NetnsHosts, host: Host, project: Path, dest: Path, *extra: str, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    """``python -m pytest_hybridarena provision`` from here to ``host``, for the host's ``python``."""
    return subprocess.run(
        [sys.executable, "-m", "pytest_hybridarena", "provision", host.name,
         "--ssh-config", str(hosts.ssh_config), "--python", python,
         "--dest", str(dest), "--tree", str(project), *extra],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def sweep_command(
    hosts: NetnsHosts, model: Model, dests: dict[str, Path], *args: str, python: str = sys.executable
) -> list[str]:
    tx = [
        a
        for h in hosts.hosts
        if h.name in dests
        for a in (
            "--tx",
            f"ssh={h.name}//ssh_config={hosts.ssh_config}//python={python}//chdir={dests[h.name]}"
            f"//env:ARENA_HOST_MODEL={model.env(h)}",
        )
    ]
    return [
        sys.executable, "-m", "pytest", "--dist", "load", *tx, "--arena-agents=caller",
        "--arena-local=openai:small@http://${ARENA_HOST_MODEL}/v1",
        "--arena-cloud=openai:big@http://${ARENA_HOST_MODEL}/v1", "--arena-out=results.jsonl", *args,
    ]  # fmt: skip


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ARENA_"))}


def rows(project: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (project / "results.jsonl").read_text().splitlines()]


@pytest.fixture
def provisioned(hosts: NetnsHosts, tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    project = write_project(tmp_path / "controller", tasks=4)
    dests = {h.name: tmp_path / h.name / "tree" for h in hosts.hosts}
    for host in hosts.hosts:
        done = provision(hosts, host, project, dests[host.name])
        assert done.returncode == 0, done.stderr
        assert f"provision: {host.name} ready" in done.stdout
    return project, dests


def test_provision_checks_the_version_and_the_tree_over_ssh(hosts: NetnsHosts, tmp_path: Path) -> None:
    project = write_project(tmp_path / "controller", tasks=1)
    host = hosts.hosts[0]
    dest = tmp_path / "on-host" / "tree"
    done = provision(hosts, host, project, dest)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in dest.iterdir()) == ["bench_tasks", "conftest.py", "pytest.ini"]
    assert (dest / "bench_tasks/puzzles/t0/task.toml").read_text() == (
        project / "bench_tasks/puzzles/t0/task.toml"
    ).read_text()
    assert provision(hosts, host, project, dest, "--check").returncode == 0
    # A changed tree is noticed by --check, and fixed by provisioning again.
    (project / "bench_tasks/puzzles/t0/solution/calc.py").write_text("def add(a, b):\n    return b + a\n")
    stale = provision(hosts, host, project, dest, "--check")
    assert stale.returncode == 1
    assert "does not hold this task tree" in stale.stderr
    assert provision(hosts, host, project, dest).returncode == 0
    # A python without the plugin is refused, naming what to install.
    bare = provision(hosts, host, project, dest, "--check", python="/nonexistent/python3")
    assert bare.returncode == 1
    assert "not importable" in bare.stderr
    assert "--wheel" in bare.stderr


def test_a_sweep_runs_cells_on_both_ssh_hosts_and_resumes_across_them(
    hosts: NetnsHosts, model: Model, provisioned: tuple[Path, dict[str, Path]]
) -> None:
    project, dests = provisioned
    args = ("--arena-strategies=always-local,always-cloud", "--arena-seeds=1")
    first = subprocess.run(
        sweep_command(hosts, model, dests, *args), cwd=project, env=clean_env(),
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-2000:]
    assert "hybridarena summary" in first.stdout
    done = rows(project)
    assert len(done) == 8
    assert {r["outcome"] for r in done} == {"pass"}
    assert {r["worker"] for r in done} == {"gw0", "gw1"}, "cells ran on both hosts"
    assert set(model.calls) == {h.address for h in hosts.hosts}, (
        "each host called the model over its own link"
    )
    assert sum(model.calls.values()) == 8
    assert len({r["run_id"] for r in done}) == 1
    assert not list(project.glob("reports/*/results.jsonl")), "the controller writes the one results file"

    # Resume with a second seed: the 8 finished cells are not run again, on either host; the
    # resume file is named relative to the controller's folder, which the hosts do not have.
    resumed = subprocess.run(
        sweep_command(hosts, model, dests, "--arena-strategies=always-local,always-cloud",
                      "--arena-seeds=1,2", "--arena-resume=results.jsonl"),
        cwd=project, env=clean_env(), capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-2000:]
    assert "resuming results.jsonl: 8 finished cells" in resumed.stdout
    assert sum(model.calls.values()) == 16, "only the 8 new cells called the model"
    after = rows(project)
    assert len(after) == 16, "the resumed run appends the new cells to the same file"
    assert sorted(r["cell"]["seed"] for r in after[8:]) == [2] * 8  # type: ignore[index]


def test_a_host_that_dies_mid_cell_leaves_an_error_row_and_the_other_host_finishes(
    hosts: NetnsHosts, model: Model, provisioned: tuple[Path, dict[str, Path]]
) -> None:
    project, dests = provisioned
    doomed, survivor = hosts.hosts[1], hosts.hosts[0]
    model.hang_for.add(doomed.address)  # the doomed host's first cell stays in flight
    proc = subprocess.Popen(
        sweep_command(hosts, model, dests, "--arena-strategies=always-local,always-cloud", "--arena-seeds=1"),
        cwd=project, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert model.hung.wait(300), "a cell on the doomed host reached the model"
        hosts.kill(doomed)
        out, _ = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert "INTERNALERROR" not in out, out[-4000:]
    assert f"cannot replace worker gw1 on {doomed.name}" in out, out[-4000:]
    done = rows(project)
    assert len(done) == 8, "every cell has a row: the crashed one and the ones the survivor took over"
    crashed = [r for r in done if r["outcome"] == "error"]
    assert len(crashed) == 1, out[-4000:]
    assert crashed[0]["error"]["kind"] == "worker-crash"  # type: ignore[index]
    assert crashed[0]["worker"] == "gw1"
    passed = [r for r in done if r["outcome"] == "pass"]
    assert len(passed) == 7
    assert {r["worker"] for r in passed} <= {"gw0", "gw1"}
    assert model.calls.get(survivor.address, 0) >= 7 - model.calls.get(doomed.address, 0)
    assert proc.returncode == 1, "an error row fails the run"


def host_venv(root: Path, *, with_dependencies: bool) -> Path:
    """A fresh venv as a host would have it before provisioning: no pytest-hybridarena in it.

    The hosts have no package index (their namespace reaches only the controller), so the venv's
    ``pip.conf`` says ``no-index`` and the packages a host would download come from this test's
    own environment: one ``.pth`` names a folder of links to its distributions, all but
    pytest-hybridarena's (whose editable install is a finder that such a folder does not run).
    Without dependencies the folder holds pip only, and pip has nowhere to find them.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    (root / "pip.conf").write_text("[global]\nno-index = true\ndisable-pip-version-check = true\n")
    links = root / "host-packages"
    links.mkdir()
    ours = Path(sysconfig.get_paths()["purelib"])
    for entry in sorted(ours.iterdir()):
        name = entry.name.lower()
        if name.startswith(("pytest_hybridarena", "__editable__")) or name.endswith(".pth"):
            continue
        if with_dependencies or name == "pip" or (name.startswith("pip-") and name.endswith(".dist-info")):
            (links / entry.name).symlink_to(entry)
    [site] = (root / "lib").glob("python3*/site-packages")
    (site / "host-packages.pth").write_text(f"{links}\n")
    return root / "bin" / "python"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_provision_installs_the_wheel_into_a_host_venv_that_then_runs_cells(
    hosts: NetnsHosts, model: Model, wheel: Path, tmp_path: Path
) -> None:
    project = write_project(tmp_path / "controller", tasks=1)
    host = hosts.hosts[0]
    dest = tmp_path / "on-host" / "tree"

    # A host venv that lacks the dependencies: pip's failure reaches the user, nothing is shipped.
    bare = host_venv(tmp_path / "bare-venv", with_dependencies=False)
    failed = provision(hosts, host, project, dest, "--wheel", str(wheel), python=str(bare))
    assert failed.returncode == 1
    assert f"pip install on {host.name} failed" in failed.stderr
    assert "No matching distribution found for" in failed.stderr, failed.stderr
    assert not dest.exists()

    # A host venv with the dependencies but not the plugin: the wheel goes over ssh and is installed.
    python = host_venv(tmp_path / "host-venv", with_dependencies=True)
    probe = "import pytest_hybridarena"
    assert subprocess.run([str(python), "-c", probe], capture_output=True, check=False).returncode == 1
    done = provision(hosts, host, project, dest, "--wheel", str(wheel), python=str(python))
    assert done.returncode == 0, done.stderr
    assert f"provision: {host.name} ready: pytest-hybridarena 0.1.0" in done.stdout
    where = hosts.ssh(host, f"{python} -c 'import pytest_hybridarena.shell.plugin as p; print(p.__file__)'")
    assert Path(where.strip()).is_relative_to(tmp_path / "host-venv" / "lib"), where
    # Provisioning again finds the same version and installs nothing.
    again = provision(
        hosts, host, project, dest, "--wheel", str(tmp_path / "no-such.whl"), python=str(python)
    )
    assert again.returncode == 0, again.stderr

    # The installed wheel runs cells as an xdist worker over ssh.
    sweep = subprocess.run(
        sweep_command(hosts, model, {host.name: dest}, "--arena-strategies=always-local,always-cloud",
                      "--arena-seeds=1", python=str(python)),
        cwd=project, env=clean_env(), capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert sweep.returncode == 0, sweep.stdout[-3000:] + sweep.stderr[-2000:]
    done_rows = rows(project)
    assert [r["outcome"] for r in done_rows] == ["pass", "pass"]
    assert model.calls == {host.address: 2}
