"""What the adapters of the npm agent CLIs (cline, opencode, claude-code) share on top of ``cli_run``:
finding the CLI in the project-local npm prefix, validating integer parameters, and running the CLI
with a *watcher* on its JSON event stream.

``tools/install-agents.sh`` installs the pinned CLIs into ``<repo>/.arena/npm`` (or
``$ARENA_NPM_PREFIX``). The adapters look for ``<prefix>/node_modules/.bin/<binary>`` in, in order:
``$ARENA_NPM_PREFIX``; ``.arena/npm`` in the current directory or any folder above it (pytest runs
from the repo or a task folder inside it); ``.arena/npm`` beside the package's own checkout (an
editable install); then ``PATH``.

The watcher exists because a CLI's own limits are not enough: cline 3.0 has no iteration limit on its
command line, and against a model that kept answering with tool calls it looped and sent ~370 MB of
requests within minutes (agent-cli-feasibility.md). The adapter reads the CLI's stdout line by line as
it is printed and kills the process group when the watcher says so (e.g. one iteration too many).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from .base import AgentRequest, AgentResult
from .cli_run import kill_group, supervised

__all__ = [
    "INSTALL_COMMAND",
    "PREFIX_ENV",
    "NpmCliAgent",
    "WatchedRun",
    "find_npm_cli",
    "install_hint",
    "note_stop",
    "npm_prefixes",
    "parse_int_params",
    "run_watched",
]

PREFIX_ENV = "ARENA_NPM_PREFIX"
INSTALL_COMMAND = "bash tools/install-agents.sh"
MAX_STDOUT_BYTES = 64 * 1024 * 1024  # a looping CLI's event stream is kept up to here, then only watched

# (returns a reason to stop the CLI, or None to let it go on)
Watcher = Callable[[str], str | None]


def npm_prefixes(cwd: Path | None = None) -> list[Path]:
    """Where the adapters look for the npm-installed CLIs, most specific first (see module doc)."""
    out: list[Path] = []
    if os.environ.get(PREFIX_ENV):
        out.append(Path(os.environ[PREFIX_ENV]).expanduser())
    start = (cwd or Path.cwd()).resolve()
    out += [folder / ".arena" / "npm" for folder in (start, *start.parents)]
    checkout = Path(__file__).resolve().parents[1]  # <repo>/agents/npm_cli.py in an editable install
    out.append(checkout / ".arena" / "npm")
    return list(dict.fromkeys(out))


def find_npm_cli(binary: str, cwd: Path | None = None) -> str | None:
    """The ``binary`` of an npm CLI: the first project-local prefix that has it, else PATH."""
    for prefix in npm_prefixes(cwd):
        path = prefix / "node_modules" / ".bin" / binary
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return shutil.which(binary)


def install_hint(binary: str, package: str) -> str:
    """The skip reason of a missing CLI: the exact command that installs it."""
    return (
        f"{binary} not found in .arena/npm, ${PREFIX_ENV} or PATH; install it from the repo root with "
        f"`{INSTALL_COMMAND}` (npm install --prefix .arena/npm {package})"
    )


def parse_int_params(
    agent: str, params: dict[str, str], rules: dict[str, tuple[int, int, int]]
) -> dict[str, int]:
    """``params`` (strings from the spec) → ints within ``rules[name] = (default, low, high)``.
    ValueError names the agent, the parameter, the value, the rule, or the known parameters."""
    values = {name: default for name, (default, _, _) in rules.items()}
    for key, raw in sorted(params.items()):
        if key not in rules:
            raise ValueError(f"{agent}: unknown parameter {key!r}; known: {', '.join(sorted(rules))}")
        _, low, high = rules[key]
        try:
            value = int(raw)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise ValueError(
                f"{agent}: parameter {key!r} must be an integer from {low} to {high}, got {raw!r}"
            )
        values[key] = value
    return values


class NpmCliAgent:
    """What the npm-CLI adapters share: finding the CLI, the install hint, and the checks every run
    starts with. Subclasses set ``name``, ``binary``, ``package`` and ``rules`` (integer params)."""

    name = ""
    binary = ""
    package = ""
    rules: ClassVar[dict[str, tuple[int, int, int]]] = {}
    uses_llm = True

    def __init__(self, executable: str | None = None) -> None:
        self._executable = executable

    def executable(self) -> str | None:
        return self._executable or find_npm_cli(self.binary)

    def check_params(self, params: dict[str, str]) -> None:
        """ValueError naming the parameter, value and rule; called before any cell runs."""
        parse_int_params(self.name, params, self.rules)

    def available(self) -> tuple[bool, str]:
        return (True, "") if self.executable() else (False, install_hint(self.binary, self.package))

    def prepare(self, request: AgentRequest) -> tuple[dict[str, int], str] | AgentResult:
        """The validated options and the CLI path, or the error result that ends the run."""
        request.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            options = parse_int_params(self.name, request.params, self.rules)
        except ValueError as exc:
            return AgentResult("error", error=str(exc))
        exe = self.executable()
        if exe is None:
            return AgentResult("error", error=install_hint(self.binary, self.package))
        if request.endpoint is None:
            return AgentResult("error", error=f"{self.name} needs an LLM endpoint (the cell has none)")
        return options, exe


@dataclass(frozen=True)
class WatchedRun:
    """How the CLI ended: ``exit_code`` None when it was killed (deadline or watcher); ``stopped``
    is the watcher's reason when it stopped the CLI."""

    exit_code: int | None
    timed_out: bool
    stopped: str | None
    duration_s: float


