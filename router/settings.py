"""Router settings: one frozen dataclass, resolved by the caller (the plugin or the CLI) once.

Sampling is the same on every tier unless the caller says otherwise: the router forwards what the
agent sent and adds nothing. The request changes it can make (a repeat penalty, a max-tokens cap
when the agent sent none, the tool-use nudge) are opt-in per tier (:class:`TierGuards`) and
reported with every cell, because a change on one tier only is a confound in exactly the
local-versus-cloud comparison the router exists for. Call timeouts are per tier too and default
to none: inside a benchmark run a call is bounded by what is left of its cell's budget
(docs/router.md, "Budgets"). Limits on requests and cells are sized for agents that loop (a
scripted fake once made cline send ~370 MB of requests within minutes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backends.registry import BackendFactory
    from .strategies.registry import StrategyFactory

__all__ = ["TIERS", "TOOL_NUDGE_TEXT", "RouterConfig", "TierGuards", "tier_config"]

#: Every tier a router can have, in order (``mid`` only when configured).
TIERS = ("local", "mid", "cloud")

TOOL_NUDGE_TEXT = (
    "Tool-use policy: when a tool can do the next step, answer with a tool call rather than prose, "
    "and use exactly the argument names the tool's schema declares."
)


@dataclass(frozen=True)
class TierGuards:
    """The request changes the router makes on one tier; all off by default.

    ``max_tokens_cap``: ``max_tokens`` sent when the agent sent none (the agent's own limit is
    kept); ``repeat_penalty``: the penalty the ``embedded`` and ``ollama`` backends apply (None:
    none is sent; llama.cpp in-process then uses 1.0, which is off); ``tool_nudge``: append the
    tool-use policy (:data:`TOOL_NUDGE_TEXT`) to the system prompt of calls that carry tools.
    """

    max_tokens_cap: int | None = None
    repeat_penalty: float | None = None
    tool_nudge: bool = False

    def __post_init__(self) -> None:
        if self.max_tokens_cap is not None and self.max_tokens_cap < 1:
            raise ValueError(f"max_tokens_cap must be >= 1, got {self.max_tokens_cap!r}")
        if self.repeat_penalty is not None and not 0 < self.repeat_penalty <= 10:
            raise ValueError(f"repeat_penalty must be in (0, 10], got {self.repeat_penalty!r}")

    @property
    def any(self) -> bool:
        return self.max_tokens_cap is not None or self.repeat_penalty is not None or self.tool_nudge

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_tokens_cap": self.max_tokens_cap,
            "repeat_penalty": self.repeat_penalty,
            "tool_nudge": self.tool_nudge,
        }


@dataclass(frozen=True)
class RouterConfig:
    """Everything a router instance needs. Backend specs: ``scheme:model[@base-url][;key_env=NAME]``."""

    local: str = "ollama:qwen2.5-coder:7b@http://127.0.0.1:11434"
    cloud: str = "openai:gpt-5.5"
    #: Backend for llm-classifier / cascade's tie-break; None -> the local backend answers it.
    classifier: str | None = None
    #: Backend for embedding-knn (``ollama:nomic-embed-text@...``); None -> embedding-knn routes local.
    embedder: str | None = None
    #: Optional middle tier between local and cloud (a larger local or a cheap hosted model), used
    #: by ``turbo``. None -> the router has two sides only, exactly as before.
    mid: str | None = None
    decisions_path: Path | None = None
    run_id: str = ""
    host: str = "127.0.0.1"
    port: int = 0

    # Request changes per tier (a tier's guards apply to whichever backend serves it): none by
    # default, so every tier answers what the agent sent, drawn the same way.
    local_guards: TierGuards = TierGuards()
    mid_guards: TierGuards = TierGuards()
    cloud_guards: TierGuards = TierGuards()

    # Per-call time limits per tier, in seconds; None: no limit but the cell's remaining budget
    # (a cell opened without a budget, as in standalone use, then has no limit at all). A cloud
    # call's retries all fit in its limit. ``request_timeout_s`` is the local tier's.
    request_timeout_s: float | None = None
    mid_timeout_s: float | None = None
    cloud_timeout_s: float | None = None

    # Cloud fault handling: attempts = 1 + cloud_retries, all within the call's time limit.
    cloud_retries: int = 3
    retry_backoff_s: float = 0.5
    retry_after_cap_s: float = 30.0
    connect_timeout_s: float = 10.0

    # Routing helpers.
    classifier_timeout_s: float = 10.0
    embed_timeout_s: float = 10.0

    # Bounds per request and per cell.
    max_body_bytes: int = 32 * 1024 * 1024
    max_calls_per_cell: int = 1000
    max_cell_request_bytes: int = 512 * 1024 * 1024

    # Standalone use: a cell reachable at the plain /v1 base URL (no token), with this strategy.
    default_cell_strategy: str | None = None
    #: Print one line per call to stderr (the standalone CLI turns this on).
    echo_decisions: bool = False
    #: Path to a price table TOML; None -> the packaged pricing/prices.toml.
    prices_path: Path | None = None

    # Record / replay (docs/router.md#record-and-replay).
    #: Write every upstream exchange to ``<record_dir>/<cell-key-slug>-<hash>.jsonl``.
    record_dir: Path | None = None
    #: Answer every upstream request from tapes in this directory; no real backend is built.
    replay_dir: Path | None = None
    #: With replay_dir: a request with no recorded answer goes to the real backend (not an error).
    replay_fallback: bool = False

    # Extensions (docs/extending.md): the factories this router builds from, handed over by its
    # creator. None: the built-in ones. The plugin passes the built-in ones plus what the
    # ``pytest_arena_add_backends`` / ``pytest_arena_add_strategies`` hooks returned.
    #: ``{scheme: factory(spec, options) -> Backend}`` for every backend spec of this router.
    backends: Mapping[str, BackendFactory] | None = field(default=None, compare=False, repr=False)
    #: ``{name: factory(params) -> Strategy}`` for every cell's strategy spec.
    strategies: Mapping[str, StrategyFactory] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("request_timeout_s", "mid_timeout_s", "cloud_timeout_s", "connect_timeout_s"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"RouterConfig.{name} must be > 0, got {value!r}")
        if self.cloud_retries < 0 or self.max_calls_per_cell < 1 or self.max_body_bytes < 1024:
            raise ValueError(
                "RouterConfig: cloud_retries must be >= 0, max_calls_per_cell >= 1, max_body_bytes >= 1024"
            )
        if self.replay_fallback and self.replay_dir is None:
            raise ValueError(
                "RouterConfig.replay_fallback needs replay_dir (there is nothing to fall back from)"
            )

    def guards_for(self, tier: str) -> TierGuards:
        """The request changes in force on ``tier`` (``local``, ``mid`` or ``cloud``)."""
        guards: TierGuards = getattr(self, f"{tier}_guards")
        return guards

    def timeout_for(self, tier: str) -> float | None:
        """The per-call limit the caller set for ``tier`` (None: only the cell's budget)."""
        value: float | None = (
            self.request_timeout_s if tier == "local" else getattr(self, f"{tier}_timeout_s")
        )
        return value


def tier_config(guards: dict[str, TierGuards], timeouts: dict[str, float]) -> dict[str, Any]:
    """The :class:`RouterConfig` fields for per-tier ``guards`` and call ``timeouts`` (tiers not
    named get none), for ``dataclasses.replace`` or the constructor."""
    fields: dict[str, Any] = {f"{tier}_guards": guards.get(tier, TierGuards()) for tier in TIERS}
    fields["request_timeout_s"] = timeouts.get("local")
    fields["mid_timeout_s"] = timeouts.get("mid")
    fields["cloud_timeout_s"] = timeouts.get("cloud")
    return fields
