"""The opencode adapter: its config and command line, its endings with a stand-in CLI, and the real
opencode CLI end to end through the router inside a pytest run (skipped, with the install command,
when ``tools/install-agents.sh`` has not been run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_hybridarena.agents import npm_cli
from pytest_hybridarena.agents.base import AgentEndpoint, AgentRequest
from pytest_hybridarena.agents.opencode import OpencodeAgent, OpencodeWatch, opencode_argv, opencode_config
from tests.agents.npm_e2e import run_arena
from tests.conftest import MakeTask
from tests.fakes.agent_scripts import nonsense
from tests.fakes.npm_agent_scripts import edit_script, fake_cli, loop_script

ENDPOINT = AgentEndpoint("http://127.0.0.1:1/cell/c1/v1", "http://127.0.0.1:1/cell/c1")
AGENT = ("opencode", "opencode", "OpencodeAgent")
needs_opencode = pytest.mark.skipif(
    OpencodeAgent().executable() is None,
    reason=f"opencode is not installed: {OpencodeAgent().available()[1]}",
)


def request_for(tmp_path: Path, params: dict[str, str] | None = None, timeout_s: float = 60) -> AgentRequest:
    workspace = tmp_path / "workspace"
    workspace.mkdir(exist_ok=True)
    return AgentRequest(workspace, "Implement add.", ENDPOINT, timeout_s, 42, tmp_path / "log", params or {})


def _values(tree: object) -> list[object]:
    if isinstance(tree, dict):
        return [v for value in tree.values() for v in _values(value)]
    return [tree]


# -- config and command line ----------------------------------------------------------------------
def test_the_config_declares_one_provider_at_the_cell_and_never_asks() -> None:
    config = opencode_config(ENDPOINT, steps=7)
    provider = config["provider"]["arena"]
    assert provider["npm"] == "@ai-sdk/openai-compatible"
    assert provider["options"] == {
        "baseURL": "http://127.0.0.1:1/cell/c1/v1",
        "apiKey": "arena-placeholder-key",
    }
    assert config["model"] == config["small_model"] == "arena/arena"
    assert config["agent"] == {"build": {"steps": 7}}
    # headless `opencode run` hangs forever on a permission that resolves to "ask"
    assert "ask" not in _values(config["permission"])
    assert config["permission"]["*"] == "allow"
    assert config["permission"]["external_directory"] == config["permission"]["webfetch"] == "deny"


def test_the_command_line_runs_headless_json_with_the_arena_model(tmp_path: Path) -> None:
    argv = opencode_argv("opencode", request_for(tmp_path))
    assert argv[:2] == ["opencode", "run"]
    assert {"--pure", "--auto"} <= set(argv)
    assert argv[argv.index("--format") + 1] == "json"
    assert argv[argv.index("-m") + 1] == "arena/arena"
    assert argv[-1] == "Implement add."


def test_an_unknown_parameter_is_an_error_naming_the_known_ones(tmp_path: Path) -> None:
    result = OpencodeAgent(executable="/nonexistent").run(request_for(tmp_path, {"max_steps": "3"}))
    assert result.status == "error"
    assert result.error == "opencode: unknown parameter 'max_steps'; known: steps"


def test_a_missing_cli_is_unavailable_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(npm_cli, "find_npm_cli", lambda binary: None)
    ok, reason = OpencodeAgent().available()
    assert not ok
    assert "bash tools/install-agents.sh" in reason
    assert "opencode-ai@1.18.33" in reason


# -- endings, with a stand-in CLI -----------------------------------------------------------------
FINISHED = """
print(json.dumps({"type": "step_start", "part": {}}))
print(json.dumps({"type": "text", "part": {"text": "done"}}))
print(json.dumps({"type": "step_finish", "part": {"reason": "stop", "tokens": {"input": 10, "output": 2}}}))
"""
API_ERROR = """
error = {"name": "APIError", "data": {"message": "Cannot connect to API"}}
print(json.dumps({"type": "error", "error": error}))
sys.exit(1)
"""


def test_a_finished_run_is_ok_with_isolated_config_and_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-secret")
    exe = fake_cli(tmp_path / "opencode", FINISHED, version="1.18.33")
    result = OpencodeAgent(executable=exe).run(request_for(tmp_path))
    assert (result.status, result.exit_code, result.error, result.version) == ("ok", 0, None, "1.18.33")
    seen = json.loads(Path(exe + ".json").read_text())
    env = seen["env"]
    assert "sk-real" not in json.dumps(env)
    assert env["OPENCODE_CONFIG"].startswith(str(Path(env["HOME"]).parent))
    assert env["XDG_CONFIG_HOME"].startswith(str(Path(env["HOME"]).parent))
    assert env["npm_config_registry"] == "http://127.0.0.1:9/"
    assert env["OPENCODE_DISABLE_PROJECT_CONFIG"] == "1"
    assert json.loads((tmp_path / "log" / "opencode.json").read_text())["model"] == "arena/arena"


def test_an_error_event_is_an_error_with_its_message(tmp_path: Path) -> None:
    result = OpencodeAgent(executable=fake_cli(tmp_path / "opencode", API_ERROR)).run(request_for(tmp_path))
    assert result.status == "error"
    assert result.error == "opencode reported: APIError: Cannot connect to API"


def test_a_silent_exit_is_an_error(tmp_path: Path) -> None:
    result = OpencodeAgent(executable=fake_cli(tmp_path / "opencode", "pass")).run(request_for(tmp_path))
    assert result.status == "error"
    assert result.error == "opencode never got an answer from the model (no step finished)"


def test_the_watch_stops_opencode_past_its_step_limit() -> None:
    watch = OpencodeWatch(limit=1)
    assert watch('{"type":"step_start"}') is None
    assert (
        watch('{"type":"step_start"}')
        == "stopped by the adapter at step 2 (opencode did not stop at its own limit)"
    )


# -- the real CLI through the router ----------------------------------------------------------------
@needs_opencode
def test_opencode_solves_the_task_through_the_router(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    result, row, recorder = run_arena(pytester, make_task, AGENT, edit_script("opencode"))
    assert row["outcome"] == "pass", row
    result.assert_outcomes(passed=1)
    assert row["calls"]["total"] >= 3
    assert row["calls"]["cloud"] == row["calls"]["total"]
    assert row["tokens"]["cloud_prompt"] > 0
    assert row["tokens"]["cloud_completion"] > 0
    assert row["versions"]["agent"] == "1.18.33"
    tools = [
        c["function"]["name"]
        for r in recorder.requests
        for m in r["messages"]
        for c in m.get("tool_calls", [])
    ]
    assert "edit" in tools


@needs_opencode
def test_opencode_against_a_model_that_only_talks_fails(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    _result, row, _ = run_arena(pytester, make_task, AGENT, nonsense)
    assert row["outcome"] == "fail", row
    assert row["calls"]["total"] >= 1


@needs_opencode
def test_opencode_looping_on_tool_calls_stops_at_its_step_limit(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    _result, row, _ = run_arena(pytester, make_task, AGENT, loop_script("opencode"), spec_params="@steps=3")
    assert row["outcome"] in ("fail", "error"), row
    assert row["calls"]["total"] <= 8
