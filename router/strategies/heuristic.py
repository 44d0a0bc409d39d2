"""heuristic (agent-aware) and the legacy score it falls through to for non-agent calls.

Legacy (last user message only): min(20, tokens/80) + 6 x code blocks + 14 x cloud keywords
- 18 x local keywords + 6 when >= 25 tools; cloud when score >= 25; confidence 0.5 + distance/50.

Agent path (the newest tool/function/user message = the "delta"): min(20, tokens/60) + 4 x code
blocks + 8 x cloud keywords; -12 when the delta is a tool result (or holds mini-swe-agent's
``<returncode>``), -8 when the last assistant turn made tool calls, +15 on the first call (no
assistant turn yet: planning). Cloud when score >= threshold (12); confidence 0.5 + distance/30.
"""

from __future__ import annotations

from ..wire.shapes import JSON, ChatRequest, Side, content_text
from .base import Decision, SessionContext, StrategyBase
from .features import (
    AGENT_MARKERS,
    agent_delta,
    approx_tokens,
    count_code_blocks,
    is_agent_call,
    keyword_hits,
    last_user_text,
)

__all__ = ["LEGACY_THRESHOLD", "Heuristic", "agent_score", "legacy_decision"]

LEGACY_THRESHOLD = 25.0
AGENT_THRESHOLD = 12.0


def legacy_decision(request: ChatRequest, threshold: float = LEGACY_THRESHOLD) -> Decision:
    text = last_user_text(request.messages)
    tokens = approx_tokens(text)
    blocks = count_code_blocks(text)
    cloud_kw = keyword_hits(text, "cloud")
    local_kw = keyword_hits(text, "local")
    many_tools = len(request.tools) >= 25
    score = min(20.0, tokens / 80) + 6 * blocks + 14 * cloud_kw - 18 * local_kw + (6 if many_tools else 0)
    distance = abs(score - threshold)
    choice: Side = "cloud" if score >= threshold else "local"
    meta = {
        "path": "legacy",
        "score": round(score, 3),
        "threshold": threshold,
        "distance": round(distance, 3),
        "tokens": tokens,
        "code_blocks": blocks,
        "cloud_keywords": cloud_kw,
        "local_keywords": local_kw,
    }
    reason = f"legacy score={score:.1f} {'>=' if choice == 'cloud' else '<'} {threshold:g}"
    return Decision(choice, reason, min(1.0, 0.5 + distance / 50), meta)


def agent_score(messages: list[JSON]) -> tuple[float, JSON]:
    delta = agent_delta(messages) or {}
    text = content_text(delta.get("content"))
    role = delta.get("role", "")
    tokens = approx_tokens(text)
    score = min(20.0, tokens / 60) + 4 * count_code_blocks(text) + 8 * keyword_hits(text, "cloud")
    observation = role in ("tool", "function") or "<returncode>" in text
    if observation:
        score -= 12
    assistants = [m for m in messages if m.get("role") == "assistant"]
    after_tool_call = bool(assistants and assistants[-1].get("tool_calls"))
    if after_tool_call:
        score -= 8
    first_call = not assistants
    if first_call:
        score += 15
    facts = {
        "delta_role": role,
        "delta_tokens": tokens,
        "observation": observation,
        "after_tool_call": after_tool_call,
        "first_call": first_call,
    }
    return score, facts


class Heuristic(StrategyBase):
    name = "heuristic"
    allowed = frozenset({"threshold", "legacy_threshold", "markers"})

    def __init__(self, params: dict[str, str] | None = None) -> None:
        super().__init__(params)
        self.threshold = self.number("threshold", AGENT_THRESHOLD)
        self.legacy_threshold = self.number("legacy_threshold", LEGACY_THRESHOLD)
        extra = [m for m in self.params.get("markers", "").split("|") if m]
        self.markers = (*AGENT_MARKERS, *extra)

    def decide_now(self, request: ChatRequest) -> Decision:
        if not is_agent_call(request.messages, self.markers):
            decision = legacy_decision(request, self.legacy_threshold)
            decision.reason = "heuristic[not-agent -> legacy] " + decision.reason
            return decision
        score, facts = agent_score(request.messages)
        distance = abs(score - self.threshold)
        choice: Side = "cloud" if score >= self.threshold else "local"
        meta = {
            "path": "agent",
            "score": round(score, 3),
            "threshold": self.threshold,
            "distance": round(distance, 3),
        }
        meta.update(facts)
        reason = f"heuristic[agent] score={score:.1f} {'>=' if choice == 'cloud' else '<'} {self.threshold:g}"
        return Decision(choice, reason, min(1.0, 0.5 + distance / 30), meta)

    async def decide(self, request: ChatRequest, context: SessionContext) -> Decision:
        return self.decide_now(request)
