"""escalate: a true cascade. Every call is answered locally first; when the local answer is
unusable (backend error, finish_reason=length, empty, degenerate repetition, no tool call or
code when one was required — see ``router/answers.py``) the router re-issues the same call to
cloud, and the cell then stays on cloud for the next K calls (``escalate@k=3``, the default).

Streaming calls are buffered while the local answer is judged, so the agent sees either the
local answer or the cloud one, never both; time-to-first-token includes the local attempt.
"""

from __future__ import annotations

from pytest_hybridarena.router.strategies.base import CallOutcome, CellContext, Decision, StrategyBase
from pytest_hybridarena.router.wire.shapes import ChatRequest

__all__ = ["Escalate"]


class Escalate(StrategyBase):
    name = "escalate"
    allowed = frozenset({"k"})

    def __init__(self, params: dict[str, str] | None = None) -> None:
        super().__init__(params)
        self.k = self.integer("k", 3)

    async def decide(self, request: ChatRequest, context: CellContext) -> Decision:
        left = int(context.state.get("cloud_left", 0))
        if left > 0:
            context.state["cloud_left"] = left - 1
            return Decision(
                "cloud",
                f"escalate: sticky cloud ({left} of {self.k} left)",
                1.0,
                {"cloud_left": left, "k": self.k},
            )
        return Decision("local", "escalate: local first", 0.5, {"cloud_left": 0, "k": self.k}, verify=True)

    def observe(self, outcome: CallOutcome, context: CellContext) -> None:
        if outcome.escalated:
            context.state["cloud_left"] = self.k
            context.state["escalations"] = int(context.state.get("escalations", 0)) + 1
