"""``cline``: the Cline CLI (npm ``cline``, tested with 3.0.65), headless, on the cell's endpoint.

It runs as ``cline --json -c <workspace> --data-dir <private>/data -P openai-compatible -m <model>
--auto-approve true --retries <retries> <instruction>`` with its provider written into
``<private>/data/settings/providers.json`` (the file ``cline auth -p openai-compatible`` writes: cline
rewrites a file without ``modes``/``updatedAt`` and drops ``baseUrl`` and ``apiKey``, and then cannot
connect) and telemetry and auto-update off in ``global-settings.json``.

cline has no iteration limit on its command line, so the adapter counts the ``iteration_start``
events of its ``--json`` stream and kills it at ``max_iterations`` (see ``npm_cli``); what it did
until then is scored like any finished run. ``retries`` is cline's own limit on consecutive mistakes.
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

__all__ = ["PACKAGE", "RULES", "ClineAgent", "ClineWatch", "cline_argv", "cline_settings"]

PACKAGE = "cline@3.0.65"
BINARY = "cline"
PROVIDER = "openai-compatible"
RULES = {"max_iterations": (40, 1, 1000), "retries": (3, 1, 50)}  # name: (default, low, high)
FIXED_TIMESTAMP = "2026-01-01T00:00:00.000Z"


def cline_settings(endpoint: AgentEndpoint) -> dict[str, dict[str, Any]]:
    """The files under cline's data dir (path relative to it → JSON): the provider and global settings."""
    providers = {
        "version": 1,
        "lastUsedProvider": PROVIDER,
        "modes": {},
        "providers": {
            PROVIDER: {
                "settings": {
                    "provider": PROVIDER,
                    "apiKey": endpoint.api_key,
                    "model": endpoint.model,
                    "baseUrl": endpoint.openai_base_url,
                },
                "updatedAt": FIXED_TIMESTAMP,
                "tokenSource": "manual",
            }
        },
    }
    return {
        "settings/providers.json": providers,
        "settings/global-settings.json": {"telemetryOptOut": True, "autoUpdateEnabled": False},
    }


def cline_argv(exe: str, request: AgentRequest, data_dir: Path, options: dict[str, int]) -> list[str]:
    model = request.endpoint.model if request.endpoint else "arena"
    return [
        exe, "--json", "-c", str(request.workspace), "--data-dir", str(data_dir),
        "-P", PROVIDER, "-m", model, "--auto-approve", "true", "--retries", str(options["retries"]),
        request.instruction,
    ]  # fmt: skip


@dataclass
class ClineWatch:
    """Reads cline's ``--json`` events as they come: counts iterations (stops the run past
    ``max_iterations``), notes whether the model ever answered, keeps the final ``run_result``."""

    max_iterations: int
    iterations: int = 0
    answered: bool = False
    result: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)

    def __call__(self, line: str) -> str | None:
        try:
            event = json.loads(line)
        except ValueError:
            return None
        if not isinstance(event, dict):
            return None
        if event.get("type") == "run_result":
            self.result = event
        inner = event.get("event") if event.get("type") == "agent_event" else None
        if not isinstance(inner, dict):
            return None
        kind = inner.get("type")
        if kind in ("usage", "content_start", "content_end"):
            self.answered = True
        elif kind == "error":
            error = inner.get("error")
            self.errors.append(str(error.get("message") if isinstance(error, dict) else error))
        elif kind == "iteration_start":
            self.iterations += 1
            if self.iterations > self.max_iterations:
                limit = f"max_iterations={self.max_iterations}"
                return f"stopped by the adapter at iteration {self.iterations} ({limit})"
        return None


class ClineAgent(NpmCliAgent):
    """See the module docstring and ``docs/agents.md``. ``executable`` overrides the lookup (tests)."""

    name = "cline"
    binary = BINARY
    package = PACKAGE
    rules = RULES

    def run(self, request: AgentRequest) -> AgentResult:
        prepared = self.prepare(request)
        if isinstance(prepared, AgentResult):
            return prepared
        options, exe = prepared
        assert request.endpoint is not None  # checked by prepare()
        private = Path(tempfile.mkdtemp(prefix="arena-cline-"))
        try:
            data_dir = private / "data"
            for rel, content in cline_settings(request.endpoint).items():
                (data_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                (data_dir / rel).write_text(json.dumps(content, indent=2), encoding="utf-8")
            env = agent_env(private, {"CLINE_NO_AUTO_UPDATE": "1", "CLINE_DIR": str(private / "cline")})
            version = cli_version([exe, "--version"], env)
            watch = ClineWatch(options["max_iterations"])
            transcript = request.log_dir / "cline.jsonl"
            stderr = request.log_dir / "cline.stderr.log"
            run = run_watched(
                cline_argv(exe, request, data_dir, options), request.workspace, env, request.timeout_s,
                transcript, stderr, watch,
            )  # fmt: skip
            _keep(data_dir, request.log_dir / "cline-data")
        finally:
            shutil.rmtree(private, ignore_errors=True)
        done = AgentResult("ok", transcript, run.exit_code, None, version)
        if run.timed_out:
            return AgentResult("timeout", transcript, None, f"killed after {request.timeout_s:g}s", version)
        if run.stopped:
            note_stop(transcript, run.stopped)
            return done
        why = _failure(watch, run.exit_code, stderr)
        return AgentResult("error", transcript, run.exit_code, why, version) if why else done


def _failure(watch: ClineWatch, exit_code: int | None, stderr: Path) -> str | None:
    """Why the run counts as an error, or None for a normal finish (see docs/agents.md)."""
    reason = str((watch.result or {}).get("finishReason", ""))
    if reason == "error" or (watch.result is None and exit_code != 0):
        text = str((watch.result or {}).get("text") or "") or "; ".join(watch.errors[-2:])
        if not text:
            text = tail(stderr.read_text("utf-8", "replace") if stderr.exists() else "", 8)
        return f"cline ended with {reason or f'exit code {exit_code}'}: {text}"[:2000]
    if not watch.answered:
        return f"cline never got an answer from the model (exit code {exit_code}, finishReason {reason!r})"
    return None


def _keep(data_dir: Path, dest: Path) -> None:
    """Copy cline's session records and log (not its databases) into the cell's log folder."""
    for sub in ("sessions", "logs"):
        if (data_dir / sub).is_dir():
            shutil.copytree(data_dir / sub, dest / sub, dirs_exist_ok=True)
