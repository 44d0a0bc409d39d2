"""Scoring: the pristine acceptance suite run against the agent's workspace, in a sandbox.

The agent's files are copied into a *fresh* directory, the task's ``tests/`` is put in last (any
``tests/`` the agent wrote is dropped), and pytest runs there with a configuration the agent cannot
influence: our own ini file via ``-c``, ``--confcutdir tests`` (a ``conftest.py`` the agent planted at
the root is never loaded), ``-P`` (a planted ``pytest.py`` cannot shadow pytest), plugin autoload off,
no cache provider.

The verdict never comes from a file the scored code could reach: our plugin streams each test's
outcome on a pipe as the test finishes (``sandbox/channel.py``), the harness counts the tests the
pristine suite defines in a separate run, and the two must agree. Only a task's own ``[score]
command`` is still judged by its JUnit XML or exit status. What this defends, and what it cannot,
is in ``docs/sandbox.md``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_hybridarena.run.sandbox import Sandbox, SandboxResult
from pytest_hybridarena.run.sandbox.channel import PLUGIN_MODULE, STUBS_ENV, install_plugin, read_records
from pytest_hybridarena.run.tasks import TaskSpec

__all__ = [
    "ScoreResult",
    "build_score_dir",
    "copy_workspace",
    "parse_junit",
    "pristine_test_ids",
    "score_workspace",
    "tree_digest",
]

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
        "-p",
        PLUGIN_MODULE,
        "-q",
        "--no-header",
        "-rN",
    ]


def score_workspace(
    spec: TaskSpec, workspace: Path, workdir: Path, sandbox: Sandbox, log_dir: Path | None = None
) -> ScoreResult:
    """Build a fresh scoring directory under ``workdir`` and run the task's score command in it.

    The default command's verdict comes only from the result channel (``sandbox/channel.py``),
    checked against the test ids the pristine suite defines (:func:`pristine_test_ids`); the hidden
    tests, our ini file and the channel plugin are mounted read-only where the sandbox can, and the
    tests are hashed before and after the run in any case.
    """
    score_dir = workdir / "score"
    build_score_dir(spec, workspace, score_dir)
    harness_dir = workdir / "score-harness"
    install_plugin(harness_dir)
    python = sys.executable if sandbox.name == "process" else "python"
    env = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONHASHSEED": "0", "PYTHONPATH": str(harness_dir)}
    # The process sandbox inherits the host environment (scrubbed); a container keeps its own
    # PATH and gets only our variables.
    env = env if sandbox.name == "docker" else {**os.environ, **env}
    hide = _cell_paths(spec, workdir, log_dir)
    readonly = (score_dir / "tests", score_dir / INI_NAME, harness_dir)
    if spec.score_command is not None:
        argv = [python if a == "{python}" else a.replace("{junit}", JUNIT_NAME) for a in spec.score_command]
        result = sandbox.run(
            argv, cwd=score_dir, timeout_s=spec.score_timeout_s, env=env, readonly=readonly, hide=hide
        )
        if log_dir is not None:
            (log_dir / "score.log").write_text(_score_log(argv, result), encoding="utf-8")
        return _interpret_custom(spec, score_dir / JUNIT_NAME, result)
    expected, why = pristine_test_ids(spec, workdir, sandbox, env, hide, (harness_dir,))
    argv = pytest_argv(python)
    before = tree_digest(score_dir / "tests")
    result = sandbox.run(
        argv,
        cwd=score_dir,
        timeout_s=spec.score_timeout_s,
        env=env,
        readonly=readonly,
        hide=hide,
        channel=True,
    )
    if log_dir is not None:
        (log_dir / "score.log").write_text(_score_log(argv, result), encoding="utf-8")
    tampered = tree_digest(score_dir / "tests") != before
    return _interpret(spec, result, expected, why, tampered)


def _cell_paths(spec: TaskSpec, workdir: Path, log_dir: Path | None) -> tuple[Path, ...]:
    """What scored code has no business reading: the other cells' working folders (siblings of
    ``workdir``), every cell's artifacts, and the task folder (its reference solution)."""
    paths = [workdir.parent, spec.path]
    if log_dir is not None:
        paths.append(log_dir.parent)
    return tuple(paths)


