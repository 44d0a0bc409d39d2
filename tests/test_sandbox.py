"""The scoring sandboxes: real subprocesses, real rlimits, real namespaces; Docker where an engine answers."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_hybridarena.run.sandbox import (
    DEFAULT_IMAGE,
    DockerSandbox,
    Limits,
    ProcessSandbox,
    SandboxUnavailable,
    docker_run_kwargs,
    make_sandbox,
    scrub_env,
)

# The process sandbox looks its network probes up here, so that is where tests replace them.
from pytest_hybridarena.run.sandbox import process as sandbox_process
from tests.hostile.procs import kill_all_with, new_marker, pids_with

MIB = 1024 * 1024


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


@pytest.fixture
def no_network_isolation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stands in for a machine where neither bwrap nor unshare can create a network namespace."""
    monkeypatch.setattr(sandbox_process, "probe_bwrap", lambda: (None, "bwrap: not on PATH (faked)"))
    monkeypatch.setattr(sandbox_process, "probe_unshare", lambda: (None, "unshare: EPERM (faked)"))


# --- process sandbox: results ------------------------------------------------------------------


def test_exit_code_stdout_and_stderr_come_back(tmp_path: Path) -> None:
    code = "import sys; print('to out'); print('to err', file=sys.stderr); sys.exit(3)"
    result = ProcessSandbox().run(python(code), cwd=tmp_path, timeout_s=30)
    assert (result.exit_code, result.timed_out) == (3, False)
    assert result.stdout == "to out\n"
    assert result.stderr == "to err\n"
    assert json.loads(json.dumps(result.isolation)) == result.isolation  # builtins only
    assert result.isolation["kind"] == "process"