def run_watched(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    timeout_s: float,
    stdout_path: Path,
    stderr_path: Path,
    watch: Watcher | None = None,
) -> WatchedRun:
    """Run ``argv`` in its own process group, stdin closed; stdout lines go to ``stdout_path`` as
    they come and through ``watch``; stderr goes to ``stderr_path``. The whole group is SIGKILLed at
    ``timeout_s``, when ``watch`` returns a reason, and in any case once the CLI has ended (strays)."""
    stdout_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    stopped: list[str] = []
    with stderr_path.open("wb") as err_sink, stdout_path.open("wb") as out_sink:
        proc = subprocess.Popen(  # under the supervisor: a SIGKILLed harness leaves no CLI behind
            supervised(argv, env), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=err_sink, start_new_session=True,
        )  # fmt: skip
        assert proc.stdout is not None
        pipe = proc.stdout

        def pump() -> None:
            written = 0
            for raw in iter(pipe.readline, b""):
                if written < MAX_STDOUT_BYTES:
                    out_sink.write(raw)
                    out_sink.flush()
                    written += len(raw)
                if watch is not None and not stopped:
                    reason = watch(raw.decode("utf-8", "replace"))
                    if reason:
                        stopped.append(reason)
                        kill_group(proc.pid)

        reader = threading.Thread(target=pump, name=f"watch-{Path(argv[0]).name}", daemon=True)
        reader.start()
        try:
            code: int | None = proc.wait(timeout=max(timeout_s, 0.01))
            timed_out = False
        except subprocess.TimeoutExpired:
            code, timed_out = None, True
        finally:
            kill_group(proc.pid)
            proc.wait()
        # The group is dead, so the pipe reaches EOF; a grandchild that left the group with setsid()
        # could hold it open, hence the bound (the thread is a daemon).
        reader.join(timeout=10)
        if not reader.is_alive():
            pipe.close()
    if stopped:
        code = None
    return WatchedRun(
        code, timed_out and not stopped, stopped[0] if stopped else None, time.monotonic() - started
    )


def note_stop(transcript: Path, reason: str) -> None:
    """Append ``{"type": "arena_stop", "reason": ...}`` as the transcript's last line (the CLI was
    killed mid-line, so a newline first if needed)."""
    with transcript.open("a+b") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell():
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                fh.write(b"\n")
        fh.write(json.dumps({"type": "arena_stop", "reason": reason}).encode() + b"\n")