_PRISTINE: dict[tuple[str, str], tuple[str, ...]] = {}


def pristine_test_ids(
    spec: TaskSpec,
    workdir: Path,
    sandbox: Sandbox,
    env: dict[str, str],
    hide: tuple[Path, ...] = (),
    readonly: tuple[Path, ...] = (),
) -> tuple[tuple[str, ...] | None, str]:
    """The test ids the pristine suite defines, as ``(ids, "")``, else ``(None, why)``.

    pytest itself counts them (``--collect-only`` in the sandbox, with the channel plugin reporting
    the ids), so parametrize, fixtures with params and ``pytest_generate_tests`` count as they will in
    the scored run — which an AST count cannot promise. It collects the tests on the task's pristine
    workspace first, with no code of the agent's anywhere; when that does not import (a from-scratch
    task), again with every missing module stubbed, and last on the reference solution. Cached per
    task content.
    """
    key = (str(spec.path.resolve()), tree_digest(spec.path))
    if key in _PRISTINE:
        return _PRISTINE[key], ""
    problems: list[str] = []
    count_dir = workdir / "count"
    for label in ("pristine workspace", "pristine workspace, missing modules stubbed", "reference solution"):
        _remove(count_dir)
        build_score_dir(spec, spec.workspace, count_dir)
        if label == "reference solution":
            if not spec.solution.is_dir():
                continue
            _overlay(spec.solution, count_dir)
        stubs = {STUBS_ENV: "1"} if "stubbed" in label else {}
        result = sandbox.run(
            [*pytest_argv(env_python(sandbox)), "--collect-only"],
            cwd=count_dir,
            timeout_s=spec.score_timeout_s,
            env={**env, **stubs},
            readonly=readonly,
            hide=hide,
            channel=True,
        )
        report = read_records(result.channel or b"")
        if report.finished and report.collected is not None and not report.collect_errors:
            if report.status in (0, 5):  # 5: collected nothing, judged later as "no tests"
                _PRISTINE[key] = tuple(report.collected)
                _remove(count_dir)
                return _PRISTINE[key], ""
        tail = (result.stderr or result.stdout).strip()[-300:]
        problems.append(f"on the {label}: exit {result.exit_code}: {tail}")
    _remove(count_dir)
    return None, "could not count the pristine suite's tests " + "; ".join(problems)


def env_python(sandbox: Sandbox) -> str:
    return sys.executable if sandbox.name == "process" else "python"


def _overlay(solution: Path, dest: Path) -> None:
    for src in sorted(solution.rglob("*")):
        if src.is_file() and src.suffix not in (".patch", ".diff"):
            target = dest / src.relative_to(solution)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)


def tree_digest(root: Path) -> str:
    """SHA-256 over every path, symlink target and file content under ``root`` (not following
    links), so a change anywhere in the hidden tests shows."""
    digest = hashlib.sha256()
    if not root.exists():
        return ""
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        if path.is_symlink():
            digest.update(b"L" + os.readlink(path).encode())
        elif path.is_file():
            digest.update(b"F" + path.read_bytes())
    return digest.hexdigest()


def _score_log(argv: list[str], result: SandboxResult) -> str:
    return (
        f"$ {' '.join(argv)}\nexit={result.exit_code} timed_out={result.timed_out} "
        f"duration={result.duration_s:.2f}s\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}\n"
    )


def _base(result: SandboxResult) -> dict[str, Any]:
    return {
        "exit_code": result.exit_code,
        "timed_out": result.timed_out,
        "duration_s": result.duration_s,
        "isolation": dict(result.isolation),
    }


