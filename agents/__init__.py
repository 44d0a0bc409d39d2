"""Agent adapters. No pytest imports here: the plugin finds agents through the
``pytest_arena_make_agent`` hook, whose default implementation calls :func:`make_builtin_agent`."""

from __future__ import annotations

from collections.abc import Callable

from pytest_hybridarena.agents.aider import AiderAgent
from pytest_hybridarena.agents.base import Agent, AgentEndpoint, AgentRequest, AgentResult
from pytest_hybridarena.agents.builtin import BuiltinAgent
from pytest_hybridarena.agents.claude_code import ClaudeCodeAgent
from pytest_hybridarena.agents.cline import ClineAgent
from pytest_hybridarena.agents.mini_swe_agent import MiniSweAgent
from pytest_hybridarena.agents.nop import NopAgent
from pytest_hybridarena.agents.opencode import OpencodeAgent
from pytest_hybridarena.agents.oracle import OracleAgent

__all__ = [
    "BUILTIN_AGENTS",
    "Agent",
    "AgentEndpoint",
    "AgentRequest",
    "AgentResult",
    "make_builtin_agent",
]

BUILTIN_AGENTS: dict[str, Callable[[], Agent]] = {
    "aider": AiderAgent,
    "builtin": BuiltinAgent,
    "claude-code": ClaudeCodeAgent,
    "cline": ClineAgent,
    "mini-swe-agent": MiniSweAgent,
    "nop": NopAgent,
    "opencode": OpencodeAgent,
    "oracle": OracleAgent,
}


def make_builtin_agent(name: str) -> Agent | None:
    """The bundled agent called ``name`` (without ``@params``), or None if there is none."""
    factory = BUILTIN_AGENTS.get(name)
    return factory() if factory else None
