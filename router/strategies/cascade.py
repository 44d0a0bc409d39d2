"""cascade: the heuristic decides, and the classifier breaks ties near its cutoff.

With d = |heuristic score - heuristic threshold| (12 on the agent path, 25 on the legacy path):
d > C (default 15) -> the heuristic's answer stands. Otherwise the classifier is asked; if both
agree, that side wins with confidence min(1, 0.5 + (h + c)/4); if they disagree the classifier
wins with max(c - 0.1, 0.5). C is a band in heuristic-score points, not a probability. This is a
pre-call tie-break; ``escalate`` is the strategy that checks answers.

Before either is asked, a call whose newest agent message reports a failed check (the agent ran
the task's visible tests or a compile check and sends the failure back; ``features.failed_check``)
goes to cloud: the local side's attempt was tried and did not work (``cascade@on_fail=0`` turns
this off).
"""

from __future__ import annotations

from ..wire.shapes import ChatRequest
from .base import Decision, SessionContext, StrategyBase
from .classifier import classify
from .features import failed_check
from .heuristic import Heuristic

__all__ = ["Cascade"]


class Cascade(StrategyBase):
    name = "cascade"
    allowed = frozenset({"threshold", "agent_threshold", "legacy_threshold", "on_fail"})

    def __init__(self, params: dict[str, str] | None = None) -> None:
        super().__init__(params)
        self.band = self.number("threshold", 15.0)
        self.on_fail = self.integer("on_fail", 1) != 0
        heuristic_params = {}
        if "agent_threshold" in self.params:
            heuristic_params["threshold"] = self.params["agent_threshold"]
        if "legacy_threshold" in self.params:
            heuristic_params["legacy_threshold"] = self.params["legacy_threshold"]
        self.heuristic = Heuristic(heuristic_params)

    async def decide(self, request: ChatRequest, context: SessionContext) -> Decision:
        failed = failed_check(request.messages) if self.on_fail else None
        if failed is not None:
            return Decision(
                "cloud", f"cascade: the agent's check failed ({failed})", 1.0, {"failed_check": failed}
            )
        h = self.heuristic.decide_now(request)
        distance = float(h.meta.get("distance", 999.0))
        meta = {
            **h.meta,
            "band": self.band,
            "heuristic_choice": h.choice,
            "heuristic_confidence": round(h.confidence, 3),
        }
        if distance > self.band:
            return Decision(
                h.choice,
                f"cascade: trust heuristic (d={distance:.1f}>{self.band:g}) | {h.reason}",
                h.confidence,
                meta,
            )
        c = await classify(request, context)
        meta.update({"classifier_choice": c.choice, "classifier_confidence": c.confidence, **c.meta})
        if c.choice == h.choice:
            confidence = min(1.0, 0.5 + (h.confidence + c.confidence) / 4)
            return Decision(
                h.choice, f"cascade: agree {h.choice} (d={distance:.1f}) | {c.reason}", confidence, meta
            )
        confidence = max(c.confidence - 0.1, 0.5)
        return Decision(
            c.choice,
            f"cascade: classifier overrides {h.choice} (d={distance:.1f}) | {c.reason}",
            confidence,
            meta,
        )
