"""The agent contract: ``available()`` and ``run(request) -> AgentResult``.

An agent is given a workspace (a private copy of the task's ``workspace/``), the instruction, the
cell's model endpoint and a time budget. It edits the workspace in place and reports how the run
went; whether the edit is *right* is decided afterwards by the acceptance suite, never by the agent.
The request is one frozen object rather than five positional arguments so fields can be added
without breaking third-party adapters.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

__all__ = [
    "Agent",
    "AgentEndpoint",
    "AgentRequest",
    "AgentResult",
    "AgentStatus",
    "RoundSnapshot",
    "read_files",
    "snapshot_changes",
]

AgentStatus = Literal["ok", "error", "timeout"]

#: The workspace at the end of one round, as every file changed since the agent started:
#: relative POSIX path → content (None: the file was deleted). Overlaid on the task's pristine
#: ``workspace/`` it rebuilds that round's state, which the harness scores after the agent is done.
RoundSnapshot = Mapping[str, bytes | None]

_SKIP_DIRS = frozenset({".git", "__pycache__", ".pytest_cache"})


def read_files(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root`` by relative POSIX path. Tool caches (``.git``,
    ``__pycache__``, ``.pytest_cache``, ``*.pyc``) are left out, as scoring leaves them out;
    symlinks are neither followed nor listed (an edit through one changes its target)."""
    files: dict[str, bytes] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        for name in names:
            path = Path(folder, name)
            if name.endswith(".pyc") or path.is_symlink() or not path.is_file():
                continue
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def snapshot_changes(root: Path, before: Mapping[str, bytes]) -> dict[str, bytes | None]:
    """The :data:`RoundSnapshot` of ``root`` now, against its files ``before`` (:func:`read_files`)."""
    now = read_files(root)
    changed: dict[str, bytes | None] = {p: b for p, b in now.items() if before.get(p) != b}
    changed.update({p: None for p in before if p not in now})
    return changed


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
    transcript there. ``mode`` is the task's (``"edit"`` or ``"single-shot"``); for a single-shot
    task ``artifact`` is the workspace-relative file the reply becomes. An agent without a
    single-shot path may ignore both: the instruction names the artifact.
    """

    workspace: Path
    instruction: str
    endpoint: AgentEndpoint | None
    timeout_s: float
    seed: int
    log_dir: Path
    params: dict[str, str]
    reference: Path | None = None
    mode: str = "edit"
    artifact: str | None = None


@dataclass(frozen=True)
class AgentResult:
    """How the run ended. ``status="error"`` means the agent itself broke (crash, bad config), not
    that its edit is wrong; ``"timeout"`` means it used up its budget and was stopped.

    ``round_snapshots``: one :data:`RoundSnapshot` per round the agent ran, in order, from agents
    that work in rounds (``builtin``); empty for the others. The harness scores earlier rounds with
    the hidden suite only after the agent has finished (``docs/rounds.md``).
    """

    status: AgentStatus
    transcript_path: Path | None = None
    exit_code: int | None = None
    error: str | None = None
    version: str | None = None
    round_snapshots: tuple[RoundSnapshot, ...] = ()


@runtime_checkable
class Agent(Protocol):
    """What the plugin needs from an agent adapter. ``uses_llm`` False means no router is started."""

    name: str
    uses_llm: bool

    def available(self) -> tuple[bool, str]:
        """(True, "") when the agent can run here; else (False, the exact install hint)."""
        ...

    def run(self, request: AgentRequest) -> AgentResult: ...
