"""rules: fixed triggers on the last user message and the whole prompt's size.

Cloud when any trigger fires (prompt > 4000 approx tokens, >= 3 code blocks in the last user
message, any cloud keyword), confidence 0.5 + 0.15 per trigger (max 1). Otherwise local: 0.85
with a local keyword, 0.6 without. Agent system prompts alone usually pass 4000 tokens, so for
agent traffic this is nearly always-cloud (as in the reference).
"""

from __future__ import annotations

from ..wire.shapes import ChatRequest
from .base import Decision, SessionContext, StrategyBase
from .features import (
    count_code_blocks,
    keyword_hits,
    last_user_text,
    total_prompt_tokens,
)

__all__ = ["Rules"]


class Rules(StrategyBase):
    name = "rules"
    allowed = frozenset({"max_tokens", "max_code_blocks"})

    def __init__(self, params: dict[str, str] | None = None) -> None:
        super().__init__(params)
        self.max_tokens = self.integer("max_tokens", 4000)
        self.max_code_blocks = self.integer("max_code_blocks", 3)

    async def decide(self, request: ChatRequest, context: SessionContext) -> Decision:
        text = last_user_text(request.messages)
        tokens = total_prompt_tokens(request.messages)
        blocks = count_code_blocks(text)
        cloud_kw = keyword_hits(text, "cloud")
        triggers = []
        if tokens > self.max_tokens:
            triggers.append(f"tokens={tokens}>{self.max_tokens}")
        if blocks >= self.max_code_blocks:
            triggers.append(f"code_blocks={blocks}")
        if cloud_kw:
            triggers.append(f"cloud_keywords={cloud_kw}")
        meta = {
            "prompt_tokens_est": tokens,
            "code_blocks": blocks,
            "cloud_keywords": cloud_kw,
            "triggers": len(triggers),
        }
        if triggers:
            return Decision(
                "cloud", "rules: " + ", ".join(triggers), min(1.0, 0.5 + 0.15 * len(triggers)), meta
            )
        local_kw = keyword_hits(text, "local")
        meta["local_keywords"] = local_kw
        if local_kw:
            return Decision("local", f"rules: local_keywords={local_kw}", 0.85, meta)
        return Decision("local", "rules: no trigger", 0.6, meta)
