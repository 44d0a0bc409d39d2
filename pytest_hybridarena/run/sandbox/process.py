"""The process sandbox: the command runs as a child process under rlimits set by a fresh launcher
interpreter, in its own process group (SIGKILLed as a whole at the timeout and after every run) and,
where cgroups are writable, in its own cgroup (a process cap and a memory cap on the whole tree),
with a scrubbed environment and, where bwrap or unshare can provide one, no network. Under bwrap
the host filesystem is also read-only: only the run's directory is writable, /tmp is private.
"""

from __future__ import annotations

import math
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pytest_hybridarena.run.sandbox.base import (
    _MIB,
    OUTPUT_TAIL_BYTES,
    Limits,
    SandboxResult,
    SandboxUnavailable,
    _tail,
    derived_cpu_s,
    scrub_env,
)
from pytest_hybridarena.run.sandbox.cgroup import RunCgroup, probe_cgroups
from pytest_hybridarena.run.sandbox.channel import FD_ENV, PipeReader
from pytest_hybridarena.run.sandbox.confine import (
    SANDBOX_UID,
    WORLD_WRITABLE,
    blocked_ancestor,
    bwrap_argv,
    chown_tree,
    confine_stage_argv,
    drop_uid_blocker,
    has_pid_namespace,
    hideable,
    interpreter_paths,
    outermost,
    probe_bwrap,
    probe_unshare,
    runs_confine_stage,
)

__all__ = ["LAUNCHER_CODE", "NETWORK_MODES", "ProcessSandbox", "probe_bwrap", "probe_unshare"]

NETWORK_MODES = ("auto", "none", "require")

_GROUP_EXIT_GRACE_S = 2.0


# --- process sandbox: rlimit launcher -----------------------------------------------------------

