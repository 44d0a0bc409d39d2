"""Internal (OpenAI) shape -> Anthropic Messages API, and its answers and event stream back.

Used by the ``anthropic:`` backend. Mapping: system/developer messages -> ``system``; assistant
``tool_calls`` -> ``tool_use`` blocks (arguments JSON string -> ``input`` object); ``tool``
messages -> ``tool_result`` blocks in a user turn; consecutive same-role turns merged because the
API requires alternation. Usage: Anthropic's ``input_tokens`` excludes cache reads and writes, so
prompt = input + cache_read + cache_creation and cached = cache_read (OpenAI's convention).
"""

from __future__ import annotations

import json
import time
from typing import Any

from .shapes import JSON, Usage, content_text

__all__ = [
    "FINISH_FROM_STOP",
    "EventTranslator",
    "from_anthropic_response",
    "to_anthropic_request",
    "usage_from_anthropic",
]

FINISH_FROM_STOP = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "pause_turn": "stop",
    "refusal": "content_filter",
}


def _input_object(arguments: Any) -> JSON:
    if isinstance(arguments, dict):
        return arguments
    if isinstance(arguments, str) and arguments.strip():
        try:
            obj = json.loads(arguments)
        except ValueError:
            return {"_arguments": arguments}
        return obj if isinstance(obj, dict) else {"_arguments": obj}
    return {}


def _user_blocks(content: Any) -> list[JSON]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks = []
    for part in content if isinstance(content, list) else []:
        if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
            blocks.append({"type": "text", "text": part["text"]})
        elif isinstance(part, str):
            blocks.append({"type": "text", "text": part})
    return blocks


def _append(out: list[JSON], role: str, blocks: list[JSON]) -> None:
    if not blocks:
        return
    if out and out[-1]["role"] == role:
        out[-1]["content"].extend(blocks)
    else:
        out.append({"role": role, "content": blocks})


def _tool_choice(choice: Any) -> JSON | None:
    if choice == "auto":
        return {"type": "auto"}
    if choice == "required":
        return {"type": "any"}
    if choice == "none":
        return {"type": "none"}
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return {"type": "tool", "name": choice["function"].get("name", "")}
    return None


def to_anthropic_request(body: JSON, model: str, default_max_tokens: int, stream: bool) -> JSON:
    system: list[str] = []
    messages: list[JSON] = []
    for msg in body["messages"]:
        role = msg["role"]
        if role in ("system", "developer"):
            system.append(content_text(msg.get("content")))
        elif role in ("tool", "function"):
            block = {
                "type": "tool_result",
                "tool_use_id": msg.get("tool_call_id") or msg.get("name") or "",
                "content": content_text(msg.get("content")),
            }
            _append(messages, "user", [block])
        elif role == "assistant":
            blocks: list[JSON] = []
            text = content_text(msg.get("content"))
            if text:
                blocks.append({"type": "text", "text": text})
            for call in msg.get("tool_calls") or []:
                fn = call.get("function") or {}
                blocks.append(
                    {
                        "type": "tool_use",
                        "id": call.get("id") or "",
                        "name": fn.get("name", ""),
                        "input": _input_object(fn.get("arguments")),
                    }
                )
            _append(messages, "assistant", blocks)
        else:
            _append(messages, "user", _user_blocks(msg.get("content")))
    limit = body.get("max_completion_tokens", body.get("max_tokens"))
    out: JSON = {
        "model": model,
        "messages": messages,
        "max_tokens": limit if isinstance(limit, int) and limit > 0 else default_max_tokens,
        "stream": stream,
    }
    if system:
        out["system"] = "\n\n".join(s for s in system if s)
    for key in ("temperature", "top_p"):
        if key in body:
            out[key] = body[key]
    stop = body.get("stop")
    if stop:
        out["stop_sequences"] = [stop] if isinstance(stop, str) else stop
    tools = [t.get("function") for t in body.get("tools") or [] if isinstance(t, dict)]
    if tools:
        out["tools"] = [
            {
                "name": fn.get("name", ""),
                "description": fn.get("description", ""),
                "input_schema": fn.get("parameters") or {"type": "object", "properties": {}},
            }
            for fn in tools
            if isinstance(fn, dict)
        ]
        choice = _tool_choice(body.get("tool_choice"))
        if choice is not None:
            out["tool_choice"] = choice
    return out


