"""The task folder contract: defaults, instruction sources, and errors that name file, field and value."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pytest_hybridarena.run.tasks import (
    TaskError,
    check_score_command,
    holds_task_parts,
    load_task,
    looks_like_task,
    task_sha,
)


def write_task(root: Path, toml: str, *, cls: str = "puzzles", name: str = "t1") -> Path:
    folder = root / cls / name
    (folder / "workspace").mkdir(parents=True)
    (folder / "tests").mkdir()
    (folder / "task.toml").write_text(toml)
    return folder


def test_defaults_come_from_the_folder(tmp_path: Path) -> None:
    spec = load_task(write_task(tmp_path, 'instruction = "Do it."\n'))
    assert (spec.id, spec.task_class, spec.title) == ("t1", "puzzles", "t1")
    assert spec.key == "puzzles/t1"
    assert spec.instruction == "Do it.\n"
    assert (spec.timeout_s, spec.score_timeout_s, spec.tags, spec.score_command) == (300.0, 120.0, (), None)


def test_fields_override_defaults(tmp_path: Path) -> None:
    toml = (
        'id = "x"\nclass = "hard"\ntitle = "T"\ntags = ["demo", "slow"]\ntimeout_s = 30\n'
        'instruction = "I"\n[score]\ntimeout_s = 5\n'
        'command = ["{python}", "-m", "pytest", "--junitxml={junit}"]\n'
    )
    spec = load_task(write_task(tmp_path, toml))
    assert (spec.id, spec.task_class, spec.title, spec.tags) == ("x", "hard", "T", ("demo", "slow"))
    assert (spec.timeout_s, spec.score_timeout_s) == (30.0, 5.0)
    assert spec.score_command == ("{python}", "-m", "pytest", "--junitxml={junit}")


def test_instruction_can_come_from_a_file(tmp_path: Path) -> None:
    folder = write_task(tmp_path, 'instruction_file = "TASK.md"\n')
    (folder / "TASK.md").write_text("From a file.\n")
    assert load_task(folder).instruction == "From a file.\n"


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ("title = \n", "not valid TOML"),
        ('instruction = "x"\ntimeout_s = 0\n', "field 'timeout_s' = 0: must be a positive number"),
        ('instruction = "x"\ntimeout_s = "slow"\n', "field 'timeout_s' = 'slow'"),
        ('instruction = "x"\ntimeout_s = true\n', "field 'timeout_s' = True"),
        ('instruction = "x"\ntags = "demo"\n', "field 'tags' = 'demo': must be a list"),
        ('instruction = "x"\ntags = ["has space"]\n', "field 'tags' = 'has space'"),
        ('instruction = "x"\ntimout_s = 3\n', "field 'timout_s' = 3: unknown field"),
        ('instruction = "  "\n', "field 'instruction' = '  ': the task needs a non-empty instruction"),
        ("title = 'no instruction'\n", "field 'instruction' = None"),
        ('instruction = "x"\ninstruction_file = "a.md"\n', "not both"),
        ('instruction_file = "../escape.md"\n', "must be a file name inside the task folder"),
        ('instruction_file = "missing.md"\n', "field 'instruction_file' = 'missing.md': cannot be read"),
        ('instruction = "x"\nid = "has/slash"\n', "field 'id' = 'has/slash'"),
        ('instruction = "x"\n[score]\ncommand = "pytest"\n', "field 'score.command' = 'pytest'"),
        ('instruction = "x"\n[score]\nretries = 2\n', "field 'score.retries' = 2: unknown"),
    ],
)
def test_errors_name_the_file_the_field_and_the_value(tmp_path: Path, toml: str, fragment: str) -> None:
    folder = write_task(tmp_path, toml)
    with pytest.raises(TaskError) as excinfo:
        load_task(folder)
    assert str(folder / "task.toml") in str(excinfo.value)
    assert fragment in str(excinfo.value)


def test_missing_tests_folder_is_an_error(tmp_path: Path) -> None:
    folder = write_task(tmp_path, 'instruction = "x"\n')
    (folder / "tests").rmdir()
    with pytest.raises(TaskError, match="missing folder tests/"):
        load_task(folder)


def test_task_sha_changes_with_content_and_ignores_bytecode(tmp_path: Path) -> None:
    folder = write_task(tmp_path, 'instruction = "x"\n')
    before = task_sha(folder)
    (folder / "workspace" / "__pycache__").mkdir()
    (folder / "workspace" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0")
    assert task_sha(folder) == before
    (folder / "tests" / "test_a.py").write_text("def test(): pass\n")
    assert task_sha(folder) != before


def test_single_shot_mode_carries_its_artifact(tmp_path: Path) -> None:
    toml = 'mode = "single-shot"\nartifact = "./bin/primes.py"\ninstruction = "Write bin/primes.py."\n'
    spec = load_task(write_task(tmp_path, toml))
    assert (spec.mode, spec.artifact) == ("single-shot", "bin/primes.py")
    edit = load_task(write_task(tmp_path, 'instruction = "x"\n', name="t2"))
    assert (edit.mode, edit.artifact) == ("edit", None)


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ('mode = "oneshot"\n', "field 'mode' = 'oneshot': must be one of ['edit', 'single-shot']"),
        ('mode = "single-shot"\n', "field 'artifact' = None: a single-shot task must name the file"),
        ('artifact = "p.py"\n', "field 'artifact' = 'p.py': only a single-shot task has one"),
        ('mode = "single-shot"\nartifact = 3\n', "field 'artifact' = 3: must be a file path relative"),
        ('mode = "single-shot"\nartifact = "/tmp/p.py"\n', "field 'artifact' = '/tmp/p.py': must be a file"),
        ('mode = "single-shot"\nartifact = "../p.py"\n', "field 'artifact' = '../p.py': must be a file"),
        ('mode = "single-shot"\nartifact = "tests/p.py"\n', "'tests/p.py': must be a file path"),
        ('mode = "single-shot"\nartifact = "other.py"\n', "'other.py': the instruction must name"),
    ],
)
def test_single_shot_errors_name_the_field_and_the_value(tmp_path: Path, toml: str, fragment: str) -> None:
    folder = write_task(tmp_path, toml + 'instruction = "Write p.py, or tests/p.py, ../p.py, /tmp/p.py."\n')
    with pytest.raises(TaskError) as excinfo:
        load_task(folder)
    assert str(folder / "task.toml") in str(excinfo.value)
    assert fragment in str(excinfo.value)


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ("timeout_s = inf\n", "field 'timeout_s' = inf: must be a positive number of seconds, at most 86400"),
        ("timeout_s = -inf\n", "field 'timeout_s' = -inf: must be a positive number of seconds"),
        ("timeout_s = nan\n", "field 'timeout_s' = nan: must be a positive number of seconds, at most 86400"),
        ("timeout_s = 1e308\n", "field 'timeout_s' = 1e+308: must be a positive number of seconds, at most"),
        ("timeout_s = 86401\n", "field 'timeout_s' = 86401: must be a positive number of seconds, at most"),
        ("[score]\ntimeout_s = nan\n", "field 'score.timeout_s' = nan: must be a positive number of seconds"),
        ("[score]\ntimeout_s = inf\n", "field 'score.timeout_s' = inf: must be a positive number of seconds"),
        ("[score]\ntimeout_s = 1e308\n", "field 'score.timeout_s' = 1e+308: must be a positive number"),
    ],
)
def test_budgets_must_be_finite_and_at_most_a_day(tmp_path: Path, toml: str, fragment: str) -> None:
    folder = write_task(tmp_path, 'instruction = "x"\n' + toml)
    with pytest.raises(TaskError) as excinfo:
        load_task(folder)
    assert str(folder / "task.toml") in str(excinfo.value)
    assert fragment in str(excinfo.value)


def test_the_largest_budget_is_a_day(tmp_path: Path) -> None:
    spec = load_task(
        write_task(tmp_path, 'instruction = "x"\ntimeout_s = 86400\n[score]\ntimeout_s = 86400\n')
    )
    assert (spec.timeout_s, spec.score_timeout_s) == (86400.0, 86400.0)


def test_a_missing_task_toml_names_the_folder(tmp_path: Path) -> None:
    folder = write_task(tmp_path, 'instruction = "x"\n')
    (folder / "task.toml").unlink()
    with pytest.raises(TaskError) as excinfo:
        load_task(folder)
    assert str(excinfo.value).startswith(f"{folder}: looks like a task folder (it has workspace/, tests/)")
    assert "but has no task.toml" in str(excinfo.value)


def test_what_looks_like_a_task_without_task_toml(tmp_path: Path) -> None:
    good = write_task(tmp_path, 'instruction = "x"\n', name="good")
    lone_tests = tmp_path / "puzzles" / "lone"
    (lone_tests / "tests").mkdir(parents=True)
    project = tmp_path / "repo" / "packages" / "pkg"  # a package of a monorepo: no tasks around
    (project / "tests").mkdir(parents=True)
    pair = tmp_path / "repo" / "packages" / "pair"  # a project may have workspace/ and tests/
    (pair / "workspace").mkdir(parents=True)
    (pair / "tests").mkdir()
    triple = tmp_path / "repo" / "packages" / "triple"
    for part in ("workspace", "tests", "solution"):
        (triple / part).mkdir(parents=True)

    def holds_tasks(root: Path) -> bool:
        return any(root.glob("*/*/task.toml"))

    assert not looks_like_task(good, holds_tasks), "a real task is a task, not a look-alike"
    assert looks_like_task(lone_tests, holds_tasks), "tests/ beside other tasks"
    assert not looks_like_task(project, holds_tasks)
    assert not looks_like_task(pair, holds_tasks)
    assert looks_like_task(triple, holds_tasks), "workspace/, tests/ and solution/ together"
    assert not looks_like_task(tmp_path / "puzzles", holds_tasks), "a class folder of tasks"
    assert holds_task_parts(good, holds_tasks)
    assert holds_task_parts(lone_tests, holds_tasks)
    assert not holds_task_parts(project, holds_tasks)
    (project / "task.toml").write_text("")  # some other tool's task.toml: no task parts beside it
    (project / "tests").rmdir()
    assert not holds_task_parts(project, holds_tasks)


def test_a_score_command_whose_program_is_missing_is_an_error(tmp_path: Path) -> None:
    toml = 'instruction = "x"\n[score]\ncommand = ["/nonexistent/bin", "--junit={junit}"]\n'
    spec = load_task(write_task(tmp_path, toml))
    with pytest.raises(TaskError) as excinfo:
        check_score_command(spec)
    assert str(spec.path / "task.toml") in str(excinfo.value)
    assert "field 'score.command' = ['/nonexistent/bin', '--junit={junit}']" in str(excinfo.value)
    assert "its program '/nonexistent/bin' does not exist or is not executable" in str(excinfo.value)
    toml = 'instruction = "x"\n[score]\ncommand = ["no-such-program-anywhere"]\n'
    with pytest.raises(TaskError, match="'no-such-program-anywhere' is not on PATH"):
        check_score_command(load_task(write_task(tmp_path, toml, name="t2")))
    fine = ('["{python}", "-m", "pytest"]', '["./run.sh"]', f'["{sys.executable}"]')
    for number, command in enumerate(fine):
        toml = f'instruction = "x"\n[score]\ncommand = {command}\n'
        check_score_command(load_task(write_task(tmp_path, toml, name=f"ok{number}")))
