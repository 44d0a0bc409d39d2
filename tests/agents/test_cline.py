"""The cline adapter: its config files and command line, its limits with a stand-in CLI, and the real
cline CLI end to end through the router inside a pytest run (skipped, with the install command, when
``tools/install-agents.sh`` has not been run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_hybridarena.agents import npm_cli
from pytest_hybridarena.agents.base import AgentEndpoint, AgentRequest
from pytest_hybridarena.agents.cline import ClineAgent, ClineWatch, cline_argv, cline_settings
from tests.agents.npm_e2e import run_arena
from tests.conftest import MakeTask
from tests.fakes.agent_scripts import nonsense
from tests.fakes.npm_agent_scripts import edit_script, fake_cli, loop_script

ENDPOINT = AgentEndpoint("http://127.0.0.1:1/cell/c1/v1", "http://127.0.0.1:1/cell/c1")
AGENT = ("cline", "cline", "ClineAgent")
needs_cline = pytest.mark.skipif(
    ClineAgent().executable() is None, reason=f"cline is not installed: {ClineAgent().available()[1]}"
)


def request_for(tmp_path: Path, params: dict[str, str] | None = None, timeout_s: float = 60) -> AgentRequest:
    workspace = tmp_path / "workspace"
    workspace.mkdir(exist_ok=True)
    return AgentRequest(workspace, "Implement add.", ENDPOINT, timeout_s, 42, tmp_path / "log", params or {})


# -- config and command line ----------------------------------------------------------------------
def test_the_provider_file_points_cline_at_the_cell_in_the_shape_cline_auth_writes() -> None:
    files = cline_settings(ENDPOINT)
    provider = files["settings/providers.json"]
    assert provider["lastUsedProvider"] == "openai-compatible"
    assert provider["modes"] == {}  # without it cline rewrites the file and drops baseUrl and apiKey
    entry = provider["providers"]["openai-compatible"]
    assert entry["settings"] == {
        "provider": "openai-compatible",
        "apiKey": "arena-placeholder-key",
        "model": "arena",
        "baseUrl": "http://127.0.0.1:1/cell/c1/v1",
    }
    assert entry["updatedAt"]
    assert entry["tokenSource"] == "manual"
    assert files["settings/global-settings.json"] == {"telemetryOptOut": True, "autoUpdateEnabled": False}


def test_the_command_line_is_headless_json_in_the_workspace_with_auto_approve(tmp_path: Path) -> None:
    request = request_for(tmp_path)
    argv = cline_argv("cline", request, tmp_path / "data", {"retries": 3, "max_iterations": 40})
    assert argv == [
        "cline", "--json", "-c", str(request.workspace), "--data-dir", str(tmp_path / "data"),
        "-P", "openai-compatible", "-m", "arena", "--auto-approve", "true", "--retries", "3",
        "Implement add.",
    ]  # fmt: skip


def test_an_unknown_parameter_is_an_error_naming_the_known_ones(tmp_path: Path) -> None:
    result = ClineAgent(executable="/nonexistent").run(request_for(tmp_path, {"max_iteration": "3"}))
    assert result.status == "error"
    assert result.error == "cline: unknown parameter 'max_iteration'; known: max_iterations, retries"
    bad = ClineAgent(executable="/nonexistent").run(request_for(tmp_path, {"retries": "lots"}))
    assert bad.error == "cline: parameter 'retries' must be an integer from 1 to 50, got 'lots'"


def test_a_missing_cli_is_unavailable_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(npm_cli, "find_npm_cli", lambda binary: None)
    ok, reason = ClineAgent().available()
    assert not ok
    assert "bash tools/install-agents.sh" in reason
    assert "npm install --prefix .arena/npm cline@3.0.65" in reason


# -- limits and endings, with a stand-in CLI -------------------------------------------------------
ITERATE_FOREVER = """
for i in range(1, 10**6):
    start = {"type": "iteration_start", "iteration": i}
    print(json.dumps({"type": "agent_event", "event": start}), flush=True)
    print(json.dumps({"type": "agent_event", "event": {"type": "usage", "inputTokens": 10}}), flush=True)
