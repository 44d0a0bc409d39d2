"""Where the hidden acceptance suite runs: a process sandbox (default) and a Docker sandbox.

Both take an argv, a workspace directory and a wall timeout and return a :class:`SandboxResult` whose
``isolation`` dict records what was actually in force, so every row can say how it was scored.
Neither raises for a failing or hanging command; they raise :class:`SandboxUnavailable` when the
sandbox itself cannot run here (no Docker engine, no network isolation under ``network="require"``).
What each one does and does not isolate is spelled out in ``docs/sandbox.md``.
"""

from __future__ import annotations

import functools
import math
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import IO, Any, Protocol

__all__ = [
    "DEFAULT_IMAGE",
    "NETWORK_MODES",
    "SANDBOX_KINDS",
    "DockerSandbox",
    "Limits",
    "ProcessSandbox",
    "Sandbox",
    "SandboxResult",
    "SandboxUnavailable",
    "docker_run_kwargs",
    "make_sandbox",
    "probe_bwrap",
    "probe_unshare",
    "scrub_env",
]

DEFAULT_IMAGE = "hybridarena-score:py3.11"
SANDBOX_KINDS = ("process", "docker")
NETWORK_MODES = ("auto", "none", "require")
OUTPUT_TAIL_BYTES = 16 * 1024
#: Environment names dropped before anything runs in a sandbox; matched case-insensitively.
SECRET_NAME_PATTERNS = ("*API_KEY", "*_TOKEN", "*SECRET*", "*PASSWORD*", "AWS_*", "*_PRIVATE_KEY")
#: The outer pytest session's configuration must not leak into the inner (scoring) one.
PYTEST_CONFIG_NAMES = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")
DOCKER_WORKDIR = "/workspace"

_MIB = 1024 * 1024
_PROBE_TIMEOUT_S = 10.0
_GROUP_EXIT_GRACE_S = 2.0
_DOCKER_API_TIMEOUT_S = 5


@dataclass(frozen=True)
class Limits:
    """Resource limits, per sandboxed command; ``None`` leaves a limit unset.

    Limits are per process where the kernel counts them so (RLIMIT_AS, RLIMIT_CPU): a command that
    forks gets the budget again in each child; only Docker's cgroup caps the whole tree.
    """

    #: RLIMIT_AS (process sandbox). Docker has no such ulimit; ``memory_mb`` caps the container.
    address_space_mb: int | None = 4096
    #: RLIMIT_CPU / docker ``cpu`` ulimit; ``None`` derives it from the wall timeout (``derived_cpu_s``).
    cpu_s: int | None = None
    #: RLIMIT_FSIZE / docker ``fsize`` ulimit: the largest file a command may write (stdout included).
    file_size_mb: int | None = 256
    #: RLIMIT_NPROC (process sandbox; the kernel ignores it for root) / docker ``pids_limit``.
    processes: int | None = 256
    #: Docker ``mem_limit`` (= ``memswap_limit``, so no swap); the process sandbox has no cgroup.
    memory_mb: int = 1024
    #: Docker ``nano_cpus`` in cores; ``None`` leaves the container uncapped.
    cpus: float | None = None


@dataclass(frozen=True)
class SandboxResult:
    """Outcome of one sandboxed command; only builtins inside, so it can go straight into a row.

    ``exit_code`` is ``None`` when the wall timeout killed the command; a negative value is the
    signal that killed it (``subprocess`` convention, or 128+signal when bwrap or Docker reports it).
    ``stdout``/``stderr`` keep the last 16 KiB, decoded as UTF-8 with ``errors="replace"``.
    """

    exit_code: int | None
    timed_out: bool
    stdout: str
    stderr: str
    duration_s: float
    isolation: dict[str, object]


class SandboxUnavailable(Exception):
    """The sandbox cannot run on this machine; the message says why and what to do."""


class Sandbox(Protocol):
    name: str

    def available(self) -> tuple[bool, str]: ...

    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        timeout_s: float,
        env: Mapping[str, str] | None = None,
        mounts: Sequence[Path] = (),
    ) -> SandboxResult: ...


