"""The plugin seen from the command line: real pytest sessions (pytester) on temporary task folders."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MakeTask


def rows_of(pytester: pytest.Pytester) -> list[dict[str, Any]]:
    files = sorted(pytester.path.glob("reports/*/results.jsonl"))
    assert len(files) == 1, files
    return [json.loads(line) for line in files[0].read_text().splitlines()]


def by_agent(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["cell"]["agent"], []).append(row)
    return out


LLM_AGENT_CONFTEST = """
class Talker:
    \"\"\"Stands in for an agent that calls a model (collection only: never run).\"\"\"
    name = "talker"; uses_llm = True
    def available(self): return True, ""
    def run(self, request): raise AssertionError("collection only")

def pytest_arena_make_agent(name, params, config):
    return Talker() if name == "talker" else None

def pytest_arena_agent_names(config):
    return ["talker"]
"""


def test_grid_collects_one_item_per_agent_strategy_seed(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    make_task("mul", cls="refactors")
    pytester.makeconftest(LLM_AGENT_CONFTEST)
    result = pytester.runpytest(
        "bench_tasks",
        "--co",
        "-q",
        "--arena-agents=talker,nop",
        "--arena-strategies=always-local,cascade",
        "--arena-seeds=42,7",
    )
    ids = [line for line in result.outlines if "::" in line]
    assert len(ids) == 2 * (2 * 2 + 1 * 2), "talker: every strategy; the nop control: one"
    assert "bench_tasks/puzzles/add/task.toml::add[nop-always-local-s7]" in ids
    assert "bench_tasks/refactors/mul/task.toml::mul[talker-cascade-s42]" in ids
    again = pytester.runpytest(
        "bench_tasks",
        "--co",
        "-q",
        "--arena-agents=nop,talker",
        "--arena-strategies=cascade,always-local",
        "--arena-seeds=7,42",
    )
    assert [line for line in again.outlines if "::" in line] == ids, "order does not depend on option order"


def test_controls_are_crossed_with_one_strategy_only(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    make_task("mul", cls="refactors")
    four = "--arena-strategies=always-local,always-cloud,heuristic,escalate"
    result = pytester.runpytest(
        "bench_tasks", "--co", "-q", "--arena-agents=oracle,nop", four, "--arena-seeds=42,7"
    )
    ids = [line for line in result.outlines if "::" in line]
    assert len(ids) == 2 * 2 * 1 * 2, "two tasks × two controls × one strategy × two seeds, not × four"
    assert {line.rsplit("-s", 1)[0].rsplit("[", 1)[1] for line in ids} == {
        "oracle-always-local",
        "nop-always-local",
    }
    # without always-local among the strategies: the first selected one, in sorted order
    result = pytester.runpytest(
        "bench_tasks", "--co", "-q", "--arena-agents=oracle", "--arena-strategies=heuristic,always-cloud"
    )
    assert [line for line in result.outlines if "::" in line] == [
        "bench_tasks/puzzles/add/task.toml::add[oracle-always-cloud-s42]",
        "bench_tasks/refactors/mul/task.toml::mul[oracle-always-cloud-s42]",
    ]


def test_controls_are_rows_of_their_own_beside_compared_strategies(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    result = pytester.runpytest(
        "bench_tasks", "--arena-agents=oracle,nop", "--arena-strategies=always-cloud,always-local"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*puzzles*nop*always-local*1*0*1*0*0*",
            "*puzzles*oracle*always-local*1*1*0*0*0*100.0%*",
            "*paired comparisons vs always-cloud*",
            "*(no baseline pairs)*",
        ]
    )
    assert "always-cloud  " not in result.stdout.str().split("hybridarena summary")[1].split("pass rate:")[0]


def test_oracle_passes_nop_fails_and_rows_are_written(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop", "--arena-seeds=42,7")
    result.assert_outcomes(passed=2, failed=2)
    assert result.ret == 0, "unsolved cells are a successful measurement"
    rows = rows_of(pytester)
    assert len(rows) == 4
    agents = by_agent(rows)
    assert [r["outcome"] for r in agents["oracle"]] == ["pass", "pass"]
    assert [r["outcome"] for r in agents["nop"]] == ["fail", "fail"]
    row = agents["oracle"][0]
    assert row["schema"] == 1
    assert row["tests"] == {"passed": 2, "failed": 0, "errors": 0, "skipped": 0, "total": 2}
    assert agents["nop"][0]["tests"]["failed"] == 2
    assert row["calls"] == {"total": 0, "local": 0, "cloud": 0}
    assert len(row["task_sha"]) == 64
    assert len(row["config_sha"]) == 64
    assert row["sandbox"]["kind"] == "process"
    assert {r["cell"]["seed"] for r in rows} == {7, 42}
    result.stdout.fnmatch_lines(
        [
            "*hybridarena summary*",
            "*class*agent*strategy*n*pass*fail*err*t/o*skip*pass rate*cloud*calls*$/row*wall*",
            "*puzzles*nop*always-local*2*0*2*0*0*",
            "*puzzles*oracle*always-local*2*2*0*0*0*100.0%*",
            "*results: *results.jsonl (4 rows)*",
        ]
    )


def test_keyword_and_marker_selection(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    make_task("mul", cls="refactors", toml='tags = ["slow"]\ninstruction = "x"\n')
    base = [
        "bench_tasks",
        "--co",
        "-q",
        "--arena-agents=oracle,nop",
        "--arena-strategies=always-local,always-cloud",
    ]
    selected = pytester.runpytest(*base, "-m", "nop and not always_cloud")
    assert [line for line in selected.outlines if "::" in line] == [
        "bench_tasks/puzzles/add/task.toml::add[nop-always-local-s42]",
        "bench_tasks/refactors/mul/task.toml::mul[nop-always-local-s42]",
    ]
    selected = pytester.runpytest(*base, "-k", "refactors and oracle", "-m", "not slow")
    assert [line for line in selected.outlines if "::" in line] == []
    selected = pytester.runpytest(*base, "-k", "puzzles and oracle", "-m", "demo")
    assert len([line for line in selected.outlines if "::" in line]) == 1  # a control: one strategy


def test_markers_are_registered_so_strict_markers_and_warnings_as_errors_pass(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add", toml='tags = ["demo", "needs-care"]\ninstruction = "x"\n')
    result = pytester.runpytest(
        "bench_tasks", "--strict-markers", "-W", "error", "--arena-agents=oracle", "-m", "needs_care"
    )
    result.assert_outcomes(passed=1)
    # pytest 9.2 rejects unknown names in -m under --strict-markers; conventional tags are known
    # even when no task carries them.
    result = pytester.runpytest("bench_tasks", "--strict-markers", "--arena-agents=oracle", "-m", "not slow")
    result.assert_outcomes(passed=1)
    markers = pytester.runpytest("--markers", "--arena-agents=oracle,nop")
    markers.stdout.fnmatch_lines(
        ["*@pytest.mark.arena:*", "*@pytest.mark.oracle:*", "*@pytest.mark.always_local:*"]
    )


def test_malformed_task_is_one_collection_error_and_the_rest_still_runs(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    make_task("broken", toml='timeout_s = -5\ninstruction = "x"\n')
    make_task("badtoml", toml="title = \n")
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        ["*bench_tasks/puzzles/broken/task.toml: field 'timeout_s' = -5: must be a positive*"]
    )
    result.stdout.fnmatch_lines(["*badtoml/task.toml: not valid TOML*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert len(rows_of(pytester)) == 1


def test_xdist_rows_reach_the_single_writer(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    pytest.importorskip("xdist")
    for name in ("a1", "a2", "a3"):
        make_task(name)
    result = pytester.runpytest_subprocess(
        "bench_tasks", "-n", "2", "--arena-agents=oracle,nop", "--arena-seeds=1,2", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=6, failed=6)
    rows = rows_of(pytester)
    assert len(rows) == 12
    assert len({(r["cell"]["task_id"], r["cell"]["agent"], r["cell"]["seed"]) for r in rows}) == 12
    assert {r["worker"] for r in rows} <= {"gw0", "gw1"}
    assert len({r["run_id"] for r in rows}) == 1


def test_validate_reports_a_task_whose_nop_passes(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("good")
    make_task("weak", tests={"test_weak.py": "def test_nothing():\n    assert True\n"})
    result = pytester.runpytest("bench_tasks", "--arena-validate")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*INVARIANT nop must fail at least one test*", "*hybridarena validation*"])
    result.stdout.fnmatch_lines(
        ["*puzzles/good*pass (2/2)*fail (0/2)*ok*", "*puzzles/weak*pass (1/1)*pass (1/1)*BROKEN*"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--arena-agents=oracle,wizard"],
            "*unknown agent 'wizard'; known agents: aider, builtin, *, nop, opencode, oracle*",
        ),
        (["--arena-strategies=telepathy"], "*unknown strategy 'telepathy'*known strategies: *always-cloud*"),
        (["--arena-seeds=1,x"], "*--arena-seeds: seed 'x' is not an integer*"),
        (["--arena-sandbox=vm"], "*--arena-sandbox: 'vm' is not one of process, docker*"),
        (["--arena-fail-under=150"], "*--arena-fail-under: '150' must be between 0 and 100*"),
        (
            ["--arena-pricing=no-such-prices.toml"],
            "*--arena-pricing: cannot use 'no-such-prices.toml' as a price table: *No such file*",
        ),
        (["--arena-pricing=bench_tasks"], "*--arena-pricing: cannot use 'bench_tasks' as a price table: *"),
        (
            ["--arena-local=warp:model"],
            "*--arena-local: backend spec 'warp:model' has unknown scheme 'warp'*",
        ),
        (["--arena-agents=builtin@rounds"], "*--arena-agents*rounds*"),
        (["--arena-agents=builtin@rounds=many"], "*rounds*an integer from 1 to 20, got 'many'*"),
        (["--arena-strategies=escalate@k=x"], "*escalate*k='x' must be a number*"),
    ],
)
def test_bad_options_are_usage_errors_naming_option_and_choices(
    pytester: pytest.Pytester, make_task: MakeTask, args: list[str], message: str
) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_help_lists_every_arena_option(pytester: pytest.Pytester) -> None:
    """``pytest --help`` formats every help text (argparse %-formats them: a bare % breaks it)."""
    from pytest_hybridarena.shell.settings import OPTIONS

    result = pytester.runpytest_subprocess("--help")
    assert result.ret == 0, result.stderr.str()[-2000:]
    out = result.stdout.str()
    assert "hybridarena" in out
    missing = [o.name for o in OPTIONS if f"--arena-{o.name}" not in out]
    assert missing == []


def test_a_price_table_given_by_option_prices_the_cells_and_is_named_on_rows(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    table = pytester.path / "my-prices.toml"
    table.write_text('[models."gpt-5.5"]\ninput = 1000.0\ncached_input = 0.0\noutput = 0.0\n')
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle", f"--arena-pricing={table}")
    assert result.ret == pytest.ExitCode.OK
    [row] = rows_of(pytester)
    assert row["pricing_sha"] == hashlib.sha256(table.read_bytes()).hexdigest()
    bad = pytester.path / "bad.toml"
    bad.write_text('[models."gpt-5.5"]\ninput = "cheap"\n')
    result = pytester.runpytest("bench_tasks", f"--arena-pricing={bad}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--arena-pricing: cannot use *bad.toml* numeric input, cached_input and output*"]
    )


def test_settings_come_from_ini_and_environment(
    pytester: pytest.Pytester, make_task: MakeTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_task("add")
    pytester.makeini("[pytest]\narena_agents = nop\narena_seeds = 3\n")
    result = pytester.runpytest("bench_tasks", "--co", "-q")
    assert "bench_tasks/puzzles/add/task.toml::add[nop-always-local-s3]" in result.outlines
    monkeypatch.setenv("ARENA_SEEDS", "5")
    result = pytester.runpytest("bench_tasks", "--co", "-q")
    assert "bench_tasks/puzzles/add/task.toml::add[nop-always-local-s5]" in result.outlines
    result = pytester.runpytest("bench_tasks", "--co", "-q", "--arena-seeds=9")
    assert "bench_tasks/puzzles/add/task.toml::add[nop-always-local-s9]" in result.outlines


AGENTS_CONFTEST = '''
from pathlib import Path
from pytest_hybridarena.agents.base import AgentResult

class Crash:
    name = "crash"; uses_llm = False
    def available(self): return True, ""
    def run(self, request): raise RuntimeError("adapter bug")

class Slow:
    name = "slow"; uses_llm = False
    def available(self): return True, ""
    def run(self, request): return AgentResult("timeout", error="budget used up")

class Sleeper:
    """Ignores its budget: only pytest-timeout's last resort can stop it."""
    name = "sleeper"; uses_llm = False
    def available(self): return True, ""
    def run(self, request):
        import time
        time.sleep(120)

