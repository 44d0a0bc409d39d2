"""HTTP handlers: parse the inbound API, run the call, encode the answer. Logic lives in calls.py.

Every failure a client can cause is a 4xx JSON error in the shape of the API it called (OpenAI
for chat/completions and the listings, Anthropic for /v1/messages). Unknown routes and unknown
cells are 404 JSON.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.client_exceptions import ClientConnectionResetError

from .backends.base import UpstreamError
from .calls import Call, check_budget
from .errors import ApiError, anthropic_error_body, openai_error_body
from .keys import STATE
from .sessions import RouterSession
from .state import RouterState
from .strategies.registry import known_strategies
from .wire import anthropic_in
from .wire.openai import DONE, encode_chunk, parse_chat_request
from .wire.shapes import JSON, ChatRequest, content_text

__all__ = ["routes"]

_SSE_HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform"}
_dumps: Callable[[Any], str] = json.JSONEncoder(separators=(",", ":")).encode


def _json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=_dumps(obj).encode(), status=status, content_type="application/json", headers=headers
    )


def _openai_error(err: ApiError) -> web.Response:
    return _json(openai_error_body(err), err.status, err.headers)


def _anthropic_error(err: ApiError) -> web.Response:
    return _json(anthropic_error_body(err), err.status, err.headers)


def _cell(request: web.Request) -> tuple[RouterState, RouterSession]:
    state = request.app[STATE]
    cid = request.match_info.get("cell") or state.default_cell_id
    cell = state.cells.get(cid) if cid else None
    if cell is None:
        raise ApiError(404, "no open cell at this URL (closed, mistyped or never opened)", "not_found")
    return state, cell


async def _read_json(request: web.Request, limit: int) -> tuple[Any, int]:
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(
            413,
            f"request body of {request.content_length} bytes exceeds the {limit}-byte limit",
            "request_too_large",
        )
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, f"request body exceeds the {limit}-byte limit", "request_too_large") from None
    if not raw:
        raise ApiError(400, "request body is empty; send a JSON object")
    try:
        return json.loads(raw), len(raw)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"request body is not valid JSON: {str(exc)[:200]}") from None


async def _start(
    request: web.Request, parse: Callable[[Any], ChatRequest], inbound: str
) -> tuple[Call, ChatRequest]:
    started = time.perf_counter()
    state, cell = _cell(request)
    body, size = await _read_json(request, state.config.max_body_bytes)
    req = parse(body)
    check_budget(state, cell, size)
    return Call(state, cell, req, inbound, started), req


# -- OpenAI -------------------------------------------------------------------------------------
async def chat_completions(request: web.Request) -> web.StreamResponse:
    call: Call | None = None
    try:
        call, req = await _start(request, parse_chat_request, "openai")
        if req.stream:
            return await _openai_stream(request, call, req)
        result = await call.complete()
        body = result.raw if result.raw is not None else _dumps(result.body).encode()
        return web.Response(body=body, content_type="application/json", headers=call.headers())
    except ApiError as err:
        if call is not None:
            call.status = err.status
        return _openai_error(err)
    except asyncio.CancelledError:  # the cell closed (or the router stopped) mid-call
        if call is not None:
            call.cancelled()
        raise
    finally:
        if call is not None:
            call.finish()


async def _openai_stream(request: web.Request, call: Call, req: ChatRequest) -> web.StreamResponse:
    source = await call.open_stream()
    resp = web.StreamResponse(headers={**_SSE_HEADERS, **call.headers()})
    try:
        await resp.prepare(request)
        async for chunk in source:
            if chunk.usage_only and not req.include_usage:
                continue
            await _write(call, resp, chunk.raw if chunk.raw is not None else encode_chunk(chunk.data))
        await _write(call, resp, DONE)
        await resp.write_eof()
    except UpstreamError as err:
        call.stream_failed(err)
        body = {
            "error": {
                "message": f"upstream stream failed: {err.message}",
                "type": "upstream_error",
                "code": err.label,
            }
        }
        await _try_write(resp, encode_chunk(body) + DONE)
    except (ConnectionResetError, ClientConnectionResetError):
        call.client_gone()
    finally:
        await source.close()
    return resp


async def _write(call: Call, resp: web.StreamResponse, data: bytes) -> None:
    t = time.perf_counter()
    await resp.write(data)
    now = time.perf_counter()
    call.client_s += now - t
    if call.ttft_s is None:
        call.ttft_s = now - call.started


async def _try_write(resp: web.StreamResponse, data: bytes) -> None:
    try:
        await resp.write(data)
        await resp.write_eof()
    except (ConnectionResetError, ClientConnectionResetError):
        pass


# -- Anthropic ----------------------------------------------------------------------------------
async def messages(request: web.Request) -> web.StreamResponse:
    call: Call | None = None
    try:
        call, req = await _start(request, anthropic_in.parse_messages_request, "anthropic")
        if req.stream:
            return await _anthropic_stream(request, call, req)
        result = await call.complete()
        return _json(anthropic_in.to_anthropic_message(result, req.model or "arena"), headers=call.headers())
    except ApiError as err:
        if call is not None:
            call.status = err.status
        return _anthropic_error(err)
    except asyncio.CancelledError:  # the cell closed (or the router stopped) mid-call
        if call is not None:
            call.cancelled()
        raise
    finally:
        if call is not None:
            call.finish()


async def _anthropic_stream(request: web.Request, call: Call, req: ChatRequest) -> web.StreamResponse:
    source = await call.open_stream()
    resp = web.StreamResponse(headers={**_SSE_HEADERS, **call.headers()})
    encoder = anthropic_in.EventEncoder(req.model or "arena")
    try:
        await resp.prepare(request)
        async for chunk in source:
            if chunk.usage_only:
                continue
            data = encoder.feed(chunk.data)
            if data:
                await _write(call, resp, data)
        await _write(call, resp, encoder.end(call.usage))
        await resp.write_eof()
    except UpstreamError as err:
        call.stream_failed(err)
        event = {
            "type": "error",
            "error": {"type": "api_error", "message": f"upstream stream failed: {err.message}"},
        }
        await _try_write(resp, b"event: error\ndata: " + _dumps(event).encode() + b"\n\n")
    except (ConnectionResetError, ClientConnectionResetError):
        call.client_gone()
    finally:
        await source.close()
    return resp


async def count_tokens(request: web.Request) -> web.Response:
    """Anthropic's token-count probe (claude-code calls it): an estimate, 4 characters per token."""
    try:
        state, _ = _cell(request)
        body, _ = await _read_json(request, state.config.max_body_bytes)
        req = anthropic_in.parse_messages_request(
            {"max_tokens": 1, **body} if isinstance(body, dict) else body
        )
    except ApiError as err:
        return _anthropic_error(err)
    chars = sum(len(content_text(m.get("content"))) for m in req.messages)
    return _json({"input_tokens": math.ceil(chars / 4)})


