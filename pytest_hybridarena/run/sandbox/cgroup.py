"""Per-run cgroups for the process sandbox: a process cap and a memory cap on the whole process tree.

rlimits are per process (RLIMIT_AS, RLIMIT_CPU) or per uid (RLIMIT_NPROC, which the kernel does not
enforce for root), so they cannot stop a fork bomb run as root nor a tree of processes that each stay
under the address-space cap. A cgroup can: ``pids.max`` bounds the number of tasks in the tree and
``memory.max`` (v2) / ``memory.limit_in_bytes`` (v1) its resident memory, and the kernel's OOM killer
acts inside the group only. Its member list also reaches processes that left the process group
(``setsid``), so the final kill misses none.

Creating cgroups needs write access to a hierarchy, which normally means root (or a delegated
subtree). :func:`probe_cgroups` finds, once per process, which controllers can be used here, and
says why not otherwise; the sandbox then records the cgroup on the row or the reason there is none.
"""

from __future__ import annotations

import functools
import itertools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CGROUP_ROOT", "CgroupSupport", "RunCgroup", "probe_cgroups"]

CGROUP_ROOT = Path("/sys/fs/cgroup")
_PREFIX = "hybridarena"
_counter = itertools.count()


@dataclass(frozen=True)
class CgroupSupport:
    """Where this process can create cgroups: ``pids``/``memory`` are the parent directories (the
    v2 root serves both), None when that controller is not usable; ``detail`` says what was found."""

    version: int | None
    pids: Path | None
    memory: Path | None
    detail: str


def _writable_parent(parent: Path) -> str | None:
    """None when a child cgroup can be created and removed under ``parent``, else why not."""
    probe = parent / f"{_PREFIX}-probe-{os.getpid()}-{next(_counter)}"
    try:
        probe.mkdir()
    except OSError as exc:
        return f"cannot create a cgroup under {parent}: {exc.strerror or exc}"
    try:
        probe.rmdir()
    except OSError:
        pass
    return None


@functools.cache
def probe_cgroups(root: Path = CGROUP_ROOT) -> CgroupSupport:
    """Find writable ``pids`` and ``memory`` controllers, v2 (unified) first, then v1."""
    if not root.is_dir():
        return CgroupSupport(None, None, None, f"no cgroup filesystem at {root}")
    controllers = root / "cgroup.controllers"
    if controllers.is_file():  # cgroup v2 mounted at the root
        enabled = set((root / "cgroup.subtree_control").read_text().split())
        usable = {c for c in ("pids", "memory") if c in enabled}
        if not usable:
            return CgroupSupport(2, None, None, f"cgroup v2: neither pids nor memory enabled in {root}")
        why = _writable_parent(root)
        if why is not None:
            return CgroupSupport(2, None, None, f"cgroup v2: {why}")
        return CgroupSupport(
            2,
            root if "pids" in usable else None,
            root if "memory" in usable else None,
            f"cgroup v2 at {root} ({', '.join(sorted(usable))})",
        )
    found: dict[str, Path] = {}
    reasons: list[str] = []
    for name in ("pids", "memory"):
        parent = root / name
        if not (parent / "cgroup.procs").is_file():
            reasons.append(f"no v1 {name} hierarchy at {parent}")
            continue
        why = _writable_parent(parent)
        if why is None:
            found[name] = parent
        else:
            reasons.append(why)
    detail = f"cgroup v1 ({', '.join(found) or 'no usable controller'})"
    if reasons:
        detail += ": " + "; ".join(reasons)
    return CgroupSupport(1, found.get("pids"), found.get("memory"), detail)


class RunCgroup:
    """The cgroups of one sandboxed run: created before the launcher starts, joined by the launcher
    (it writes its own pid to each ``cgroup.procs`` before it execs the command), emptied with
    SIGKILL and removed after the run."""

    def __init__(self, support: CgroupSupport, processes: int | None, memory_mb: int | None) -> None:
        self.version = support.version
        self.dirs: list[Path] = []
        self.limits: dict[str, int] = {}
        name = f"{_PREFIX}-{os.getpid()}-{next(_counter)}"
        try:
            if processes is not None and support.pids is not None:
                self._make(support.pids / name)
                (self.dirs[-1] / "pids.max").write_text(str(processes))
                self.limits["pids_max"] = processes
            if memory_mb is not None and support.memory is not None:
                path = support.memory / name
                if path not in self.dirs:
                    self._make(path)
                self._set_memory(path, memory_mb * 1024 * 1024)
                self.limits["memory_max_mb"] = memory_mb
        except OSError:
            self.remove()
            raise

    def _make(self, path: Path) -> None:
        path.mkdir()
        self.dirs.append(path)

    def _set_memory(self, path: Path, limit: int) -> None:
        if self.version == 2:
            (path / "memory.max").write_text(str(limit))
            swap = path / "memory.swap.max"
            if swap.exists():
                swap.write_text("0")
        else:
            (path / "memory.limit_in_bytes").write_text(str(limit))
            swap = path / "memory.memsw.limit_in_bytes"
            if swap.exists():  # memsw must stay >= the memory limit; equal means no swap
                try:
                    swap.write_text(str(limit))
                except OSError:
                    pass

    @property
    def procs_files(self) -> list[str]:
        return [str(d / "cgroup.procs") for d in self.dirs]

    def limits_hit(self) -> dict[str, int]:
        """How often each cap stopped something: ``pids`` (forks refused), ``oom_kill`` (processes
        the OOM killer ended inside the group)."""
        hit: dict[str, int] = {}
        for d in self.dirs:
            for file, key, name in (
                ("pids.events", "max", "pids"),
                ("memory.events", "oom_kill", "oom_kill"),
                ("memory.oom_control", "oom_kill", "oom_kill"),
            ):
                try:
                    text = (d / file).read_text()
                except OSError:
                    continue
                for line in text.splitlines():
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == key and int(parts[1]) > 0:
                        hit[name] = max(hit.get(name, 0), int(parts[1]))
        return hit

    def members(self) -> set[int]:
        pids: set[int] = set()
        for d in self.dirs:
            try:
                pids.update(int(p) for p in (d / "cgroup.procs").read_text().split())
            except OSError:
                continue
        return pids

    def kill_all(self, grace_s: float = 2.0) -> None:
        """SIGKILL every member until the groups are empty (bounded by ``grace_s``)."""
        deadline = time.monotonic() + grace_s
        while (pids := self.members()) and time.monotonic() < deadline:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        for d in reversed(self.dirs):
            for _ in range(50):  # a killed member may take a moment to leave the group
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
        self.dirs.clear()
