"""The session router inside a real pytest run: cells open on it, calls are attributed, rows carry usage.

The model server is a fake (tests/fakes/openai_fake.py) speaking the OpenAI wire protocol; the
router, the plugin and the agent's HTTP client are real.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import FakeUpstream, MakeTask, serve_fake_openai
from tests.fakes.script import Reply
from tests.test_plugin import rows_of

CALLER_CONFTEST = '''
import httpx
from pytest_hybridarena.agents.base import AgentResult

class Caller:
    """Asks the model once and writes its answer into calc.py."""
    name = "caller"; uses_llm = True
    def available(self): return True, ""
    def run(self, request):
        ep = request.endpoint
        r = httpx.post(ep.openai_base_url + "/chat/completions",
                       headers={"Authorization": "Bearer " + ep.api_key},
                       json={"model": ep.model, "seed": request.seed,
                             "messages": [{"role": "user", "content": request.instruction}]},
                       timeout=30)
        if r.status_code != 200:
            return AgentResult("error", error=f"HTTP {r.status_code}: {r.text[:200]}")
        (request.workspace / "calc.py").write_text(r.json()["choices"][0]["message"]["content"])
        return AgentResult("ok")

def pytest_arena_make_agent(name, params, config):
    return Caller() if name == "caller" else None

def pytest_arena_agent_names(config):
    return ["caller"]
'''

SOLUTION = "def add(a, b):\n    return a + b\n"


def test_calls_go_through_the_router_and_land_in_the_row(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    make_task("add")
    pytester.makeconftest(CALLER_CONFTEST)
    fake_openai.recorder.default = Reply(text=SOLUTION, prompt_tokens=40, completion_tokens=12)
    result = pytester.runpytest(
        "bench_tasks",
        "--arena-agents=caller",
        "--arena-strategies=always-local,always-cloud",
        f"--arena-local=openai:fake-small@{fake_openai.base_url}",
        f"--arena-cloud=openai:fake-big@{fake_openai.base_url}",
    )
    result.assert_outcomes(passed=2)
    rows = {r["cell"]["strategy"]: r for r in rows_of(pytester)}
    local, cloud = rows["always-local"], rows["always-cloud"]
    assert local["calls"]["total"] == local["calls"]["local"] == 1
    assert local["calls"]["cloud"] == 0
    assert (local["tokens"]["local_prompt"], local["tokens"]["local_completion"]) == (40, 12)
    assert cloud["calls"]["cloud"] == 1
    assert (cloud["tokens"]["cloud_prompt"], cloud["tokens"]["cloud_completion"]) == (40, 12)
    assert local["models"] == {"local": "openai:fake-small", "cloud": "openai:fake-big"}
    assert sorted(r["model"] for r in fake_openai.recorder.requests) == ["fake-big", "fake-small"]
    # The agent's placeholder key never reaches the upstream.
    assert all("arena-placeholder-key" not in str(h) for h in fake_openai.recorder.headers)
    log_path, _, cell_ref = local["decisions_ref"].partition("#cell=")
    [run_dir] = pytester.path.glob("reports/*/")
    decisions = [json.loads(line) for line in (run_dir / log_path).read_text().splitlines()]
    assert cell_ref == "puzzles/add[caller-always-local-s42]"
    [decision] = [d for d in decisions if d["cell"] == cell_ref]
    assert decision["choice"] == "local"
    result.stdout.fnmatch_lines(["*local=openai:fake-small*cloud=openai:fake-big*"])


def test_a_dead_backend_is_an_error_row_not_a_lost_one(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    pytester.makeconftest(CALLER_CONFTEST)
    result = pytester.runpytest(
        "bench_tasks",
        "--arena-agents=caller",
        "--arena-local=openai:nobody@http://127.0.0.1:9/v1",
        "--arena-cloud=openai:nobody-either@http://127.0.0.1:9/v1",
    )
    [row] = rows_of(pytester)
    assert row["outcome"] == "error"
    assert row["error"]["kind"] == "backend"
    assert "local_connect" in row["error"]["message"]
    assert row["calls"]["errors"] == 1
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_unknown_strategy_parameters_and_backend_specs_are_usage_errors(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", "--arena-strategies=cascade@thresold=3")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--arena-strategies:*cascade*unknown parameter*thresold*"])
    result = pytester.runpytest("bench_tasks", "--arena-local=qwen")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--arena-local: backend spec 'qwen' must look like scheme:model*"])
    result = pytester.runpytest("bench_tasks", "--arena-cloud=gemini:pro")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--arena-cloud: backend spec 'gemini:pro' has unknown scheme 'gemini'; known: *openai*"]
    )


STRATEGY_CONFTEST = """
from pytest_hybridarena.router.strategies.base import Decision, StrategyBase

