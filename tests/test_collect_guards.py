"""Hostile task folders at collection: each is a collection error of its own that names the folder (and
the file, field and value), the other tasks still run, and a hidden suite never runs as plain tests."""

from __future__ import annotations

import pytest

from tests.conftest import MakeTask
from tests.test_plugin import rows_of

# A hidden suite that leaves a mark if pytest ever imports it as a plain test module (on the host,
# outside the sandbox), and that cannot be imported without the agent's module (as in the report).
HIDDEN_SUITE = """
from pathlib import Path
Path(__file__).resolve().parents[4].joinpath("HIDDEN-SUITE-RAN").write_text("imported on the host")
from calc import add

def test_add():
    assert add(1, 2) == 3
"""


def hidden_suite_ran(pytester: pytest.Pytester) -> bool:
    return (pytester.path / "HIDDEN-SUITE-RAN").exists()


def test_a_task_folder_without_task_toml_is_a_collection_error_of_its_own(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    (make_task("orphan", tests={"test_hidden.py": HIDDEN_SUITE}) / "task.toml").unlink()
    lone = make_task("lone", cls="newclass", tests={"test_hidden.py": HIDDEN_SUITE})
    (lone / "task.toml").unlink()
    for part in ("workspace", "solution"):  # only tests/ left, in a class of its own
        for file in (lone / part).iterdir():
            file.unlink()
        (lone / part).rmdir()
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*bench_tasks/puzzles/orphan: looks like a task folder (it has workspace/, tests/, solution/) "
            "but has no task.toml*"
        ]
    )
    result.stdout.fnmatch_lines(["*bench_tasks/newclass/lone: looks like a task folder (it has tests/)*"])
    assert not hidden_suite_ran(pytester)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert [r["cell"]["task_id"] for r in rows_of(pytester)] == ["add"]


@pytest.mark.parametrize("target", ["tests", "tests/test_hidden.py", "workspace", "solution"])
@pytest.mark.parametrize("inside", [True, False], ids=["rootdir-inside-task", "rootdir-above"])
def test_folders_inside_a_task_are_never_collected_as_plain_tests(
    pytester: pytest.Pytester, make_task: MakeTask, target: str, inside: bool
) -> None:
    folder = make_task(
        "add",
        tests={"test_hidden.py": HIDDEN_SUITE},
        workspace={"calc.py": "", "test_visible.py": HIDDEN_SUITE},
        solution={"test_ref.py": HIDDEN_SUITE},
    )
    part = folder / target.split("/")[0]
    # pytest starts collecting at its rootdir: inside the task, nothing above it is asked first.
    rootdir = [f"--rootdir={part}"] if inside else []
    result = pytester.runpytest(str(folder / target), *rootdir, "--arena-agents=oracle")
    assert not hidden_suite_ran(pytester)
    assert result.ret != pytest.ExitCode.OK
    if inside:
        result.stdout.fnmatch_lines([f"*{part}: is inside the task folder {folder}, whose suite runs only*"])


