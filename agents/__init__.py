"""Agent adapters. No pytest imports here: the plugin finds agents through the
``pytest_arena_make_agent`` hook, whose default implementation calls :func:`make_builtin_agent`."""

from __future__ import annotations

from collections.abc import Callable

from .aider import AiderAgent
from .base import Agent, AgentEndpoint, AgentRequest, AgentResult
from .builtin import BuiltinAgent
from .claude_code import ClaudeCodeAgent
from .cline import ClineAgent
from .mini_swe_agent import MiniSweAgent
from .nop import NopAgent
from .opencode import OpencodeAgent
from .oracle import OracleAgent

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