def test_stdout_keeps_only_the_last_16_kib(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.write('a' * 20000 + 'END')"
    result = ProcessSandbox().run(python(code), cwd=tmp_path, timeout_s=30)
    assert len(result.stdout) == 16 * 1024
    assert result.stdout.endswith("aaaEND")


def test_missing_command_exits_127_with_a_message(tmp_path: Path) -> None:
    result = ProcessSandbox().run(["no-such-command-hybridarena"], cwd=tmp_path, timeout_s=30)
    assert result.exit_code == 127
    assert "cannot execute 'no-such-command-hybridarena'" in result.stderr


# --- process sandbox: timeout kills the process group -----------------------------------------


@pytest.fixture
def marker() -> Iterator[str]:
    """A unique argument for the processes a test starts (a pid namespace hides their host pids);
    any still alive afterwards are SIGKILLed."""
    mark = new_marker()
    yield mark
    kill_all_with(mark)


SLEEPER = '[sys.executable, "-c", "import time; time.sleep(600)", sys.argv[1]]'


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads process state from /proc")
@pytest.mark.parametrize("network", ["none", "auto"])
def test_timeout_kills_child_and_grandchild(tmp_path: Path, network: str, marker: str) -> None:
    started = tmp_path / "started"
    code = f"""
import os, subprocess, sys, time
grandchild = subprocess.Popen({SLEEPER})
open({str(started)!r}, "w").close()
time.sleep(600)
"""
    timeout_s = 2.0
    result = ProcessSandbox(network=network).run([*python(code), marker], cwd=tmp_path, timeout_s=timeout_s)
    assert started.exists(), f"the child did not start within {timeout_s} s: {result.stderr}"
    assert (result.timed_out, result.exit_code) == (True, None)
    assert result.duration_s < timeout_s + 5
    assert pids_with(marker) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads process state from /proc")
def test_background_process_left_behind_neither_stalls_nor_survives(tmp_path: Path, marker: str) -> None:
    """The child exits at once but leaves a sleeper holding its stdout: the run still ends then."""
    code = f"""
import subprocess, sys
sleeper = subprocess.Popen({SLEEPER})
print("started", flush=True)
"""
    result = ProcessSandbox().run([*python(code), marker], cwd=tmp_path, timeout_s=30)
    assert (result.exit_code, result.timed_out, result.stdout) == (0, False, "started\n")
    assert pids_with(marker) == []


# --- process sandbox: rlimits -----------------------------------------------------------------


def test_rlimits_are_in_force_in_the_child(tmp_path: Path) -> None:
    limits = Limits(address_space_mb=2048, file_size_mb=8, cpu_s=30, processes=100)
    code = (
        "import json, resource; print(json.dumps({n: resource.getrlimit(getattr(resource, n))"
        " for n in ['RLIMIT_AS', 'RLIMIT_FSIZE', 'RLIMIT_CPU', 'RLIMIT_NPROC']}))"
    )
    result = ProcessSandbox(limits).run(python(code), cwd=tmp_path, timeout_s=30)
    seen = json.loads(result.stdout)
    rlimits = result.isolation["rlimits"]
    assert isinstance(rlimits, dict)

    assert seen["RLIMIT_AS"] == [2048 * MIB, 2048 * MIB]
    assert seen["RLIMIT_FSIZE"] == [8 * MIB, 8 * MIB]
    assert seen["RLIMIT_CPU"] == [30, 30]
    expected = {"RLIMIT_AS": 2048 * MIB, "RLIMIT_FSIZE": 8 * MIB, "RLIMIT_CPU": 30}
    if os.geteuid() == 0:  # fork() ignores RLIMIT_NPROC for root, so it is reported, not claimed
        assert "root" in rlimits["skipped"]["RLIMIT_NPROC"]
    else:
        assert seen["RLIMIT_NPROC"] == [100, 100]
        expected["RLIMIT_NPROC"] = 100
    assert rlimits["applied"] == expected


def test_cpu_limit_derived_from_timeout_is_never_tighter_than_wall_clock(tmp_path: Path) -> None:
    result = ProcessSandbox(Limits(cpu_s=None)).run(["true"], cwd=tmp_path, timeout_s=10)
    rlimits = result.isolation["rlimits"]
    assert isinstance(rlimits, dict)
    assert rlimits["applied"]["RLIMIT_CPU"] > 10


def test_writing_past_the_file_size_limit_fails(tmp_path: Path) -> None:
    code = """
import errno
try:
    with open("big.bin", "wb") as f:
        f.write(b"x" * (2 * 1024 * 1024))
    print("wrote")
except OSError as exc:
    print(errno.errorcode[exc.errno])
"""
    result = ProcessSandbox(Limits(file_size_mb=1)).run(python(code), cwd=tmp_path, timeout_s=30)
    assert result.stdout.strip() == "EFBIG"
    assert (tmp_path / "big.bin").stat().st_size <= MIB


# --- process sandbox: environment -------------------------------------------------------------

PRINT_ENV = python("import json, os; print(json.dumps(dict(os.environ)))")


def test_secrets_are_scrubbed_from_a_given_env(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "FOO_API_KEY": "secret-value", "GITHUB_TOKEN": "x", "KEEP_ME": "1"}
    result = ProcessSandbox().run(PRINT_ENV, cwd=tmp_path, timeout_s=30, env=env)
    seen = json.loads(result.stdout)
    assert "FOO_API_KEY" not in seen
    assert "GITHUB_TOKEN" not in seen
    assert seen["KEEP_ME"] == "1"
    assert seen["HOME"] == str(tmp_path)
    assert seen["PYTHONDONTWRITEBYTECODE"] == "1"
    assert result.isolation["env_scrubbed"] == ["FOO_API_KEY", "GITHUB_TOKEN"]
    assert "secret-value" not in repr(result)


def test_secrets_are_scrubbed_from_the_inherited_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOO_API_KEY", "secret-value")
    monkeypatch.setenv("PYTEST_ADDOPTS", "--outer-session-option")
    result = ProcessSandbox().run(PRINT_ENV, cwd=tmp_path, timeout_s=30)
    seen = json.loads(result.stdout)
    assert "FOO_API_KEY" not in seen
    assert "PYTEST_ADDOPTS" not in seen
    scrubbed = result.isolation["env_scrubbed"]
    assert isinstance(scrubbed, list)
    assert {"FOO_API_KEY", "PYTEST_ADDOPTS"} <= set(scrubbed)
    assert "secret-value" not in repr(result)


@pytest.mark.parametrize(
    "name",
    [
        "OPENAI_API_KEY",
        "anthropic_api_key",
        "GITHUB_TOKEN",
        "HF_TOKEN",
        "CLIENT_SECRET",
        "MY_SECRET_FILE",
        "PGPASSWORD",
        "DB_PASSWORD_HASH",
        "AWS_PROFILE",
        "SSH_PRIVATE_KEY",
        "PYTEST_ADDOPTS",
        "PYTEST_PLUGINS",
    ],
)
def test_scrub_env_removes_secret_names(name: str) -> None:
    clean, removed = scrub_env({name: "hunter2", "PATH": "/bin"})
    assert clean == {"PATH": "/bin"}
    assert removed == [name]


@pytest.mark.parametrize(
    "name", ["PATH", "HOME", "LANG", "TOKENIZERS_PARALLELISM", "VIRTUAL_ENV", "KEYBOARD"]
)
def test_scrub_env_keeps_ordinary_names(name: str) -> None:
    assert scrub_env({name: "v"}) == ({name: "v"}, [])


# --- process sandbox: network -----------------------------------------------------------------

CONNECT = """
import socket, sys
s = socket.socket()
s.settimeout(5)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
    print("connected")
except OSError as exc:
    print("blocked", exc.errno)
"""


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


def test_without_isolation_the_child_reaches_loopback(tmp_path: Path, listening_port: int) -> None:
    """The control for the isolation tests: the probe does detect a reachable listener."""
    result = ProcessSandbox(network="none").run(
        [*python(CONNECT), str(listening_port)], cwd=tmp_path, timeout_s=30
    )
    assert result.stdout.strip() == "connected"
    assert result.isolation["network"] == "none"


def test_network_auto_blocks_loopback(tmp_path: Path, listening_port: int) -> None:
    methods = {"bwrap": sandbox_process.probe_bwrap(), "unshare": sandbox_process.probe_unshare()}
    working = [name for name, (prefix, _) in methods.items() if prefix is not None]
    if not working:
        pytest.skip("no network isolation method works here: " + "; ".join(r for _, r in methods.values()))
    result = ProcessSandbox(network="auto").run(
        [*python(CONNECT), str(listening_port)], cwd=tmp_path, timeout_s=30
    )
    assert result.stdout.startswith("blocked"), result.stdout + result.stderr
    assert result.isolation["network"] == working[0]


def test_network_auto_uses_unshare_when_bwrap_is_missing(
    tmp_path: Path, listening_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix, reason = sandbox_process.probe_unshare()
    if prefix is None:
        pytest.skip(reason)
    monkeypatch.setattr(sandbox_process, "probe_bwrap", lambda: (None, "bwrap: not on PATH (faked)"))
    result = ProcessSandbox(network="auto").run(
        [*python(CONNECT), str(listening_port)], cwd=tmp_path, timeout_s=30
    )
    assert result.stdout.startswith("blocked"), result.stdout + result.stderr
    assert result.isolation["network"] == "unshare"


@pytest.mark.usefixtures("no_network_isolation")
def test_network_require_raises_when_no_method_works(tmp_path: Path) -> None:
    box = ProcessSandbox(network="require")
    with pytest.raises(SandboxUnavailable, match=r"bwrap: not on PATH \(faked\); unshare: EPERM \(faked\)"):
        box.run(["true"], cwd=tmp_path, timeout_s=30)
    ok, reason = box.available()
    assert not ok
    assert "network isolation required" in reason


@pytest.mark.usefixtures("no_network_isolation")
def test_network_auto_falls_back_to_none_and_says_why(tmp_path: Path) -> None:
    result = ProcessSandbox(network="auto").run(["true"], cwd=tmp_path, timeout_s=30)
    assert result.isolation["network"] == "none"
    assert "unshare: EPERM (faked)" in str(result.isolation["network_detail"])


def test_unknown_network_mode_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"network='off' is not one of: auto, none, require"):
        ProcessSandbox(network="off")


# --- process sandbox: hostile code ------------------------------------------------------------

from pytest_hybridarena.run.sandbox.cgroup import probe_cgroups  # noqa: E402


def need_bwrap() -> None:
    prefix, reason = sandbox_process.probe_bwrap()
    if prefix is None:
        pytest.skip(f"filesystem confinement needs bwrap: {reason}")


def need_cgroup(controller: str) -> None:
    support = probe_cgroups()
    if getattr(support, controller) is None:
        pytest.skip(f"no writable cgroup {controller} controller here: {support.detail}")


WRITE_OUTSIDE = """
import sys
for target in sys.argv[1:]:
    try:
        with open(target, "w") as f:
            f.write("escaped")
        print("wrote", target)
    except OSError as exc:
        print("refused", target, exc.errno)
with open("inside.txt", "w") as f:
    f.write("ok")
"""


def test_code_cannot_write_outside_its_directory(tmp_path: Path) -> None:
    """A file in a host folder outside /tmp, a file next to the run directory (under /tmp) and the
    caller's home: none of them changes on the host; the run's own directory stays writable."""
    need_bwrap()
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    host_dir = Path(tempfile.mkdtemp(prefix="hybridarena-hostile-", dir="/var/tmp"))
    targets = [host_dir / "planted.txt", tmp_path / "sibling.txt", Path.home() / ".hybridarena-planted"]
    try:
        result = ProcessSandbox().run([*python(WRITE_OUTSIDE), *map(str, targets)], cwd=run_dir, timeout_s=30)
        assert result.exit_code == 0, result.stderr
        assert [t for t in targets if t.exists()] == []
        assert f"refused {targets[0]} 30" in result.stdout  # EROFS: the host is mounted read-only
        assert (run_dir / "inside.txt").read_text() == "ok"
        assert result.isolation["filesystem"] == sandbox_process.BWRAP_FILESYSTEM
    finally:
        shutil.rmtree(host_dir, ignore_errors=True)


def test_files_under_the_hosts_tmp_stay_readable_and_tmpdir_is_private(tmp_path: Path) -> None:
    """A checkout or venv may live under /tmp (CI clones there): confinement must not hide it. Each
    run gets a private, writable TMPDIR that is gone afterwards."""
    tool = tmp_path / "tool" / "hello.py"
    tool.parent.mkdir()
    tool.write_text(
        "import os, tempfile\n"
        "d = tempfile.mkdtemp()\n"
        "open(os.path.join(d, 'x'), 'w').write('ok')\n"
        "print('hello', d)\n"
    )
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    result = ProcessSandbox().run([sys.executable, str(tool)], cwd=run_dir, timeout_s=30)
    assert result.exit_code == 0, result.stderr
    word, private = result.stdout.split()
    assert word == "hello"
    assert Path(private).name.startswith("tmp")
    assert "hybridarena-run-" in private
    assert not Path(private).exists(), "the run's TMPDIR is removed after the run"


FORK_BOMB = """
import os, time
children = 0
while True:
    try:
        pid = os.fork()
    except OSError as exc:
        print("fork refused after", children, "children:", exc.errno, flush=True)
        break
    if pid == 0:
        time.sleep(300)
        os._exit(0)
    children += 1
"""


def test_fork_bomb_is_capped_and_every_child_is_killed(tmp_path: Path) -> None:
    need_cgroup("pids")
    result = ProcessSandbox(Limits(processes=24)).run(python(FORK_BOMB), cwd=tmp_path, timeout_s=30)
    assert "fork refused after" in result.stdout, result.stdout + result.stderr
    children = int(result.stdout.split("after ")[1].split()[0])
    assert children < 24
    cgroup = result.isolation["cgroup"]
    assert isinstance(cgroup, dict)
    assert cgroup["active"]
    assert cgroup["pids_max"] == 24
    assert cgroup["hit"]["pids"] >= 1
    assert not any(
        d.name.startswith(f"hybridarena-{os.getpid()}-") for d in (probe_cgroups().pids or tmp_path).iterdir()
    )


HOG = "import time; b = b'x' * (160 * 1024 * 1024); time.sleep(2)"
MEMORY_HOG = f"""
import subprocess, sys
# two processes, each far below RLIMIT_AS, together above the tree's memory cap
procs = [subprocess.Popen([sys.executable, "-c", "{HOG}"]) for _ in range(2)]
print("codes", [p.wait() for p in procs], flush=True)
"""


def test_memory_cap_holds_for_the_whole_process_tree(tmp_path: Path) -> None:
    need_cgroup("memory")
    limits = Limits(memory_mb=200, address_space_mb=1024)
    result = ProcessSandbox(limits).run(python(MEMORY_HOG), cwd=tmp_path, timeout_s=60)
    cgroup = result.isolation["cgroup"]
    assert isinstance(cgroup, dict)
    assert cgroup["memory_max_mb"] == 200
    assert cgroup["hit"].get("oom_kill", 0) >= 1, (result.stdout, result.stderr, cgroup)
    assert "-9" in result.stdout, "the OOM killer ended one of the two"


ESCAPE = f"""
import subprocess, sys
p = subprocess.Popen({SLEEPER}, start_new_session=True)  # leaves the process group
print("started", flush=True)
"""


@pytest.mark.parametrize("network", ["none", "auto"])
def test_a_process_that_left_the_group_is_killed_too(tmp_path: Path, network: str, marker: str) -> None:
    need_cgroup("pids")
    result = ProcessSandbox(network=network).run([*python(ESCAPE), marker], cwd=tmp_path, timeout_s=30)
    assert result.stdout == "started\n", result.stderr
    assert pids_with(marker) == []


def test_filling_the_disk_stops_at_the_file_size_cap(tmp_path: Path) -> None:
    code = "f = open('big', 'wb')\nwhile True:\n    f.write(b'x' * (1 << 20))\n"
    result = ProcessSandbox(Limits(file_size_mb=8)).run(python(code), cwd=tmp_path, timeout_s=30)
    assert "File too large" in result.stderr  # Python ignores SIGXFSZ, so the write fails with EFBIG
    assert (tmp_path / "big").stat().st_size == 8 * MIB


def test_weaknesses_name_what_this_machine_cannot_enforce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox_process, "probe_bwrap", lambda: (None, "bwrap: not on PATH (faked)"))
    monkeypatch.setattr(sandbox_process, "probe_unshare", lambda: (None, "unshare: EPERM (faked)"))
    found = ProcessSandbox().weaknesses()
    assert any("no network isolation" in w and "bwrap: not on PATH (faked)" in w for w in found)
    assert any("filesystem is not confined" in w and "bubblewrap" in w for w in found)


