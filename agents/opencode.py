"""``opencode``: the opencode CLI (npm ``opencode-ai``, tested with 1.18.33), headless, on the cell's
endpoint.

It runs as ``opencode run --format json --pure --auto --print-logs --log-level INFO -m arena/<model>
<instruction>`` in the workspace, with ``OPENCODE_CONFIG`` naming a private ``opencode.json`` that
declares the provider ``arena`` (``@ai-sdk/openai-compatible``, bundled in the binary) at the cell's
base URL, and HOME/XDG dirs in a private temporary folder.

Permissions are pre-granted in that config, and nothing resolves to "ask": headless ``opencode run``
waits forever on an "ask" (a known upstream issue), so ``*`` is allowed and ``doom_loop`` (the same
tool call three times), ``external_directory``, ``question``, ``webfetch`` and ``websearch`` are
denied; ``--auto`` approves whatever a newer version might still ask. ``steps`` is opencode's own
limit on agentic iterations (``agent.build.steps``: then it must answer in text); the adapter also
stops it two steps past that, and always at the deadline.

opencode starts a background ``npm install @opencode-ai/plugin`` in every config folder it reads;
the adapter points ``npm_config_registry`` at a closed loopback port so that it fails at once (it is
only logged) instead of fetching ~30 MB per run.
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

__all__ = ["ENV", "PACKAGE", "RULES", "OpencodeAgent", "OpencodeWatch", "opencode_argv", "opencode_config"]

PACKAGE = "opencode-ai@1.18.33"
BINARY = "opencode"
PROVIDER = "arena"
RULES = {"steps": (40, 1, 1000)}  # name: (default, low, high)
ENV = {
    "OPENCODE_DISABLE_AUTOUPDATE": "1",
    "OPENCODE_DISABLE_MODELS_FETCH": "1",  # models.dev catalogue
    "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
    "OPENCODE_DISABLE_PROJECT_CONFIG": "1",  # an opencode.json in the task's workspace is not ours
    "OPENCODE_DISABLE_CLAUDE_CODE": "1",  # no ~/.claude prompts or skills
    "OPENCODE_DISABLE_EXTERNAL_SKILLS": "1",
    "OPENCODE_DISABLE_DEFAULT_PLUGINS": "1",
    "OPENCODE_DISABLE_SHARE": "1",
    "npm_config_registry": "http://127.0.0.1:9/",  # see the module docstring
}


def opencode_config(endpoint: AgentEndpoint, steps: int) -> dict[str, Any]:
    """The private ``opencode.json``: one provider at the cell, permissions that never ask."""
    model = f"{PROVIDER}/{endpoint.model}"
    return {
        "$schema": "https://opencode.ai/config.json",
        "provider": {
            PROVIDER: {
                "npm": "@ai-sdk/openai-compatible",
                "name": "arena router cell",
                "options": {"baseURL": endpoint.openai_base_url, "apiKey": endpoint.api_key},
                "models": {endpoint.model: {"name": endpoint.model}},
            }
        },
        "model": model,
        "small_model": model,
        "autoupdate": False,
        "share": "disabled",
        "permission": {
            "*": "allow",
            "doom_loop": "deny",
            "external_directory": "deny",
            "question": "deny",
            "webfetch": "deny",
            "websearch": "deny",
        },
        "agent": {"build": {"steps": steps}},
    }


def opencode_argv(exe: str, request: AgentRequest) -> list[str]:
    model = request.endpoint.model if request.endpoint else "arena"
    return [
        exe, "run", "--format", "json", "--pure", "--auto", "--print-logs", "--log-level", "INFO",
        "-m", f"{PROVIDER}/{model}", request.instruction,
    ]  # fmt: skip


@dataclass
class OpencodeWatch:
    """Reads ``opencode run --format json`` events: counts steps (stops the run past ``limit``),
    notes model answers (``step_finish``) and ``error`` events."""

    limit: int
    steps: int = 0
    answered: bool = False
    errors: list[str] = field(default_factory=list)

    def __call__(self, line: str) -> str | None:
        try:
            event = json.loads(line)
        except ValueError:
            return None
        if not isinstance(event, dict):
            return None
        kind = event.get("type")
        if kind in ("step_finish", "text", "tool_use"):
            self.answered = True
        elif kind == "error":
            error = event.get("error") or {}
            data = error.get("data") if isinstance(error, dict) else None
            message = data.get("message") if isinstance(data, dict) else None
            name = error.get("name", "error") if isinstance(error, dict) else "error"
            self.errors.append(f"{name}: {message or json.dumps(error)[:500]}")
        elif kind == "step_start":
            self.steps += 1
            if self.steps > self.limit:
                return f"stopped by the adapter at step {self.steps} (opencode did not stop at its own limit)"
        return None


class OpencodeAgent(NpmCliAgent):
    """See the module docstring and ``docs/agents.md``. ``executable`` overrides the lookup (tests)."""

    name = "opencode"
    binary = BINARY
    package = PACKAGE
    rules = RULES

    def run(self, request: AgentRequest) -> AgentResult:
        prepared = self.prepare(request)
        if isinstance(prepared, AgentResult):
            return prepared
        options, exe = prepared
        assert request.endpoint is not None  # checked by prepare()
        private = Path(tempfile.mkdtemp(prefix="arena-opencode-"))
        try:
            config = private / "opencode.json"
            config.write_text(json.dumps(opencode_config(request.endpoint, options["steps"]), indent=2))
            shutil.copy(config, request.log_dir / "opencode.json")
            env = agent_env(private, {**ENV, "OPENCODE_CONFIG": str(config)})
            version = cli_version([exe, "--version"], env)
            watch = OpencodeWatch(options["steps"] + 2)
            transcript = request.log_dir / "opencode.jsonl"
            stderr = request.log_dir / "opencode.stderr.log"
            run = run_watched(
                opencode_argv(exe, request),
                request.workspace,
                env,
                request.timeout_s,
                transcript,
                stderr,
                watch,
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


def _failure(watch: OpencodeWatch, exit_code: int | None, stderr: Path) -> str | None:
    """Why the run counts as an error, or None for a normal finish (see docs/agents.md)."""
    if watch.errors:
        return f"opencode reported: {'; '.join(watch.errors[-2:])}"[:2000]
    if exit_code != 0:
        text = tail(stderr.read_text("utf-8", "replace") if stderr.exists() else "", 8)
        return f"opencode exited with code {exit_code}: {text}"[:2000]
    if not watch.answered:
        return "opencode never got an answer from the model (no step finished)"
    return None
