"""The aider adapter: its options and command line, and the real aider CLI end to end — alone
against a scripted model, and through the real router inside a pytest run.

The model is a fake (``tests/fakes/agent_scripts.py``) answering in aider's own edit formats; the
aider CLI, the router and the plugin are real. Without aider installed the CLI tests skip with the
install command.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_hybridarena.agents import aider
from pytest_hybridarena.agents.aider import (
    INSTALL,
    AiderAgent,
    AiderOptions,
    build_command,
    chat_files,
    model_files,
    parse_options,
)
from pytest_hybridarena.agents.base import AgentEndpoint, AgentRequest
from pytest_hybridarena.agents.cli_run import find_executable
from tests.conftest import MakeTask
from tests.fakes.agent_scripts import (
    ProtocolRecorder,
    aider_script,
    audit_network,
    hosts_reached,
    nonsense,
    serve,
)
from tests.fakes.script import Reply
from tests.test_plugin import rows_of

STUB = 'def add(a, b):\n    """Return the sum of a and b."""\n    raise NotImplementedError\n'
SOLUTION = "def add(a, b):\n    return a + b\n"
OLD, NEW = "    raise NotImplementedError\n", "    return a + b\n"
SOLVER = aider_script("calc.py", OLD, NEW, SOLUTION)
ENDPOINT = AgentEndpoint("http://127.0.0.1:1/cell/c1/v1", "http://127.0.0.1:1/cell/c1/anthropic")

needs_aider = pytest.mark.skipif(
    find_executable("aider") is None, reason=f"aider-chat is not installed: {INSTALL}"
)


# -- options and command line -------------------------------------------------------------------
def test_defaults_are_whole_file_edits_without_architect() -> None:
    assert parse_options({}) == AiderOptions(edit_format="whole", architect=False, stream=False, lint=True)
    assert parse_options({"edit_format": "diff", "architect": "true", "stream": "yes", "lint": "0"}) == (
        AiderOptions(edit_format="diff", architect=True, stream=True, lint=False)
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"edit_fromat": "diff"}, "unknown parameter 'edit_fromat'; known: edit_format, architect"),
        ({"edit_format": "yaml"}, "edit_format 'yaml' is not supported; choose one of whole, diff"),
        ({"edit_format": "udiff", "architect": "true"}, "not supported with architect=true"),
        ({"architect": "maybe"}, "parameter 'architect' must be true or false, got 'maybe'"),
    ],
)
def test_bad_parameters_are_named(params: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match="aider: ") as info:
        parse_options(params)
    assert message in str(info.value)


def test_an_unknown_parameter_is_an_error_result_without_running_aider(tmp_path: Path) -> None:
    request = AgentRequest(tmp_path, "x", ENDPOINT, 10, 1, tmp_path / "log", {"edit_fromat": "diff"})
    result = AiderAgent().run(request)
    assert result.status == "error"
    assert result.error is not None
    assert "known: edit_format" in result.error


def test_missing_cli_skips_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aider, "find_executable", lambda name: None)
    assert AiderAgent().available() == (False, "pip install 'aider-chat>=0.86,<0.87'")


def test_command_is_non_interactive_offline_and_points_at_the_cell(tmp_path: Path) -> None:
    private, log = tmp_path / "private", tmp_path / "log"
    argv = build_command(
        "aider", ENDPOINT, parse_options({}), private, log, (["calc.py"], ["test_calc.py"]), 300
    )
    line = " ".join(argv)
    assert "--model openai/arena --openai-api-base http://127.0.0.1:1/cell/c1/v1" in line
    assert "--openai-api-key arena-placeholder-key" in line
    for flag in (
        "--no-git", "--no-auto-commits", "--yes-always", "--no-check-update", "--analytics-disable",
        "--no-show-model-warnings", "--no-pretty", "--no-stream", "--no-detect-urls",
        "--no-suggest-shell-commands", "--edit-format whole",
        f"--model-metadata-file {private}/model-metadata.json",
        f"--model-settings-file {private}/model-settings.yml",
        f"--env-file {private}/empty.env", f"--message-file {private}/instruction.md",
        f"--chat-history-file {log}/aider.chat.md", f"--llm-history-file {log}/aider.llm.log",
        "--file calc.py --read test_calc.py",
    ):  # fmt: skip
        assert flag in line
    assert "--architect" not in argv
    assert "--no-auto-lint" not in argv


def test_architect_mode_uses_the_cell_for_the_editor_too(tmp_path: Path) -> None:
    options = parse_options({"architect": "true", "edit_format": "diff", "stream": "true", "lint": "false"})
    argv = build_command("aider", ENDPOINT, options, tmp_path, tmp_path, ([], []), 300)
    line = " ".join(argv)
    assert "--architect --editor-model openai/arena --editor-edit-format editor-diff" in line
    assert "--stream" in argv
    assert "--no-auto-lint" in argv
    assert "--edit-format" not in argv
    settings_text, metadata_text = model_files("openai/arena", options, 7)
    [settings] = json.loads(settings_text)
    assert settings["edit_format"] == "architect"
    assert settings["editor_model_name"] == settings["weak_model_name"] == "openai/arena"
    assert settings["editor_edit_format"] == "editor-diff"
    assert settings["extra_params"] == {"seed": 7}
    metadata = json.loads(metadata_text)["openai/arena"]
    assert metadata["litellm_provider"] == "openai"
    assert metadata["input_cost_per_token"] == 0.0


def test_sources_are_editable_and_visible_tests_read_only(tmp_path: Path) -> None:
    for rel in ("calc.py", "pkg/util.py", "test_calc.py", "tests/test_x.py", "README.md", "pkg/conftest.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n")
    (tmp_path / "blob.bin").write_bytes(b"\x00\xff" * 10)
    assert chat_files(tmp_path) == (
        ["README.md", "calc.py", "pkg/util.py"],
        ["pkg/conftest.py", "test_calc.py", "tests/test_x.py"],
    )


# -- the real CLI against a scripted model ------------------------------------------------------
@pytest.fixture
def solver_url() -> Iterator[tuple[str, ProtocolRecorder]]:
    recorder = ProtocolRecorder(respond=SOLVER)
    with serve(recorder) as url:
        yield url, recorder


@needs_aider
@pytest.mark.parametrize("edit_format", ["whole", "diff"])
def test_aider_edits_the_workspace_and_looks_nothing_up_online(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    solver_url: tuple[str, ProtocolRecorder],
    edit_format: str,
) -> None:
    url, recorder = solver_url
    hook_dir, net_log = audit_network(tmp_path / "hook")
    real_env = aider.agent_env
    monkeypatch.setattr(
        aider, "agent_env", lambda private, extra: real_env(private, {**extra, "PYTHONPATH": str(hook_dir)})
    )
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-user-key")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "calc.py").write_text(STUB)
    endpoint = AgentEndpoint(url, "http://unused", model="arena", api_key="k-123")
    request = AgentRequest(
        workspace, "Implement add.", endpoint, 120, 42, tmp_path / "log", {"edit_format": edit_format}
    )
    result = AiderAgent().run(request)
    assert result.status == "ok", result.error
    assert result.version is not None
    assert result.version.startswith("0.86")
    assert (workspace / "calc.py").read_text() == (
        SOLUTION if edit_format == "whole" else STUB.replace(OLD, NEW)
    )
    assert sorted(p.name for p in workspace.iterdir()) == ["calc.py"]  # no .aider* litter
    assert result.transcript_path == tmp_path / "log" / "aider.log"
    assert "Applied edit to calc.py" in result.transcript_path.read_text()
    assert "Implement add." in (tmp_path / "log" / "aider.chat.md").read_text()
    [body] = recorder.requests
    assert body["model"] == "arena"
    assert body["seed"] == 42
    assert recorder.headers[0]["Authorization"] == "Bearer k-123"  # never the user's key
    assert hosts_reached(net_log) == {"127.0.0.1"}


@needs_aider
def test_a_model_that_only_refuses_is_an_error_not_an_ok(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "calc.py").write_text(STUB)
    recorder = ProtocolRecorder(respond=lambda body: Reply(status=400))  # not retried by aider
    with serve(recorder) as url:
        endpoint = AgentEndpoint(url, "http://unused")
        result = AiderAgent().run(
            AgentRequest(workspace, "Implement add.", endpoint, 120, 1, tmp_path / "log", {})
        )
    assert result.status == "error"
    assert result.error is not None
    assert "aider got no answer from the model" in result.error
    assert len(recorder.requests) >= 1
    assert (workspace / "calc.py").read_text() == STUB


# -- through the real router in a pytest run ----------------------------------------------------
CONFTEST = """
from pytest_hybridarena.agents.aider import AiderAgent

