"""What the adapters of external agent CLIs share: finding the executable, a scrubbed environment with
a private HOME, running the CLI in its own process group under a deadline, and its version.

An external agent is a black box that may spawn children (linters, shells, test runs), read config
from ``$HOME`` and the environment, and pick up the user's API keys. So it runs:

- with an environment built from an allow-list (:data:`KEEP_ENV`), never a copy of ours minus a
  deny-list: a user's ``OPENAI_API_KEY``, ``AIDER_*`` or ``LITELLM_*`` settings cannot leak in;
- with ``HOME`` and the XDG folders inside a private temporary folder, never the user's;
- in a new session (``start_new_session=True``), so the whole group can be SIGKILLed when the budget
  is used up, and again after a normal exit to take down strays;
- under a tiny supervisor (:data:`SUPERVISOR_CODE`) that leads that group and kills it when the
  harness dies (``PR_SET_PDEATHSIG``), so a SIGKILLed pytest leaves no agent behind.

Output goes straight to a file in the cell's log folder, so a run killed from outside still leaves
what it printed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "KEEP_ENV",
    "CliRun",
    "agent_env",
    "cli_version",
    "find_executable",
    "kill_group",
    "run_cli",
    "supervised",
    "tail",
]

# Variables a CLI may see from the caller's environment; everything else is dropped.
KEEP_ENV = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "USER", "LOGNAME", "SHELL")

_VERSIONS: dict[tuple[str, ...], str | None] = {}

# Runs as `python -I -S -c SUPERVISOR_CODE <harness pid> -- argv...`, leading the CLI's new session:
# PR_SET_PDEATHSIG delivers SIGTERM to it when the harness dies (even by SIGKILL), and its handler
# SIGKILLs the whole process group, the CLI and its children included. A preexec_fn could not do
# this (unsafe with the router's thread, and SIGKILL as the death signal would reach the CLI only).
# It reports the CLI's exit status as its own (a signal death by re-raising the signal).
SUPERVISOR_CODE = """\
import ctypes, os, signal, sys
ppid, argv = int(sys.argv[1]), sys.argv[3:]
signal.signal(signal.SIGTERM, lambda *_: os.killpg(0, signal.SIGKILL))
ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
if os.getppid() != ppid:
    os.killpg(0, signal.SIGKILL)  # the harness died before the signal was armed
pid = os.fork()
if pid == 0:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        os.execvp(argv[0], argv)
    except OSError as exc:
        sys.stderr.write("cannot execute %r: %s\\n" % (argv[0], exc))
        os._exit(127)
while True:
    try:
        status = os.waitpid(pid, 0)[1]
        break
    except InterruptedError:
        continue
code = os.waitstatus_to_exitcode(status)
if code < 0:
    signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
os._exit(code)
"""


def supervised(argv: list[str], env: dict[str, str]) -> list[str]:
    """``argv`` under :data:`SUPERVISOR_CODE`; raises FileNotFoundError as ``Popen`` would when the
    executable is missing (the supervisor itself always starts)."""
    if shutil.which(argv[0], path=env.get("PATH")) is None and not Path(argv[0]).is_file():
        raise FileNotFoundError(2, "No such file or directory", argv[0])
    return [sys.executable, "-I", "-S", "-c", SUPERVISOR_CODE, str(os.getpid()), "--", *argv]


def find_executable(name: str) -> str | None:
    """``name`` next to the running interpreter (the project's venv, where ``pip install -e
    ".[agents]"`` puts it), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def agent_env(private: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a CLI: :data:`KEEP_ENV` from ours, HOME and XDG dirs under ``private``
    (created), loopback exempt from any proxy, then ``extra``."""
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    env.setdefault("PATH", os.defpath)
    dirs = {"HOME": "home", "XDG_CONFIG_HOME": "config", "XDG_DATA_HOME": "data", "XDG_CACHE_HOME": "cache"}
    dirs |= {"XDG_STATE_HOME": "state"}
    for var, sub in dirs.items():
        (private / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(private / sub)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost,::1"
    env["TERM"] = "dumb"
    env["PYTHONUNBUFFERED"] = "1"  # a killed run keeps everything it printed
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class CliRun:
    """How a CLI run ended. ``exit_code`` is None when it was killed at the deadline."""

    exit_code: int | None
    timed_out: bool
    output: str
    duration_s: float


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by ``pid`` (the CLI was started with ``start_new_session``),
    so grandchildren die with it; a group that is already gone is fine."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_cli(argv: list[str], cwd: Path, env: dict[str, str], timeout_s: float, output: Path) -> CliRun:
    """Run ``argv`` in its own process group with stdin closed and stdout+stderr written to
    ``output``; SIGKILL the whole group at ``timeout_s`` and, in any case, once it has ended."""
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with output.open("wb") as sink:
        proc = subprocess.Popen(
            supervised(argv, env), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=sink,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            code: int | None = proc.wait(timeout=max(timeout_s, 0.01))
            timed_out = False
        except subprocess.TimeoutExpired:
            code, timed_out = None, True
        finally:
            kill_group(proc.pid)
            proc.wait()
    text = output.read_text("utf-8", "replace")
    if timed_out:
        with output.open("a", encoding="utf-8") as fh:
            fh.write(f"\n[arena: killed the process group after {timeout_s:.0f}s]\n")
    return CliRun(code, timed_out, text, time.monotonic() - started)


def cli_version(argv: list[str], env: dict[str, str], pattern: str = r"\d+\.\d+[\w.+-]*") -> str | None:
    """The first version-looking token ``argv`` (e.g. ``[exe, "--version"]``) prints; cached per
    process, None if the command fails."""
    key = tuple(argv)
    if key not in _VERSIONS:
        try:
            done = subprocess.run(
                argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=False
            )
            match = re.search(pattern, done.stdout.decode("utf-8", "replace"))
            _VERSIONS[key] = match.group(0) if done.returncode == 0 and match else None
        except (OSError, subprocess.TimeoutExpired):
            _VERSIONS[key] = None
    return _VERSIONS[key]


def tail(text: str, lines: int = 15) -> str:
    """The last non-empty ``lines`` of ``text``: where CLIs print why they stopped."""
    kept = [line for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])
