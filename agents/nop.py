"""``nop``: changes nothing. The acceptance suite must fail on the untouched workspace, or the task
measures nothing."""

from __future__ import annotations

from .base import AgentRequest, AgentResult

__all__ = ["NopAgent"]


class NopAgent:
    name = "nop"
    uses_llm = False

    def available(self) -> tuple[bool, str]:
        return True, ""

    def run(self, request: AgentRequest) -> AgentResult:
        transcript = request.log_dir / "nop.log"
        transcript.write_text("nop: workspace left unchanged\n", encoding="utf-8")
        return AgentResult("ok", transcript, exit_code=0)
