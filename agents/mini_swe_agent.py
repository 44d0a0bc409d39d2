"""``mini-swe-agent``: mini-SWE-agent (PyPI ``mini-swe-agent``) run headless on the workspace, its
LiteLLM model routed to the cell's OpenAI-compatible endpoint.

mini is a bash-only agent: each turn the model issues one shell command (a ``bash`` tool call in
mini's default v2 protocol, or a ```` ```mswea_bash_command ```` block with ``protocol=text``), mini
runs it in the workspace and shows the output; the model ends by running
``echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT``. The adapter runs ``mini -y --exit-immediately`` (no
confirmations, no "new task?" prompt) with mini's own ``mini.yaml`` plus a config of ours written into
a private folder: model ``openai/arena`` with ``api_base`` at the cell, the task, the step and cost
limits, and a wall-time limit a little under the budget so mini stops itself and saves its
trajectory before the adapter would have to kill it.

Offline switches: ``MSWEA_CONFIGURED`` (else mini opens its first-run setup wizard),
``MSWEA_GLOBAL_CONFIG_DIR`` in the private folder (else it creates ``~/.config/mini-swe-agent``),
``LITELLM_LOCAL_MODEL_COST_MAP=True`` (else LiteLLM fetches its cost map from GitHub on import) and
``cost_tracking: ignore_errors`` (the cell's model has no list price, and mini otherwise aborts on
the first call — a known upstream issue). Because that price is unknown, every call costs $0 to mini
and ``cost_limit`` only bites for models LiteLLM can price; ``step_limit`` is the effective bound.

Ending, from the trajectory's ``info.exit_status``: ``Submitted``, ``LimitsExceeded`` and
``RepeatedFormatError`` are normal ends (``ok``: the acceptance suite judges the workspace);
``TimeExceeded`` is ``timeout``; an exception name (mini crashed or the model could not be reached),
no trajectory, or a trajectory with zero API calls is ``error``.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import AgentEndpoint, AgentRequest, AgentResult
from .cli_run import agent_env, find_executable, run_cli, tail

__all__ = ["INSTALL", "MiniOptions", "MiniSweAgent", "build_command", "build_config", "parse_options"]

INSTALL = "pip install 'mini-swe-agent>=2.4,<2.5'"
NORMAL_ENDS = ("Submitted", "LimitsExceeded", "RepeatedFormatError")
PROTOCOLS = {"tools": "mini.yaml", "text": "mini_textbased.yaml"}
MODEL_RETRIES = 3  # mini's default is 10 attempts, 4-60 s apart: minutes lost on a dead cell


@dataclass(frozen=True)
class MiniOptions:
    """``mini-swe-agent@step_limit=20;cost_limit=1``, validated. ``protocol``: ``tools`` (mini's
    default: a ``bash`` tool call per turn) or ``text`` (one ``mswea_bash_command`` block)."""

    step_limit: int = 50
    cost_limit: float = 3.0
    protocol: str = "tools"


def parse_options(params: dict[str, str]) -> MiniOptions:
    """Spec params → :class:`MiniOptions`; ValueError naming the parameter, value and rule."""
    known = ("step_limit", "cost_limit", "protocol")
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValueError(f"mini-swe-agent: unknown parameter {unknown[0]!r}; known: {', '.join(known)}")
    values: dict[str, Any] = {}
    if "step_limit" in params:
        raw = params["step_limit"]
        if not raw.strip().isdigit() or not 1 <= int(raw) <= 10_000:
            raise ValueError(f"mini-swe-agent: step_limit must be an integer from 1 to 10000, got {raw!r}")
        values["step_limit"] = int(raw)
    if "cost_limit" in params:
        raw = params["cost_limit"]
        try:
            cost = float(raw)
        except ValueError:
            cost = -1.0
        if not (math.isfinite(cost) and cost >= 0):
            raise ValueError(f"mini-swe-agent: cost_limit must be a number >= 0 (0: none), got {raw!r}")
        values["cost_limit"] = cost
    if "protocol" in params:
        if params["protocol"] not in PROTOCOLS:
            raise ValueError(
                f"mini-swe-agent: protocol must be one of {', '.join(PROTOCOLS)}, got {params['protocol']!r}"
            )
        values["protocol"] = params["protocol"]
    return MiniOptions(**values)


def build_config(
    endpoint: AgentEndpoint, options: MiniOptions, instruction: str, seed: int, timeout_s: float
) -> dict[str, Any]:
    """Our config layer over mini's ``mini.yaml`` (merged after it, so ours wins)."""
    grace = min(30.0, timeout_s * 0.1)  # time to save the trajectory before the hard kill
    model: dict[str, Any] = {
        "model_name": f"openai/{endpoint.model}",
        "cost_tracking": "ignore_errors",
        "model_kwargs": {
            "api_base": endpoint.openai_base_url,
            "api_key": endpoint.api_key,
            "seed": seed,
            "drop_params": True,
        },
    }
    if options.protocol == "text":
        model["model_class"] = "litellm_textbased"
    return {
        "run": {"task": instruction},
        "agent": {
            "step_limit": options.step_limit,
            "cost_limit": options.cost_limit,
            "wall_time_limit_seconds": max(1, int(timeout_s - grace)),
        },
        "model": model,
    }