def pytest_arena_make_agent(name, params, config):
    return AiderAgent() if name == "aider" else None

def pytest_arena_agent_names(config):
    return ["aider"]
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


@needs_aider
@pytest.mark.parametrize("agent", ["aider@edit_format=diff", "aider@stream=true"])
def test_aider_solves_a_task_through_the_router(
    pytester: pytest.Pytester, make_task: MakeTask, agent: str
) -> None:
    make_task("add", toml=TASK_TOML)
    with serve(ProtocolRecorder(respond=SOLVER)) as url:
        result = run_arena(pytester, url, agent, "always-local")
    result.assert_outcomes(passed=1)
    [row] = rows_of(pytester)
    assert row["outcome"] == "pass"
    assert row["calls"]["total"] >= 1
    assert row["calls"]["local"] == row["calls"]["total"]
    assert row["tokens"]["local_prompt"] > 0
    assert row["tokens"]["local_completion"] > 0
    assert row["versions"]["agent"].startswith("0.86")


@needs_aider
def test_a_model_that_answers_nonsense_never_passes(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add", toml=TASK_TOML)
    with serve(ProtocolRecorder(respond=nonsense)) as url:
        run_arena(pytester, url, "aider", "always-cloud")
    [row] = rows_of(pytester)
    assert row["outcome"] in ("fail", "error")
    assert row["calls"]["cloud"] >= 1


@needs_aider
def test_phase_aware_sends_architect_turns_to_cloud_and_editor_turns_to_local(
    pytester: pytest.Pytester, make_task: MakeTask
) -> None:
    make_task("add", toml=TASK_TOML)
    recorder = ProtocolRecorder(respond=SOLVER)
    with serve(recorder) as url:
        result = run_arena(pytester, url, "aider@architect=true", "phase-aware")
    result.assert_outcomes(passed=1)
    [row] = rows_of(pytester)
    assert row["outcome"] == "pass"
    assert row["calls"] == {"total": 2, "local": 1, "cloud": 1, "errors": 0, "escalated": 0}
    assert row["tokens"]["cloud_prompt"] > 0
    assert row["tokens"]["local_prompt"] > 0
    # The upstream saw the architect prompt on the cloud model and the editor prompt on the local one.
    seen = {body["model"]: body["messages"][0]["content"] for body in recorder.requests}
    assert seen["fake-big"].startswith("Act as an expert architect engineer")
    assert seen["fake-small"].startswith("Act as an expert software developer and make changes")
    log_path, _, cell_ref = row["decisions_ref"].partition("#cell=")
    [run_dir] = pytester.path.glob("reports/*/")
    decisions = [json.loads(line) for line in (run_dir / log_path).read_text().splitlines()]
    mine = [d for d in decisions if d["cell"] == cell_ref]
    assert [d["choice"] for d in mine] == ["cloud", "local"]
    assert all("phase-aware: aider" in d["reason"] for d in mine)
