"""Per-round outcomes (``pytest_hybridarena/run/rounds.py``): pass_round, scoring round snapshots after
the agent, pass@round over rows, and the summary's pass-by-round table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_hybridarena.__main__ import main
from pytest_hybridarena.results.rounds import pass_at_round, pass_round, rounds_object, row_pass_round
from pytest_hybridarena.results.table import render_summary, summarize
from pytest_hybridarena.run.rounds import restore_round, score_rounds
from pytest_hybridarena.run.sandbox import ProcessSandbox, Sandbox
from pytest_hybridarena.run.scoring import ScoreResult
from pytest_hybridarena.run.tasks import TaskSpec, load_task
from tests.conftest import FakeUpstream, MakeTask
from tests.fakes.script import Reply
from tests.test_analysis import make_row
from tests.test_plugin import rows_of

TESTS = "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
WRONG = b"def add(a, b):\n    return a - b\n"
RIGHT = b"def add(a, b):\n    return a + b\n"


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (["pass"], 1),
        (["fail"], None),
        (["fail", "pass"], 2),
        (["fail", "fail", "pass"], 3),
        (["pass", "pass"], 1),
        (["pass", "fail"], None),  # a later round broke it: the row failed
        (["pass", "fail", "pass"], 3),
        (["error", "pass"], 2),
        ([], None),  # not scored (an agent error or timeout)
    ],
)
def test_pass_round_is_the_round_from_which_the_suite_kept_passing(
    outcomes: list[str], expected: int | None
) -> None:
    assert pass_round(outcomes) == expected


def test_rounds_object_records_used_outcomes_and_scoring_time() -> None:
    assert rounds_object(2, ["fail", "pass"], 1.23456) == {
        "used": 2,
        "pass_round": 2,
        "outcomes": ["fail", "pass"],
        "score_s": 1.235,
    }


@pytest.fixture
def task(tmp_path: Path) -> TaskSpec:
    folder = tmp_path / "task"
    (folder / "workspace").mkdir(parents=True)
    (folder / "workspace" / "calc.py").write_bytes(b"def add(a, b):\n    raise NotImplementedError\n")
    (folder / "workspace" / "notes.txt").write_text("keep me\n")
    (folder / "tests").mkdir()
    (folder / "tests" / "test_calc.py").write_text(TESTS)
    (folder / "task.toml").write_text('instruction = "Implement add in calc.py."\n')
    return load_task(folder)


def test_restore_round_overlays_the_snapshot_on_the_pristine_workspace(
    task: TaskSpec, tmp_path: Path
) -> None:
    dest = tmp_path / "round"
    restore_round(task.workspace, {"calc.py": WRONG, "pkg/new.py": b"x = 1\n", "notes.txt": None}, dest)
    assert (dest / "calc.py").read_bytes() == WRONG
    assert (dest / "pkg" / "new.py").read_bytes() == b"x = 1\n"
    assert not (dest / "notes.txt").exists()
    assert (task.workspace / "calc.py").read_bytes() != WRONG  # the task itself is untouched


def test_earlier_rounds_are_scored_with_the_hidden_suite(task: TaskSpec, tmp_path: Path) -> None:
    outcomes, seconds = score_rounds(
        task, [{"calc.py": WRONG}, {"calc.py": RIGHT}], "pass", tmp_path / "work", ProcessSandbox(), tmp_path
    )
    assert outcomes == ["fail", "pass"]
    assert seconds > 0
    assert "1 failed" in (tmp_path / "round-1" / "score.log").read_text()


class CountingScore:
    """Stands in for ``score_workspace``: says pass when calc.py is RIGHT, and counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(
        self, spec: TaskSpec, workspace: Path, workdir: Path, sandbox: Sandbox, **_: Any
    ) -> ScoreResult:
        self.calls += 1
        passed = (workspace / "calc.py").read_bytes() == RIGHT
        tests = {"passed": int(passed), "failed": int(not passed), "errors": 0, "skipped": 0, "total": 1}
        return ScoreResult(tests=tests, exit_code=0, timed_out=False, duration_s=0.1)


