"""Scoring: a fresh directory, the pristine suite, our own pytest configuration, JUnit XML counts."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from pytest_hybridarena.run.sandbox import ProcessSandbox, SandboxResult
from pytest_hybridarena.run.sandbox.channel import read_records
from pytest_hybridarena.run.scoring import INI_NAME, _interpret, build_score_dir, parse_junit, score_workspace
from pytest_hybridarena.run.tasks import TaskSpec, load_task

JUNIT = b"""<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="5">
<testcase classname="tests.test_a" name="test_ok" time="0.001"/>
<testcase classname="tests.test_a" name="test_bad"><failure message="assert 1 == 2">x</failure></testcase>
<testcase classname="tests.test_a" name="test_err"><error message="fixture">x</error></testcase>
<testcase classname="tests.test_a" name="test_skip"><skipped message="later"/></testcase>
<testcase classname="tests.test_a" name="test_ok2"/>
</testsuite></testsuites>"""


def test_parse_junit_counts_every_outcome_and_skips_are_not_passes() -> None:
    counts, failed = parse_junit(JUNIT)
    assert counts == {"passed": 2, "failed": 1, "errors": 1, "skipped": 1, "total": 5}
    assert failed == ("tests.test_a::test_bad", "tests.test_a::test_err", "tests.test_a::test_skip (skipped)")


def make_spec(tmp_path: Path, tests: str, score: str = "") -> TaskSpec:
    folder = tmp_path / "task" / "puzzles" / "t"
    (folder / "workspace").mkdir(parents=True)
    (folder / "tests").mkdir()
    (folder / "tests" / "test_mod.py").write_text(textwrap.dedent(tests))
    (folder / "task.toml").write_text(f'instruction = "x"\n{score}')
    return load_task(folder)


def workspace_with(tmp_path: Path, files: dict[str, str]) -> Path:
    ws = tmp_path / "ws"
    for name, text in files.items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).write_text(textwrap.dedent(text))
    return ws


TESTS = """
from mod import value

def test_value():
    assert value() == 42