def scrub_env(env: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Return ``(env without secrets or outer pytest settings, sorted names removed)``; never values."""
    clean: dict[str, str] = {}
    removed: list[str] = []
    for name, value in env.items():
        upper = name.upper()
        if upper in PYTEST_CONFIG_NAMES or any(fnmatchcase(upper, pat) for pat in SECRET_NAME_PATTERNS):
            removed.append(name)
        else:
            clean[name] = value
    return clean, sorted(removed)


def derived_cpu_s(timeout_s: float) -> int:
    """RLIMIT_CPU when ``Limits.cpu_s`` is None: wall timeout * CPUs, plus one second.

    RLIMIT_CPU counts per process, and one process cannot burn more CPU than wall time * cores, so
    this limit never fires before the wall timeout would; it only stops a spinner that escaped the
    process-group kill (one that called ``setsid``).
    """
    return math.ceil(timeout_s * (os.cpu_count() or 1)) + 1


# --- process sandbox: rlimit launcher -----------------------------------------------------------

# Runs as `python -I -S -c LAUNCHER_CODE <report fd> NAME=VALUE,... -- argv...` in the child: it sets
# the rlimits and execs argv. This replaces `preexec_fn`, which is unsafe when the caller has other
# threads (our aiohttp router thread): a forked child may deadlock on a lock another thread held (the
# subprocess docs' warning on preexec_fn). The launcher is a fresh interpreter, so nothing is shared.
# -I -S keep it deaf to PYTHON* variables and fast: ~7 ms here. It avoids `json` on purpose: importing
# json (re, enum) doubled the launcher's start-up, 6 ms per run measured. It reports what the kernel
# accepted as "ok NAME VALUE" / "skip NAME reason" lines on a pipe (the fd is passed with pass_fds
# and closed before exec), so `isolation` states what was in force rather than what was asked.
LAUNCHER_CODE = """\
import os, resource, sys
fd, limits, argv = int(sys.argv[1]), sys.argv[2], sys.argv[4:]
lines = []
for item in filter(None, limits.split(",")):
    name, value = item.split("=")
    value = int(value)
    res = getattr(resource, name, None)
    try:
        if res is None:
            raise ValueError("not available on this platform")
        hard = resource.getrlimit(res)[1]
        if hard != resource.RLIM_INFINITY and value > hard:
            value = hard  # the inherited hard limit is already tighter; raising it needs privilege
        resource.setrlimit(res, (value, value))
        lines.append("ok %s %d" % (name, value))
    except (OSError, ValueError) as exc:
        lines.append("skip %s %s: %s" % (name, type(exc).__name__, str(exc).replace("\\n", " ")))
os.write(fd, "\\n".join(lines).encode())
os.close(fd)
try:
    os.execvp(argv[0], argv)
except OSError as exc:
    sys.stderr.write("hybridarena sandbox: cannot execute %r: %s\\n" % (argv[0], exc))
    sys.exit(127)
"""


def _requested_rlimits(limits: Limits, timeout_s: float) -> tuple[dict[str, int], dict[str, str]]:
    requested: dict[str, int] = {}
    skipped: dict[str, str] = {}
    if limits.address_space_mb is not None:
        requested["RLIMIT_AS"] = limits.address_space_mb * _MIB
    requested["RLIMIT_CPU"] = limits.cpu_s if limits.cpu_s is not None else derived_cpu_s(timeout_s)
    if limits.file_size_mb is not None:
        requested["RLIMIT_FSIZE"] = limits.file_size_mb * _MIB
    if limits.processes is not None:
        if os.geteuid() == 0:
            # fork() exempts real root (INIT_USER / CAP_SYS_RESOURCE), so claiming it would be false.
            skipped["RLIMIT_NPROC"] = "not enforced for root (uid 0); use the docker sandbox's pids_limit"
        else:
            requested["RLIMIT_NPROC"] = limits.processes
    return requested, skipped


# --- process sandbox: network wrappers ----------------------------------------------------------


def _wrapper_failure(prefix: Sequence[str]) -> str | None:
    """Run ``true`` under the wrapper; None when it works, else why not."""
    try:
        done = subprocess.run(
            [*prefix, "true"], stdin=subprocess.DEVNULL, capture_output=True, timeout=_PROBE_TIMEOUT_S
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode != 0:
        return f"exit {done.returncode}: {done.stderr.decode(errors='replace').strip()[-300:]}"
    return None


@functools.cache
def probe_bwrap() -> tuple[tuple[str, ...] | None, str]:
    """``(argv prefix, description)`` when bwrap can unshare the network here, else ``(None, reason)``.

    Probed once per process (cached); the sandboxed child keeps the caller's uid.
    """
    exe = shutil.which("bwrap")
    if exe is None:
        return None, "bwrap: not on PATH (Debian/Ubuntu package: bubblewrap)"
    prefix = (exe, "--unshare-net", "--dev-bind", "/", "/", "--die-with-parent", "--")
    why = _wrapper_failure(prefix)
    if why is not None:
        return None, f"bwrap: `{shlex.join(prefix)} true` failed: {why}"
    return prefix, "bwrap --unshare-net: new network namespace with only loopback; caller's uid"


@functools.cache
def probe_unshare() -> tuple[tuple[str, ...] | None, str]:
    """Like :func:`probe_bwrap` for util-linux ``unshare`` in a new user + network namespace.

    ``--map-current-user`` (util-linux ≥ 2.38) keeps the caller's uid; older versions only offer
    ``--map-root-user``, under which the child is root *inside* the namespace (it can then e.g. read
    the caller's own mode-000 files, but nothing the caller could not already reach).
    """
    exe = shutil.which("unshare")
    if exe is None:
        return None, "unshare: not on PATH (package util-linux)"
    failures: list[str] = []
    for mapping, who in (("--map-current-user", "caller's uid"), ("--map-root-user", "mapped root")):
        prefix = (exe, mapping, "--net", "--")
        why = _wrapper_failure(prefix)
        if why is None:
            return prefix, f"unshare {mapping} --net: new network namespace, loopback down; {who}"
        failures.append(f"`{shlex.join(prefix)} true` failed: {why}")
    return None, "unshare: " + "; ".join(failures)


def _resolve_network(mode: str) -> tuple[str, tuple[str, ...], str]:
    """``(method, argv prefix, detail)`` for ``mode``; precedence bwrap > unshare > none."""
    if mode == "none":
        return "none", (), "network isolation not requested (network='none')"
    reasons: list[str] = []
    for method, probe in (("bwrap", probe_bwrap), ("unshare", probe_unshare)):
        prefix, detail = probe()
        if prefix is not None:
            return method, prefix, detail
        reasons.append(detail)
    if mode == "require":
        raise SandboxUnavailable("network isolation required but no method works here: " + "; ".join(reasons))
    return "none", (), "no isolation method works here: " + "; ".join(reasons)


# --- process sandbox: waiting and killing -------------------------------------------------------


def _wait_for_exit(proc: subprocess.Popen[bytes], timeout_s: float) -> bool:
    """True once the leader has exited, leaving it unreaped where possible.

    An unreaped (zombie) leader keeps its pid, and therefore the process-group id, from being
    recycled, so the ``killpg`` that follows cannot hit an unrelated group. Linux gives us that via
    a pidfd; elsewhere ``Popen.wait`` reaps, and that tiny window is accepted.
    """
    if sys.platform == "linux":
        try:
            pidfd = os.pidfd_open(proc.pid)
        except OSError:  # kernel < 5.3 or a seccomp filter
            pass
        else:
            try:
                poller = select.poll()
                poller.register(pidfd, select.POLLIN)
                return bool(poller.poll(math.ceil(timeout_s * 1000)))
            finally:
                os.close(pidfd)
    try:
        proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        return False
    return True


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # gone already / a setuid bwrap (dies with its child)
        pass


def _group_has_live_members(pgid: int) -> bool:
    """Any non-zombie process in the group? (Linux /proc; elsewhere assume the SIGKILL landed.)"""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return False
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()  # after "pid (comm) ": state ppid pgrp ...
        if int(fields[2]) == pgid and fields[0] not in (b"Z", b"X"):
            return True
    return False


def _await_group_exit(pgid: int) -> None:
    """Wait (bounded) until SIGKILLed group members are gone, so none outlives ``run()``."""
    deadline = time.monotonic() + _GROUP_EXIT_GRACE_S
    delay = 0.001
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return
        if not _group_has_live_members(pgid):
            return  # only zombies left, waiting for init (or a subreaper) to reap them
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _read_report(fd: int) -> tuple[dict[str, int], dict[str, str]] | None:
    """Parse the launcher's report; None if it never wrote one (killed before it got that far)."""
    os.set_blocking(fd, False)
    chunks: list[bytes] = []
    try:
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    except BlockingIOError:
        pass
    if not chunks:
        return None
    applied: dict[str, int] = {}
    skipped: dict[str, str] = {}
    for line in b"".join(chunks).decode(errors="replace").splitlines():
        kind, name, detail = line.split(" ", 2)
        if kind == "ok":
            applied[name] = int(detail)
        else:
            skipped[name] = detail
    return applied, skipped


def _tail(data: bytes) -> str:
    return data[-OUTPUT_TAIL_BYTES:].decode("utf-8", errors="replace")


def _tail_file(f: IO[bytes]) -> str:
    size = f.seek(0, os.SEEK_END)
    f.seek(max(0, size - OUTPUT_TAIL_BYTES))
    return _tail(f.read(OUTPUT_TAIL_BYTES))


class ProcessSandbox:
    """Run a command as a child process: rlimits, own process group, scrubbed env, no network.

    Output goes to unlinked temporary files rather than pipes: ``run()`` waits for the command's
    exit, not for EOF, so a background process it left behind cannot stall the call, and memory
    stays bounded (the file is capped by RLIMIT_FSIZE). ``mounts`` are ignored: the child already
    sees the whole filesystem.
    """

    name: str = "process"

    def __init__(self, limits: Limits = Limits(), *, network: str = "auto") -> None:
        if network not in NETWORK_MODES:
            raise ValueError(f"network={network!r} is not one of: {', '.join(NETWORK_MODES)}")
        self.limits = limits
        self.network = network

    def available(self) -> tuple[bool, str]:
        if os.name != "posix":
            return False, f"the process sandbox needs POSIX process groups and rlimits, not {os.name!r}"
        try:
            method, _, detail = _resolve_network(self.network)
        except SandboxUnavailable as exc:
            return False, str(exc)
        return True, f"process sandbox; network: {method} ({detail})"

    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        timeout_s: float,
        env: Mapping[str, str] | None = None,
        mounts: Sequence[Path] = (),
    ) -> SandboxResult:
        if not argv:
            raise ValueError("argv is empty: nothing to run")
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s!r}")
        if not cwd.is_dir():
            raise NotADirectoryError(f"sandbox cwd {cwd} is not a directory")
        cwd = cwd.resolve()
        method, prefix, detail = _resolve_network(self.network)
        child_env, removed = scrub_env(os.environ if env is None else env)
        child_env.update(HOME=str(cwd), PYTHONDONTWRITEBYTECODE="1")
        requested, skipped = _requested_rlimits(self.limits, timeout_s)

        report_r, report_w = os.pipe()
        spec = ",".join(f"{name}={value}" for name, value in requested.items())
        launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER_CODE, str(report_w), spec, "--"]
        full_argv = [*prefix, *launcher, *argv]
        try:
            with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
                started = time.perf_counter()
                try:
                    proc = subprocess.Popen(
                        full_argv,
                        cwd=cwd,
                        env=child_env,
                        stdin=subprocess.DEVNULL,
                        stdout=out,
                        stderr=err,
                        start_new_session=True,  # pgid == proc.pid: one killpg reaches every descendant
                        pass_fds=(report_w,),
                    )
                finally:
                    os.close(report_w)
                try:
                    timed_out = not _wait_for_exit(proc, timeout_s)
                    duration_s = time.perf_counter() - started
                finally:
                    _kill_group(proc.pid)  # survivors too; the leader is still unreaped here
                    proc.wait()
                    _await_group_exit(proc.pid)
                stdout, stderr = _tail_file(out), _tail_file(err)
            report = _read_report(report_r)
        finally:
            os.close(report_r)

        if report is None:
            applied: dict[str, int] = {}
            skipped.update(dict.fromkeys(requested, "unconfirmed: killed before the launcher reported"))
        else:
            applied = report[0]
            skipped.update(report[1])
        isolation: dict[str, object] = {
            "kind": "process",
            "network": method,
            "network_detail": detail,
            "rlimits": {"requested": requested, "applied": applied, "skipped": skipped},
            "kill": "process group (SIGKILL at timeout and after every run)",
            "env_scrubbed": removed,
            "home": str(cwd),
            "filesystem": "host (not confined)",
        }
        return SandboxResult(
            exit_code=None if timed_out else proc.returncode,
            timed_out=timed_out,
            stdout=stdout,
            stderr=stderr,
            duration_s=duration_s,
            isolation=isolation,
        )