def test_identical_snapshots_reuse_one_score(task: TaskSpec, tmp_path: Path) -> None:
    score = CountingScore()
    snapshots = [{"calc.py": WRONG}, {"calc.py": WRONG}, {"calc.py": RIGHT}, {"calc.py": RIGHT}]
    outcomes, _ = score_rounds(task, snapshots, "pass", tmp_path, ProcessSandbox(), score=score)
    assert outcomes == ["fail", "fail", "pass", "pass"]
    assert score.calls == 1  # round 1 only: round 2 repeats it, round 3 is the (already scored) final state


def test_one_round_needs_no_extra_scoring(task: TaskSpec, tmp_path: Path) -> None:
    score = CountingScore()
    outcomes, _ = score_rounds(task, [{"calc.py": WRONG}], "fail", tmp_path, ProcessSandbox(), score=score)
    assert (outcomes, score.calls) == (["fail"], 0)


def with_rounds(row: dict[str, Any], outcomes: list[str]) -> dict[str, Any]:
    return {**row, "rounds": rounds_object(len(outcomes), outcomes)}


def round_rows(agent: str = "builtin@rounds=2") -> list[dict[str, Any]]:
    """Four tasks: pass at round 1, pass at round 2, fail, and an error row without rounds."""
    return [
        with_rounds(make_row("t1", "always-local", agent=agent, outcome="pass"), ["pass"]),
        with_rounds(make_row("t2", "always-local", agent=agent, outcome="pass"), ["fail", "pass"]),
        with_rounds(make_row("t3", "always-local", agent=agent, outcome="fail"), ["fail", "fail"]),
        make_row("t4", "always-local", agent=agent, outcome="error"),
    ]


def test_pass_at_round_counts_rows_whose_pass_round_is_at_most_k() -> None:
    rows = round_rows()
    assert [row_pass_round(r) for r in rows] == [1, 2, None, None]
    assert (pass_at_round(rows, 1), pass_at_round(rows, 2), pass_at_round(rows, 5)) == (0.25, 0.5, 0.5)
    assert pass_at_round([], 1) is None


def test_summary_shows_pass_by_round_when_a_row_used_two_rounds() -> None:
    rows = round_rows() + [
        make_row(f"t{i}", "always-local", agent="oracle", outcome="pass") for i in range(1, 5)
    ]
    text = render_summary(summarize(rows, resamples=200))
    head, _, rounds = text.partition("\n\npass by round")
    assert "builtin@rounds=2" in head
    lines = rounds.splitlines()
    assert lines[1].split() == [
        "class",
        "agent",
        "strategy",
        "n",
        "rounds",
        "pass@r1",
        "pass@r2",
        "r1→r2",
        "pts",
    ]
    (builtin,) = [line for line in lines if "builtin@rounds=2" in line]
    assert builtin.split()[3:] == ["4", "2", "25.0%", "50.0%", "+25.0"]
    assert not any("oracle" in line for line in lines)  # no rounds reported: not in this table
    assert max(len(line) for line in text.splitlines()) <= 120


def test_summary_has_no_rounds_table_for_single_round_runs() -> None:
    rows = [with_rounds(make_row("t1", "always-local", agent="builtin", outcome="pass"), ["pass"])]
    assert "pass by round" not in render_summary(summarize(rows, resamples=200))


# --- through a real pytest session: the builtin agent on the session router, a fake model ------------

FENCE = "```"
STUB = "def add(a, b):\n    raise NotImplementedError\n"
VISIBLE = "from calc import add\n\n\ndef test_visible():\n    assert add(2, 3) == 5\n"
REPLY_WRONG = f"calc.py\n{FENCE}python\ndef add(a, b):\n    return a * b\n{FENCE}\n"
REPLY_FIX = (
    f"calc.py\n{FENCE}python\n<<<<<<< SEARCH\n    return a * b\n=======\n    return a + b\n"
    f">>>>>>> REPLACE\n{FENCE}\n"
)


def fake_models(fake: FakeUpstream) -> list[str]:
    return [
        "--arena-strategies=always-local",
        f"--arena-local=openai:fake-small@{fake.base_url}",
        f"--arena-cloud=openai:fake-big@{fake.base_url}",
    ]