class Exiter:
    """Kills its own process: under xdist, the worker dies mid-cell."""
    name = "exiter"; uses_llm = False
    def available(self): return True, ""
    def run(self, request):
        import os
        os._exit(3)

class Missing:
    name = "missing"; uses_llm = False
    def available(self): return False, "pip install missing-agent"
    def run(self, request): raise AssertionError("never called")

class Cheat:
    """Tries every trick to make the acceptance suite pass without solving the task."""
    name = "cheat"; uses_llm = False
    def available(self): return True, ""
    def run(self, request):
        ws = request.workspace
        seen = sorted(p.relative_to(ws).as_posix() for p in ws.rglob("*"))
        (ws / "seen.txt").write_text("\\n".join(seen))
        (ws / "conftest.py").write_text(
            "import pytest\\n"
            "@pytest.hookimpl(wrapper=True)\\n"
            "def pytest_runtest_makereport(item, call):\\n"
            "    rep = yield\\n"
            "    rep.outcome = 'passed'\\n"
            "    return rep\\n")
        (ws / "pytest.ini").write_text("[pytest]\\naddopts = -p no:junitxml\\n")
        (ws / "tests").mkdir()
        (ws / "tests" / "test_calc.py").write_text("def test_ok():\\n    assert True\\n")
        return AgentResult("ok")

