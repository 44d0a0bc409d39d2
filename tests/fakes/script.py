"""What a fake upstream answers: a queue of scripted replies, plus a record of what it was sent.

A ``Reply`` says what the model "says" (text, tool calls, finish reason, usage) or which fault to
produce (HTTP status with optional Retry-After, a hang, a dropped connection, a non-JSON body).
When the queue is empty the fake answers ``default``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Reply:
    text: str = "ok"
    tool_calls: list[dict[str, Any]] = field(default_factory=list)  # [{"name":..., "arguments": {...}}]
    finish_reason: str | None = None
    prompt_tokens: int = 11
    completion_tokens: int = 7
    cached_tokens: int = 0
    usage: bool = True
    model: str | None = None
    status: int = 200
    retry_after: str | None = None
    # "hang" | "drop" | "garbage" | "midstream" | "stall" (a slow model: hangs after its first
    # streamed piece, OpenAI fake only)
    fault: str | None = None
    chunks: int = 3  # text pieces when streaming


@dataclass
class Recorder:
    default: Reply = field(default_factory=Reply)
    queue: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    hang: asyncio.Event = field(default_factory=asyncio.Event)

    def next(self) -> Reply:
        return self.queue.pop(0) if self.queue else self.default

    async def take(self, request: web.Request) -> tuple[dict[str, Any], Reply]:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        return body, self.next()

    async def fault(self, request: web.Request, reply: Reply) -> web.StreamResponse | None:
        """The response for a fault reply, or None to answer normally."""
        if reply.fault == "hang":
            await self.hang.wait()  # never set: the router's timeout must end the call
        if reply.fault == "drop":
            assert request.transport is not None
            request.transport.close()
            raise ConnectionResetError("fake dropped the connection")
        if reply.fault == "garbage":
            return web.Response(text="<html>bad gateway</html>", content_type="text/html")
        if reply.status >= 300:
            headers = {"Retry-After": reply.retry_after} if reply.retry_after is not None else {}
            return web.json_response(
                {"error": {"message": f"fake status {reply.status}"}}, status=reply.status, headers=headers
            )
        return None


def split_text(text: str, n: int) -> list[str]:
    if not text:
        return []
    size = max(1, -(-len(text) // max(1, n)))
    return [text[i : i + size] for i in range(0, len(text), size)]