class Contrarian(StrategyBase):
    name = "contrarian"
    async def decide(self, request, context):
        return Decision("cloud", "always the other way", 1.0)

def pytest_arena_add_strategies(config):
    return {"contrarian": Contrarian}
"""


def test_a_conftest_can_add_a_strategy(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    make_task("add")
    pytester.makeconftest(CALLER_CONFTEST + STRATEGY_CONFTEST)
    fake_openai.recorder.default = Reply(text=SOLUTION)
    result = pytester.runpytest(
        "bench_tasks",
        "--arena-agents=caller",
        "--arena-strategies=contrarian",
        f"--arena-local=openai:fake-small@{fake_openai.base_url}",
        f"--arena-cloud=openai:fake-big@{fake_openai.base_url}",
        "-m",
        "contrarian",
    )
    result.assert_outcomes(passed=1)
    [row] = rows_of(pytester)
    assert row["calls"]["cloud"] == 1


def test_builtin_agent_solves_a_task_through_the_router(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    make_task("add")
    fake_openai.recorder.default = Reply(text=f"calc.py\n```python\n{SOLUTION}```\n", prompt_tokens=90)
    result = pytester.runpytest(
        "bench_tasks",
        "--arena-agents=builtin",
        "--arena-strategies=always-cloud",
        f"--arena-local=openai:fake-small@{fake_openai.base_url}",
        f"--arena-cloud=openai:fake-big@{fake_openai.base_url}",
    )
    result.assert_outcomes(passed=1)
    [row] = rows_of(pytester)
    assert row["outcome"] == "pass"
    assert row["calls"] == {"total": 1, "local": 0, "cloud": 1, "errors": 0, "escalated": 0}
    assert row["tokens"]["cloud_prompt"] == 90
    assert row["versions"]["agent"] == "builtin-3"
    [request] = fake_openai.recorder.requests
    assert request["seed"] == 42
    assert "Implement add." in json.dumps(request["messages"])


def test_price_as_reprices_the_cloud_tokens_and_the_table_shows_cost_and_cloud_share(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    make_task("add")
    pytester.makeconftest(CALLER_CONFTEST)
    fake_openai.recorder.default = Reply(text=SOLUTION, prompt_tokens=40, completion_tokens=12)
    result = pytester.runpytest(
        "bench_tasks",
        "--arena-agents=caller",
        "--arena-strategies=always-local,always-cloud",
        f"--arena-local=openai:fake-small@{fake_openai.base_url}",
        f"--arena-cloud=openai:fake-big@{fake_openai.base_url}",
        "--arena-price-as=gpt-5.5",
    )
    rows = {r["cell"]["strategy"]: r for r in rows_of(pytester)}
    # gpt-5.5: $5 per 1M input tokens, $30 per 1M output tokens; local tokens are free.
    assert rows["always-cloud"]["cost_usd"] == {"scenario": "as:gpt-5.5", "value": pytest.approx(0.00056)}
    assert rows["always-local"]["cost_usd"] == {"scenario": "as:gpt-5.5", "value": 0.0}
    result.stdout.fnmatch_lines(
        [
            "*cost: cloud tokens priced as gpt-5.5 list prices*",
            "*puzzles*caller*always-cloud*100.0%*100%*1.0*$0.0006*",
            "*puzzles*caller*always-local*100.0%*0%*1.0*$0.0000*",
        ]
    )


def test_price_as_must_name_a_priced_model(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    result = pytester.runpytest("bench_tasks", "--arena-price-as=gpt-9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--arena-price-as: 'gpt-9' is not in the price table; known: *gpt-5.5*"])


def test_each_xdist_host_reaches_its_own_model_server(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    """Two popen gateways stand in for two hosts; each gets its own backend URL through its
    environment, and ``${VAR}`` in the backend spec expands on the worker."""
    pytest.importorskip("xdist")
    for name in ("t1", "t2", "t3", "t4"):
        make_task(name)
    pytester.makeconftest(CALLER_CONFTEST)
    fake_openai.recorder.default = Reply(text=SOLUTION)
    with serve_fake_openai() as other:
        other.recorder.default = Reply(text=SOLUTION)
        hosts = [fake_openai.base_url.removeprefix("http://"), other.base_url.removeprefix("http://")]
        result = pytester.runpytest_subprocess(
            "bench_tasks",
            "--dist=load",
            *(arg for host in hosts for arg in ("--tx", f"popen//env:ARENA_HOST_MODEL={host}")),
            "--arena-agents=caller",
            "--arena-local=openai:small@http://${ARENA_HOST_MODEL}",
            "--arena-cloud=openai:big@http://${ARENA_HOST_MODEL}",
        )
        result.assert_outcomes(passed=4)
        rows = rows_of(pytester)
        by_worker = {r["worker"]: r["models"]["local"] for r in rows}
        assert len(by_worker) == 2, by_worker
        assert len(fake_openai.recorder.requests) >= 1
        assert len(other.recorder.requests) >= 1
        assert len(fake_openai.recorder.requests) + len(other.recorder.requests) == 4


def test_a_replayed_sweep_reproduces_the_recorded_rows_without_any_model(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    make_task("add")
    make_task("bdd")
    pytester.makeconftest(CALLER_CONFTEST)
    fake_openai.recorder.default = Reply(text=SOLUTION, prompt_tokens=33, completion_tokens=9)
    tapes = pytester.path / "tapes"
    common = [
        "bench_tasks",
        "--arena-agents=caller",
        "--arena-strategies=always-local,always-cloud",
        f"--arena-local=openai:small@{fake_openai.base_url}",
        f"--arena-cloud=openai:big@{fake_openai.base_url}",
        "--arena-seeds=1,2",
    ]
    recorded = pytester.runpytest(
        *common, f"--arena-record={tapes}", f"--arena-out={pytester.path / 'a.jsonl'}"
    )
    recorded.assert_outcomes(passed=8)
    calls_made = len(fake_openai.recorder.requests)
    replayed = pytester.runpytest(
        *common, f"--arena-replay={tapes}", f"--arena-out={pytester.path / 'b.jsonl'}"
    )
    replayed.assert_outcomes(passed=8)
    assert len(fake_openai.recorder.requests) == calls_made, "replay called no model"

    def essence(name: str) -> dict[str, tuple[object, ...]]:
        rows = [json.loads(line) for line in (pytester.path / name).read_text().splitlines()]
        return {
            json.dumps(r["cell"], sort_keys=True): (r["outcome"], r["tests"], r["calls"], r["tokens"])
            for r in rows
        }

    assert essence("a.jsonl") == essence("b.jsonl")


def test_a_replay_miss_is_an_error_row_never_a_silent_model_call(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    make_task("add")
    pytester.makeconftest(CALLER_CONFTEST)
    empty = pytester.mkdir("empty-tapes")
    result = pytester.runpytest(
        "bench_tasks",
        "--arena-agents=caller",
        f"--arena-local=openai:small@{fake_openai.base_url}",
        f"--arena-cloud=openai:big@{fake_openai.base_url}",
        f"--arena-replay={empty}",
    )
    [row] = rows_of(pytester)
    assert row["outcome"] == "error"
    assert row["error"]["kind"] == "replay-miss"
    assert fake_openai.recorder.requests == []
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_backend_down_for_the_session_fails_fast_after_three_cells(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    for name in ("t1", "t2", "t3", "t4", "t5"):
        make_task(name)
    pytester.makeconftest(CALLER_CONFTEST)
    result = pytester.runpytest(
        "bench_tasks",
        "--arena-agents=caller",
        "--arena-local=openai:nobody@http://127.0.0.1:9/v1",
        "--arena-cloud=openai:nobody-either@http://127.0.0.1:9/v1",
    )
    kinds = [r["error"]["kind"] for r in sorted(rows_of(pytester), key=lambda r: r["cell"]["task_id"])]
    assert kinds == ["backend", "backend", "backend", "backend-down", "backend-down"]
    result.stdout.fnmatch_lines(["*failed every call of 3 cells in a row*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def _release(event: Any) -> None:
    """Let a fake's hanging handlers finish (its loop runs in another thread)."""
    loop = getattr(event, "_loop", None)
    if loop is not None:
        loop.call_soon_threadsafe(event.set)


