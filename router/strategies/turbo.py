"""turbo: a three-tier cascade, local → mid → cloud. Needs the router's optional mid tier.

Every call is answered locally first and checked with the same unusable-answer tests as
``escalate`` (``router/answers.py``); an unusable local answer is re-issued to the mid tier, whose
answer is checked too; an unusable mid answer goes to the cloud, which answers as is. After an
escalation the cell stays on the tier that answered for the next K calls (``turbo@k=3``, the
default), mirroring ``escalate``: sticky mid calls are still checked and can go on to the cloud.

A router without a mid tier refuses to open a turbo cell (``requires_tiers``): turbo silently
behaving as ``escalate`` would make a sweep's turbo column measure something else than its name.
"""

from __future__ import annotations

from ..wire.shapes import ChatRequest, Side
from .base import CallOutcome, Decision, SessionContext, StrategyBase

__all__ = ["Turbo"]


class Turbo(StrategyBase):
    name = "turbo"
    allowed = frozenset({"k"})
    requires_tiers: frozenset[Side] = frozenset({"mid"})

    def __init__(self, params: dict[str, str] | None = None) -> None:
        super().__init__(params)
        self.k = self.integer("k", 3)

    async def decide(self, request: ChatRequest, context: SessionContext) -> Decision:
        left = int(context.state.get("sticky_left", 0))
        tier = str(context.state.get("sticky_tier", "local"))
        if left > 0 and tier in ("mid", "cloud"):
            context.state["sticky_left"] = left - 1
            meta = {"sticky_tier": tier, "sticky_left": left, "k": self.k}
            reason = f"turbo: sticky {tier} ({left} of {self.k} left)"
            if tier == "cloud":
                return Decision("cloud", reason, 1.0, meta)
            return Decision("mid", reason, 0.75, meta, verify=True, escalate_to=("cloud",))
        meta = {"sticky_tier": None, "sticky_left": 0, "k": self.k}
        return Decision("local", "turbo: local first", 0.5, meta, verify=True, escalate_to=("mid", "cloud"))

    def observe(self, outcome: CallOutcome, context: SessionContext) -> None:
        if outcome.escalated:
            context.state["sticky_tier"] = outcome.choice
            context.state["sticky_left"] = self.k
            context.state["escalations"] = int(context.state.get("escalations", 0)) + 1