"""


def test_build_score_dir_replaces_agent_tests_and_config(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, TESTS)
    ws = workspace_with(
        tmp_path, {"mod.py": "", "tests/test_mod.py": "# agent's", INI_NAME: "[pytest]\naddopts=-x\n"}
    )
    build_score_dir(spec, ws, tmp_path / "score")
    assert (tmp_path / "score" / "tests" / "test_mod.py").read_text() == textwrap.dedent(TESTS)
    assert "addopts" not in (tmp_path / "score" / INI_NAME).read_text()


def test_a_correct_workspace_passes(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, TESTS)
    ws = workspace_with(tmp_path, {"mod.py": "def value():\n    return 42\n"})
    result = score_workspace(spec, ws, tmp_path / "work", ProcessSandbox())
    assert result.all_passed
    assert result.tests == {"passed": 1, "failed": 0, "errors": 0, "skipped": 0, "total": 1}


def test_planted_files_cannot_make_a_wrong_workspace_pass(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, TESTS)
    ws = workspace_with(
        tmp_path,
        {
            "mod.py": "def value():\n    return 0\n",
            # a root conftest that would turn every failure into a pass
            "conftest.py": """
                import pytest
                @pytest.hookimpl(wrapper=True)
                def pytest_runtest_makereport(item, call):
                    rep = yield
                    rep.outcome = "passed"
                    return rep
            """,
            "pytest.ini": "[pytest]\naddopts = -p no:junitxml\n",
            "setup.cfg": "[tool:pytest]\naddopts = --co\n",
            # a module that would shadow pytest itself under plain `python -m pytest`
            "pytest.py": "raise SystemExit(0)\n",
        },
    )
    result = score_workspace(spec, ws, tmp_path / "work", ProcessSandbox())
    assert not result.all_passed
    assert result.tests["failed"] == 1
    assert result.problem is None


def test_a_suite_that_collects_nothing_cannot_judge(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, "def helper():\n    pass\n")
    result = score_workspace(
        spec, workspace_with(tmp_path, {"mod.py": ""}), tmp_path / "work", ProcessSandbox()
    )
    assert result.problem == "the acceptance suite collected no tests"


def test_broken_agent_code_is_a_fail_not_an_error(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, TESTS)
    ws = workspace_with(tmp_path, {"mod.py": "def value(:\n"})
    result = score_workspace(spec, ws, tmp_path / "work", ProcessSandbox())
    assert result.problem is None
    assert not result.all_passed
    assert result.tests["errors"] == 1


def test_a_hung_suite_is_stopped_and_counts_as_not_passed(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, TESTS, score="[score]\ntimeout_s = 2\n")
    ws = workspace_with(tmp_path, {"mod.py": "def value():\n    while True:\n        pass\n"})
    result = score_workspace(spec, ws, tmp_path / "work", ProcessSandbox())
    assert result.timed_out
    assert not result.all_passed
    assert result.problem_kind == "score-timeout"
    assert "did not finish within its 2s budget" in (result.problem or "")


@pytest.mark.parametrize(("code", "passed"), [("raise SystemExit(0)", True), ("raise SystemExit(3)", False)])
def test_custom_score_command_without_junit_uses_the_exit_code(
    tmp_path: Path, code: str, passed: bool
) -> None:
    score = f'[score]\ncommand = ["{{python}}", "-c", "{code}"]\n'
    spec = make_spec(tmp_path, TESTS, score=score)
    result = score_workspace(
        spec, workspace_with(tmp_path, {"mod.py": ""}), tmp_path / "work", ProcessSandbox()
    )
    assert result.all_passed is passed
    assert result.tests["total"] == 1


# --- the result channel ------------------------------------------------------------------------

A, B = "tests/test_mod.py::test_a", "tests/test_mod.py::test_b"


def records(*lines: object) -> bytes:
    return b"".join(
        (line if isinstance(line, bytes) else json.dumps(line).encode()) + b"\n" for line in lines
    )


def test_the_channel_is_write_once_and_closes_at_finish() -> None:
    data = records(
        {"t": "test", "id": A, "o": "failed"},
        {"t": "test", "id": A, "o": "passed"},  # a second word on the same test
        b"not json",
        {"t": "test", "id": B, "o": "won"},  # not an outcome
        {"t": "finish", "status": 1},
        {"t": "test", "id": B, "o": "passed"},  # after the session ended
    )
    report = read_records(data)
    assert report.outcomes == {A: "failed"}
    assert (report.finished, report.status, report.ignored) == (True, 1, 4)


def channel_result(data: bytes, exit_code: int = 1) -> SandboxResult:
    return SandboxResult(exit_code, False, "", "", 0.1, {"kind": "process"}, channel=data)


def test_a_test_the_pristine_suite_does_not_define_is_a_mismatch_error(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, TESTS)
    data = records({"t": "test", "id": A, "o": "passed"}, {"t": "finish", "status": 0})
    result = _interpret(spec, channel_result(data, 0), ("tests/test_mod.py::test_value",), "", False)
    assert (result.outcome, result.problem_kind) == ("error", "score-mismatch")
    assert "does not define" in (result.problem or "")


def test_a_test_that_never_reported_is_a_mismatch_error(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, TESTS)
    data = records({"t": "test", "id": A, "o": "passed"}, {"t": "finish", "status": 0})
    result = _interpret(spec, channel_result(data, 0), (A, B), "", False)
    assert (result.outcome, result.problem_kind) == ("error", "score-mismatch")
    assert "never reported" in (result.problem or "")


def test_all_passed_against_a_failing_exit_status_is_a_mismatch_error(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, TESTS)
    data = records({"t": "test", "id": A, "o": "passed"}, {"t": "finish", "status": 0})
    result = _interpret(spec, channel_result(data, exit_code=1), (A,), "", False)
    assert (result.outcome, result.problem_kind) == ("error", "score-mismatch")


def test_modified_hidden_tests_are_a_mismatch_error(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, TESTS)
    data = records({"t": "test", "id": A, "o": "passed"}, {"t": "finish", "status": 0})
    result = _interpret(spec, channel_result(data, 0), (A,), "", True)
    assert (result.outcome, result.problem_kind) == ("error", "score-mismatch")


def test_a_suite_that_never_finished_is_an_error(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, TESTS)
    result = _interpret(
        spec, channel_result(records({"t": "test", "id": A, "o": "passed"}), 0), (A,), "", False
    )
    assert result.outcome == "error"
    assert "ended before pytest finished its session" in (result.problem or "")


def test_parametrized_tests_are_counted_by_pytest(tmp_path: Path) -> None:
    tests = """
    import pytest
    from mod import value

    @pytest.fixture(params=[1, 2])
    def n(request):
        return request.param

    @pytest.mark.parametrize("k", range(3))
    def test_value(k, n):
        assert value() == 42
    """
    spec = make_spec(tmp_path, tests)
    result = score_workspace(spec, workspace_with(tmp_path, {"mod.py": "def value():\n    return 42\n"}),
                             tmp_path / "work", ProcessSandbox())  # fmt: skip
    assert result.tests == {"passed": 6, "failed": 0, "errors": 0, "skipped": 0, "total": 6}