# Runs as `python -I -S -c LAUNCHER_CODE <report fd> NAME=VALUE,... <cgroup.procs files> <harness pid>
# -- argv...` in the child: it arms PR_SET_PDEATHSIG (SIGKILL once the harness is gone; exec keeps it),
# joins the run's cgroups (writing its own pid; everything it execs and forks stays in them), sets
# the rlimits and execs argv (the namespace wrapper, then the command). The cgroup join happens here,
# as the harness's uid, before any privilege drop: the command itself never needs cgroupfs.
# This replaces `preexec_fn`, which is unsafe when the caller has other threads (our aiohttp router
# thread): a forked child may deadlock on a lock another thread held (the subprocess docs' warning
# on preexec_fn). The launcher is a fresh interpreter, so nothing is shared.
# -I -S keep it deaf to PYTHON* variables and fast: ~7 ms here. It avoids `json` on purpose: importing
# json (re, enum) doubled the launcher's start-up, 6 ms per run measured. It reports what the kernel
# accepted as "ok NAME VALUE" / "skip NAME reason" lines on a pipe (the fd is passed with pass_fds
# and closed before exec), so `isolation` states what was in force rather than what was asked.
LAUNCHER_CODE = """\
import os, resource, sys
fd, limits, groups, ppid, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[6:]
lines = []
try:  # PR_SET_PDEATHSIG: SIGKILL when the harness dies; kept across exec (bwrap/unshare re-arm theirs)
    import ctypes
    if ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    lines.append("ok pdeathsig 9")
except (OSError, AttributeError, ImportError) as exc:
    lines.append("skip pdeathsig %s" % str(exc).replace("\\n", " "))
if os.getppid() != ppid:
    os._exit(137)  # the harness died before the signal was armed
for procs in filter(None, groups.split(",")):
    try:
        with open(procs, "w") as f:
            f.write(str(os.getpid()))
        lines.append("ok cgroup %s" % procs)
    except OSError as exc:
        lines.append("skip cgroup %s: %s" % (procs, str(exc).replace("\\n", " ")))
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


# --- process sandbox: wrappers -------------------------------------------------------------------

#: What the command sees of the filesystem under bwrap (the run's own directory is bound on top).
BWRAP_FILESYSTEM = "host read-only; writable: the run's directory and its private TMPDIR only; minimal /dev"
#: ... under unshare as root, where CONFINE_CODE drops to SANDBOX_UID.
DROPPED_FILESYSTEM = (
    f"host visible but owned by others: the command runs as uid {SANDBOX_UID}; private tmpfs over the "
    "world-writable folders and hidden paths; writable: the run's directory and its private TMPDIR"
)


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


def _read_report(fd: int) -> tuple[dict[str, int], dict[str, str], dict[str, str]] | None:
    """Parse the launcher's report into ``(rlimits applied, rlimits skipped, cgroups not joined)``;
    None if it never wrote one (killed before it got that far)."""
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
    unjoined: dict[str, str] = {}
    for line in b"".join(chunks).decode(errors="replace").splitlines():
        kind, name, detail = line.split(" ", 2)
        if name == "pdeathsig":
            if kind != "ok":
                unjoined["pdeathsig"] = detail
        elif name == "cgroup":
            if kind != "ok":
                procs, _, why = detail.partition(": ")
                unjoined[procs] = why
        elif kind == "ok":
            applied[name] = int(detail)
        else:
            skipped[name] = detail
    return applied, skipped, unjoined


def _tail_file(f: IO[bytes]) -> str:
    size = f.seek(0, os.SEEK_END)
    f.seek(max(0, size - OUTPUT_TAIL_BYTES))
    return _tail(f.read(OUTPUT_TAIL_BYTES))


class ProcessSandbox:
    """Run a command as a child process: rlimits, own process group and cgroup, scrubbed env, and
    the strongest namespace confinement this machine allows (``confine.py``): no network, its own
    pid namespace and ``/proc``, an unprivileged uid, the host read-only or out of its uid's reach.

    Output goes to unlinked temporary files rather than pipes: ``run()`` waits for the command's
    exit, not for EOF, so a background process it left behind cannot stall the call, and memory
    stays bounded (the file is capped by RLIMIT_FSIZE). ``mounts`` are ignored: the child already
    sees the host filesystem (read-only under bwrap) apart from ``hide``.
    """

    name: str = "process"

    # B008: Limits is a frozen dataclass, so a shared default is safe; ruff only sees that in base.py.
    def __init__(self, limits: Limits = Limits(), *, network: str = "auto") -> None:  # noqa: B008
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
        return True, f"process sandbox; network: {method} ({detail}); {probe_cgroups().detail}"

    def weaknesses(self) -> list[str]:
        """What this machine cannot enforce, each with the reason: empty when isolation is complete.

        The plugin prints these once per session, so a weaker sandbox is never silent.
        """
        found: list[str] = []
        try:
            method, prefix, detail = _resolve_network(self.network)
        except SandboxUnavailable as exc:
            return [str(exc)]
        if method == "none":
            found.append(f"no network isolation ({detail})")
        dropped = runs_confine_stage(method, prefix) and drop_uid_blocker() is None
        if method != "bwrap" and dropped:
            found.append(
                f"the filesystem is only partly confined: code under test runs as uid {SANDBOX_UID}, can "
                f"read the host and write world-writable folders other than {', '.join(WORLD_WRITABLE)} "
                "(a read-only host needs bwrap: Debian/Ubuntu package bubblewrap)"
            )
        elif method != "bwrap":
            found.append(
                "the filesystem is not confined: code under test can write outside its directory, "
                "including the hidden tests and the result files (needs bwrap: Debian/Ubuntu package "
                "bubblewrap)"
            )
        if not has_pid_namespace(method, prefix):
            found.append(
                "no pid namespace: code under test sees the harness's processes, can signal them and "
                "read their environment (needs bwrap or unshare --pid)"
            )
        if os.geteuid() == 0 and not dropped and not (method == "bwrap" and "--unshare-user" in prefix):
            why = drop_uid_blocker() if runs_confine_stage(method, prefix) else None
            found.append(
                "code under test runs as root with root's capabilities"
                + (f" ({why})" if why else " (needs bwrap with user namespaces, or unshare --pid)")
            )
        support = probe_cgroups()
        missing = [n for n, d in (("process", support.pids), ("memory", support.memory)) if d is None]
        if missing:
            also = "; RLIMIT_NPROC is not enforced for root" if os.geteuid() == 0 else ""
            found.append(f"no cgroup {' or '.join(missing)} cap on the process tree ({support.detail}){also}")
        return found

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
        """Run ``argv`` in ``cwd``. ``readonly`` paths (inside ``cwd`` or elsewhere) are mounted
        read-only where the confinement can mount (bwrap, unshare as root); ``hide`` folders are
        covered by an empty tmpfs there (``cwd`` and ``readonly`` reappear through them). With
        ``channel``, the command gets the write end of a pipe as ``$HYBRIDARENA_CHANNEL_FD`` and
        ``SandboxResult.channel`` holds what it wrote."""
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
        exe = argv[0]
        if not (Path(cwd, exe).exists() if "/" in exe else shutil.which(exe, path=child_env.get("PATH"))):
            # The wrapper would exec it and fail with its own status; say what a shell would.
            message = f"hybridarena sandbox: cannot execute {exe!r}: not found (PATH or run directory)\n"
            isolation: dict[str, object] = {"kind": "process", "started": False}
            return SandboxResult(127, False, "", message, 0.0, isolation)
        support = probe_cgroups()
        try:
            group: RunCgroup | None = RunCgroup(support, self.limits.processes, self.limits.memory_mb)
            cgroup_note = support.detail
        except OSError as exc:
            group, cgroup_note = None, f"could not create the run's cgroup: {exc}"
        # A private temporary folder per run (pytest's tmp_path goes there): writable under bwrap,
        # where the host's /tmp is read-only, and removed afterwards either way.
        run_tmp = Path(tempfile.mkdtemp(prefix="hybridarena-run-"))
        child_env.update(TMPDIR=str(run_tmp), TEMP=str(run_tmp), TMP=str(run_tmp))
        try:
            plan = _plan(method, prefix, cwd, run_tmp, readonly, hide)
            return self._run(
                argv,
                cwd,
                timeout_s,
                child_env,
                removed,
                requested,
                skipped,
                group,
                cgroup_note,
                (method, detail),
                plan,
                channel,
            )
        finally:
            if group is not None:
                group.kill_all()
                group.remove()
            shutil.rmtree(run_tmp, ignore_errors=True)

    def _run(
        self,
        argv: Sequence[str],
        cwd: Path,
        timeout_s: float,
        child_env: dict[str, str],
        removed: list[str],
        requested: dict[str, int],
        skipped: dict[str, str],
        group: RunCgroup | None,
        cgroup_note: str,
        network: tuple[str, str],
        plan: _Plan,
        channel: bool,
    ) -> SandboxResult:
        method, detail = network
        report_r, report_w = os.pipe()
        spec = ",".join(f"{name}={value}" for name, value in requested.items())
        groups = ",".join(group.procs_files) if group is not None else ""
        launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER_CODE, str(report_w), spec, groups]
        launcher += [str(os.getpid()), "--"]
        full_argv = [*launcher, *plan.wrapper, *argv]
        fds = [report_w]
        reader: PipeReader | None = None
        if channel:
            channel_r, channel_w = os.pipe()
            fds.append(channel_w)
            child_env[FD_ENV] = str(channel_w)
            reader = PipeReader(channel_r)
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
                        pass_fds=fds,
                    )
                finally:
                    for fd in fds:
                        os.close(fd)
                try:
                    timed_out = not _wait_for_exit(proc, timeout_s)
                    duration_s = time.perf_counter() - started
                finally:
                    _kill_group(proc.pid)  # survivors too; the leader is still unreaped here
                    if group is not None:
                        group.kill_all()  # and those that left the process group (setsid)
                    proc.wait()
                    _await_group_exit(proc.pid)
                stdout, stderr = _tail_file(out), _tail_file(err)
            report = _read_report(report_r)
        finally:
            os.close(report_r)
            channel_data = reader.close() if reader is not None else None

        unjoined: dict[str, str] = {}
        if report is None:
            applied: dict[str, int] = {}
            skipped.update(dict.fromkeys(requested, "unconfirmed: killed before the launcher reported"))
            if group is not None:
                unjoined = dict.fromkeys(
                    group.procs_files, "unconfirmed: killed before the launcher reported"
                )
            pdeathsig: object = "unconfirmed: killed before the launcher reported"
        else:
            applied, more, unjoined = report
            skipped.update(more)
            pdeathsig = unjoined.pop("pdeathsig", "SIGKILL")
        cgroup: dict[str, object]
        if group is None or not group.limits:
            cgroup = {"active": False, "detail": cgroup_note}
        elif unjoined:
            cgroup = {"active": False, "detail": f"not joined: {unjoined}"}
        else:
            cgroup = {"active": True, "version": group.version, **group.limits, "hit": group.limits_hit()}
        isolation: dict[str, object] = {
            "kind": "process",
            "network": method,
            "network_detail": detail,
            "rlimits": {"requested": requested, "applied": applied, "skipped": skipped},
            "kill": "process group (SIGKILL at timeout and after every run)",
            "env_scrubbed": removed,
            "home": str(cwd),
            "filesystem": plan.filesystem,
            "cgroup": cgroup,
            "pid_namespace": plan.pid_namespace,
            "user": plan.user,
            "readonly": plan.readonly,
            "hidden": [str(p) for p in plan.tmpfs],
            "parent_death": pdeathsig,
        }
        if reader is not None and reader.overflow:
            isolation["channel_overflow"] = True
        return SandboxResult(
            exit_code=None if timed_out else proc.returncode,
            timed_out=timed_out,
            stdout=stdout,
            stderr=stderr,
            duration_s=duration_s,
            isolation=isolation,
            channel=channel_data,
        )


@dataclass(frozen=True)
class _Plan:
    """How one run is confined: the wrapper argv between the launcher and the command, and what
    ``isolation`` says about it."""

    wrapper: list[str]
    filesystem: str
    pid_namespace: bool
    user: str
    readonly: bool
    tmpfs: list[Path]


def _plan(
    method: str,
    prefix: Sequence[str],
    cwd: Path,
    run_tmp: Path,
    readonly: Sequence[Path],
    hide: Sequence[Path],
) -> _Plan:
    pid_ns = has_pid_namespace(method, prefix)
    ro = [p.resolve() for p in readonly if p.exists()]
    rw = [cwd, run_tmp]
    if method == "bwrap":
        tmpfs = outermost(hideable(hide, keep=interpreter_paths()))
        user = f"uid {SANDBOX_UID} in a user namespace" if "--unshare-user" in prefix else "caller's uid"
        wrapper = bwrap_argv(prefix, cwd, tmpfs, rw, ro)
        return _Plan(wrapper, BWRAP_FILESYSTEM, pid_ns, user, True, tmpfs)
    if runs_confine_stage(method, prefix) and drop_uid_blocker() is None:
        # uid SANDBOX_UID must be able to reach and write its folders: hand them over, hide every
        # ancestor it cannot traverse (and the world-writable folders) under a tmpfs, and bind the
        # run's folders and the interpreter back through it.
        for folder in rw:
            chown_tree(folder, SANDBOX_UID)
        interpreter = interpreter_paths()
        blocked = [b for p in (*rw, *ro, *interpreter) if (b := blocked_ancestor(p)) is not None]
        candidates = [*hide, *(Path(w) for w in WORLD_WRITABLE), *blocked]
        tmpfs = outermost([c.resolve() for c in candidates if c.resolve() != Path("/") and c.is_dir()])
        tmpfs = sorted(set(tmpfs))
        under = [p for p in interpreter if any(t == p or t in p.parents for t in tmpfs)]
        wrapper = [*prefix, *confine_stage_argv(SANDBOX_UID, cwd, tmpfs, rw, [*ro, *under])]
        return _Plan(wrapper, DROPPED_FILESYSTEM, pid_ns, f"uid {SANDBOX_UID}", True, tmpfs)
    user = "caller's uid" if method != "unshare" or "--map-root-user" not in prefix else "mapped root"
    return _Plan(list(prefix), "host (not confined)", pid_ns, user, False, [])
