"""Stands in for Anthropic's ``POST /v1/messages``: a ``message`` object, or the event stream
(``message_start``, ``content_block_start/delta/stop`` with ``text_delta`` / ``input_json_delta``,
``message_delta`` with ``stop_reason`` and output usage, ``message_stop``)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.fakes.script import Recorder, split_text

KEY = web.AppKey("recorder", Recorder)
_STOP = {"length": "max_tokens", "tool_calls": "tool_use", "stop": "end_turn"}


def _event(kind: str, data: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n".encode()


async def messages(request: web.Request) -> web.StreamResponse:
    rec = request.app[KEY]
    body, reply = await rec.take(request)
    faulty = await rec.fault(request, reply)
    if faulty is not None:
        return faulty
    model = reply.model or body.get("model", "fake")
    stop = _STOP.get(reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop"), "end_turn")
    usage = {
        "input_tokens": reply.prompt_tokens - reply.cached_tokens,
        "output_tokens": reply.completion_tokens,
        "cache_read_input_tokens": reply.cached_tokens,
        "cache_creation_input_tokens": 0,
    }
    tools = [
        # ids unique across replies, as Anthropic's are: claude-code drops a tool_use whose id it saw before
        {
            "type": "tool_use",
            "id": f"toolu_{len(rec.requests)}_{i}",
            "name": c["name"],
            "input": c.get("arguments", {}),
        }
        for i, c in enumerate(reply.tool_calls)
    ]
    if not body.get("stream"):
        content = ([{"type": "text", "text": reply.text}] if reply.text else []) + tools
        return web.json_response(
            {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": content,
                "stop_reason": stop,
                "stop_sequence": None,
                "usage": usage,
            }
        )
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    start_usage = {**usage, "output_tokens": 1}
    msg = {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": start_usage,
    }
    await resp.write(_event("message_start", {"message": msg}))
    index = 0
    if reply.text:
        await resp.write(
            _event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
        )
        await resp.write(_event("ping", {}))
        for piece in split_text(reply.text, reply.chunks):
            await resp.write(
                _event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": piece}})
            )
        await resp.write(_event("content_block_stop", {"index": 0}))
        index = 1
    for tool in tools:
        await resp.write(
            _event("content_block_start", {"index": index, "content_block": {**tool, "input": {}}})
        )
        args = json.dumps(tool["input"])
        for piece in split_text(args, 2):
            await resp.write(
                _event(
                    "content_block_delta",
                    {"index": index, "delta": {"type": "input_json_delta", "partial_json": piece}},
                )
            )
        await resp.write(_event("content_block_stop", {"index": index}))
        index += 1
    await resp.write(
        _event(
            "message_delta",
            {
                "delta": {"stop_reason": stop, "stop_sequence": None},
                "usage": {"output_tokens": reply.completion_tokens},
            },
        )
    )
    await resp.write(_event("message_stop", {}))
    await resp.write_eof()
    return resp


def make_app(recorder: Recorder | None = None) -> web.Application:
    app = web.Application()
    app[KEY] = recorder or Recorder()
    app.router.add_post("/v1/messages", messages)
    return app
