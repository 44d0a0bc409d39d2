"""The docker sandbox: the command runs in a throwaway container of the scoring image, with no
network, no capabilities, a read-only root filesystem and cgroup limits; :func:`docker_run_kwargs`
builds the container's settings as plain data, testable without an engine.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_hybridarena.run.sandbox.base import (
    _MIB,
    Limits,
    SandboxResult,
    SandboxUnavailable,
    _tail,
    derived_cpu_s,
    scrub_env,
)
from pytest_hybridarena.run.sandbox.channel import TAG_ENV

__all__ = ["DEFAULT_IMAGE", "DOCKER_WORKDIR", "DockerSandbox", "docker_run_kwargs", "split_tagged"]

DEFAULT_IMAGE = "hybridarena-score:py3.11"
DOCKER_WORKDIR = "/workspace"

_DOCKER_API_TIMEOUT_S = 5


# B008: Limits is a frozen dataclass, so a shared default is safe; ruff only sees that in base.py.
def docker_run_kwargs(
    image: str,
    argv: Sequence[str],
    *,
    cwd: Path,
    timeout_s: float,
    limits: Limits = Limits(),  # noqa: B008
    env: Mapping[str, str] | None = None,
    mounts: Sequence[Path] = (),
    user: str | None = None,
    readonly: Sequence[Path] = (),
) -> dict[str, Any]:
    """Keyword arguments for ``client.containers.run`` (pure: testable without an engine).

    ``env`` is passed as is (scrub it first); the host environment is never copied in, since a host
    ``PATH`` would break the image. Extra ``mounts`` appear read-only at their host paths; a
    ``readonly`` path inside ``cwd`` is mounted read-only over its place under ``/workspace``.
    """
    root = cwd.resolve()
    volumes: dict[str, dict[str, str]] = {str(root): {"bind": DOCKER_WORKDIR, "mode": "rw"}}
    for mount in mounts:
        volumes.setdefault(str(mount.resolve()), {"bind": str(mount.resolve()), "mode": "ro"})
    for path in readonly:
        host = path.resolve()
        inside = f"{DOCKER_WORKDIR}/{host.relative_to(root)}" if root in host.parents else str(host)
        volumes.setdefault(str(host), {"bind": inside, "mode": "ro"})
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


def split_tagged(data: bytes, tag: bytes) -> tuple[bytes, bytes]:
    """``(channel records, the rest)`` of a container's stderr: a record is a line that starts with
    ``tag`` and a space; the tag is stripped."""
    mine: list[bytes] = []
    rest: list[bytes] = []
    for line in data.splitlines(keepends=True):
        if line.startswith(tag + b" "):
            mine.append(line[len(tag) + 1 :])
        else:
            rest.append(line)
    return b"".join(mine), b"".join(rest)


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

    # B008: Limits is a frozen dataclass, so a shared default is safe; ruff only sees that in base.py.
    def __init__(self, limits: Limits = Limits(), *, image: str = DEFAULT_IMAGE) -> None:  # noqa: B008
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
        readonly: Sequence[Path] = (),
        hide: Sequence[Path] = (),
        channel: bool = False,
    ) -> SandboxResult:
        """``hide`` needs nothing here: the container sees no host path it was not given. With
        ``channel``, records come back on stderr behind a per-run random tag (no fd crosses into a
        container) and are taken out of the stderr shown."""
        if not argv:
            raise ValueError("argv is empty: nothing to run")
        client = self._connect()
        import requests  # type: ignore[import-untyped,unused-ignore]  # a dependency of docker

        child_env, removed = scrub_env(env or {})
        tag = secrets.token_hex(16)
        if channel:
            child_env[TAG_ENV] = tag
        kwargs = docker_run_kwargs(
            self.image,
            argv,
            cwd=cwd,
            timeout_s=timeout_s,
            limits=self.limits,
            env=child_env,
            mounts=mounts,
            readonly=readonly,
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
            raw_stderr = container.logs(stdout=False, stderr=True)
            records, raw_stderr = split_tagged(raw_stderr, tag.encode()) if channel else (None, raw_stderr)
            stderr = _tail(raw_stderr)
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
            "filesystem": f"image + {DOCKER_WORKDIR} (rw) + {len(mounts) + len(readonly)} read-only mount(s)",
        }
        return SandboxResult(
            exit_code=None if timed_out else int(status["StatusCode"]),
            timed_out=timed_out,
            stdout=stdout,
            stderr=stderr,
            duration_s=duration_s,
            isolation=isolation,
            channel=records,
        )