"""
COMPLETED = """
print(json.dumps({"type": "agent_event", "event": {"type": "iteration_start", "iteration": 1}}))
print(json.dumps({"type": "agent_event", "event": {"type": "usage", "inputTokens": 10}}))
print(json.dumps({"type": "run_result", "finishReason": "completed", "iterations": 1}))
"""
CONNECT_ERROR = """
print(json.dumps({"type": "agent_event", "event": {"type": "iteration_start", "iteration": 1}}))
print(json.dumps({"type": "run_result", "finishReason": "error", "text": "Cannot connect to API"}))
sys.exit(1)
"""


def test_the_adapter_stops_cline_at_max_iterations_and_lets_the_suite_judge(tmp_path: Path) -> None:
    exe = fake_cli(tmp_path / "cline", ITERATE_FOREVER)
    result = ClineAgent(executable=exe).run(request_for(tmp_path, {"max_iterations": "5"}))
    assert result.status == "ok"
    assert result.version == "9.9.9"
    assert result.transcript_path is not None
    last = json.loads(result.transcript_path.read_text().splitlines()[-1])
    assert last == {
        "type": "arena_stop",
        "reason": "stopped by the adapter at iteration 6 (max_iterations=5)",
    }


def test_the_cli_gets_a_private_home_the_config_and_none_of_our_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-secret")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-real")
    exe = fake_cli(tmp_path / "cline", COMPLETED)
    result = ClineAgent(executable=exe).run(request_for(tmp_path))
    assert (result.status, result.exit_code, result.error) == ("ok", 0, None)
    seen = json.loads(Path(exe + ".json").read_text())
    assert "sk-real" not in json.dumps(seen["env"])
    assert "sk-ant" not in json.dumps(seen["env"])
    assert seen["env"]["HOME"].startswith(
        seen["argv"][seen["argv"].index("--data-dir") + 1].rsplit("/", 1)[0]
    )
    assert seen["env"]["CLINE_NO_AUTO_UPDATE"] == "1"
    assert seen["cwd"] == str(tmp_path / "workspace")
    assert not Path(seen["env"]["HOME"]).exists()  # the private folder is removed afterwards


def test_a_run_that_ends_in_error_is_an_error_with_cline_s_message(tmp_path: Path) -> None:
    exe = fake_cli(tmp_path / "cline", CONNECT_ERROR)
    result = ClineAgent(executable=exe).run(request_for(tmp_path))
    assert result.status == "error"
    assert result.error == "cline ended with error: Cannot connect to API"


def test_a_run_that_never_heard_from_the_model_is_an_error(tmp_path: Path) -> None:
    exe = fake_cli(
        tmp_path / "cline", 'print(json.dumps({"type": "run_result", "finishReason": "completed"}))'
    )
    result = ClineAgent(executable=exe).run(request_for(tmp_path))
    assert result.status == "error"
    assert result.error is not None
    assert "never got an answer from the model" in result.error


def test_the_budget_kills_the_process_group_and_reports_a_timeout(tmp_path: Path) -> None:
    exe = fake_cli(tmp_path / "cline", "time.sleep(600)")
    result = ClineAgent(executable=exe).run(request_for(tmp_path, timeout_s=1))
    assert (result.status, result.exit_code) == ("timeout", None)


def test_the_watch_counts_iterations_and_keeps_the_result() -> None:
    watch = ClineWatch(max_iterations=1)
    assert watch('{"type":"agent_event","event":{"type":"iteration_start","iteration":1}}') is None
    assert watch("not json") is None
    assert watch('{"type":"agent_event","event":{"type":"content_start","text":"hi"}}') is None
    assert watch('{"type":"run_result","finishReason":"completed"}') is None
    assert watch.answered
    assert watch.result == {"type": "run_result", "finishReason": "completed"}
    assert watch('{"type":"agent_event","event":{"type":"iteration_start","iteration":2}}')


# -- the real CLI through the router ----------------------------------------------------------------
@needs_cline
def test_cline_solves_the_task_through_the_router(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    result, row, recorder = run_arena(pytester, make_task, AGENT, edit_script("cline"))
    assert row["outcome"] == "pass", row
    result.assert_outcomes(passed=1)
    assert row["calls"]["total"] >= 3
    assert row["calls"]["cloud"] == row["calls"]["total"]
    assert row["tokens"]["cloud_prompt"] > 0
    assert row["tokens"]["cloud_completion"] > 0
    assert row["versions"]["agent"] == "3.0.65"
    tools = [
        c["function"]["name"]
        for r in recorder.requests
        for m in r["messages"]
        for c in m.get("tool_calls", [])
    ]
    assert "editor" in tools
    [cell_dir] = pytester.path.glob("reports/*/cells/*/")
    assert (cell_dir / "cline.jsonl").is_file()


@needs_cline
def test_cline_against_a_model_that_only_talks_fails(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    _result, row, _ = run_arena(pytester, make_task, AGENT, nonsense)
    assert row["outcome"] == "fail", row
    assert row["calls"]["total"] >= 1


@needs_cline
def test_cline_looping_on_tool_calls_is_stopped_at_max_iterations(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    _result, row, _recorder = run_arena(
        pytester, make_task, AGENT, loop_script("cline"), spec_params="@max_iterations=3"
    )
    assert row["outcome"] == "fail", row
    assert 3 <= row["calls"]["total"] <= 5
    [cell_dir] = pytester.path.glob("reports/*/cells/*/")
    assert "max_iterations=3" in (cell_dir / "cline.jsonl").read_text().splitlines()[-1]
