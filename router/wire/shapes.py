"""The internal request, response, stream-chunk and usage shapes every part of the router shares."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

#: The tier that answers a call. ``mid`` exists only when the router has a middle tier configured.
Side = Literal["local", "mid", "cloud"]
JSON = dict[str, Any]

__all__ = ["JSON", "ChatRequest", "Chunk", "Completion", "Side", "Usage", "content_text"]


@dataclass(slots=True)
class Usage:
    """Token counts for one upstream call. ``prompt`` includes ``cached`` (OpenAI's convention).

    ``estimated`` is True when the backend reported nothing and the router counted characters
    (about 4 per token) instead; such rows should be read as approximate.
    """

    prompt: int = 0
    completion: int = 0
    cached: int = 0
    estimated: bool = False

    def to_openai(self) -> JSON:
        out: JSON = {
            "prompt_tokens": self.prompt,
            "completion_tokens": self.completion,
            "total_tokens": self.prompt + self.completion,
        }
        if self.cached:
            out["prompt_tokens_details"] = {"cached_tokens": self.cached}
        return out


@dataclass(slots=True)
class ChatRequest:
    """One chat call in the internal (OpenAI chat-completions) shape.

    ``body`` is what the agent sent after validation (for Anthropic inbound: after translation);
    backends copy it, never mutate it. ``model`` is the requested model with any ``!local`` /
    ``!cloud`` suffix removed; ``force`` is that suffix.
    """

    body: JSON
    stream: bool
    include_usage: bool
    model: str
    force: Side | None = None

    @property
    def messages(self) -> list[JSON]:
        msgs: list[JSON] = self.body["messages"]
        return msgs

    @property
    def tools(self) -> list[JSON]:
        tools = self.body.get("tools")
        return tools if isinstance(tools, list) else []

    @property
    def max_tokens(self) -> int | None:
        for key in ("max_completion_tokens", "max_tokens"):
            value = self.body.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        return None


@dataclass(slots=True)
class Completion:
    """A whole (non-streamed) answer in OpenAI ``chat.completion`` shape.

    ``raw`` keeps the upstream bytes when the upstream already spoke OpenAI, so an OpenAI agent
    gets exactly what the model produced, byte for byte.
    """

    body: JSON
    usage: Usage | None
    model_echoed: str | None
    raw: bytes | None = None

    @property
    def message(self) -> JSON:
        choices = self.body.get("choices") or [{}]
        msg = choices[0].get("message") if isinstance(choices[0], dict) else None
        return msg if isinstance(msg, dict) else {}

    @property
    def finish_reason(self) -> str | None:
        choices = self.body.get("choices") or [{}]
        reason = choices[0].get("finish_reason") if isinstance(choices[0], dict) else None
        return reason if isinstance(reason, str) else None


@dataclass(slots=True)
class Chunk:
    """One OpenAI ``chat.completion.chunk``: the upstream SSE event bytes, the parsed object, or both.

    ``usage_only`` marks the final chunk that carries usage and no choices; it is dropped on the
    way out when the agent did not ask for it (the router always asks upstream).
    """

    raw: bytes | None = None
    parsed: JSON | None = None
    usage_only: bool = False
    _cache: JSON | None = field(default=None, repr=False)

    @property
    def data(self) -> JSON:
        if self.parsed is not None:
            return self.parsed
        if self._cache is None:
            self._cache = parse_sse_data(self.raw or b"")
        return self._cache


def parse_sse_data(event: bytes) -> JSON:
    """The JSON object carried by the ``data:`` lines of one SSE event ({} when there is none)."""
    parts = [line[5:].strip() for line in event.split(b"\n") if line.startswith(b"data:")]
    payload = b"\n".join(parts)
    if not payload or payload == b"[DONE]":
        return {}
    try:
        obj = json.loads(payload)
    except ValueError:
        return {}
    return obj if isinstance(obj, dict) else {}


def content_text(content: Any) -> str:
    """Message content as plain text: strings as is, content-part arrays joined with newlines.

    Non-text parts (images, audio) are dropped; this is for routing features and for backends
    that only take strings, never for rewriting what a model said.
    """
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        out = []
        for part in content:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                out.append(part["text"])
        return "\n".join(out)
    return ""
