"""What both sandboxes share: the limits they take, the result they return, the error they raise
when they cannot run here, the :class:`Sandbox` protocol, and the environment scrubbing and output
tailing both apply.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Protocol

__all__ = [
    "OUTPUT_TAIL_BYTES",
    "PYTEST_CONFIG_NAMES",
    "SECRET_NAME_PATTERNS",
    "Limits",
    "Sandbox",
    "SandboxResult",
    "SandboxUnavailable",
    "derived_cpu_s",
    "scrub_env",
]

OUTPUT_TAIL_BYTES = 16 * 1024
#: Environment names dropped before anything runs in a sandbox; matched case-insensitively.
SECRET_NAME_PATTERNS = ("*API_KEY", "*_TOKEN", "*SECRET*", "*PASSWORD*", "AWS_*", "*_PRIVATE_KEY")
#: The outer pytest session's configuration must not leak into the inner (scoring) one.
PYTEST_CONFIG_NAMES = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")

_MIB = 1024 * 1024


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
    #: What the command wrote on the result channel (``run(..., channel=True)``), else None.
    channel: bytes | None = None


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
        readonly: Sequence[Path] = (),
        hide: Sequence[Path] = (),
        channel: bool = False,
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


def _tail(data: bytes) -> str:
    return data[-OUTPUT_TAIL_BYTES:].decode("utf-8", errors="replace")
