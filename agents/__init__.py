"""Agent adapters. No pytest imports here: the plugin finds agents through the
``pytest_arena_add_agents`` hook, whose bundled implementation returns :data:`BUILTIN_AGENTS`
(``docs/extending.md``)."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .base import Agent, AgentEndpoint, AgentRequest, AgentResult

__all__ = [
    "BUILTIN_AGENTS",
    "Agent",
    "AgentEndpoint",
    "AgentRequest",
    "AgentResult",
    "make_builtin_agent",
]


def _bundled(module: str, name: str) -> Callable[[], Agent]:
    """A factory that imports its adapter's module on first use: the adapters pull in httpx and
    friends, which a session that never runs them (``pytest --co``, a run of the controls) should
    not pay for."""

    def factory() -> Agent:
        agent: Agent = getattr(importlib.import_module(f".{module}", __name__), name)()
        return agent

    factory.__name__ = factory.__qualname__ = name
    return factory


BUILTIN_AGENTS: dict[str, Callable[[], Agent]] = {
    "aider": _bundled("aider", "AiderAgent"),
    "builtin": _bundled("builtin", "BuiltinAgent"),
    "claude-code": _bundled("claude_code", "ClaudeCodeAgent"),
    "cline": _bundled("cline", "ClineAgent"),
    "mini-swe-agent": _bundled("mini_swe_agent", "MiniSweAgent"),
    "nop": _bundled("nop", "NopAgent"),
    "opencode": _bundled("opencode", "OpencodeAgent"),
    "oracle": _bundled("oracle", "OracleAgent"),
}


def make_builtin_agent(name: str) -> Agent | None:
    """The bundled agent called ``name`` (without ``@params``), or None if there is none."""
    factory = BUILTIN_AGENTS.get(name)
    return factory() if factory else None