# --- docker sandbox ---------------------------------------------------------------------------


def test_docker_run_kwargs_isolate_the_container(tmp_path: Path) -> None:
    readonly = tmp_path / "tests"
    readonly.mkdir()
    limits = Limits(memory_mb=512, processes=64, file_size_mb=8, cpu_s=20, cpus=1.5)
    kwargs = docker_run_kwargs(
        "img:tag",
        ["python", "-c", "print(1)"],
        cwd=tmp_path,
        timeout_s=30,
        limits=limits,
        env={"A": "1"},
        mounts=[readonly],
        user="1000:1000",
    )
    assert kwargs["image"] == "img:tag"
    assert kwargs["command"] == ["python", "-c", "print(1)"]
    assert kwargs["detach"] is True
    assert kwargs["network_mode"] == "none"
    assert kwargs["mem_limit"] == kwargs["memswap_limit"] == "512m"
    assert kwargs["pids_limit"] == 64
    assert kwargs["nano_cpus"] == 1_500_000_000
    assert kwargs["working_dir"] == "/workspace"
    assert kwargs["volumes"] == {
        str(tmp_path.resolve()): {"bind": "/workspace", "mode": "rw"},
        str(readonly.resolve()): {"bind": str(readonly.resolve()), "mode": "ro"},
    }
    assert kwargs["user"] == "1000:1000"
    assert kwargs["environment"] == {"A": "1", "HOME": "/workspace", "PYTHONDONTWRITEBYTECODE": "1"}
    assert kwargs["cap_drop"] == ["ALL"]
    assert kwargs["security_opt"] == ["no-new-privileges"]
    assert kwargs["read_only"] is True
    assert {u["name"]: u["soft"] for u in kwargs["ulimits"]} == {"cpu": 20, "fsize": 8 * MIB}


