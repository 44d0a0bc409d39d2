"""Router settings: one frozen dataclass, resolved by the caller (the plugin or the CLI) once.

Defaults follow the reference router where it had one (local max-tokens cap 4096, local request
timeout 180 s, Ollama repeat penalty 1.1); limits it lacked are new and are sized for agents that
loop (a scripted fake once made cline send ~370 MB of requests within minutes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["TOOL_NUDGE_TEXT", "RouterConfig"]

TOOL_NUDGE_TEXT = (
    "Tool-use policy: when a tool can do the next step, answer with a tool call rather than prose, "
    "and use exactly the argument names the tool's schema declares."
)


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

    # Local guards (a side's guards apply to whichever backend serves that side).
    request_timeout_s: float = 180.0
    max_tokens_cap: int = 4096
    repeat_penalty: float | None = 1.1
    tool_nudge: bool = False

    # Cloud fault handling: attempts = 1 + cloud_retries, all within cloud_timeout_s.
    cloud_timeout_s: float = 600.0
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

    def __post_init__(self) -> None:
        for name in ("request_timeout_s", "cloud_timeout_s", "connect_timeout_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"RouterConfig.{name} must be > 0, got {getattr(self, name)!r}")
        if self.cloud_retries < 0 or self.max_calls_per_cell < 1 or self.max_body_bytes < 1024:
            raise ValueError(
                "RouterConfig: cloud_retries must be >= 0, max_calls_per_cell >= 1, max_body_bytes >= 1024"
            )
        if self.replay_fallback and self.replay_dir is None:
            raise ValueError(
                "RouterConfig.replay_fallback needs replay_dir (there is nothing to fall back from)"
            )