def pytest_arena_make_agent(name, params, config):
    agents = {"crash": Crash, "slow": Slow, "missing": Missing, "cheat": Cheat,
              "sleeper": Sleeper, "exiter": Exiter}
    return agents.get(name, lambda: None)()

def pytest_arena_agent_names(config):
    return ["crash", "slow", "missing", "cheat", "sleeper", "exiter"]

def pytest_arena_update_row(row, item):
    row["extra"] = {"from_hook": item.name}
'''


def test_agent_crash_and_timeout_are_error_rows_with_their_own_status(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    pytester.makeconftest(AGENTS_CONFTEST)
    result = pytester.runpytest("bench_tasks", "--arena-agents=crash,slow,oracle", "-rA")
    rows = {r["cell"]["agent"]: r for r in rows_of(pytester)}
    assert rows["crash"]["outcome"] == "error"
    assert rows["crash"]["error"] == {"kind": "agent", "message": "RuntimeError: adapter bug"}
    assert rows["slow"]["outcome"] == "timeout"
    assert rows["slow"]["error"]["kind"] == "agent-timeout"
    assert rows["oracle"]["outcome"] == "pass"
    assert rows["oracle"]["extra"] == {"from_hook": "add[oracle-always-local-s42]"}
    result.stdout.fnmatch_lines(["*1 passed*1 error*1 timeout*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED, "error and timeout cells make the run exit 1"


def test_timeout_and_error_cells_print_their_artifact_path_like_failures(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    pytester.makeconftest(AGENTS_CONFTEST)
    result = pytester.runpytest("bench_tasks", "--arena-agents=crash,slow,nop")
    result.stdout.fnmatch_lines(["*= TIMEOUTS =*", "*TIMEOUT puzzles/add[[]slow-always-local-s42]*"])
    out = result.stdout.str()
    for agent in ("crash", "slow", "nop"):
        assert f"artifacts: {pytester.path}/reports/" in out
        assert f"/cells/puzzles__add__{agent}-always-local-s42" in out, agent
    no_tb = pytester.runpytest("bench_tasks", "--arena-agents=slow", "--tb=no")
    assert "TIMEOUTS" not in no_tb.stdout.str(), "--tb=no hides it as it hides FAILURES"


def test_missing_agent_skips_with_install_hint(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    pytester.makeconftest(AGENTS_CONFTEST)
    result = pytester.runpytest("bench_tasks", "--arena-agents=missing", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*pip install missing-agent*"])
    [row] = rows_of(pytester)
    assert row["outcome"] == "skipped"
    assert result.ret == pytest.ExitCode.OK


def test_agent_cannot_see_hidden_files_nor_change_how_the_suite_runs(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    pytester.makeconftest(AGENTS_CONFTEST)
    result = pytester.runpytest("bench_tasks", "--arena-agents=cheat", f"--basetemp={pytester.path / 'tmp'}")
    result.assert_outcomes(failed=1)
    [row] = rows_of(pytester)
    assert row["outcome"] == "fail"
    assert row["tests"]["total"] == 2
    assert row["tests"]["passed"] == 0
    seen = next((pytester.path / "tmp").rglob("workspace/seen.txt")).read_text().split()
    assert seen == ["calc.py"], "the agent sees only workspace/: no tests/, no solution/, no task.toml"
    result.stdout.fnmatch_lines(["*FAILED*add[[]cheat-always-local-s42]*"])


def test_failure_report_is_short_and_names_the_failed_tests(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", "--arena-agents=nop")
    result.stdout.fnmatch_lines(
        [
            "*FAIL puzzles/add[[]nop-always-local-s42]*",
            "*acceptance tests: 0/2 passed*",
            "*tests/test_calc.py::test_small*",
            "*agent log*nop.log*",
            "*workspace: *",
        ]
    )
    assert "Traceback" not in result.stdout.str()


@pytest.mark.parametrize(
    ("agents", "floor", "code"), [("oracle", "100", 0), ("oracle,nop", "60", 1), ("nop", "0", 0)]
)
def test_fail_under_sets_a_floor_on_the_pass_rate(
    pytester: pytest.Pytester, make_task: MakeTask, agents: str, floor: str, code: int
) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", f"--arena-agents={agents}", f"--arena-fail-under={floor}")
    assert result.ret == code
    result.stdout.fnmatch_lines([f"*overall pass rate*--arena-fail-under={floor}%*"])


def test_last_failed_reruns_only_unsolved_cells(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop")
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop", "--lf")
    result.assert_outcomes(failed=1)  # the passing cell is not even collected


def test_last_failed_without_options_reruns_the_last_runs_failed_cells(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop", "--arena-seeds=1,2")
    # A bare --lf collects the plugin's default selection (oracle, seed 42): none of the failed
    # cells. pytest alone would run that whole selection; it gets the last run's selection instead.
    result = pytester.runpytest("bench_tasks", "--lf")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        ["*hybridarena: --lf: the selection of the last run *agents=nop,oracle*seeds=1,2*"]
    )
    assert {r["cell"]["agent"] for r in rows_of_run(result)} == {"nop"}


def rows_of_run(result: pytest.RunResult) -> list[dict[str, Any]]:
    [line] = [line for line in result.outlines if line.startswith("results: ")]
    return [json.loads(row) for row in Path(line.split()[1]).read_text().splitlines()]


def test_last_failed_refuses_when_the_cells_failures_are_from_another_selection(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop")
    result = pytester.runpytest("bench_tasks", "--lf", "--arena-agents=oracle", "--arena-seeds=7")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--lf: none of the 1 failed cells in pytest's cache (e.g. *add[[]nop-always-local-s42]) is among*"]
    )
    assert "passed" not in result.stdout.str()


def test_last_failed_refuses_when_no_cell_failed(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    assert pytester.runpytest("bench_tasks", "--arena-agents=oracle").ret == 0
    result = pytester.runpytest("bench_tasks", "--lf")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--lf: pytest's cache records no failed cell*drop --lf to run this selection*"]
    )


def test_stepwise_continues_from_its_cell_and_refuses_without_one(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    make_task("bdd")
    refused = pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop", "--sw")
    assert refused.ret == pytest.ExitCode.USAGE_ERROR
    refused.stderr.fnmatch_lines(["*--sw: pytest's cache holds no step-wise position*Use --sw-reset*"])
    started = pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop", "--sw-reset")
    started.assert_outcomes(failed=1)  # add[nop] is first and unsolved: stepping stops there
    again = pytester.runpytest("bench_tasks", "--sw")  # the last run's selection, from add[nop]
    again.assert_outcomes(failed=1)
    again.stdout.fnmatch_lines(["*stepwise: skipping 0 already passed items*"])


def test_last_failed_refusal_under_xdist_runs_no_cell(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    pytest.importorskip("xdist")
    make_task("add")
    assert pytester.runpytest("bench_tasks", "--arena-agents=oracle").ret == 0
    result = pytester.runpytest_subprocess("bench_tasks", "--lf", "-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(["*ERROR: hybridarena: --lf: pytest's cache records no failed cell*"])
    assert "passed" not in result.stdout.str()


def test_exitfirst_stops_after_the_first_unsolved_cell(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    make_task("bdd")
    result = pytester.runpytest("bench_tasks", "--arena-agents=nop", "-x")
    result.assert_outcomes(failed=1)


def test_run_json_records_the_request(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    pytester.runpytest("bench_tasks", "--arena-agents=oracle")
    [run_json] = pytester.path.glob("reports/*/run.json")
    info = json.loads(run_json.read_text())
    assert info["settings"]["agents"] == ["oracle"]
    assert "--arena-agents=oracle" in info["args"]
    assert info["run_id"] == run_json.parent.name


def test_out_option_chooses_the_jsonl_path(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    out = pytester.path / "elsewhere" / "rows.jsonl"
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle", f"--arena-out={out}")
    assert result.ret == 0
    assert len(out.read_text().splitlines()) == 1
    assert (out.parent / "cells").is_dir(), "artifacts sit beside the chosen results file"


def test_collect_only_writes_nothing(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    pytester.runpytest("bench_tasks", "--co")
    assert not list(Path(pytester.path).glob("reports/*/results.jsonl"))


def test_pytest_timeout_is_the_last_resort_and_makes_a_timeout_row(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    pytest.importorskip("pytest_timeout")
    make_task("add", toml='timeout_s = 0.5\ninstruction = "x"\n[score]\ntimeout_s = 0.5\n')
    pytester.makeconftest(AGENTS_CONFTEST)
    result = pytester.runpytest_subprocess(
        "bench_tasks", "--arena-agents=sleeper", "-o", "timeout_method=signal"
    )
    [row] = rows_of(pytester)
    assert row["outcome"] == "timeout"
    assert row["error"]["kind"] == "pytest-timeout"
    result.stdout.fnmatch_lines(["*1 timeout*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_worker_crash_becomes_an_error_row_and_the_sweep_goes_on(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    pytest.importorskip("xdist")
    make_task("add")
    pytester.makeconftest(AGENTS_CONFTEST)
    result = pytester.runpytest_subprocess("bench_tasks", "-n", "2", "--arena-agents=exiter,oracle")
    rows = {r["cell"]["agent"]: r for r in rows_of(pytester)}
    assert rows["exiter"]["outcome"] == "error"
    assert rows["exiter"]["error"]["kind"] == "worker-crash"
    assert rows["oracle"]["outcome"] == "pass"
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_junit_xml_carries_flat_cell_properties(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    import xml.etree.ElementTree as ET

    make_task("add")
    junit = pytester.path / "junit.xml"
    pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop", f"--junitxml={junit}")
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    props = {p.get("name"): p.get("value") for p in cases["add[oracle-always-local-s42]"].iter("property")}
    assert props["arena.agent"] == "oracle"
    assert props["arena.strategy"] == "always-local"
    assert props["arena.seed"] == "42"
    assert props["arena.outcome"] == "pass"
    assert props["arena.tests"] == "2/2"
    assert props["arena.calls"] == "0"
    nop = {p.get("name"): p.get("value") for p in cases["add[nop-always-local-s42]"].iter("property")}
    assert nop["arena.outcome"] == "fail"
    assert all(len(v or "") < 200 for v in props.values()), "flat values, not whole rows"


def test_the_run_writes_aggregate_summary_and_html_and_prints_comparisons(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    result = pytester.runpytest(
        "bench_tasks", "--arena-agents=oracle", "--arena-strategies=always-cloud,always-local", "--arena-html"
    )
    [run_dir] = pytester.path.glob("reports/*/")
    aggregate = json.loads((run_dir / "aggregate.json").read_text())
    assert aggregate["schema_version"] == 1
    assert (run_dir / "summary.md").read_text().strip()
    assert "<svg" in (run_dir / "report.html").read_text()
    result.stdout.fnmatch_lines(
        [
            "*paired comparisons vs always-cloud (margin 5 pts*",
            "*decision table*",
            "*artifacts: *report.html*",
        ]
    )


def test_summary_none_prints_no_table(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle", "--arena-summary=none")
    assert "hybridarena summary" not in result.stdout.str()
    assert len(rows_of(pytester)) == 1
