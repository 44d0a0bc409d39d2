"""Ollama's native ``/api/chat`` <-> the internal (OpenAI) shape, including NDJSON -> chunks.

Why native and not Ollama's /v1: the OpenAI-compatible endpoint ignores ``think: false``, so
qwen3-style reasoning models spend the whole token budget thinking (seen by the reference router).
Translations: content arrays flattened to strings; tool-call ``arguments`` JSON strings parsed to
objects on the way in (Ollama's templates fail on strings) and stringified on the way out (strict
clients such as opencode reject objects); tool-call ids synthesised when Ollama gives none.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from ..backends.base import Guards
from .shapes import JSON, Usage, content_text

__all__ = ["ChunkTranslator", "from_ollama_response", "to_ollama_request", "usage_from_ollama"]

_ROLE = {"developer": "system", "function": "tool"}


def _arguments_object(args: Any) -> Any:
    if isinstance(args, str):
        try:
            return json.loads(args)
        except ValueError:
            return args
    return args


def _message(msg: JSON) -> JSON:
    out: JSON = {"role": _ROLE.get(msg["role"], msg["role"]), "content": content_text(msg.get("content"))}
    calls = msg.get("tool_calls")
    if isinstance(calls, list) and calls:
        out["tool_calls"] = [
            {
                "function": {
                    "name": (c.get("function") or {}).get("name", ""),
                    "arguments": _arguments_object((c.get("function") or {}).get("arguments")),
                }
            }
            for c in calls
            if isinstance(c, dict)
        ]
    if out["role"] == "tool" and isinstance(msg.get("name"), str):
        out["tool_name"] = msg["name"]
    return out


def to_ollama_request(body: JSON, model: str, guards: Guards | None, stream: bool) -> JSON:
    """An ``/api/chat`` body for an (already guarded) internal request body."""
    options: JSON = {}
    for src, dst in (("temperature", "temperature"), ("top_p", "top_p"), ("seed", "seed")):
        if isinstance(body.get(src), int | float) and not isinstance(body.get(src), bool):
            options[dst] = body[src]
    limit = body.get("max_completion_tokens", body.get("max_tokens"))
    if isinstance(limit, int) and not isinstance(limit, bool):
        options["num_predict"] = limit
    if guards is not None and guards.repeat_penalty is not None:
        options["repeat_penalty"] = guards.repeat_penalty
    stop = body.get("stop")
    if isinstance(stop, str):
        options["stop"] = [stop]
    elif isinstance(stop, list):
        options["stop"] = stop
    out: JSON = {
        "model": model,
        "messages": [_message(m) for m in body["messages"]],
        "stream": stream,
        "think": False,
        "options": options,
    }
    if body.get("tools"):
        out["tools"] = body["tools"]
    return out


def usage_from_ollama(obj: JSON) -> Usage | None:
    prompt, completion = obj.get("prompt_eval_count"), obj.get("eval_count")
    if not isinstance(prompt, int) and not isinstance(completion, int):
        return None
    return Usage(
        prompt=prompt if isinstance(prompt, int) else 0,
        completion=completion if isinstance(completion, int) else 0,
    )


def _tool_calls(calls: Any, with_index: bool) -> list[JSON]:
    out = []
    for i, call in enumerate(calls if isinstance(calls, list) else []):
        fn = call.get("function") if isinstance(call, dict) else None
        if not isinstance(fn, dict):
            continue
        args = fn.get("arguments", {})
        item: JSON = {
            "id": call.get("id") or f"call_{secrets.token_hex(8)}",
            "type": "function",
            "function": {
                "name": fn.get("name", ""),
                "arguments": args if isinstance(args, str) else json.dumps(args),
            },
        }
        if with_index:
            item["index"] = i
        out.append(item)
    return out


def _finish(obj: JSON, has_tools: bool) -> str:
    if obj.get("done_reason") == "length":
        return "length"
    return "tool_calls" if has_tools else "stop"


def from_ollama_response(obj: JSON, model: str) -> JSON:
    """An OpenAI ``chat.completion`` for a non-streamed ``/api/chat`` answer."""
    msg = obj.get("message") if isinstance(obj.get("message"), dict) else {}
    assert isinstance(msg, dict)
    message: JSON = {"role": "assistant", "content": msg.get("content") or ""}
    calls = _tool_calls(msg.get("tool_calls"), with_index=False)
    if calls:
        message["tool_calls"] = calls
    usage = usage_from_ollama(obj)
    return {
        "id": f"chatcmpl-{secrets.token_hex(8)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": obj.get("model") or model,
        "choices": [{"index": 0, "message": message, "finish_reason": _finish(obj, bool(calls))}],
        "usage": usage.to_openai() if usage else None,
    }


class ChunkTranslator:
    """NDJSON lines of a streamed ``/api/chat`` answer -> OpenAI chunk objects."""

    def __init__(self, model: str) -> None:
        self.id = f"chatcmpl-{secrets.token_hex(8)}"
        self.created = int(time.time())
        self.model = model
        self._role_sent = False
        self._tool_index = 0
        self.usage: Usage | None = None
        self.finish_reason: str | None = None

    def _chunk(self, delta: JSON, finish: str | None) -> JSON:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    def translate(self, obj: JSON) -> list[JSON]:
        """Chunks for one NDJSON object; the ``done`` object yields a finish chunk and a usage chunk."""
        out: list[JSON] = []
        if isinstance(obj.get("model"), str):
            self.model = obj["model"]
        msg = obj.get("message") if isinstance(obj.get("message"), dict) else {}
        assert isinstance(msg, dict)
        delta: JSON = {}
        if not self._role_sent:
            delta["role"] = "assistant"
            self._role_sent = True
        if msg.get("content"):
            delta["content"] = msg["content"]
        calls = _tool_calls(msg.get("tool_calls"), with_index=True)
        for call in calls:
            call["index"] = self._tool_index
            self._tool_index += 1
        if calls:
            delta["tool_calls"] = calls
        if delta:
            out.append(self._chunk(delta, None))
        if obj.get("done"):
            self.finish_reason = _finish(obj, self._tool_index > 0)
            out.append(self._chunk({}, self.finish_reason))
            self.usage = usage_from_ollama(obj)
            if self.usage is not None:
                usage_chunk = self._chunk({}, None)
                usage_chunk["choices"] = []
                usage_chunk["usage"] = self.usage.to_openai()
                out.append(usage_chunk)
        return out
