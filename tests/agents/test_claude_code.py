"""The claude-code adapter: its environment and command line, its endings with a stand-in CLI, and the
real Claude Code CLI end to end through the router's Anthropic endpoint inside a pytest run (skipped,
with the install command, when ``tools/install-agents.sh`` has not been run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_hybridarena.agents import npm_cli
from pytest_hybridarena.agents.base import AgentEndpoint, AgentRequest
from pytest_hybridarena.agents.claude_code import ClaudeCodeAgent, ClaudeWatch, claude_argv, claude_env
from tests.agents.npm_e2e import run_arena
from tests.conftest import MakeTask
from tests.fakes.agent_scripts import nonsense
from tests.fakes.npm_agent_scripts import edit_script, fake_cli, loop_script

ENDPOINT = AgentEndpoint("http://127.0.0.1:1/cell/c1/v1", "http://127.0.0.1:1/cell/c1")
AGENT = ("claude-code", "claude_code", "ClaudeCodeAgent")
needs_claude = pytest.mark.skipif(
    ClaudeCodeAgent().executable() is None,
    reason=f"claude-code is not installed: {ClaudeCodeAgent().available()[1]}",
)


def request_for(tmp_path: Path, params: dict[str, str] | None = None, timeout_s: float = 60) -> AgentRequest:
    workspace = tmp_path / "workspace"
    workspace.mkdir(exist_ok=True)
    return AgentRequest(workspace, "-Implement add.", ENDPOINT, timeout_s, 42, tmp_path / "log", params or {})


# -- environment and command line -----------------------------------------------------------------
def test_the_environment_points_claude_at_the_cell_with_a_placeholder_key_and_no_traffic(
    tmp_path: Path,
) -> None:
    env = claude_env(ENDPOINT, tmp_path / "claude")
    assert env["ANTHROPIC_BASE_URL"] == "http://127.0.0.1:1/cell/c1"
    assert env["ANTHROPIC_API_KEY"] == "arena-placeholder-key"
    assert env["ANTHROPIC_MODEL"] == env["ANTHROPIC_SMALL_FAST_MODEL"] == "arena"
    assert env["CLAUDE_CONFIG_DIR"] == str(tmp_path / "claude")
    for switch in ("DISABLE_TELEMETRY", "DISABLE_AUTOUPDATER", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"):
        assert env[switch] == "1"


def test_the_command_line_is_print_mode_with_workspace_only_permissions(tmp_path: Path) -> None:
    argv = claude_argv("claude", request_for(tmp_path), {"max_turns": 9})
    assert argv[:2] == ["claude", "-p"]
    assert argv[argv.index("--output-format") + 1] == "stream-json"
    assert argv[argv.index("--permission-mode") + 1] == "acceptEdits"
    assert argv[argv.index("--permission-prompts") + 1] == "none"
    assert argv[argv.index("--max-turns") + 1] == "9"
    assert argv[argv.index("--setting-sources") + 1] == "user"  # not the workspace's .claude/
    assert argv[-2:] == ["--", "-Implement add."]  # an instruction starting with "-" stays the prompt


def test_an_unknown_parameter_is_an_error_naming_the_known_ones(tmp_path: Path) -> None:
    result = ClaudeCodeAgent(executable="/nonexistent").run(request_for(tmp_path, {"turns": "3"}))
    assert result.status == "error"
    assert result.error == "claude-code: unknown parameter 'turns'; known: max_turns"


def test_a_missing_cli_is_unavailable_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(npm_cli, "find_npm_cli", lambda binary: None)
    ok, reason = ClaudeCodeAgent().available()
    assert not ok
    assert "bash tools/install-agents.sh" in reason
    assert "@anthropic-ai/claude-code@2.1.330" in reason


# -- endings, with a stand-in CLI -----------------------------------------------------------------
def _result(**fields: object) -> str:
    base = {"type": "result", "subtype": "success", "is_error": False, "result": "done"}
    return f"print({json.dumps({**base, **fields})!r})"


ANSWER = (
    """print(json.dumps({"type": "assistant", "message": {"id": "m1", "usage": {"input_tokens": 5}}}))\n"""
)


def test_a_successful_result_is_ok_and_our_keys_stay_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-real")
    monkeypatch.setenv("CLAUDE_CODE_OAUTH_TOKEN", "oauth-real")
    exe = fake_cli(tmp_path / "claude", ANSWER + _result())
    result = ClaudeCodeAgent(executable=exe).run(request_for(tmp_path))
    assert (result.status, result.exit_code, result.error) == ("ok", 0, None)
    env = json.loads(Path(exe + ".json").read_text())["env"]
    assert env["ANTHROPIC_API_KEY"] == "arena-placeholder-key"
    assert "oauth-real" not in json.dumps(env)
    settings = Path(env["CLAUDE_CONFIG_DIR"]) / "settings.json"
    assert not settings.exists()  # the private folder is gone after the run


def test_the_max_turns_stop_is_a_finish_and_an_api_error_is_an_error(tmp_path: Path) -> None:
    capped = fake_cli(tmp_path / "claude", ANSWER + _result(subtype="error_max_turns", is_error=True))
    assert ClaudeCodeAgent(executable=capped).run(request_for(tmp_path)).status == "ok"
    broken = fake_cli(
        tmp_path / "claude2", _result(is_error=True, result="API Error: 400 bad request") + "\nsys.exit(1)"
    )
    result = ClaudeCodeAgent(executable=broken).run(request_for(tmp_path))
    assert result.status == "error"
    assert result.error == "claude-code ended with an error: API Error: 400 bad request"


def test_a_crash_without_a_result_is_an_error_with_stderr(tmp_path: Path) -> None:
    exe = fake_cli(tmp_path / "claude", "sys.stderr.write('boom: no config\\n'); sys.exit(3)")
    result = ClaudeCodeAgent(executable=exe).run(request_for(tmp_path))
    assert result.status == "error"
    assert result.error == "claude-code exited with code 3 and no result: boom: no config"


def test_the_watch_counts_distinct_model_answers() -> None:
    watch = ClaudeWatch(limit=1)
    line = '{"type":"assistant","message":{"id":"%s","usage":{"input_tokens":1}}}'
    assert watch(line % "a") is None
    assert watch(line % "a") is None  # one answer split over two content-block events
    assert watch(line % "b") == "stopped by the adapter after 2 model answers"


# -- the real CLI through the router ----------------------------------------------------------------
@needs_claude
def test_claude_code_solves_the_task_through_the_router(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    result, row, recorder = run_arena(
        pytester, make_task, AGENT, edit_script("claude-code"), protocol="anthropic"
    )
    assert row["outcome"] == "pass", row
    result.assert_outcomes(passed=1)
    assert row["calls"]["total"] >= 3
    assert row["calls"]["cloud"] == row["calls"]["total"]
    assert row["tokens"]["cloud_prompt"] > 0
    assert row["tokens"]["cloud_completion"] > 0
    assert row["versions"]["agent"] == "2.1.330"
    blocks = [
        b
        for r in recorder.requests
        for m in r["messages"]
        if isinstance(m["content"], list)
        for b in m["content"]
    ]
    assert any(b.get("type") == "tool_use" and b.get("name") == "Edit" for b in blocks)
    assert all("arena-placeholder-key" not in str(h) for h in recorder.headers)


@needs_claude
def test_claude_code_against_a_model_that_only_talks_fails(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    _, row, _ = run_arena(pytester, make_task, AGENT, nonsense, protocol="anthropic")
    assert row["outcome"] == "fail", row
    assert row["calls"]["total"] >= 1


@needs_claude
def test_claude_code_looping_on_tool_calls_stops_at_max_turns(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    _, row, _ = run_arena(
        pytester,
        make_task,
        AGENT,
        loop_script("claude-code"),
        protocol="anthropic",
        spec_params="@max_turns=3",
    )
    assert row["outcome"] == "fail", row
    assert row["calls"]["total"] <= 6
