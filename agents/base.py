"""The agent contract (DESIGN §6): ``available()`` and ``run(request) -> AgentResult``.

An agent is given a workspace (a private copy of the task's ``workspace/``), the instruction, the
cell's model endpoint and a time budget. It edits the workspace in place and reports how the run
went; whether the edit is *right* is decided afterwards by the acceptance suite, never by the agent.
The request is one frozen object rather than five positional arguments so fields can be added
without breaking third-party adapters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

__all__ = ["Agent", "AgentEndpoint", "AgentRequest", "AgentResult", "AgentStatus"]

AgentStatus = Literal["ok", "error", "timeout"]


@dataclass(frozen=True)
class AgentEndpoint:
    """Where the agent sends its LLM calls: the cell's base URLs on the session router."""

    openai_base_url: str
    anthropic_base_url: str
    model: str = "arena"
    api_key: str = "arena-placeholder-key"


@dataclass(frozen=True)
class AgentRequest:
    """Everything one agent run gets.

    ``reference`` is the task's ``solution/`` folder; only the ``oracle`` agent may read it (it
    exists to prove each task solvable). ``log_dir`` is the cell's own artifact folder: write the
    transcript there.
    """

    workspace: Path
    instruction: str
    endpoint: AgentEndpoint | None
    timeout_s: float
    seed: int
    log_dir: Path
    params: dict[str, str]
    reference: Path | None = None


@dataclass(frozen=True)
class AgentResult:
    """How the run ended. ``status="error"`` means the agent itself broke (crash, bad config), not
    that its edit is wrong; ``"timeout"`` means it used up its budget and was stopped."""

    status: AgentStatus
    transcript_path: Path | None = None
    exit_code: int | None = None
    error: str | None = None
    version: str | None = None


@runtime_checkable
class Agent(Protocol):
    """What the plugin needs from an agent adapter. ``uses_llm`` False means no router is started."""

    name: str
    uses_llm: bool

    def available(self) -> tuple[bool, str]:
        """(True, "") when the agent can run here; else (False, the exact install hint)."""
        ...

    def run(self, request: AgentRequest) -> AgentResult: ...
