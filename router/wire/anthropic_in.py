"""Anthropic Messages on the way in (claude-code and other Claude-style agents).

Requests become the internal (OpenAI) shape: ``system`` -> a system message; ``tool_result``
blocks -> ``tool`` messages (placed before the rest of their user turn); ``tool_use`` blocks ->
assistant ``tool_calls``; ``thinking`` blocks are dropped (only Anthropic models could read them
back, and a different backend may answer). Answers and chunk streams are turned back into
Anthropic messages and events (``message_start`` ... ``message_stop``).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from ..errors import ApiError
from .openai import split_force
from .shapes import JSON, ChatRequest, Completion, Usage

__all__ = ["STOP_FROM_FINISH", "EventEncoder", "parse_messages_request", "to_anthropic_message"]

STOP_FROM_FINISH = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "content_filter": "refusal",
}


def _bad(message: str) -> ApiError:
    return ApiError(400, message)


def _text_of(blocks: Any, where: str) -> str:
    if isinstance(blocks, str):
        return blocks
    if not isinstance(blocks, list):
        raise _bad(f"{where} must be a string or an array of content blocks")
    parts = []
    for i, block in enumerate(blocks):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            raise _bad(f"{where}[{i}] must be an object with a 'type'")
        if block["type"] == "text":
            if not isinstance(block.get("text"), str):
                raise _bad(f"{where}[{i}].text must be a string")
            parts.append(block["text"])
    return "\n".join(parts)


def _convert_message(i: int, msg: Any) -> list[JSON]:
    where = f"messages[{i}]"
    if not isinstance(msg, dict):
        raise _bad(f"{where} must be an object")
    role = msg.get("role")
    if role == "system":
        # claude-code >= 2.1 sends environment notes as role "system" turns inside `messages`;
        # parse_messages_request folds them into the leading system message (local chat templates
        # such as llama.cpp's reject a system turn that is not the first message).
        text = _text_of(msg.get("content", ""), f"{where}.content")
        return [{"role": "system", "content": text}] if text else []
    if role not in ("user", "assistant"):
        raise _bad(f"{where}.role must be 'user', 'assistant' or 'system', got {role!r}")
    content = msg.get("content")
    if isinstance(content, str):
        return [{"role": role, "content": content}]
    if not isinstance(content, list):
        raise _bad(f"{where}.content must be a string or an array of content blocks")
    out: list[JSON] = []
    parts: list[JSON] = []
    calls: list[JSON] = []
    for j, block in enumerate(content):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            raise _bad(f"{where}.content[{j}] must be an object with a 'type'")
        kind = block["type"]
        if kind == "text":
            if not isinstance(block.get("text"), str):
                raise _bad(f"{where}.content[{j}].text must be a string")
            parts.append({"type": "text", "text": block["text"]})
        elif kind == "tool_result" and role == "user":
            if not isinstance(block.get("tool_use_id"), str):
                raise _bad(f"{where}.content[{j}].tool_use_id must be a string")
            text = _text_of(block.get("content", ""), f"{where}.content[{j}].content")
            if block.get("is_error"):
                text = text or "error"
            out.append({"role": "tool", "tool_call_id": block["tool_use_id"], "content": text})
        elif kind == "tool_use" and role == "assistant":
            if not isinstance(block.get("name"), str):
                raise _bad(f"{where}.content[{j}].name must be a string")
            calls.append(
                {
                    "id": block.get("id") or f"toolu_{secrets.token_hex(8)}",
                    "type": "function",
                    "function": {"name": block["name"], "arguments": json.dumps(block.get("input") or {})},
                }
            )
    if role == "assistant":
        message: JSON = {"role": "assistant", "content": "".join(p["text"] for p in parts) or None}
        if calls:
            message["tool_calls"] = calls
        if message["content"] is not None or calls:
            out.append(message)
    elif parts:
        out.append({"role": "user", "content": parts})
    return out


def _tools(tools: Any) -> list[JSON]:
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise _bad("'tools' must be an array")
    out = []
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
            raise _bad(f"tools[{i}] must be an object with a 'name'")
        if "input_schema" not in tool:
            continue  # a server tool (web search etc.); no other backend can run it
        fn = {"name": tool["name"], "parameters": tool["input_schema"]}
        if isinstance(tool.get("description"), str):
            fn["description"] = tool["description"]
        out.append({"type": "function", "function": fn})
    return out


def _tool_choice(choice: Any) -> Any:
    if not isinstance(choice, dict):
        return None
    kind = choice.get("type")
    if kind == "any":
        return "required"
    if kind == "tool":
        return {"type": "function", "function": {"name": choice.get("name", "")}}
    return {"auto": "auto", "none": "none"}.get(str(kind))


def parse_messages_request(body: Any) -> ChatRequest:
    """Validate an Anthropic Messages body and translate it; ``ApiError(400)`` names the bad field."""
    if not isinstance(body, dict):
        raise _bad("request body must be a JSON object")
    model = body.get("model", "")
    if not isinstance(model, str):
        raise _bad("'model' must be a string")
    max_tokens = body.get("max_tokens")
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise _bad(f"'max_tokens' is required and must be an integer >= 1, got {max_tokens!r}")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _bad("'messages' must be a non-empty array")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise _bad("'stream' must be a boolean")
    internal: list[JSON] = []
    system = body.get("system")
    if system is not None:
        text = _text_of(system, "system")
        if text:
            internal.append({"role": "system", "content": text})
    for i, msg in enumerate(messages):
        internal.extend(_convert_message(i, msg))
    notes = [str(m["content"]) for m in internal if m["role"] == "system"]
    if len(notes) > 1 or (notes and internal[0]["role"] != "system"):
        internal = [{"role": "system", "content": "\n\n".join(notes)}] + [
            m for m in internal if m["role"] != "system"
        ]
    if not internal:
        raise _bad("'messages' holds no text, tool_use or tool_result content")
    out: JSON = {"model": model, "messages": internal, "max_tokens": max_tokens, "stream": stream}
    for key in ("temperature", "top_p"):
        value = body.get(key)
        if value is not None:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise _bad(f"'{key}' must be a number")
            out[key] = value
    if isinstance(body.get("stop_sequences"), list):
        out["stop"] = body["stop_sequences"]
    tools = _tools(body.get("tools"))
    if tools:
        out["tools"] = tools
        choice = _tool_choice(body.get("tool_choice"))
        if choice is not None:
            out["tool_choice"] = choice
    base, force = split_force(model)
    return ChatRequest(body=out, stream=stream, include_usage=stream, model=base, force=force)


def _usage(usage: Usage | None) -> JSON:
    u = usage or Usage()
    return {
        "input_tokens": max(0, u.prompt - u.cached),
        "output_tokens": u.completion,
        "cache_read_input_tokens": u.cached,
        "cache_creation_input_tokens": 0,
    }


def to_anthropic_message(result: Completion, model: str) -> JSON:
    """An Anthropic ``message`` for a whole answer (``model`` = what the agent asked for)."""
    msg = result.message
    content: list[JSON] = []
    text = msg.get("content")
    if isinstance(text, str) and text:
        content.append({"type": "text", "text": text})
    for call in msg.get("tool_calls") or []:
        fn = call.get("function") or {}
        try:
            args = json.loads(fn.get("arguments") or "{}")
        except ValueError:
            args = {"_arguments": fn.get("arguments")}
        content.append(
            {
                "type": "tool_use",
                "id": call.get("id") or f"toolu_{secrets.token_hex(8)}",
                "name": fn.get("name", ""),
                "input": args,
            }
        )
    return {
        "id": f"msg_{secrets.token_hex(12)}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": STOP_FROM_FINISH.get(result.finish_reason or "stop", "end_turn"),
        "stop_sequence": None,
        "usage": _usage(result.usage),
    }


def _event(kind: str, data: JSON) -> bytes:
    return (
        b"event: " + kind.encode() + b"\ndata: " + json.dumps(data, separators=(",", ":")).encode() + b"\n\n"
    )


class EventEncoder:
    """OpenAI chunk objects -> Anthropic SSE events, block by block, as they arrive."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.finish: str | None = None
        self._started = False
        self._block = -1
        self._open: str | None = None
        self._tools: dict[int, int] = {}

    def _start(self) -> bytes:
        self._started = True
        message: JSON = {
            "id": f"msg_{secrets.token_hex(12)}",
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": _usage(None),
        }
        return _event("message_start", {"type": "message_start", "message": message})

    def _close(self) -> bytes:
        if self._open is None:
            return b""
        self._open = None
        return _event("content_block_stop", {"type": "content_block_stop", "index": self._block})

    def _open_block(self, block: JSON) -> bytes:
        out = self._close()
        self._block += 1
        self._open = block["type"]
        return out + _event(
            "content_block_start",
            {"type": "content_block_start", "index": self._block, "content_block": block},
        )

    def feed(self, chunk: JSON) -> bytes:
        out = b"" if self._started else self._start()
        for choice in chunk.get("choices") or []:
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            text = delta.get("content")
            if isinstance(text, str) and text:
                if self._open != "text":
                    out += self._open_block({"type": "text", "text": ""})
                out += _event(
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": self._block,
                        "delta": {"type": "text_delta", "text": text},
                    },
                )
            for j, call in enumerate(delta.get("tool_calls") or []):
                index = call.get("index", j)
                fn = call.get("function") or {}
                if index not in self._tools:
                    block = {
                        "type": "tool_use",
                        "id": call.get("id") or f"toolu_{secrets.token_hex(8)}",
                        "name": fn.get("name", ""),
                        "input": {},
                    }
                    out += self._open_block(block)
                    self._tools[index] = self._block
                args = fn.get("arguments")
                if isinstance(args, str) and args:
                    out += _event(
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": self._tools[index],
                            "delta": {"type": "input_json_delta", "partial_json": args},
                        },
                    )
            if choice.get("finish_reason"):
                self.finish = choice["finish_reason"]
        return out

    def end(self, usage: Usage | None) -> bytes:
        out = (b"" if self._started else self._start()) + self._close()
        delta = {
            "stop_reason": STOP_FROM_FINISH.get(self.finish or "stop", "end_turn"),
            "stop_sequence": None,
        }
        out += _event("message_delta", {"type": "message_delta", "delta": delta, "usage": _usage(usage)})
        return out + _event("message_stop", {"type": "message_stop"})