# -- listings and health ------------------------------------------------------------------------
async def models(request: web.Request) -> web.Response:
    try:
        state, _ = _cell(request)
    except ApiError as err:
        return _openai_error(err)
    ids = ["arena", *(f"{backend.model}!{side}" for side, backend in state.backends.items())]
    if "anthropic-version" in request.headers:
        data: list[JSON] = [
            {"type": "model", "id": i, "display_name": i, "created_at": "2026-01-01T00:00:00Z"} for i in ids
        ]
        return _json({"data": data, "has_more": False, "first_id": ids[0], "last_id": ids[-1]})
    listing = [{"id": i, "object": "model", "created": 0, "owned_by": "pytest-hybridarena"} for i in ids]
    return _json({"object": "list", "data": listing})


async def api_tags(request: web.Request) -> web.Response:
    """Ollama's model listing; some agents (cline) probe it before chatting. Empty, as an OpenAI
    endpoint behind a proxy has no Ollama models to list."""
    try:
        _cell(request)
    except ApiError as err:
        return _openai_error(err)
    return _json({"models": []})


async def healthz(request: web.Request) -> web.Response:
    state = request.app[STATE]
    health = {
        "ok": True,
        "cells": len(state.cells),
        "local": state.backends["local"].label,
        "cloud": state.backends["cloud"].label,
        "strategies": known_strategies(state.config.strategies),
        "decisions_path": str(state.config.decisions_path) if state.config.decisions_path else None,
    }
    if state.has_mid:
        health["mid"] = state.backends["mid"].label
    return _json(health)


async def not_found(request: web.Request) -> web.Response:
    return _openai_error(ApiError(404, f"not found: {request.method} {request.path}", "not_found"))


def routes(default_cell: bool) -> list[web.AbstractRouteDef]:
    table: list[web.AbstractRouteDef] = [
        web.get("/healthz", healthz),
        web.post("/cell/{cell}/v1/chat/completions", chat_completions),
        web.post("/cell/{cell}/v1/messages", messages),
        web.post("/cell/{cell}/v1/messages/count_tokens", count_tokens),
        web.get("/cell/{cell}/v1/models", models),
        web.get("/cell/{cell}/api/tags", api_tags),
    ]
    if default_cell:
        table += [
            web.post("/v1/chat/completions", chat_completions),
            web.post("/v1/messages", messages),
            web.post("/v1/messages/count_tokens", count_tokens),
            web.get("/v1/models", models),
            web.get("/api/tags", api_tags),
        ]
    table.append(web.route("*", "/{tail:.*}", not_found))
    return table