def test_docker_run_kwargs_default_to_the_callers_uid(tmp_path: Path) -> None:
    kwargs = docker_run_kwargs("img", ["true"], cwd=tmp_path, timeout_s=5)
    assert kwargs["user"] == f"{os.getuid()}:{os.getgid()}"


def test_docker_sdk_accepts_the_run_kwargs(tmp_path: Path) -> None:
    """Translated by the SDK's own run() → create_container() step, so bad keys fail without an engine."""
    containers = pytest.importorskip("docker.models.containers")
    kwargs = docker_run_kwargs("img", ["true"], cwd=tmp_path, timeout_s=5, limits=Limits(cpus=1.0))
    del kwargs["detach"]  # consumed by containers.run() itself
    # _create_container_args is private, but it is exactly the translation containers.run() performs.
    create = containers._create_container_args({**kwargs, "version": "1.44"})
    host = create["host_config"]
    assert host["NetworkMode"] == "none"
    assert host["Memory"] == 1024 * MIB
    assert host["PidsLimit"] == 256
    assert host["CapDrop"] == ["ALL"]
    assert host["ReadonlyRootfs"] is True
    assert host["Binds"] == [f"{tmp_path.resolve()}:/workspace:rw"]


def test_docker_unavailable_without_an_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real SDK, real connection attempt, against a socket path where nothing listens."""
    pytest.importorskip("docker")
    host = f"unix://{tmp_path}/no-engine.sock"
    monkeypatch.setenv("DOCKER_HOST", host)
    box = DockerSandbox()
    ok, reason = box.available()
    assert not ok
    assert reason.startswith(f"no Docker engine answers at {host}: ")
    with pytest.raises(SandboxUnavailable, match="no Docker engine answers"):
        box.run(["true"], cwd=tmp_path, timeout_s=5)


def test_docker_runs_python_in_the_scoring_image(tmp_path: Path) -> None:
    box = DockerSandbox()
    ok, reason = box.available()
    if not ok:
        pytest.skip(reason)
    result = box.run(["python", "-c", "print(1)"], cwd=tmp_path, timeout_s=60)
    assert (result.exit_code, result.timed_out, result.stdout) == (0, False, "1\n")
    assert result.isolation["network"] == "docker:none"


# --- factory ----------------------------------------------------------------------------------


def test_make_sandbox_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match=r"unknown sandbox kind 'vm'; valid kinds: process, docker"):
        make_sandbox("vm")


def test_make_sandbox_builds_each_kind() -> None:
    process = make_sandbox("process", limits=Limits(memory_mb=1), network="none")
    docker = make_sandbox("docker", image="other:tag")
    assert isinstance(process, ProcessSandbox)
    assert (process.name, process.network, process.limits.memory_mb) == ("process", "none", 1)
    assert isinstance(docker, DockerSandbox)
    assert (docker.name, docker.image) == ("docker", "other:tag")
    assert DEFAULT_IMAGE == "hybridarena-score:py3.11"


# --- process sandbox: the command cannot see or signal the harness ------------------------------

SEE_HARNESS = """
import json, os, sys
environ = []
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            environ.append(open(f"/proc/{entry}/environ", "rb").read().decode(errors="replace"))
        except OSError:
            pass
