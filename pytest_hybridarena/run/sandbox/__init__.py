"""Where the hidden acceptance suite runs: a process sandbox (default) and a Docker sandbox.

Both take an argv, a workspace directory and a wall timeout and return a :class:`SandboxResult` whose
``isolation`` dict records what was actually in force, so every row can say how it was scored.
Neither raises for a failing or hanging command; they raise :class:`SandboxUnavailable` when the
sandbox itself cannot run here (no Docker engine, no network isolation under ``network="require"``).
What each one does and does not isolate is spelled out in ``docs/sandbox.md``.

The package splits by sandbox: ``base`` holds what both share (limits, result, errors, the
protocol, environment scrubbing), ``process`` the process sandbox and its network probes, ``docker``
the Docker sandbox; :func:`make_sandbox` here picks one by name.
"""

from __future__ import annotations

from pytest_hybridarena.run.sandbox.base import Limits, Sandbox, SandboxResult, SandboxUnavailable, scrub_env
from pytest_hybridarena.run.sandbox.docker import DEFAULT_IMAGE, DockerSandbox, docker_run_kwargs
from pytest_hybridarena.run.sandbox.process import NETWORK_MODES, ProcessSandbox, probe_bwrap, probe_unshare

# isort: split
# Public names the single module exposed outside __all__; "X as X" keeps them importable from here
# under mypy --strict (no implicit re-export).
from pytest_hybridarena.run.sandbox.base import OUTPUT_TAIL_BYTES as OUTPUT_TAIL_BYTES
from pytest_hybridarena.run.sandbox.base import PYTEST_CONFIG_NAMES as PYTEST_CONFIG_NAMES
from pytest_hybridarena.run.sandbox.base import SECRET_NAME_PATTERNS as SECRET_NAME_PATTERNS
from pytest_hybridarena.run.sandbox.base import derived_cpu_s as derived_cpu_s
from pytest_hybridarena.run.sandbox.docker import DOCKER_WORKDIR as DOCKER_WORKDIR
from pytest_hybridarena.run.sandbox.process import LAUNCHER_CODE as LAUNCHER_CODE

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

SANDBOX_KINDS = ("process", "docker")


# B008: Limits is a frozen dataclass, so a shared default is safe; ruff only sees that in base.py.
def make_sandbox(
    kind: str,
    *,
    limits: Limits = Limits(),  # noqa: B008
    network: str = "auto",
    image: str = DEFAULT_IMAGE,
) -> Sandbox:
    """Build the sandbox named by ``--arena-sandbox``; ``network`` applies to the process sandbox
    (a container always runs with ``network_mode="none"``), ``image`` to the docker one."""
    if kind == "process":
        return ProcessSandbox(limits, network=network)
    if kind == "docker":
        return DockerSandbox(limits, image=image)
    raise ValueError(f"unknown sandbox kind {kind!r}; valid kinds: {', '.join(SANDBOX_KINDS)}")
