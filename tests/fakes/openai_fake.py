"""Stands in for OpenAI's ``POST /v1/chat/completions`` (and any OpenAI-compatible server):
JSON answers, and SSE streams of ``chat.completion.chunk`` events ending with the usage-only chunk
(when ``stream_options.include_usage`` is set) and ``data: [DONE]``; ``/v1/embeddings`` too."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.fakes.script import Recorder, Reply, split_text

KEY = web.AppKey("recorder", Recorder)


def _calls(reply: Reply, stream: bool) -> list[dict[str, Any]]:
    out = []
    for i, call in enumerate(reply.tool_calls):
        item: dict[str, Any] = {
            "id": f"call_{i}",
            "type": "function",
            "function": {"name": call["name"], "arguments": json.dumps(call.get("arguments", {}))},
        }
        if stream:
            item["index"] = i
        out.append(item)
    return out


def _usage(reply: Reply) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }
    if reply.cached_tokens:
        usage["prompt_tokens_details"] = {"cached_tokens": reply.cached_tokens}
    return usage


async def chat(request: web.Request) -> web.StreamResponse:
    rec = request.app[KEY]
    body, reply = await rec.take(request)
    faulty = await rec.fault(request, reply)
    if faulty is not None:
        return faulty
    model = reply.model or body.get("model", "fake")
    finish = reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop")
    if not body.get("stream"):
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        if reply.tool_calls:
            message["tool_calls"] = _calls(reply, False)
        out: dict[str, Any] = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1,
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        }
        if reply.usage:
            out["usage"] = _usage(reply)
        return web.json_response(out)
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    include = bool((body.get("stream_options") or {}).get("include_usage"))

    def event(delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        obj: dict[str, Any] = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        }
        if include:
            obj["usage"] = None
        return b"data: " + json.dumps(obj).encode() + b"\n\n"

    await resp.write(event({"role": "assistant", "content": ""}))
    for piece in split_text(reply.text, reply.chunks):
        await resp.write(event({"content": piece}))
        if reply.fault == "stall":
            await rec.hang.wait()  # never set: the router's time limit must end the stream
        if reply.fault == "midstream":
            assert request.transport is not None
            request.transport.close()
            return resp
    if reply.tool_calls:
        await resp.write(event({"tool_calls": _calls(reply, True)}))
    await resp.write(event({}, finish))
    if include and reply.usage:
        final = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": model,
            "choices": [],
            "usage": _usage(reply),
        }
        await resp.write(b"data: " + json.dumps(final).encode() + b"\n\n")
    await resp.write(b"data: [DONE]\n\n")
    await resp.write_eof()
    return resp


async def embeddings(request: web.Request) -> web.Response:
    body = await request.json()
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    return web.json_response(
        {"data": [{"embedding": [float(len(t)), 1.0], "index": i} for i, t in enumerate(texts)]}
    )


def make_app(recorder: Recorder | None = None) -> web.Application:
    app = web.Application()
    app[KEY] = recorder or Recorder()
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_post("/v1/embeddings", embeddings)
    return app