def _interpret(
    spec: TaskSpec,
    result: SandboxResult,
    expected: tuple[str, ...] | None,
    count_problem: str,
    tampered: bool,
) -> ScoreResult:
    """Turn the channel's records into counts, under the cross-checks: the tests reported must be
    exactly the pristine suite's, the hidden tests unchanged, and pytest's own exit status must agree
    with an all-passed claim. Any disagreement is an error of kind ``score-mismatch``, never a pass."""
    base = _base(result)
    report = read_records(result.channel or b"")
    if tampered:
        return _mismatch("the hidden tests were modified during the scored run", base)
    if result.timed_out and not report.finished:
        return ScoreResult(
            tests=_zero(),
            failed_tests=("<acceptance suite timed out>",),
            problem=f"the acceptance suite did not finish within its {spec.score_timeout_s:g}s budget "
            "(the solution hangs or is far too slow); its processes were killed",
            problem_kind="score-timeout",
            **base,
        )
    if not report.finished:
        limit = limit_hit(result)
        if limit is not None:
            return ScoreResult(
                tests=_zero(),
                failed_tests=("<stopped by a sandbox limit>",),
                problem=f"the acceptance suite was stopped by a sandbox limit before it reported: {limit}",
                problem_kind="sandbox-limit",
                **base,
            )
        tail = (result.stderr or result.stdout)[-500:]
        return ScoreResult(
            tests=_zero(),
            problem=f"the acceptance suite ended before pytest finished its session (exit "
            f"{result.exit_code}); {len(report.outcomes)} test(s) had reported: {tail}",
            **base,
        )
    if expected is None:
        return ScoreResult(tests=_zero(), problem=count_problem, **base)
    if not expected:
        return ScoreResult(tests=_zero(), problem="the acceptance suite collected no tests", **base)
    extra = sorted(set(report.outcomes) - set(expected))
    if extra:
        return _mismatch(
            f"the scored run reported {len(extra)} test(s) the pristine suite does not define: "
            + ", ".join(extra[:5]),
            base,
        )
    missing = [t for t in expected if t not in report.outcomes]
    if missing and not report.collect_errors:
        return _mismatch(
            f"{len(missing)} of the pristine suite's {len(expected)} tests never reported: "
            + ", ".join(missing[:5]),
            base,
        )
    counts = _zero()
    failed: list[str] = [f"{e} (collection error)" for e in report.collect_errors]
    kinds = {"passed": "passed", "failed": "failed", "error": "errors", "skipped": "skipped"}
    for test in expected:
        outcome = report.outcomes.get(test, "error")  # not run: its module did not import
        counts[kinds[outcome]] += 1
        counts["total"] += 1
        if outcome != "passed":
            failed.append(f"{test} (skipped)" if outcome == "skipped" else test)
    exited = result.exit_code is not None  # None: hung after pytest's session end, then killed
    if counts["passed"] == counts["total"] and (report.status != 0 or (exited and result.exit_code != 0)):
        return _mismatch(
            f"every test reported passed, but pytest's session said exit status {report.status} and "
            f"the process exited with {result.exit_code}",
            base,
        )
    return ScoreResult(tests=counts, failed_tests=tuple(failed), **base)


def _mismatch(message: str, base: dict[str, Any]) -> ScoreResult:
    return ScoreResult(tests=_zero(), problem=message, problem_kind="score-mismatch", **base)


def _interpret_custom(spec: TaskSpec, junit: Path, result: SandboxResult) -> ScoreResult:
    """A task's own score command: its JUnit report or exit status, which the command's own code
    could forge (``docs/sandbox.md``)."""
    base = _base(result)
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
    passed = int(result.exit_code == 0)
    tests = {"passed": passed, "failed": 1 - passed, "errors": 0, "skipped": 0, "total": 1}
    return ScoreResult(tests=tests, failed_tests=() if passed else ("<score command>",), **base)


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
