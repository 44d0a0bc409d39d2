"""The mini-swe-agent adapter: its options, config and command line, and the real ``mini`` CLI end to
end — alone against a scripted model in both of its protocols, and through the real router inside a
pytest run.

The model is a fake (``tests/fakes/agent_scripts.py``) answering with mini's bash actions and its
submit command; mini, the router and the plugin are real. Without mini-swe-agent installed the CLI
tests skip with the install command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_hybridarena.agents import mini_swe_agent
from pytest_hybridarena.agents.base import AgentEndpoint, AgentRequest
from pytest_hybridarena.agents.cli_run import find_executable
from pytest_hybridarena.agents.mini_swe_agent import (
    INSTALL,
    MiniOptions,
    MiniSweAgent,
    build_command,
    build_config,
    parse_options,
)
from tests.conftest import MakeTask
from tests.fakes.agent_scripts import (
    ProtocolRecorder,
    audit_network,
    hosts_reached,
    mini_script,
    nonsense,
    serve,
)
from tests.fakes.script import Reply
from tests.test_plugin import rows_of

STUB = "def add(a, b):\n    raise NotImplementedError\n"
WRITE_SOLUTION = "cat > calc.py <<'EOF'\ndef add(a, b):\n    return a + b\nEOF"
ENDPOINT = AgentEndpoint("http://127.0.0.1:1/cell/c1/v1", "http://127.0.0.1:1/cell/c1/anthropic")

needs_mini = pytest.mark.skipif(
    find_executable("mini") is None, reason=f"mini-swe-agent is not installed: {INSTALL}"
)


# -- options, config and command line -----------------------------------------------------------
def test_defaults_and_parameters() -> None:
    assert parse_options({}) == MiniOptions(step_limit=50, cost_limit=3.0, protocol="tools")
    assert parse_options({"step_limit": "5", "cost_limit": "0", "protocol": "text"}) == MiniOptions(
        5, 0.0, "text"
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"steps": "5"}, "unknown parameter 'steps'; known: step_limit, cost_limit, protocol"),
        ({"step_limit": "0"}, "step_limit must be an integer from 1 to 10000, got '0'"),
        ({"cost_limit": "-1"}, "cost_limit must be a number >= 0 (0: none), got '-1'"),
        ({"cost_limit": "nan"}, "cost_limit must be a number >= 0"),
        ({"protocol": "xml"}, "protocol must be one of tools, text, got 'xml'"),
    ],
)
def test_bad_parameters_are_named(params: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match="mini-swe-agent: ") as info:
        parse_options(params)
    assert message in str(info.value)


def test_an_unknown_parameter_is_an_error_result_without_running_mini(tmp_path: Path) -> None:
    request = AgentRequest(tmp_path, "x", ENDPOINT, 10, 1, tmp_path / "log", {"steps": "3"})
    result = MiniSweAgent().run(request)
    assert result.status == "error"
    assert result.error is not None
    assert "known: step_limit" in result.error


def test_missing_cli_skips_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mini_swe_agent, "find_executable", lambda name: None)
    assert MiniSweAgent().available() == (False, "pip install 'mini-swe-agent>=2.4,<2.5'")


def test_config_routes_the_model_to_the_cell_and_sets_the_limits() -> None:
    config = build_config(ENDPOINT, MiniOptions(step_limit=7, cost_limit=0.5), "Fix it.", 42, 300)
    assert config["run"] == {"task": "Fix it."}
    assert config["agent"] == {"step_limit": 7, "cost_limit": 0.5, "wall_time_limit_seconds": 270}
    model = config["model"]
    assert model["model_name"] == "openai/arena"
    assert model["cost_tracking"] == "ignore_errors"
    assert model["model_kwargs"]["api_base"] == "http://127.0.0.1:1/cell/c1/v1"
    assert model["model_kwargs"]["api_key"] == "arena-placeholder-key"
    assert model["model_kwargs"]["seed"] == 42
    assert "model_class" not in model
    text = build_config(ENDPOINT, MiniOptions(protocol="text"), "x", 1, 20)
    assert text["model"]["model_class"] == "litellm_textbased"
    assert text["agent"]["wall_time_limit_seconds"] == 18


def test_command_runs_headless_on_mini_yaml_plus_ours(tmp_path: Path) -> None:
    argv = build_command("mini", MiniOptions(), tmp_path / "arena.yaml", tmp_path / "t.json")
    assert argv == [
        "mini", "-y", "--exit-immediately", "-c", "mini.yaml", "-c", str(tmp_path / "arena.yaml"),
        "-o", str(tmp_path / "t.json"),
    ]  # fmt: skip
    argv = build_command("mini", MiniOptions(protocol="text"), tmp_path / "a.yaml", tmp_path / "t.json")
    assert argv[3:5] == ["-c", "mini_textbased.yaml"]


# -- the real CLI against a scripted model ------------------------------------------------------
@needs_mini
@pytest.mark.parametrize("protocol", ["tools", "text"])
def test_mini_runs_the_commands_submits_and_saves_its_trajectory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, protocol: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-user-key")
    hook_dir, net_log = audit_network(tmp_path / "hook")
    real_env = mini_swe_agent.agent_env
    monkeypatch.setattr(
        mini_swe_agent,
        "agent_env",
        lambda private, extra: real_env(private, {**extra, "PYTHONPATH": str(hook_dir)}),
    )
    workspace, log = tmp_path / "ws", tmp_path / "log"
    workspace.mkdir()
    (workspace / "calc.py").write_text(STUB)
    recorder = ProtocolRecorder(respond=mini_script([WRITE_SOLUTION]))
    with serve(recorder) as url:
        endpoint = AgentEndpoint(url, "http://unused", model="arena", api_key="k-123")
        request = AgentRequest(workspace, "Implement add.", endpoint, 120, 42, log, {"protocol": protocol})
        result = MiniSweAgent().run(request)
    assert result.status == "ok", result.error
    assert result.version is not None
    assert result.version.startswith("2.4")
    assert (workspace / "calc.py").read_text() == "def add(a, b):\n    return a + b\n"
    assert result.transcript_path == log / "mini.traj.json"
    trajectory = json.loads(result.transcript_path.read_text())
    assert trajectory["info"]["exit_status"] == "Submitted"
    assert trajectory["info"]["model_stats"]["api_calls"] == 2
    assert "This is mini-swe-agent version" in (log / "mini.log").read_text()
    assert [bool(body.get("tools")) for body in recorder.requests] == [protocol == "tools"] * 2
    assert all(body["model"] == "arena" and body["seed"] == 42 for body in recorder.requests)
    assert all(h["Authorization"] == "Bearer k-123" for h in recorder.headers)
    assert "Implement add." in json.dumps(recorder.requests[0]["messages"])
    assert sorted(p.name for p in workspace.iterdir()) == ["calc.py"]
    assert hosts_reached(net_log) == {"127.0.0.1"}  # no cost map or model lookups online


@needs_mini
def test_the_step_limit_ends_the_run_normally(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "calc.py").write_text(STUB)
    recorder = ProtocolRecorder(respond=mini_script(["ls", "ls", "ls", "ls"]))
    with serve(recorder) as url:
        request = AgentRequest(
            workspace,
            "Implement add.",
            AgentEndpoint(url, "x"),
            120,
            1,
            tmp_path / "log",
            {"step_limit": "2"},
        )
        result = MiniSweAgent().run(request)
    assert result.status == "ok"
    assert result.error == "mini-swe-agent stopped: LimitsExceeded"
    assert len(recorder.requests) == 2


@needs_mini
def test_a_model_that_only_refuses_is_an_error(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "calc.py").write_text(STUB)
    recorder = ProtocolRecorder(respond=lambda body: Reply(status=401))  # mini does not retry a 401
    with serve(recorder) as url:
        request = AgentRequest(
            workspace, "Implement add.", AgentEndpoint(url, "x"), 120, 1, tmp_path / "log", {}
        )
        result = MiniSweAgent().run(request)
    assert result.status == "error"
    assert result.error is not None
    assert "AuthenticationError" in result.error
    assert len(recorder.requests) == 1


# -- through the real router in a pytest run ----------------------------------------------------
CONFTEST = """
from pytest_hybridarena.agents.mini_swe_agent import MiniSweAgent