print(json.dumps({"pids": [p for p in os.listdir("/proc") if p.isdigit()], "uid": os.getuid(),
                  "leak": any(sys.argv[1] in e for e in environ)}))
"""


@pytest.mark.parametrize("mode", ["bwrap", "no-bwrap"])
def test_the_command_sees_neither_the_harness_nor_its_environment(
    tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if mode == "bwrap":
        need_bwrap()
    else:
        monkeypatch.setattr(sandbox_process, "probe_bwrap", lambda: (None, "bwrap: not on PATH (faked)"))
        if "--pid" not in (sandbox_process.probe_unshare()[0] or ()):
            pytest.skip(f"needs unshare --pid: {sandbox_process.probe_unshare()[1]}")
    sentinel = f"sentinel-{os.getpid()}-{mode}"
    monkeypatch.setenv("OPENAI_API_KEY", sentinel)
    result = ProcessSandbox().run([*python(SEE_HARNESS), sentinel], cwd=tmp_path, timeout_s=30)
    seen = json.loads(result.stdout)
    assert str(os.getpid()) not in seen["pids"]
    assert len(seen["pids"]) <= 3  # the namespace's init, the command, maybe bwrap's helper
    assert seen["leak"] is False
    assert result.isolation["pid_namespace"] is True
    if os.geteuid() == 0:
        assert seen["uid"] != 0
        assert "65534" in str(result.isolation["user"])


def test_the_launcher_arms_the_parent_death_signal(tmp_path: Path) -> None:
    result = ProcessSandbox(network="none").run(["true"], cwd=tmp_path, timeout_s=30)
    assert result.isolation["parent_death"] == "SIGKILL"


def test_readonly_paths_cannot_be_written_under_bwrap(tmp_path: Path) -> None:
    need_bwrap()
    (tmp_path / "tests").mkdir()
    code = "open('tests/x.py', 'w')"
    result = ProcessSandbox().run(python(code), cwd=tmp_path, timeout_s=30, readonly=[tmp_path / "tests"])
    assert "Read-only file system" in result.stderr
    assert not (tmp_path / "tests" / "x.py").exists()
