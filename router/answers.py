"""Is a local answer usable? The escalate strategy's check, kept apart so it can be tested alone.

Unusable: cut off (finish_reason=length), empty (no text and no tool call), degenerate repetition
(the tail is one short unit repeated: a looping small model), no tool call when the request
required one (``tool_choice`` "required" or a named function), or no edit when the agent's
prompt demands SEARCH/REPLACE blocks (aider) and the answer has neither such a block nor a fence.
Content is judged, never changed.
"""

from __future__ import annotations

from .wire.shapes import JSON, ChatRequest, content_text

__all__ = ["is_degenerate", "unusable_reason"]


def is_degenerate(text: str, min_span: int = 200, min_repeats: int = 8, max_unit: int = 100) -> bool:
    """True when the last >= ``min_span`` characters are one unit (<= ``max_unit`` chars) repeated
    at least ``min_repeats`` times."""
    if len(text) < min_span:
        return False
    for unit in range(1, max_unit + 1):
        span = max(min_span, unit * min_repeats)
        if span > len(text):
            break
        piece = text[-unit:]
        if text[-span:] == (piece * (span // unit + 1))[-span:]:
            return True
    return False


def _requires_tool(req: ChatRequest) -> bool:
    choice = req.body.get("tool_choice")
    return bool(req.tools) and (choice == "required" or isinstance(choice, dict))


def _requires_edit(req: ChatRequest) -> bool:
    system = "\n".join(content_text(m.get("content")) for m in req.messages if m.get("role") == "system")
    return "SEARCH/REPLACE block" in system


def unusable_reason(message: JSON, finish_reason: str | None, req: ChatRequest) -> str | None:
    """Why this answer should be escalated, or None when it is usable."""
    if finish_reason == "length":
        return "finish_reason=length"
    text = content_text(message.get("content"))
    calls = message.get("tool_calls") or []
    if not text.strip() and not calls:
        return "empty answer"
    if is_degenerate(text):
        return "degenerate repetition"
    if _requires_tool(req) and not calls:
        return "no tool call although tool_choice required one"
    if _requires_edit(req) and not calls and "<<<<<<< SEARCH" not in text and "```" not in text:
        return "no SEARCH/REPLACE block or code fence"
    return None
