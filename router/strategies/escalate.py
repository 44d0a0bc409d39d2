"""escalate: a true cascade. Every call is answered locally first; when the local answer is
unusable (backend error, finish_reason=length, empty, degenerate repetition, no tool call or
code when one was required — see ``router/answers.py``) the router re-issues the same call to
cloud, and the cell then stays on cloud for the next K calls (``escalate@k=3``, the default).

An answer can be well-formed and still wrong. Agents find that out themselves when they run the
task's visible tests or a compile check and send the failure back to the model: a call whose newest
agent message reports a failed check (``features.failed_check``) goes to cloud too, and starts the
same K sticky calls (``escalate@on_fail=0`` turns this off). With ``builtin@rounds=2`` this is
"local first, cloud when the local attempt fails its checks".

Streaming calls are buffered while the local answer is judged, so the agent sees either the
local answer or the cloud one, never both; time-to-first-token includes the local attempt.
"""

from __future__ import annotations

from ..wire.shapes import ChatRequest
from .base import CallOutcome, Decision, SessionContext, StrategyBase
from .features import failed_check

__all__ = ["Escalate"]


class Escalate(StrategyBase):
    name = "escalate"
    allowed = frozenset({"k", "on_fail"})

    def __init__(self, params: dict[str, str] | None = None) -> None:
        super().__init__(params)
        self.k = self.integer("k", 3)
        self.on_fail = self.integer("on_fail", 1) != 0

    async def decide(self, request: ChatRequest, context: SessionContext) -> Decision:
        left = int(context.state.get("cloud_left", 0))
        if left > 0:
            context.state["cloud_left"] = left - 1
            return Decision(
                "cloud",
                f"escalate: sticky cloud ({left} of {self.k} left)",
                1.0,
                {"cloud_left": left, "k": self.k},
            )
        failed = failed_check(request.messages) if self.on_fail else None
        if failed is not None:
            context.state["cloud_left"] = self.k - 1
            context.state["escalations"] = int(context.state.get("escalations", 0)) + 1
            return Decision(
                "cloud",
                f"escalate: the agent's check failed ({failed})",
                1.0,
                {"cloud_left": self.k, "k": self.k, "failed_check": failed},
            )
        return Decision("local", "escalate: local first", 0.5, {"cloud_left": 0, "k": self.k}, verify=True)

    def observe(self, outcome: CallOutcome, context: SessionContext) -> None:
        if outcome.escalated:
            context.state["cloud_left"] = self.k
            context.state["escalations"] = int(context.state.get("escalations", 0)) + 1
