"""Stands in for Ollama's native API: ``POST /api/chat`` (one JSON object, or NDJSON lines ending
with a ``done: true`` object carrying ``prompt_eval_count``/``eval_count``/``done_reason``) and
``POST /api/embed``. Tool-call arguments are objects, as Ollama sends them; ids are absent."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes.script import Recorder, split_text

KEY = web.AppKey("recorder", Recorder)
EMBED = web.AppKey("embed", object)


def _done(reply_finish: str | None) -> str:
    return "length" if reply_finish == "length" else "stop"


async def chat(request: web.Request) -> web.StreamResponse:
    rec = request.app[KEY]
    body, reply = await rec.take(request)
    faulty = await rec.fault(request, reply)
    if faulty is not None:
        return faulty
    model = reply.model or body.get("model", "fake")
    calls = [{"function": {"name": c["name"], "arguments": c.get("arguments", {})}} for c in reply.tool_calls]
    final: dict[str, Any] = {"model": model, "done": True, "done_reason": _done(reply.finish_reason)}
    if reply.usage:
        final.update(prompt_eval_count=reply.prompt_tokens, eval_count=reply.completion_tokens)
    if not body.get("stream", True):
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        if calls:
            message["tool_calls"] = calls
        return web.json_response({**final, "message": message})
    resp = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
    await resp.prepare(request)
    for piece in split_text(reply.text, reply.chunks):
        line = {"model": model, "message": {"role": "assistant", "content": piece}, "done": False}
        await resp.write(json.dumps(line).encode() + b"\n")
    if calls:
        line = {
            "model": model,
            "message": {"role": "assistant", "content": "", "tool_calls": calls},
            "done": False,
        }
        await resp.write(json.dumps(line).encode() + b"\n")
    await resp.write(json.dumps({**final, "message": {"role": "assistant", "content": ""}}).encode() + b"\n")
    await resp.write_eof()
    return resp


def _default_embed(text: str) -> list[float]:
    low = text.lower()
    complex_words = (
        "design",
        "architect",
        "race",
        "security",
        "migrat",
        "refactor",
        "distributed",
        "optimiz",
    )
    hard = sum(w in low for w in complex_words)
    return [1.0 + hard * 3.0, 1.0]


async def embed(request: web.Request) -> web.Response:
    rec = request.app[KEY]
    body = await request.json()
    rec.requests.append({"embed": body})
    reply = rec.next() if rec.queue else None
    if reply is not None and reply.status >= 300:
        return web.json_response({"error": "fake embed failure"}, status=reply.status)
    fn: Callable[[str], list[float]] = request.app[EMBED]  # type: ignore[assignment]
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    return web.json_response({"model": body["model"], "embeddings": [fn(t) for t in texts]})


def make_app(
    recorder: Recorder | None = None, embed_fn: Callable[[str], list[float]] = _default_embed
) -> web.Application:
    app = web.Application()
    app[KEY] = recorder or Recorder()
    app[EMBED] = embed_fn
    app.router.add_post("/api/chat", chat)
    app.router.add_post("/api/embed", embed)
    return app
