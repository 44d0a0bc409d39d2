"""Scoring: the pristine acceptance suite run against the agent's workspace, in a sandbox.

The agent's files are copied into a *fresh* directory, the task's ``tests/`` is put in last (any
``tests/`` the agent wrote is dropped), and pytest runs there with a configuration the agent cannot
influence: our own ini file via ``-c``, ``--confcutdir tests`` (a ``conftest.py`` the agent planted at
the root is never loaded), ``-P`` (a planted ``pytest.py`` cannot shadow pytest), plugin autoload off,
no cache provider. Results come from the JUnit XML report, never from pytest's summary line.
"""

from __future__ import annotations

import os
import shutil
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_hybridarena.sandbox import Sandbox, SandboxResult
from pytest_hybridarena.tasks import TaskSpec

__all__ = ["ScoreResult", "build_score_dir", "copy_workspace", "parse_junit", "score_workspace"]

JUNIT_NAME = ".arena-junit.xml"
INI_NAME = ".arena-pytest.ini"
_INI_TEXT = "[pytest]\npythonpath = .\njunit_family = xunit2\n"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".git")


@dataclass(frozen=True)
class ScoreResult:
    """What the acceptance suite said. ``problem`` is set when the suite could not judge at all (it
    collected nothing, or produced no report): then the outcome is an error, not a fail, of kind
    ``problem_kind`` — ``score``, or ``sandbox-limit`` when a sandbox cap (memory, processes, CPU
    time, file size) stopped the suite before it could report. ``timed_out`` without a report means
    the suite ran out of its wall budget: a timeout row (``score-timeout``)."""

    tests: dict[str, int]
    exit_code: int | None
    timed_out: bool
    duration_s: float
    isolation: dict[str, Any] = field(default_factory=dict)
    failed_tests: tuple[str, ...] = ()
    problem: str | None = None
    problem_kind: str = "score"

    @property
    def all_passed(self) -> bool:
        return (
            self.problem is None and self.tests["total"] > 0 and self.tests["passed"] == self.tests["total"]
        )

    @property
    def outcome(self) -> str:
        """The row outcome this score gives: pass, fail, error, or timeout (``score-timeout``)."""
        if self.problem is not None:
            return "timeout" if self.problem_kind == "score-timeout" else "error"
        return "pass" if self.all_passed else "fail"


def copy_workspace(src: Path, dest: Path) -> None:
    """Copy a task's ``workspace/`` (only it: never ``tests/`` or ``solution/``) for one agent run."""
    shutil.copytree(src, dest, symlinks=True, ignore=_IGNORE)


def build_score_dir(spec: TaskSpec, workspace: Path, score_dir: Path) -> None:
    """Agent's files first, then the pristine suite and our ini file, each overwriting what was there."""
    shutil.copytree(workspace, score_dir, symlinks=True, ignore=_IGNORE)
    for name in ("tests", INI_NAME, JUNIT_NAME):
        _remove(score_dir / name)
    shutil.copytree(spec.tests, score_dir / "tests", ignore=_IGNORE)
    (score_dir / INI_NAME).write_text(_INI_TEXT, encoding="utf-8")


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def pytest_argv(python: str) -> list[str]:
    return [
        python,
        "-P",
        "-m",
        "pytest",
        "tests",
        "-c",
        INI_NAME,
        "--rootdir",
        ".",
        "--confcutdir",
        "tests",
        "-p",
        "no:cacheprovider",
        "--junitxml",
        JUNIT_NAME,
        "-q",
        "--no-header",
        "-rN",
    ]


def score_workspace(
    spec: TaskSpec, workspace: Path, workdir: Path, sandbox: Sandbox, log_dir: Path | None = None
) -> ScoreResult:
    """Build a fresh scoring directory under ``workdir`` and run the task's score command in it."""
    score_dir = workdir / "score"
    build_score_dir(spec, workspace, score_dir)
    python = sys.executable if sandbox.name == "process" else "python"
    if spec.score_command is None:
        argv = pytest_argv(python)
    else:
        argv = [python if a == "{python}" else a.replace("{junit}", JUNIT_NAME) for a in spec.score_command]
    env = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONHASHSEED": "0"}
    # The process sandbox inherits the host environment (scrubbed); a container keeps its own
    # PATH and gets only our variables.
    env = env if sandbox.name == "docker" else {**os.environ, **env}
    result = sandbox.run(argv, cwd=score_dir, timeout_s=spec.score_timeout_s, env=env)
    if log_dir is not None:
        (log_dir / "score.log").write_text(_score_log(argv, result), encoding="utf-8")
    return _interpret(spec, score_dir / JUNIT_NAME, result)


def _score_log(argv: list[str], result: SandboxResult) -> str:
    return (
        f"$ {' '.join(argv)}\nexit={result.exit_code} timed_out={result.timed_out} "
        f"duration={result.duration_s:.2f}s\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}\n"
    )


