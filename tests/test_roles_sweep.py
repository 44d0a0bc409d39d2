"""``--arena-roles``: every candidate of every role on the tasks the role covers, each cell served by
a router whose local side is that candidate; then ``report --promote`` on the rows it wrote.

Two fake OpenAI-compatible servers stand in for the candidate models: one answers with a correct
solution, the other with a wrong one. The plugin, the routers and the agent's HTTP calls are real.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import MakeTask, serve_fake_openai
from tests.fakes.script import Reply
from tests.test_plugin import rows_of
from tests.test_plugin_router import CALLER_CONFTEST, SOLUTION

ROLES = """
tasks = "bench_tasks"

[roles.draft]
classes = ["puzzles"]
incumbent = "openai:weak@{bad}"
challengers = ["openai:strong@{good}"]

[roles.coder]
classes = ["scripts"]
incumbent = "openai:strong@{good}"
challengers = ["openai:third@{good}"]

[models."openai:weak@{bad}"]
family = "family-a"
cost_tier = "free"

[models."openai:strong@{good}"]
family = "family-b"
cost_tier = "free"

[models."openai:third@{good}"]
family = "family-a"
cost_tier = "free"
"""


def test_role_sweep_runs_each_candidate_on_its_roles_tasks(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")  # puzzles: draft's candidates (weak, strong)
    make_task("add2")
    make_task("tally", cls="scripts")  # scripts: coder's candidates (strong, third)
    make_task("other", cls="refactors")  # no role covers it: no cells
    pytester.makeconftest(CALLER_CONFTEST)
    with serve_fake_openai() as good, serve_fake_openai() as bad:
        good.recorder.default = Reply(text=SOLUTION, prompt_tokens=30, completion_tokens=9)
        bad.recorder.default = Reply(
            text="def add(a, b):\n    return 0\n", prompt_tokens=30, completion_tokens=5
        )
        roles = pytester.path / "roles.toml"
        roles.write_text(ROLES.format(good=good.base_url, bad=bad.base_url))
        result = pytester.runpytest(
            "bench_tasks", "--arena-agents=caller", f"--arena-roles={roles}", "--arena-seeds=1,2", "-v"
        )
        served = sorted(r["model"] for r in good.recorder.requests)
        assert [r["model"] for r in bad.recorder.requests] == ["weak"] * 4
    rows = rows_of(pytester)
    cells = sorted((r["cell"]["task_id"], r["models"]["local"], r["cell"]["seed"]) for r in rows)
    assert cells == sorted(
        [(t, "openai:weak", s) for t in ("add", "add2") for s in (1, 2)]
        + [(t, "openai:strong", s) for t in ("add", "add2", "tally") for s in (1, 2)]
        + [("tally", "openai:third", s) for s in (1, 2)]
    )
    assert served == ["strong"] * 6 + ["third"] * 2
    for row in rows:
        assert row["cell"]["strategy"] == f"always-local@model={row['models']['local']}"
        assert row["calls"] == {"total": 1, "local": 1, "cloud": 0, "errors": 0, "escalated": 0}
        assert row["outcome"] == ("fail" if row["models"]["local"] == "openai:weak" else "pass")
    # Each pinned model logs its decisions to a file of its own, and the row points into it.
    [run_dir] = pytester.path.glob("reports/*/")
    row = next(r for r in rows if r["models"]["local"] == "openai:third")
    log, _, cell = row["decisions_ref"].partition("#cell=")
    assert "openai_third" in log
    assert [json.loads(x)["cell"] for x in (run_dir / log).read_text().splitlines()] == [
        "scripts/tally[caller-always-local@model=openai:third-s1]",
        "scripts/tally[caller-always-local@model=openai:third-s2]",
    ]
    assert cell in (
        "scripts/tally[caller-always-local@model=openai:third-s1]",
        "scripts/tally[caller-always-local@model=openai:third-s2]",
    )
    result.stdout.fnmatch_lines(["*role sweep*2 roles*3 candidate models*"])
    assert result.ret == pytest.ExitCode.OK  # failed cells are measurements, not errors

    # The promotion report reads these rows (paired on task × agent × seed).
    report = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest_hybridarena",
            "report",
            str(run_dir),
            "--promote",
            "--roles",
            str(roles),
            "--out",
            str(pytester.path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=pytester.path,
        check=False,
    )
    assert report.returncode == 0, report.stderr
    [written] = (pytester.path / "out").glob("local-model-benchmark-*.md")
    text = written.read_text()
    assert "## Role `draft`" in text or "draft" in text
    assert "openai:strong" in text


def test_a_bad_roles_file_is_a_usage_error_naming_it(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    roles = pytester.path / "roles.toml"
    roles.write_text('[roles.draft]\nclasses = ["puzzles"]\nincumbent = "embedded:nope"\n')
    result = pytester.runpytest("bench_tasks", f"--arena-roles={roles}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--arena-roles: {roles}*"])


def test_a_pinned_local_model_is_a_strategy_parameter(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    """``always-local@model=`` works without a roles file too, next to the session's own router."""
    make_task("add")
    pytester.makeconftest(CALLER_CONFTEST)
    with serve_fake_openai() as fake:
        fake.recorder.default = Reply(text=SOLUTION)
        result = pytester.runpytest(
            "bench_tasks",
            "--arena-agents=caller",
            f"--arena-local=openai:session@{fake.base_url}",
            f"--arena-strategies=always-local,always-local@model=openai:pinned@{fake.base_url}",
        )
        models = sorted(r["model"] for r in fake.recorder.requests)
    result.assert_outcomes(passed=2)
    assert models == ["pinned", "session"]
    bad = pytester.runpytest("bench_tasks", "--arena-strategies=always-local@model=:nothing")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
