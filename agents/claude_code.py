"""``claude-code``: Claude Code (npm ``@anthropic-ai/claude-code``, tested with 2.1.330) in print mode,
on the cell's Anthropic endpoint (the router's ``/v1/messages``).

It runs as ``claude -p --output-format stream-json --verbose --model <model> --permission-mode
acceptEdits --permission-prompts none --max-turns <max_turns> --setting-sources user
--strict-mcp-config --disallowedTools WebFetch WebSearch -- <instruction>`` in the workspace, with
``ANTHROPIC_BASE_URL`` = the cell's Anthropic base URL, a placeholder ``ANTHROPIC_API_KEY``, and
``CLAUDE_CONFIG_DIR``/HOME in a private temporary folder whose ``settings.json`` (the only settings
source: the workspace's ``.claude/`` is ignored) allows Bash, Read, Glob and Grep.

Permissions, for the workspace only: ``acceptEdits`` accepts file edits inside the working directory
(the workspace) and nowhere else; ``--permission-prompts none`` denies anything that would prompt
(an edit outside the workspace, web access), so a headless run never waits on a question.
Telemetry, error reporting, auto-update and non-essential traffic are off through Claude Code's own
variables; its small/fast model is set to the same name, so every call goes to the cell.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .base import AgentEndpoint, AgentRequest, AgentResult
from .cli_run import agent_env, cli_version, tail
from .npm_cli import (
    NpmCliAgent,
    note_stop,
    run_watched,
)

__all__ = ["PACKAGE", "RULES", "SETTINGS", "ClaudeCodeAgent", "ClaudeWatch", "claude_argv", "claude_env"]

PACKAGE = "@anthropic-ai/claude-code@2.1.330"
BINARY = "claude"
RULES = {"max_turns": (40, 1, 1000)}  # name: (default, low, high)
SETTINGS: dict[str, Any] = {
    "permissions": {"allow": ["Bash", "Read", "Glob", "Grep"], "deny": ["WebFetch", "WebSearch"]},
    "includeCoAuthoredBy": False,
}


def claude_env(endpoint: AgentEndpoint, config_dir: Path) -> dict[str, str]:
    """Claude Code's own variables (added to ``cli_run.agent_env``'s private environment)."""
    return {
        "ANTHROPIC_BASE_URL": endpoint.anthropic_base_url,
        "ANTHROPIC_API_KEY": endpoint.api_key,
        "ANTHROPIC_MODEL": endpoint.model,
        "ANTHROPIC_SMALL_FAST_MODEL": endpoint.model,
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": endpoint.model,
        "CLAUDE_CONFIG_DIR": str(config_dir),
        "DISABLE_TELEMETRY": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_BUG_COMMAND": "1",
        "DISABLE_COST_WARNINGS": "1",
        "DISABLE_NON_ESSENTIAL_MODEL_CALLS": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    }


def claude_argv(exe: str, request: AgentRequest, options: dict[str, int]) -> list[str]:
    model = request.endpoint.model if request.endpoint else "arena"
    return [
        exe, "-p", "--output-format", "stream-json", "--verbose", "--model", model,
        "--permission-mode", "acceptEdits", "--permission-prompts", "none",
        "--max-turns", str(options["max_turns"]), "--setting-sources", "user", "--strict-mcp-config",
        "--disallowedTools", "WebFetch", "WebSearch", "--", request.instruction,
    ]  # fmt: skip


@dataclass
class ClaudeWatch:
    """Reads ``--output-format stream-json``: counts assistant messages (stops the run past
    ``limit``), keeps the final ``result`` object."""

    limit: int
    messages: set[str] = field(default_factory=set)
    result: dict[str, Any] | None = None

    @property
    def answered(self) -> bool:
        return bool(self.messages)

    def __call__(self, line: str) -> str | None:
        try:
            event = json.loads(line)
        except ValueError:
            return None
        if not isinstance(event, dict):
            return None
        if event.get("type") == "result":
            self.result = event
        elif event.get("type") == "assistant" and not event.get("error"):
            message = event.get("message") or {}
            if isinstance(message, dict) and message.get("usage"):
                self.messages.add(str(message.get("id") or len(self.messages)))
            if len(self.messages) > self.limit:
                return f"stopped by the adapter after {len(self.messages)} model answers"
        return None


class ClaudeCodeAgent(NpmCliAgent):
    """See the module docstring and ``docs/agents.md``. ``executable`` overrides the lookup (tests)."""

    name = "claude-code"
    binary = BINARY
    package = PACKAGE
    rules = RULES

    def run(self, request: AgentRequest) -> AgentResult:
        prepared = self.prepare(request)
        if isinstance(prepared, AgentResult):
            return prepared
        options, exe = prepared
        assert request.endpoint is not None  # checked by prepare()
        # Short temporary path: Claude Code puts a unix socket under its temp folder (108-byte limit).
        private = Path(tempfile.mkdtemp(prefix="arena-cc-"))
        try:
            config_dir = private / "claude"
            config_dir.mkdir()
            (config_dir / "settings.json").write_text(json.dumps(SETTINGS, indent=2), encoding="utf-8")
            env = agent_env(private, claude_env(request.endpoint, config_dir))
            version = cli_version([exe, "--version"], env)
            watch = ClaudeWatch(options["max_turns"] + 2)
            transcript = request.log_dir / "claude-code.jsonl"
            stderr = request.log_dir / "claude-code.stderr.log"
            run = run_watched(
                claude_argv(exe, request, options), request.workspace, env, request.timeout_s,
                transcript, stderr, watch,
            )  # fmt: skip
            if (config_dir / "projects").is_dir():
                shutil.copytree(
                    config_dir / "projects", request.log_dir / "claude-sessions", dirs_exist_ok=True
                )
        finally:
            shutil.rmtree(private, ignore_errors=True)
        if run.timed_out:
            return AgentResult("timeout", transcript, None, f"killed after {request.timeout_s:g}s", version)
        if run.stopped:
            note_stop(transcript, run.stopped)
            return AgentResult("ok", transcript, None, None, version)
        why = _failure(watch, run.exit_code, stderr)
        if why:
            return AgentResult("error", transcript, run.exit_code, why, version)
        return AgentResult("ok", transcript, run.exit_code, None, version)


def _failure(watch: ClaudeWatch, exit_code: int | None, stderr: Path) -> str | None:
    """Why the run counts as an error, or None for a normal finish (see docs/agents.md).

    ``error_max_turns`` is Claude Code stopping at ``--max-turns``: a finish, scored like any other.
    """
    result = watch.result
    if result is not None and result.get("is_error") and result.get("subtype") != "error_max_turns":
        text = result.get("result") or result.get("subtype") or "is_error"
        return f"claude-code ended with an error: {text}"[:2000]
    if result is None and exit_code != 0:
        text = tail(stderr.read_text("utf-8", "replace") if stderr.exists() else "", 8)
        return f"claude-code exited with code {exit_code} and no result: {text}"[:2000]
    if not watch.answered:
        return f"claude-code never got an answer from the model (exit code {exit_code})"
    return None