def usage_from_anthropic(obj: Any) -> Usage | None:
    if not isinstance(obj, dict):
        return None
    read = obj.get("cache_read_input_tokens") or 0
    write = obj.get("cache_creation_input_tokens") or 0
    inp = obj.get("input_tokens") or 0
    out = obj.get("output_tokens") or 0
    if not all(isinstance(x, int) for x in (read, write, inp, out)):
        return None
    return Usage(prompt=inp + read + write, completion=out, cached=read)


def from_anthropic_response(obj: JSON, model: str) -> JSON:
    text: list[str] = []
    calls: list[JSON] = []
    for block in obj.get("content") or []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            text.append(block["text"])
        elif block.get("type") == "tool_use":
            calls.append(
                {
                    "id": block.get("id", ""),
                    "type": "function",
                    "function": {
                        "name": block.get("name", ""),
                        "arguments": json.dumps(block.get("input", {})),
                    },
                }
            )
    message: JSON = {"role": "assistant", "content": "".join(text) or (None if calls else "")}
    if calls:
        message["tool_calls"] = calls
    usage = usage_from_anthropic(obj.get("usage"))
    return {
        "id": obj.get("id") or "chatcmpl-anthropic",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": obj.get("model") or model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": FINISH_FROM_STOP.get(obj.get("stop_reason") or "", "stop"),
            }
        ],
        "usage": usage.to_openai() if usage else None,
    }


class EventTranslator:
    """Anthropic stream events (already JSON-decoded) -> OpenAI chunk objects."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.id = "chatcmpl-anthropic"
        self.created = int(time.time())
        self.usage = Usage()
        self.has_usage = False
        self.finish_reason: str | None = None
        self._tool_index: dict[int, int] = {}

    def _chunk(self, delta: JSON, finish: str | None = None) -> JSON:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    def translate(self, event: JSON) -> list[JSON]:
        kind = event.get("type")
        if kind == "message_start":
            msg = event.get("message") or {}
            self.id = msg.get("id") or self.id
            self.model = msg.get("model") or self.model
            start = usage_from_anthropic(msg.get("usage"))
            if start is not None:
                self.usage, self.has_usage = start, True
            return [self._chunk({"role": "assistant", "content": ""})]
        if kind == "content_block_start":
            block = event.get("content_block") or {}
            if block.get("type") == "tool_use":
                index = len(self._tool_index)
                self._tool_index[int(event.get("index", 0))] = index
                call = {
                    "index": index,
                    "id": block.get("id", ""),
                    "type": "function",
                    "function": {"name": block.get("name", ""), "arguments": ""},
                }
                return [self._chunk({"tool_calls": [call]})]
            return []
        if kind == "content_block_delta":
            delta = event.get("delta") or {}
            if delta.get("type") == "text_delta":
                return [self._chunk({"content": delta.get("text", "")})]
            if delta.get("type") == "input_json_delta":
                index = self._tool_index.get(int(event.get("index", 0)), 0)
                call = {"index": index, "function": {"arguments": delta.get("partial_json", "")}}
                return [self._chunk({"tool_calls": [call]})]
            return []
        if kind == "message_delta":
            stop = (event.get("delta") or {}).get("stop_reason")
            if stop:
                self.finish_reason = FINISH_FROM_STOP.get(stop, "stop")
            usage = event.get("usage") or {}
            if isinstance(usage.get("output_tokens"), int):
                self.usage.completion = usage["output_tokens"]
                self.has_usage = True
            if isinstance(usage.get("input_tokens"), int):
                more = usage_from_anthropic({"output_tokens": self.usage.completion, **usage})
                if more is not None:
                    self.usage = more
            return []
        if kind == "message_stop":
            final = self._chunk({}, self.finish_reason or "stop")
            usage_chunk = self._chunk({})
            usage_chunk["choices"] = []
            usage_chunk["usage"] = self.usage.to_openai()
            return [final, usage_chunk]
        return []
