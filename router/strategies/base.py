"""The strategy contract: ``decide(request, context) -> Decision``.

A strategy object is made per cell (``make_strategy(spec)``) and may keep per-cell state in
``context.state``. Model-backed helpers (the SIMPLE/COMPLEX classifier, embeddings) come from
``context.services`` so a strategy never builds HTTP clients itself, and tests can swap them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..wire.shapes import ChatRequest, Side

__all__ = ["CallOutcome", "Decision", "Services", "SessionContext", "Strategy", "StrategyBase"]


@dataclass(slots=True)
class Decision:
    """Where one call goes and why. ``meta`` holds structured numbers (score, threshold, distance...)
    that go into the decision log as fields, not only inside ``reason``.

    ``verify``: answer on ``choice`` first, check the answer, and re-issue the call to the tiers
    in ``escalate_to`` in order while the answer is unusable (the escalate and turbo strategies).
    Every tier but the last is checked; the last answers as is. Tiers the router does not have
    (``mid`` without a mid tier) are skipped.
    """

    choice: Side
    reason: str
    confidence: float
    meta: dict[str, Any] = field(default_factory=dict)
    verify: bool = False
    escalate_to: tuple[Side, ...] = ("cloud",)


@dataclass(slots=True)
class CallOutcome:
    """What the router tells a strategy after a call: the side that answered and any escalation."""

    choice: Side
    escalated: bool = False  # the first answer was rejected and the call re-issued to another tier
    unusable_reason: str | None = None
    error: str | None = None


class Services(Protocol):
    """Model-backed helpers. Both raise on failure or timeout; strategies decide the fallback."""

    async def classify(self, text: str) -> str:
        """The classifier model's raw reply to the SIMPLE/COMPLEX question about ``text``."""
        ...

    async def embed(self, texts: list[str]) -> list[list[float]] | None:
        """Embeddings for ``texts``, or None when no embedding backend is configured."""
        ...


@dataclass(slots=True)
class SessionContext:
    """What a strategy may read of its router session (one per cell), and ``state`` it may keep
    between calls."""

    cell_key: str
    seed: int
    services: Services
    call_index: int = 0
    state: dict[str, Any] = field(default_factory=dict)


class Strategy(Protocol):
    name: str
    params: dict[str, str]

    async def decide(self, request: ChatRequest, context: SessionContext) -> Decision: ...

    def observe(self, outcome: CallOutcome, context: SessionContext) -> None: ...


class StrategyBase:
    """Convenience base: stores name and params, parses numeric params, ``observe`` does nothing."""

    name = ""
    allowed: frozenset[str] = frozenset()
    #: Optional tiers the strategy cannot work without (``{"mid"}`` for turbo); a router without
    #: them refuses to open the cell (``registry.check_tiers``).
    requires_tiers: frozenset[Side] = frozenset()

    def __init__(self, params: dict[str, str] | None = None) -> None:
        self.params = dict(params or {})
        unknown = sorted(set(self.params) - self.allowed)
        if unknown:
            allowed = ", ".join(sorted(self.allowed)) or "none"
            raise ValueError(f"strategy {self.name!r}: unknown parameter(s) {unknown}; allowed: {allowed}")

    def number(self, key: str, default: float) -> float:
        if key not in self.params:
            return default
        try:
            return float(self.params[key])
        except ValueError:
            raise ValueError(
                f"strategy {self.name!r}: parameter {key}={self.params[key]!r} must be a number"
            ) from None

    def integer(self, key: str, default: int) -> int:
        value = self.number(key, default)
        if value != int(value) or value < 0:
            raise ValueError(
                f"strategy {self.name!r}: parameter {key}={self.params[key]!r} must be an integer >= 0"
            )
        return int(value)

    def observe(self, outcome: CallOutcome, context: SessionContext) -> None:
        return None
