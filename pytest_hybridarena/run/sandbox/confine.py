"""How the process sandbox confines a command beyond rlimits: the namespace wrappers (bwrap, util-linux
``unshare``), probed once per process, and the argv that puts one run inside them.

The strongest working method wins (``probe_bwrap``, then ``probe_unshare``), and within each method
the strongest form this machine allows:

- **bwrap**: new user, pid, network namespaces; the command is uid 65534 *inside* its user namespace,
  with no capabilities outside it; its own ``/proc`` (only its own processes, so neither the harness
  nor its environment is visible); the host read-only, a minimal ``/dev``; ``--die-with-parent``.
- **unshare as root**: new pid, mount and network namespaces with a private ``/proc``, then
  :data:`CONFINE_CODE` (a second tiny launcher, pid 1 of the namespace) hides paths under tmpfs,
  bind-mounts the run's directory back (the hidden tests read-only) and drops to uid 65534 before it
  execs the command: that uid cannot write cgroupfs, the harness's files, or signal root's processes.
- **unshare as another user**: new user (mapped to the caller), pid and network namespaces with a
  private ``/proc``; the filesystem is not confined.

What could not be had is listed by ``ProcessSandbox.weaknesses()`` and printed once per session.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import stat
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "CONFINE_CODE",
    "SANDBOX_UID",
    "WORLD_WRITABLE",
    "drop_uid_blocker",
    "outermost",
    "probe_bwrap",
    "probe_unshare",
]

#: The unprivileged uid (and gid) scored code runs as: ``nobody`` on Debian, Fedora and Alpine.
SANDBOX_UID = 65534
#: World-writable folders hidden under a private tmpfs when the sandbox drops to SANDBOX_UID.
WORLD_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm")
_PROBE_TIMEOUT_S = 10.0


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
    """``(argv prefix, description)`` of the strongest bwrap confinement that works here, else
    ``(None, reason)``. Probed once per process (cached).

    The prefix unshares the network, the pids and (where allowed) the user namespace, mounts the
    host read-only (``/tmp`` included: a project or venv may live there) with a minimal /dev and a
    private /proc; the process sandbox adds the writable run directory, its private ``TMPDIR``, the
    read-only and hidden paths.
    """
    exe = shutil.which("bwrap")
    if exe is None:
        return None, "bwrap: not on PATH (Debian/Ubuntu package: bubblewrap)"
    # bwrap applies mount options in order: /proc must come after the read-only bind of the host's
    # root, which would otherwise put the host's /proc back on top.
    base = ("--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev")
    pid = ("--unshare-pid",)
    user = ("--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID))
    failures: list[str] = []
    for extra, what in (
        ((*user, *pid), f"new user (uid {SANDBOX_UID} inside, no capabilities), pid and network namespaces"),
        (pid, "new pid and network namespaces; caller's uid"),
        ((), "new network namespace only; caller's uid, host pids visible"),
    ):
        proc = ("--proc", "/proc") if pid[0] in extra else ()
        prefix = (exe, "--unshare-net", *extra, *base, *proc)
        why = _wrapper_failure((*prefix, "--"))
        if why is None:
            return prefix, f"bwrap: {what}; host read-only"
        failures.append(f"`{shlex.join(prefix)} -- true` failed: {why}")
    return None, "bwrap: " + "; ".join(failures)


@functools.cache
def probe_unshare() -> tuple[tuple[str, ...] | None, str]:
    """Like :func:`probe_bwrap` for util-linux ``unshare``: pid + network namespaces with a private
    ``/proc`` (as root; otherwise inside a new user namespace), falling back to the network alone.

    ``--map-current-user`` (util-linux ≥ 2.38) keeps the caller's uid; older versions only offer
    ``--map-root-user``, under which the child is root *inside* the namespace.
    """
    exe = shutil.which("unshare")
    if exe is None:
        return None, "unshare: not on PATH (package util-linux)"
    pid = ("--pid", "--fork", "--kill-child", "--mount-proc")
    ladder: list[tuple[tuple[str, ...], str]] = []
    if os.geteuid() == 0:
        ladder.append(((*pid, "--net"), "new pid, mount and network namespaces, private /proc; root"))
    for mapping, who in (("--map-current-user", "caller's uid"), ("--map-root-user", "mapped root")):
        ladder.append(((mapping, *pid, "--net"), f"new pid and network namespaces, private /proc; {who}"))
    for mapping, who in (("--map-current-user", "caller's uid"), ("--map-root-user", "mapped root")):
        ladder.append(((mapping, "--net"), f"new network namespace only, host pids visible; {who}"))
    failures: list[str] = []
    for args, what in ladder:
        prefix = (exe, *args, "--")
        why = _wrapper_failure(prefix)
        if why is None:
            return prefix, f"unshare {' '.join(args)}: {what}"
        failures.append(f"`{shlex.join(prefix)} true` failed: {why}")
    return None, "unshare: " + "; ".join(failures)


def has_pid_namespace(method: str, prefix: Sequence[str]) -> bool:
    return (method == "bwrap" and "--unshare-pid" in prefix) or (method == "unshare" and "--pid" in prefix)


def runs_confine_stage(method: str, prefix: Sequence[str]) -> bool:
    """Real root in a new mount namespace (unshare without a user mapping): CONFINE_CODE can mount
    and drop privileges there."""
    return method == "unshare" and "--pid" in prefix and not any(a.startswith("--map-") for a in prefix)


@functools.cache
def drop_uid_blocker() -> str | None:
    """None when uid SANDBOX_UID may run this interpreter and read its libraries, else why not.

    Only the folders' own mode bits count: an ancestor it cannot traverse (a venv under ``/root``)
    is hidden under a tmpfs through which the interpreter is bind-mounted back.
    """
    needs = [(Path(sys.executable).resolve(), stat.S_IXOTH)]
    needs += [(p, stat.S_IROTH | stat.S_IXOTH) for p in interpreter_paths() if p.is_dir()]
    for path, need in needs:
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            return f"cannot stat {path}: {exc.strerror}"
        if mode & need != need:
            return f"uid {SANDBOX_UID} may not read or run {path} (mode {stat.filemode(mode)})"
    return None


def blocked_ancestor(path: Path) -> Path | None:
    """The highest ancestor of ``path`` that an unrelated uid cannot traverse (to hide under a
    tmpfs, through which the run's own folders are bind-mounted back), None if there is none."""
    for parent in reversed(path.resolve().parents):
        if parent != Path("/") and not parent.stat().st_mode & stat.S_IXOTH:
            return parent
    return None


def chown_tree(root: Path, uid: int) -> None:
    """Hand a folder to ``uid`` without following symlinks (a planted link to a host file must not
    give that file away)."""
    os.lchown(root, uid, uid)
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            os.lchown(os.path.join(folder, name), uid, uid)


# Runs as `python -I -S -c CONFINE_CODE UID [--tmpfs P]... [--rw P]... [--ro P]... --chdir P -- argv`
# as pid 1 of the new pid + mount namespace that `unshare` (run as root) made: it hides each --tmpfs
# path, bind-mounts --rw / --ro paths back (sources are opened first, so a path under a hidden one
# still resolves), drops to UID (setgroups, setgid, setuid clear every capability), sets
# no_new_privs, re-arms the parent-death signal (a uid change clears it) and execs argv.
CONFINE_CODE = """\
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
args, argv = sys.argv[1:sys.argv.index("--")], sys.argv[sys.argv.index("--") + 1:]
uid, tmpfs, binds, chdir = int(args[0]), [], [], "/"
for flag, path in zip(args[1::2], args[2::2]):
    if flag == "--tmpfs":
        tmpfs.append(path)
    elif flag == "--chdir":
        chdir = path
    else:
        binds.append((path, flag == "--ro", os.open(path, os.O_PATH)))
def mount(src, target, fstype, flags, data):
    if libc.mount(src, target.encode(), fstype, flags, data) != 0:
        err = ctypes.get_errno()
        sys.stderr.write("hybridarena sandbox: mount %s: %s\\n" % (target, os.strerror(err)))
        os._exit(126)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 16384
for path in tmpfs:
    mount(b"tmpfs", path, b"tmpfs", MS_NOSUID | MS_NODEV, b"mode=0755")
for path, ro, fd in binds:
    if not os.path.exists(path):
        if os.path.isdir("/proc/self/fd/%d" % fd):
            os.makedirs(path, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "a").close()
    mount(("/proc/self/fd/%d" % fd).encode(), path, None, MS_BIND | MS_REC, None)
    if ro:
        mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
    os.close(fd)
os.chdir(chdir)
if uid >= 0:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
libc.prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG: SIGKILL when unshare (our parent) dies
libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS: no setuid binary gives privileges back
try:
    os.execvp(argv[0], argv)
except OSError as exc:
    sys.stderr.write("hybridarena sandbox: cannot execute %r: %s\\n" % (argv[0], exc))
    sys.exit(127)
"""


def confine_stage_argv(
    uid: int | None, cwd: Path, tmpfs: Sequence[Path], rw: Sequence[Path], ro: Sequence[Path]
) -> list[str]:
    args = [sys.executable, "-I", "-S", "-c", CONFINE_CODE, str(-1 if uid is None else uid)]
    args += [a for p in tmpfs for a in ("--tmpfs", str(p))]
    args += [a for p in rw for a in ("--rw", str(p))]
    args += [a for p in ro for a in ("--ro", str(p))]
    return [*args, "--chdir", str(cwd), "--"]


def bwrap_argv(
    prefix: Sequence[str], cwd: Path, tmpfs: Sequence[Path], rw: Sequence[Path], ro: Sequence[Path]
) -> list[str]:
    """bwrap applies its options in order: hide first, then the writable folders, then the
    read-only ones on top (the hidden tests inside the writable run directory)."""
    args = [*prefix]
    args += [a for p in tmpfs for a in ("--tmpfs", str(p))]
    args += [a for p in rw for a in ("--bind", str(p), str(p))]
    args += [a for p in ro for a in ("--ro-bind", str(p), str(p))]
    return [*args, "--chdir", str(cwd), "--"]


def hideable(paths: Sequence[Path], keep: Sequence[Path]) -> list[Path]:
    """The existing ``paths`` that hold none of ``keep`` (the interpreter, its libraries): hiding
    those would stop the command from starting."""
    out: list[Path] = []
    for path in paths:
        try:
            path = path.resolve()
        except OSError:
            continue
        if path.is_dir() and not any(k == path or path in k.parents for k in keep) and path not in out:
            out.append(path)
    return out


def interpreter_paths() -> list[Path]:
    """What the sandboxed ``sys.executable`` needs: itself, its prefixes and library folders (the
    outermost of each, resolved)."""
    found = {Path(sys.executable).resolve(), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        found.add(Path(sysconfig.get_paths()[key]).resolve())
    return outermost(sorted(found))


def outermost(paths: Sequence[Path]) -> list[Path]:
    """Drop the paths that lie inside another one of ``paths``."""
    return [p for p in paths if not any(o != p and o in p.parents for o in paths)]