def test_a_model_slower_than_the_cell_budget_makes_a_timeout_row_that_counts_its_tokens(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    make_task("add", toml='title = "add"\ninstruction = "Implement add."\ntimeout_s = 1\n')
    pytester.makeconftest(CALLER_CONFTEST)  # its own HTTP timeout (30 s) is far longer than 1 s
    fake_openai.recorder.default = Reply(fault="hang")
    try:
        result = pytester.runpytest(
            "bench_tasks",
            "--arena-agents=caller",
            f"--arena-local=openai:fake-small@{fake_openai.base_url}",
            f"--arena-cloud=openai:fake-big@{fake_openai.base_url}",
        )
    finally:
        _release(fake_openai.recorder.hang)
    [row] = rows_of(pytester)
    assert row["outcome"] == "timeout", row["error"]
    assert row["error"]["kind"] == "agent-timeout"
    assert "local_budget" in row["error"]["message"]
    assert row["calls"]["local"] == 1
    assert row["tokens"]["local_prompt"] > 0, "the prompt sent before the cut is counted"
    assert row["sampling"]["local"]["calls"] == 1
    result.stdout.fnmatch_lines(["*TIMEOUT*"])


def test_guards_are_opt_in_per_tier_listed_in_the_header_recorded_and_hashed(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream
) -> None:
    make_task("add")
    pytester.makeconftest(CALLER_CONFTEST)
    fake_openai.recorder.default = Reply(text=SOLUTION)
    common = [
        "bench_tasks",
        "--arena-agents=caller",
        f"--arena-local=openai:fake-small@{fake_openai.base_url}",
        f"--arena-cloud=openai:fake-big@{fake_openai.base_url}",
    ]
    plain = pytester.runpytest(*common, f"--arena-out={pytester.path / 'plain.jsonl'}")
    plain.stdout.fnmatch_lines(
        ["hybridarena: sampling as the agent sends it on every tier; guards: none; call limits: the cell*"]
    )
    assert "max_tokens" not in fake_openai.recorder.requests[-1]
    guarded = pytester.runpytest(
        *common,
        "--arena-max-tokens-cap=local:64",
        "--arena-call-timeout=cloud:300",
        f"--arena-out={pytester.path / 'guarded.jsonl'}",
    )
    guarded.stdout.fnmatch_lines(
        ["*guards: local max_tokens_cap=64; call limits: cloud 300s and the cell's budget*"]
    )
    assert fake_openai.recorder.requests[-1]["max_tokens"] == 64
    [before] = [json.loads(line) for line in (pytester.path / "plain.jsonl").read_text().splitlines()]
    [after] = [json.loads(line) for line in (pytester.path / "guarded.jsonl").read_text().splitlines()]
    assert before["sampling"]["local"]["max_tokens_cap"] is None
    assert before["sampling"]["local"]["seed"] == [42], "as the agent sent it"
    assert after["sampling"]["local"]["max_tokens_cap"] == 64
    assert after["sampling"]["local"]["capped_calls"] == 1
    assert after["sampling"]["cloud"]["max_tokens_cap"] is None
    assert before["config_sha"] != after["config_sha"], "rows drawn differently are not comparable"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--arena-repeat-penalty=cloud:1.1", "*--arena-repeat-penalty: the cloud tier is*whose API has no*"),
        ("--arena-repeat-penalty=mid:1.1", "*--arena-repeat-penalty:*unknown tier 'mid'*local, cloud*"),
        ("--arena-max-tokens-cap=local:0", "*--arena-max-tokens-cap: '0' must be > 0*"),
        ("--arena-call-timeout=local:soon", "*--arena-call-timeout: 'soon' is not a number*"),
        ("--arena-tool-nudge=remote", "*--arena-tool-nudge: unknown tier 'remote'*"),
    ],
)
def test_bad_per_tier_options_are_usage_errors(
    pytester: pytest.Pytester, make_task: MakeTask, option: str, message: str
) -> None:
    make_task("add")
    result = pytester.runpytest(
        "bench_tasks", "--arena-local=ollama:m", "--arena-cloud=openai:gpt-5.5", option
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