def pytest_arena_make_agent(name, params, config):
    return MiniSweAgent() if name == "mini-swe-agent" else None

def pytest_arena_agent_names(config):
    return ["mini-swe-agent"]
"""
TASK_TOML = 'title = "add"\ntags = ["demo"]\ninstruction = "Implement add in calc.py."\ntimeout_s = 180\n'


def run_arena(pytester: pytest.Pytester, url: str, agent: str, strategy: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST)
    return pytester.runpytest(
        "bench_tasks",
        f"--arena-agents={agent}",
        f"--arena-strategies={strategy}",
        f"--arena-local=openai:fake-small@{url}",
        f"--arena-cloud=openai:fake-big@{url}",
    )


@needs_mini
def test_mini_solves_a_task_through_the_router(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add", toml=TASK_TOML)
    with serve(ProtocolRecorder(respond=mini_script([WRITE_SOLUTION]))) as url:
        result = run_arena(pytester, url, "mini-swe-agent@step_limit=10", "always-cloud")
    result.assert_outcomes(passed=1)
    [row] = rows_of(pytester)
    assert row["outcome"] == "pass"
    assert row["calls"]["total"] == row["calls"]["cloud"] == 2
    assert row["tokens"]["cloud_prompt"] == 600
    assert row["tokens"]["cloud_completion"] == 80
    assert row["versions"]["agent"].startswith("2.4")


@needs_mini
def test_a_model_that_answers_nonsense_never_passes(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add", toml=TASK_TOML)
    with serve(ProtocolRecorder(respond=nonsense)) as url:
        run_arena(pytester, url, "mini-swe-agent@step_limit=5", "always-local")
    [row] = rows_of(pytester)
    assert row["outcome"] in ("fail", "error")
    assert 1 <= row["calls"]["local"] <= 5