def build_command(exe: str, options: MiniOptions, config_path: Path, trajectory: Path) -> list[str]:
    """mini's command line; the task, model and limits are in ``config_path``."""
    return [
        exe, "-y", "--exit-immediately",
        "-c", PROTOCOLS[options.protocol], "-c", str(config_path),
        "-o", str(trajectory),
    ]  # fmt: skip


def read_trajectory(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class MiniSweAgent:
    """See the module docstring and ``docs/agents.md``."""

    name = "mini-swe-agent"
    uses_llm = True

    def check_params(self, params: dict[str, str]) -> None:
        """ValueError naming the parameter, value and rule; called before any cell runs."""
        parse_options(params)

    def available(self) -> tuple[bool, str]:
        if find_executable("mini") is None:
            return False, INSTALL
        return True, ""

    def run(self, request: AgentRequest) -> AgentResult:
        log = request.log_dir / "mini.log"
        trajectory = request.log_dir / "mini.traj.json"
        try:
            options = parse_options(request.params)
        except ValueError as exc:
            return AgentResult("error", error=str(exc))
        exe = find_executable("mini")
        if exe is None:
            return AgentResult("error", error=f"mini-swe-agent is not installed: {INSTALL}")
        if request.endpoint is None:
            return AgentResult("error", error="mini-swe-agent needs an LLM endpoint (the cell has none)")
        request.log_dir.mkdir(parents=True, exist_ok=True)
        private = Path(tempfile.mkdtemp(prefix="arena-mini-"))
        try:
            env = agent_env(
                private,
                {
                    "MSWEA_CONFIGURED": "true",
                    "MSWEA_GLOBAL_CONFIG_DIR": str(private / "mini-config"),
                    "MSWEA_COST_TRACKING": "ignore_errors",
                    "MSWEA_MODEL_RETRY_STOP_AFTER_ATTEMPT": str(MODEL_RETRIES),
                    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
                },
            )
            config = build_config(
                request.endpoint, options, request.instruction, request.seed, request.timeout_s
            )
            config_path = private / "arena.yaml"  # mini wants .yaml; JSON is YAML
            config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
            shutil.copy(config_path, request.log_dir / "mini.config.yaml")
            argv = build_command(exe, options, config_path, trajectory)
            (request.log_dir / "mini.command.json").write_text(json.dumps(argv, indent=1) + "\n")
            done = run_cli(argv, request.workspace, env, request.timeout_s, log)
        finally:
            shutil.rmtree(private, ignore_errors=True)
        data = read_trajectory(trajectory)
        info = (data or {}).get("info") or {}
        version = info.get("mini_version") or _banner_version(done.output)
        transcript = trajectory if data is not None else log
        status = str(info.get("exit_status") or "")
        calls = int((info.get("model_stats") or {}).get("api_calls") or 0)
        if done.timed_out or status == "TimeExceeded":
            return AgentResult(
                "timeout",
                transcript,
                done.exit_code,
                f"mini used up its {request.timeout_s:g}s budget",
                version,
            )
        if data is None:
            return AgentResult(
                "error",
                log,
                done.exit_code,
                f"mini-swe-agent left no trajectory (exit {done.exit_code}):\n{tail(done.output)}",
                version,
            )
        if status not in NORMAL_ENDS or calls == 0:
            return AgentResult(
                "error",
                transcript,
                done.exit_code,
                f"mini-swe-agent ended with {status or 'no exit status'} after {calls} model calls "
                f"(exit {done.exit_code}):\n{tail(done.output)}",
                version,
            )
        note = None if status == "Submitted" else f"mini-swe-agent stopped: {status}"
        return AgentResult("ok", transcript, done.exit_code, note, version)


def _banner_version(output: str) -> str | None:
    """mini prints ``This is mini-swe-agent version X.`` first thing."""
    marker = "mini-swe-agent version "
    start = output.find(marker)
    if start < 0:
        return None
    return output[start + len(marker) :].split()[0].rstrip(".") or None