def test_a_row_records_the_round_after_which_the_hidden_suite_passed(
    pytester: pytest.Pytester,
    make_task: MakeTask,
    fake_openai: FakeUpstream,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Round 1 (a * b) fails the visible test, which the agent sees; round 2 fixes it. The hidden
    # suite judges round 1's snapshot only after the agent has finished.
    make_task("add", workspace={"calc.py": STUB, "test_visible.py": VISIBLE})
    fake_openai.recorder.queue += [Reply(text=REPLY_WRONG), Reply(text=REPLY_FIX)]
    live = pytester.runpytest("bench_tasks", "--arena-agents=builtin@rounds=2", *fake_models(fake_openai))
    live.assert_outcomes(passed=1)
    [row] = rows_of(pytester)
    assert len(fake_openai.recorder.requests) == 2
    rounds = row["rounds"]
    assert (rounds["used"], rounds["pass_round"], rounds["outcomes"]) == (2, 2, ["fail", "pass"])
    assert rounds["score_s"] > 0
    assert row["review"] == {"rounds": 2, "lines_changed": 2, "files_changed": 1}
    [run_dir] = (p.parent for p in pytester.path.glob("reports/*/results.jsonl"))
    cell_dir = run_dir / row["artifacts"]
    assert "2 failed" in (cell_dir / "round-1" / "score.log").read_text()
    assert "-    raise NotImplementedError\n+    return a + b\n" in (cell_dir / "workspace.diff").read_text()
    live.stdout.fnmatch_lines(
        [
            "pass by round*",
            "*pass@r1*pass@r2*",
            "puzzles*builtin@rounds=2*always-local*1*2*0.0%*100.0%*+100.0",
        ]
    )
    # The offline report prints the same tables, rounds included.
    lines = live.stdout.lines
    start = next(i for i, line in enumerate(lines) if line.startswith("local: ")) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("pass rate: intention-to-treat"))
    capsys.readouterr()
    assert main(["report", str(run_dir)]) == 0
    assert capsys.readouterr().out.splitlines()[: end - start] == lines[start:end]
    aggregate = json.loads((run_dir / "aggregate.json").read_text())
    [cell] = aggregate["cells"].values()
    assert [(r["round"], r["point"]) for r in cell["pass_at_round"]] == [(1, 0.0), (2, 1.0)]
    assert "## Pass by round" in (run_dir / "summary.md").read_text()


DOUBLE_TOML = """\
title = "double"
mode = "single-shot"
artifact = "double.py"
instruction = "Write double.py: print twice the integer given as its only argument."
"""
DOUBLE_TESTS = """\
import subprocess, sys
from pathlib import Path

def test_doubles():
    script = Path(__file__).resolve().parent.parent / "double.py"
    out = subprocess.run([sys.executable, str(script), "21"], capture_output=True, text=True).stdout
    assert out.strip() == "42"
"""
DOUBLE = "import sys\n\nprint(2 * int(sys.argv[1]))\n"


def test_a_single_shot_task_is_one_call_whatever_the_rounds_option(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    make_task("double", cls="oneshot", toml=DOUBLE_TOML, workspace={"README.md": "# double\n"},
              tests={"test_double.py": DOUBLE_TESTS}, solution={"double.py": DOUBLE})  # fmt: skip
    fake_openai.recorder.default = Reply(text=f"Here:\n\n{FENCE}python\n{DOUBLE}{FENCE}\n")
    result = pytester.runpytest("bench_tasks", "--arena-agents=builtin@rounds=3", *fake_models(fake_openai))
    result.assert_outcomes(passed=1)
    [row] = rows_of(pytester)
    assert len(fake_openai.recorder.requests) == 1
    assert (row["rounds"]["used"], row["rounds"]["outcomes"], row["review"]["rounds"]) == (1, ["pass"], 1)
    assert "pass by round" not in result.stdout.str()
    validate = pytester.runpytest("bench_tasks", "--arena-validate")
    validate.assert_outcomes(passed=2)
    validate.stdout.fnmatch_lines(["oneshot/double*pass (1/1)*fail (0/1)*ok"])