# --- docker sandbox -----------------------------------------------------------------------------


def docker_run_kwargs(
    image: str,
    argv: Sequence[str],
    *,
    cwd: Path,
    timeout_s: float,
    limits: Limits = Limits(),
    env: Mapping[str, str] | None = None,
    mounts: Sequence[Path] = (),
    user: str | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``client.containers.run`` (pure: testable without an engine).

    ``env`` is passed as is (scrub it first); the host environment is never copied in, since a host
    ``PATH`` would break the image. Extra ``mounts`` appear read-only at their host paths.
    """
    volumes: dict[str, dict[str, str]] = {str(cwd.resolve()): {"bind": DOCKER_WORKDIR, "mode": "rw"}}
    for mount in mounts:
        volumes.setdefault(str(mount.resolve()), {"bind": str(mount.resolve()), "mode": "ro"})
    cpu_s = limits.cpu_s if limits.cpu_s is not None else derived_cpu_s(timeout_s)
    # Docker accepts no "as" ulimit (docker/go-units disables it); memory is capped by the cgroup
    # instead, and nproc would count the uid host-wide, so pids_limit replaces it.
    ulimits: list[dict[str, object]] = [{"name": "cpu", "soft": cpu_s, "hard": cpu_s}]
    if limits.file_size_mb is not None:
        fsize = limits.file_size_mb * _MIB
        ulimits.append({"name": "fsize", "soft": fsize, "hard": fsize})
    kwargs: dict[str, Any] = {
        "image": image,
        "command": list(argv),
        "detach": True,
        "network_mode": "none",
        "mem_limit": f"{limits.memory_mb}m",
        "memswap_limit": f"{limits.memory_mb}m",  # equal to mem_limit: no swap on top
        "working_dir": DOCKER_WORKDIR,
        "volumes": volumes,
        "user": user if user is not None else f"{os.getuid()}:{os.getgid()}",
        "environment": {**(env or {}), "HOME": DOCKER_WORKDIR, "PYTHONDONTWRITEBYTECODE": "1"},
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "read_only": True,
        "tmpfs": {"/tmp": f"rw,exec,nosuid,nodev,size={limits.file_size_mb or 256}m"},
        "ulimits": ulimits,
        # Leaked containers: docker rm -f $(docker ps -aq --filter label=pytest-hybridarena)
        "labels": {"pytest-hybridarena": "score"},
    }
    if limits.processes is not None:
        kwargs["pids_limit"] = limits.processes
    if limits.cpus is not None:
        kwargs["nano_cpus"] = int(limits.cpus * 1e9)
    return kwargs


def _docker_host() -> str:
    return os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"


def _engine_socket_error(host: str) -> str | None:
    """Why nothing listens at a ``unix://`` or ``tcp://`` DOCKER_HOST, or None if something does.

    Checked before the SDK is involved: docker-py's ``UnixHTTPConnection.connect`` leaks its socket
    when the connect fails (docker/transport/unixconn.py, docker 7.1), a ResourceWarning that our
    ``filterwarnings = error`` turns into a failure; this probe closes its socket either way.
    """
    scheme, _, rest = host.partition("://")
    try:
        if scheme == "unix":
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(_DOCKER_API_TIMEOUT_S)
                sock.connect(rest)
        elif scheme == "tcp":
            address, _, port = rest.rstrip("/").rpartition(":")
            with socket.create_connection((address, int(port)), timeout=_DOCKER_API_TIMEOUT_S):
                pass
    except (OSError, ValueError) as exc:
        return str(exc)
    return None


class DockerSandbox:
    """Run a command in a throwaway container of the scoring image (``sandbox/Dockerfile``)."""

    name: str = "docker"

    def __init__(self, limits: Limits = Limits(), *, image: str = DEFAULT_IMAGE) -> None:
        self.limits = limits
        self.image = image
        self._client: Any = None

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        try:
            import docker  # type: ignore[import-untyped,unused-ignore]
        except ImportError as exc:
            raise SandboxUnavailable(
                "the docker sandbox needs the docker SDK: pip install 'pytest-hybridarena[docker]'"
            ) from exc
        host = _docker_host()
        why = _engine_socket_error(host)
        if why is not None:
            raise SandboxUnavailable(f"no Docker engine answers at {host}: {why}")
        try:
            client = docker.from_env(timeout=_DOCKER_API_TIMEOUT_S)
            client.ping()
        except Exception as exc:  # DockerException, requests' errors: either way no usable engine
            raise SandboxUnavailable(f"no Docker engine answers at {host}: {exc}") from exc
        try:
            client.images.get(self.image)
        except docker.errors.ImageNotFound as exc:
            client.close()
            raise SandboxUnavailable(
                f"the Docker engine at {host} has no image {self.image!r}; "
                f"build it from the repository root: docker build -t {self.image} sandbox/"
            ) from exc
        self._client = client
        return client

    def available(self) -> tuple[bool, str]:
        try:
            self._connect()
        except SandboxUnavailable as exc:
            return False, str(exc)
        return True, f"Docker engine at {_docker_host()} with image {self.image}"

    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        timeout_s: float,
        env: Mapping[str, str] | None = None,
        mounts: Sequence[Path] = (),
    ) -> SandboxResult:
        if not argv:
            raise ValueError("argv is empty: nothing to run")
        client = self._connect()
        import requests  # type: ignore[import-untyped,unused-ignore]  # a dependency of docker

        child_env, removed = scrub_env(env or {})
        kwargs = docker_run_kwargs(
            self.image, argv, cwd=cwd, timeout_s=timeout_s, limits=self.limits, env=child_env, mounts=mounts
        )
        started = time.perf_counter()
        container = client.containers.run(**kwargs)
        try:
            timed_out, status = False, {}
            try:
                status = container.wait(timeout=timeout_s)
            except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
                # The read timeout arrives as ConnectionError over the unix socket (docker-py #1966);
                # reload() re-raises if the engine itself went away, which is an error, not a timeout.
                container.reload()
                if container.status == "running":
                    timed_out = True
                    container.kill()
                else:  # exited just as the wait gave up
                    status = container.wait(timeout=_DOCKER_API_TIMEOUT_S)
            duration_s = time.perf_counter() - started
            stdout = _tail(container.logs(stdout=True, stderr=False))
            stderr = _tail(container.logs(stdout=False, stderr=True))
        finally:
            container.remove(force=True)
        isolation: dict[str, object] = {
            "kind": "docker",
            "image": self.image,
            "network": "docker:none",
            "memory_mb": self.limits.memory_mb,
            "pids_limit": kwargs.get("pids_limit"),
            "nano_cpus": kwargs.get("nano_cpus"),
            "ulimits": {str(u["name"]): u["soft"] for u in kwargs["ulimits"]},
            "cap_drop": ["ALL"],
            "no_new_privileges": True,
            "read_only_rootfs": True,
            "user": kwargs["user"],
            "env_scrubbed": removed,
            "filesystem": f"image + {DOCKER_WORKDIR} (rw) + {len(mounts)} read-only mount(s)",
        }
        return SandboxResult(
            exit_code=None if timed_out else int(status["StatusCode"]),
            timed_out=timed_out,
            stdout=stdout,
            stderr=stderr,
            duration_s=duration_s,
            isolation=isolation,
        )


def make_sandbox(
    kind: str, *, limits: Limits = Limits(), network: str = "auto", image: str = DEFAULT_IMAGE
) -> Sandbox:
    """Build the sandbox named by ``--arena-sandbox``; ``network`` applies to the process sandbox
    (a container always runs with ``network_mode="none"``), ``image`` to the docker one."""
    if kind == "process":
        return ProcessSandbox(limits, network=network)
    if kind == "docker":
        return DockerSandbox(limits, image=image)
    raise ValueError(f"unknown sandbox kind {kind!r}; valid kinds: {', '.join(SANDBOX_KINDS)}")
