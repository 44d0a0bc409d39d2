"""OpenAI chat-completions on the way in: validation into the internal shape, and SSE encoding out.

Validation checks what the router and the backends rely on (messages, roles, content types,
tools, numeric limits) and leaves every other field alone: unknown fields ride through to an
OpenAI-compatible upstream untouched.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import ApiError
from .shapes import JSON, ChatRequest, Side, Usage

__all__ = [
    "DONE",
    "assemble_chunks",
    "encode_chunk",
    "normalize_tool_calls",
    "parse_chat_request",
    "split_force",
    "usage_from_openai",
]

DONE = b"data: [DONE]\n\n"
_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})


def split_force(model: str) -> tuple[str, Side | None]:
    """``"qwen!local"`` -> ``("qwen", "local")``; a model without a suffix is returned as is."""
    if model.endswith("!local"):
        return model[: -len("!local")], "local"
    if model.endswith("!cloud"):
        return model[: -len("!cloud")], "cloud"
    if model.endswith("!mid"):
        return model[: -len("!mid")], "mid"
    return model, None


def _bad(message: str, param: str | None = None) -> ApiError:
    return ApiError(400, message, param=param)


def _check_int(body: JSON, key: str, minimum: int) -> None:
    value = body.get(key)
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _bad(f"'{key}' must be an integer >= {minimum}, got {value!r}", key)


def _check_number(body: JSON, key: str, low: float, high: float) -> None:
    value = body.get(key)
    if value is None:
        return
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise _bad(f"'{key}' must be a number in [{low}, {high}], got {value!r}", key)


def _check_message(i: int, msg: Any) -> None:
    where = f"messages[{i}]"
    if not isinstance(msg, dict):
        raise _bad(f"{where} must be an object, got {type(msg).__name__}", where)
    role = msg.get("role")
    if role not in _ROLES:
        raise _bad(f"{where}.role must be one of {sorted(_ROLES)}, got {role!r}", f"{where}.role")
    content = msg.get("content")
    if content is not None and not isinstance(content, str | list):
        raise _bad(f"{where}.content must be a string, an array of parts or null", f"{where}.content")
    if isinstance(content, list):
        for j, part in enumerate(content):
            if not isinstance(part, dict | str):
                raise _bad(f"{where}.content[{j}] must be an object", f"{where}.content[{j}]")
    if content is None and role in ("user", "system", "developer"):
        raise _bad(f"{where}.content is required for role {role!r}", f"{where}.content")
    calls = msg.get("tool_calls")
    if calls is not None:
        if not isinstance(calls, list):
            raise _bad(f"{where}.tool_calls must be an array", f"{where}.tool_calls")
        for j, call in enumerate(calls):
            if not isinstance(call, dict) or not isinstance(call.get("function"), dict):
                raise _bad(
                    f"{where}.tool_calls[{j}] must be an object with a 'function' object",
                    f"{where}.tool_calls[{j}]",
                )


def parse_chat_request(body: Any) -> ChatRequest:
    """Validate an OpenAI chat-completions body; raise ``ApiError(400)`` naming the bad field."""
    if not isinstance(body, dict):
        raise _bad(f"request body must be a JSON object, got {type(body).__name__}")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _bad("'messages' must be a non-empty array", "messages")
    for i, msg in enumerate(messages):
        _check_message(i, msg)
    model = body.get("model", "")
    if not isinstance(model, str):
        raise _bad(f"'model' must be a string, got {type(model).__name__}", "model")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise _bad(f"'stream' must be a boolean, got {stream!r}", "stream")
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            raise _bad("'tools' must be an array", "tools")
        for i, tool in enumerate(tools):
            if not isinstance(tool, dict) or not isinstance(tool.get("function", {}), dict):
                raise _bad(f"tools[{i}] must be an object with a 'function' object", f"tools[{i}]")
    opts = body.get("stream_options")
    if opts is not None and not isinstance(opts, dict):
        raise _bad("'stream_options' must be an object", "stream_options")
    _check_int(body, "max_tokens", 1)
    _check_int(body, "max_completion_tokens", 1)
    _check_int(body, "n", 1)
    _check_number(body, "temperature", 0.0, 2.0)
    _check_number(body, "top_p", 0.0, 1.0)
    base, force = split_force(model)
    include_usage = bool(stream and isinstance(opts, dict) and opts.get("include_usage") is True)
    return ChatRequest(body=body, stream=stream, include_usage=include_usage, model=base, force=force)


def encode_chunk(obj: JSON) -> bytes:
    """One SSE event for a chunk object."""
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"


def usage_from_openai(obj: Any) -> Usage | None:
    """Usage from an OpenAI ``usage`` object (cached tokens from ``prompt_tokens_details``)."""
    if not isinstance(obj, dict):
        return None
    prompt = obj.get("prompt_tokens")
    completion = obj.get("completion_tokens")
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return None
    details = obj.get("prompt_tokens_details")
    cached = details.get("cached_tokens") if isinstance(details, dict) else None
    return Usage(prompt=prompt, completion=completion, cached=cached if isinstance(cached, int) else 0)


def normalize_tool_calls(message: JSON) -> bool:
    """Make tool calls strict-client safe in place: string ``arguments``, ``type``, ``index`` present.

    OpenAI itself always complies; some OpenAI-compatible local servers send object arguments,
    which opencode and other strict clients reject. Returns True when something was changed.
    """
    calls = message.get("tool_calls")
    if not isinstance(calls, list):
        return False
    changed = False
    for i, call in enumerate(calls):
        if not isinstance(call, dict):
            continue
        fn = call.get("function")
        if isinstance(fn, dict) and not isinstance(fn.get("arguments"), str | type(None)):
            fn["arguments"] = json.dumps(fn["arguments"])
            changed = True
        if "index" not in call and "delta" in message:
            call["index"] = i
            changed = True
    return changed


def assemble_chunks(chunks: list[JSON]) -> tuple[JSON, str | None]:
    """Rebuild the assistant message and finish_reason from streamed chunk objects (choice 0)."""
    text: list[str] = []
    calls: dict[int, JSON] = {}
    finish: str | None = None
    for obj in chunks:
        for choice in obj.get("choices") or []:
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            if isinstance(delta.get("content"), str):
                text.append(delta["content"])
            for j, call in enumerate(delta.get("tool_calls") or []):
                if not isinstance(call, dict):
                    continue
                slot = calls.setdefault(
                    call.get("index", j),
                    {"id": None, "type": "function", "function": {"name": "", "arguments": ""}},
                )
                if call.get("id"):
                    slot["id"] = call["id"]
                fn = call.get("function") or {}
                if isinstance(fn.get("name"), str):
                    slot["function"]["name"] += fn["name"]
                if isinstance(fn.get("arguments"), str):
                    slot["function"]["arguments"] += fn["arguments"]
            if choice.get("finish_reason"):
                finish = choice["finish_reason"]
    message: JSON = {"role": "assistant", "content": "".join(text)}
    if calls:
        message["tool_calls"] = [calls[k] for k in sorted(calls)]
    return message, finish
