"""Scoring: a fresh directory, the pristine suite, our own pytest configuration, JUnit XML counts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_hybridarena.sandbox import ProcessSandbox
from pytest_hybridarena.scoring import INI_NAME, build_score_dir, parse_junit, score_workspace
from pytest_hybridarena.tasks import TaskSpec, load_task

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
