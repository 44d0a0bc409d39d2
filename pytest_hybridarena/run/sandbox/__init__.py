"""Where the hidden acceptance suite runs: a process sandbox (default) and a Docker sandbox.

Both take an argv, a workspace directory and a wall timeout and return a :class:`SandboxResult` whose
``isolation`` dict records what was actually in force, so every row can say how it was scored.
Neither raises for a failing or hanging command; they raise :class:`SandboxUnavailable` when the
sandbox itself cannot run here (no Docker engine, no network isolation under ``network="require"``).
What each one does and does not isolate is spelled out in ``docs/sandbox.md``.

The package splits by sandbox: ``base`` holds what both share (limits, result, errors, the
protocol, environment scrubbing), ``process`` the process sandbox and its network probes, ``docker``
the Docker sandbox; :func:`make_sandbox` here picks one by name, from the built-in ones or from a
``{name: factory}`` mapping (the plugin collects one from the ``pytest_arena_add_sandboxes`` hook,
``docs/extending.md``). A factory takes no arguments and returns an object with the
:class:`Sandbox` protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

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
    "SandboxFactory",
    "SandboxResult",
    "SandboxUnavailable",
    "builtin_sandboxes",
    "docker_run_kwargs",
    "make_sandbox",
    "probe_bwrap",
    "probe_unshare",
    "scrub_env",
]

SANDBOX_KINDS = ("process", "docker")

SandboxFactory = Callable[[], Sandbox]


# B008: Limits is a frozen dataclass, so a shared default is safe; ruff only sees that in base.py.
def builtin_sandboxes(
    *,
    limits: Limits = Limits(),  # noqa: B008
    network: str = "auto",
    image: str = DEFAULT_IMAGE,
) -> dict[str, SandboxFactory]:
    """The bundled ``{name: factory}`` table, in :data:`SANDBOX_KINDS` order; ``network`` applies
    to the process sandbox, ``image`` to the docker one."""
    return {
        "process": partial(ProcessSandbox, limits, network=network),
        "docker": partial(DockerSandbox, limits, image=image),
    }


def make_sandbox(
    kind: str,
    *,
    limits: Limits = Limits(),  # noqa: B008
    network: str = "auto",
    image: str = DEFAULT_IMAGE,
    factories: Mapping[str, SandboxFactory] | None = None,
) -> Sandbox:
    """Build the sandbox named by ``--arena-sandbox`` from ``factories`` (None: the built-in ones,
    made with ``limits``, ``network`` for the process sandbox — a container always runs with
    ``network_mode="none"`` — and ``image`` for the docker one). ValueError lists the known names."""
    table = builtin_sandboxes(limits=limits, network=network, image=image) if factories is None else factories
    factory = table.get(kind)
    if factory is None:
        raise ValueError(f"unknown sandbox kind {kind!r}; valid kinds: {', '.join(table)}")
    return factory()
