"""Request changes the router makes on the way upstream, each explicit and recorded.

Local side: a max-tokens cap when the agent sent none (a small model in a loop can otherwise
generate until the timeout), and the optional tool-use nudge (off by default; when on it changes
what the local model sees, so it is reported in the cell's usage and the row). Cloud side: the
parameter renames OpenAI's reasoning models require. Model output is never touched here.
"""

from __future__ import annotations

import re

from pytest_hybridarena.router.backends.base import LocalGuards
from pytest_hybridarena.router.wire.shapes import JSON, ChatRequest

__all__ = ["guarded_body", "reasoning_model_params"]

_REASONING = re.compile(r"^(?:gpt-5|o1|o3|o4)", re.IGNORECASE)


def guarded_body(req: ChatRequest, guards: LocalGuards | None) -> JSON:
    """A shallow copy of the request body with the local guards applied (none for cloud)."""
    body = dict(req.body)
    if guards is None:
        return body
    if guards.max_tokens_cap > 0 and req.max_tokens is None:
        body["max_tokens"] = guards.max_tokens_cap
    if guards.tool_nudge and req.tools:
        messages = list(req.messages)
        for i, msg in enumerate(messages):
            if msg.get("role") == "system" and isinstance(msg.get("content"), str):
                messages[i] = {**msg, "content": msg["content"] + "\n\n" + guards.tool_nudge}
                break
        else:
            messages.insert(0, {"role": "system", "content": guards.tool_nudge})
        body["messages"] = messages
    return body


def reasoning_model_params(body: JSON, model: str) -> JSON:
    """OpenAI's reasoning models (gpt-5*, o1/o3/o4) reject ``max_tokens`` and non-default sampling:
    move the former to ``max_completion_tokens`` and drop ``temperature``/``top_p`` unless 1."""
    if not _REASONING.match(model):
        return body
    if "max_tokens" in body:
        value = body.pop("max_tokens")
        body.setdefault("max_completion_tokens", value)
    for key in ("temperature", "top_p"):
        if key in body and body[key] != 1:
            del body[key]
    return body
