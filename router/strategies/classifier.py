"""llm-classifier: a small model answers SIMPLE or COMPLEX about the last user message.

COMPLEX -> cloud 0.8, SIMPLE -> local 0.8, any other reply -> local 0.4, error or timeout ->
local 0.3 (the reference had no timeout, so a hung classifier hung the call; ours is bounded by
``RouterConfig.classifier_timeout_s``).
"""

from __future__ import annotations

from ..wire.shapes import ChatRequest
from .base import Decision, SessionContext, StrategyBase
from .features import last_user_text

__all__ = ["CLASSIFIER_PROMPT", "LLMClassifier", "classify"]

CLASSIFIER_PROMPT = (
    "You sort programming requests by difficulty. Reply with exactly one word. "
    "SIMPLE: small, local, mechanical changes (rename, fix a typo, format, a short function, a direct "
    "question). COMPLEX: design, architecture, multi-file or multi-step changes, subtle bugs, "
    "performance or security reasoning. Reply SIMPLE or COMPLEX."
)
MAX_CHARS = 4000


async def classify(request: ChatRequest, context: SessionContext) -> Decision:
    text = last_user_text(request.messages)[:MAX_CHARS]
    try:
        reply = await context.services.classify(text)
    except Exception as exc:  # any failure routes local: the call itself must not fail
        return Decision(
            "local",
            f"classifier failed ({type(exc).__name__}) -> local",
            0.3,
            {"classifier_error": str(exc)[:200]},
        )
    verdict = reply.strip().lstrip("*#` \n").upper()
    meta = {"classifier_reply": reply.strip()[:40]}
    if verdict.startswith("COMPLEX"):
        return Decision("cloud", "classifier: COMPLEX", 0.8, meta)
    if verdict.startswith("SIMPLE"):
        return Decision("local", "classifier: SIMPLE", 0.8, meta)
    return Decision("local", "classifier: unclear reply -> local", 0.4, meta)


class LLMClassifier(StrategyBase):
    name = "llm-classifier"

    async def decide(self, request: ChatRequest, context: SessionContext) -> Decision:
        return await classify(request, context)