def test_budgets_that_are_not_finite_are_collection_errors_of_their_task(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    make_task("forever", toml='timeout_s = inf\ninstruction = "x"\n')
    make_task("huge", toml='timeout_s = 1e308\ninstruction = "x"\n')
    make_task("nan-score", toml='instruction = "x"\n[score]\ntimeout_s = nan\n')
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle", "-p", "no:timeout")
    result.assert_outcomes(passed=1, errors=3)
    result.stdout.fnmatch_lines(
        [
            "*puzzles/forever/task.toml: field 'timeout_s' = inf: must be a positive number of seconds, "
            "at most 86400 (one day)*"
        ]
    )
    result.stdout.fnmatch_lines(["*puzzles/huge/task.toml: field 'timeout_s' = 1e+308: must be*"])
    result.stdout.fnmatch_lines(["*puzzles/nan-score/task.toml: field 'score.timeout_s' = nan: must be*"])
    assert "INTERNALERROR" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert [r["cell"]["task_id"] for r in rows_of(pytester)] == ["add"]


def test_an_infinite_budget_under_pytest_timeout_is_a_collection_error(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    pytest.importorskip("pytest_timeout")
    make_task("add")
    make_task("forever", toml='timeout_s = inf\ninstruction = "x"\n')
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle")
    result.assert_outcomes(passed=1, errors=1)
    assert "INTERNALERROR" not in result.stdout.str()


def test_two_folders_with_one_task_id_are_a_collection_error_naming_both(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    first = make_task("first", toml='id = "same"\ninstruction = "x"\n')
    second = make_task("second", toml='id = "same"\ninstruction = "x"\n')
    third = make_task("same", cls="refactors", toml='class = "puzzles"\ninstruction = "x"\n')
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle")
    result.assert_outcomes(passed=1, errors=2)
    for other in (second, third):
        result.stdout.fnmatch_lines(
            [f"*{other}: task 'puzzles/same' (class/id) is already defined by {first.resolve()}*"]
        )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    [row] = rows_of(pytester)
    assert row["cell"]["task_id"] == "same"


def test_the_same_folder_given_twice_is_not_a_duplicate(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", "bench_tasks/puzzles/add", "--arena-agents=oracle", "--co")
    assert "already defined" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.OK


def test_a_score_command_that_cannot_start_is_a_collection_error(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    make_task("nobin", toml='instruction = "x"\n[score]\ncommand = ["/nonexistent/bin"]\n')
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle")
    result.assert_outcomes(passed=1, errors=1)
    assert (
        "puzzles/nobin/task.toml: field 'score.command' = ['/nonexistent/bin']: its program "
        "'/nonexistent/bin' does not exist or is not executable on this machine"
    ) in result.stdout.str()
    assert [r["cell"]["task_id"] for r in rows_of(pytester)] == ["add"]


def test_a_score_command_that_cannot_be_executed_is_an_error_row_naming_it(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    # A relative program may come from the workspace: only scoring can tell it is missing.
    make_task("missing", toml='instruction = "x"\n[score]\ncommand = ["./missing.sh", "{junit}"]\n')
    notexec = make_task("notexec", toml='instruction = "x"\n[score]\ncommand = ["tests/run.sh"]\n')
    (notexec / "tests" / "run.sh").write_text("#!/bin/sh\nexit 0\n")
    (notexec / "tests" / "run.sh").chmod(0o644)
    # A wrapper that starts but whose program is missing exits 127, as a shell does.
    wrapper = make_task("wrapper", toml='instruction = "x"\n[score]\ncommand = ["tests/run.sh"]\n')
    (wrapper / "tests" / "run.sh").write_text("#!/bin/sh\nexec /nonexistent/helper\n")
    (wrapper / "tests" / "run.sh").chmod(0o755)
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle")
    rows = {r["cell"]["task_id"]: r for r in rows_of(pytester)}
    assert rows["add"]["outcome"] == "pass"
    missing = rows["missing"]
    assert (missing["outcome"], missing["error"]["kind"]) == ("error", "score")
    assert missing["error"]["message"] == (
        "the score command ['./missing.sh', '{junit}'] cannot be executed: './missing.sh' is not a file "
        "of the scoring folder (the workspace and the task's tests/)"
    )
    notexec = rows["notexec"]
    assert (notexec["outcome"], notexec["error"]["kind"]) == ("error", "score")
    assert notexec["error"]["message"] == (
        "the score command ['tests/run.sh'] cannot be executed: 'tests/run.sh' is not executable "
        "(chmod +x it)"
    )
    assert (rows["wrapper"]["outcome"], rows["wrapper"]["error"]["kind"]) == ("error", "score")
    assert rows["wrapper"]["error"]["message"].startswith(
        "the score command ['tests/run.sh'] could not be executed (exit 127: not found or not executable)"
    )
    result.stdout.fnmatch_lines(["*1 passed*3 error*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