def _interpret(spec: TaskSpec, junit: Path, result: SandboxResult) -> ScoreResult:
    base: dict[str, Any] = {
        "exit_code": result.exit_code,
        "timed_out": result.timed_out,
        "duration_s": result.duration_s,
        "isolation": dict(result.isolation),
    }
    if junit.is_file():
        try:
            tests, failed = parse_junit(junit.read_bytes())
        except ET.ParseError as exc:
            # A report cut off mid-write by the timeout or a limit is no report: say why below.
            if not (result.timed_out or limit_hit(result)):
                return ScoreResult(tests=_zero(), problem=f"unreadable JUnit XML: {exc}", **base)
        else:
            if tests["total"] == 0:
                return ScoreResult(tests=tests, problem="the acceptance suite collected no tests", **base)
            return ScoreResult(tests=tests, failed_tests=failed, **base)
    if result.timed_out:
        # A hung or far too slow solution: every test counts as not passed, and the row says why.
        return ScoreResult(
            tests=_zero(),
            failed_tests=("<acceptance suite timed out>",),
            problem=f"the acceptance suite did not finish within its {spec.score_timeout_s:g}s budget "
            "(the solution hangs or is far too slow); its processes were killed",
            problem_kind="score-timeout",
            **base,
        )
    limit = limit_hit(result)
    if limit is not None:
        return ScoreResult(
            tests=_zero(),
            failed_tests=("<stopped by a sandbox limit>",),
            problem=f"the acceptance suite was stopped by a sandbox limit before it reported: {limit}",
            problem_kind="sandbox-limit",
            **base,
        )
    if spec.score_command is not None:
        passed = int(result.exit_code == 0)
        tests = {"passed": passed, "failed": 1 - passed, "errors": 0, "skipped": 0, "total": 1}
        return ScoreResult(tests=tests, failed_tests=() if passed else ("<score command>",), **base)
    tail = (result.stderr or result.stdout)[-500:]
    return ScoreResult(
        tests=_zero(), problem=f"pytest wrote no JUnit report (exit {result.exit_code}): {tail}", **base
    )


_SIGNALS = {9: "SIGKILL", 24: "SIGXCPU", 25: "SIGXFSZ"}


def limit_hit(result: SandboxResult) -> str | None:
    """Which sandbox cap stopped the command, from the cgroup's counters and the fatal signal;
    None when nothing points to a limit."""
    iso: dict[str, Any] = result.isolation
    cgroup: dict[str, Any] = iso["cgroup"] if isinstance(iso.get("cgroup"), dict) else {}
    hit: dict[str, int] = cgroup.get("hit") or {}
    code = result.exit_code
    signum = -code if code is not None and code < 0 else code - 128 if code and code > 128 else None
    reasons: list[str] = []
    if hit.get("oom_kill"):
        reasons.append(
            f"memory cap of {cgroup.get('memory_max_mb')} MiB on the process tree "
            f"(OOM killer: {hit['oom_kill']} kill(s))"
        )
    if hit.get("pids"):
        reasons.append(f"process cap of {cgroup.get('pids_max')} ({hit['pids']} fork(s) refused)")
    rlimits: dict[str, int] = (iso.get("rlimits") or {}).get("applied") or {}
    if signum == 24:
        reasons.append(f"CPU time limit (RLIMIT_CPU {rlimits.get('RLIMIT_CPU', '?')} s): SIGXCPU")
    elif signum == 25:
        size = rlimits.get("RLIMIT_FSIZE")
        reasons.append(
            f"file size limit (RLIMIT_FSIZE {size // (1024 * 1024) if size else '?'} MiB): SIGXFSZ"
        )
    if not reasons:
        return None
    if signum in _SIGNALS and signum not in (24, 25):
        reasons.append(f"exit by {_SIGNALS[signum]}")
    return "; ".join(reasons)


def _zero() -> dict[str, int]:
    return {"passed": 0, "failed": 0, "errors": 0, "skipped": 0, "total": 0}


def parse_junit(data: bytes) -> tuple[dict[str, int], tuple[str, ...]]:
    """Count test cases by outcome in a JUnit XML report; skipped tests count as not passed."""
    root = ET.fromstring(data)
    counts = _zero()
    failed: list[str] = []
    for case in root.iter("testcase"):
        name = "::".join(filter(None, (case.get("classname"), case.get("name"))))
        kinds = {child.tag for child in case}
        counts["total"] += 1
        if "error" in kinds:
            counts["errors"] += 1
            failed.append(name)
        elif "failure" in kinds:
            counts["failed"] += 1
            failed.append(name)
        elif "skipped" in kinds:
            counts["skipped"] += 1
            failed.append(f"{name} (skipped)")
        else:
            counts["passed"] += 1
    return counts, tuple(failed)
