"""What every backend provides, and the HTTP plumbing they share.

A backend turns an internal :class:`ChatRequest` into a :class:`Completion` or a :class:`Stream` of
OpenAI chunks, with exact usage when the upstream reports it. It raises :class:`UpstreamError` for
every upstream fault (refused, timeout, HTTP error, garbage), never anything else, so the call
pipeline can retry, record and answer the agent uniformly.

Keys: a backend reads its key from the environment once, at construction, and puts it only in
the upstream request's own auth header. The agent's Authorization header never reaches a backend.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

from ..specs import BackendSpec
from ..wire.shapes import (
    JSON,
    ChatRequest,
    Chunk,
    Completion,
    Side,
    Usage,
    content_text,
)

__all__ = [
    "Backend",
    "BackendOptions",
    "Guards",
    "LocalGuards",
    "Stream",
    "UpstreamError",
    "estimate_usage",
    "parse_retry_after",
    "resolve_key",
    "within",
]


def within(seconds: float) -> asyncio.Timeout:
    """``asyncio.timeout(seconds)``, where ``math.inf`` (a call with neither a cell budget nor a
    tier limit) means no timeout: uvloop cannot schedule a timer at infinity."""
    return asyncio.timeout(None if math.isinf(seconds) else seconds)


class UpstreamError(Exception):
    """An upstream fault. ``kind``: connect | timeout | http | protocol | config | stream, and
    ``budget`` (set by the call pipeline, never by a backend: a timeout that was the cell's
    remaining budget, docs/router.md#budgets).

    ``usage``: what the upstream had already spent when the call was cut (a timed-out or cancelled
    generation), when the backend knows it; None otherwise.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        usage: Usage | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.usage = usage

    @property
    def retryable(self) -> bool:
        """Worth another attempt on a cloud backend: refused, timed out, 408/409/429 or 5xx."""
        if self.kind in ("connect", "timeout"):
            return True
        return (
            self.kind == "http"
            and self.status is not None
            and (self.status in (408, 409, 429) or self.status >= 500)
        )

    @property
    def label(self) -> str:
        return f"http_{self.status}" if self.kind == "http" else self.kind


@dataclass(frozen=True)
class Guards:
    """The request changes a backend applies for its tier (``RouterConfig.<tier>_guards``), all
    off by default: ``max_tokens_cap`` 0 = none, ``repeat_penalty`` None = none sent, the tool
    nudge's text None = no nudge. Each is an explicit, recorded option."""

    max_tokens_cap: int = 0
    repeat_penalty: float | None = None
    tool_nudge: str | None = None


#: The name this class had when only the local tier had guards.
LocalGuards = Guards


@dataclass(frozen=True)
class BackendOptions:
    side: Side
    guards: Guards | None = None
    connect_timeout_s: float = 10.0


def resolve_key(spec: BackendSpec, default_env: str, *, official: bool) -> str | None:
    """The API key for a backend: ``key_env=NAME`` from the spec, else ``default_env`` if the spec
    points at the provider's own API (no base URL). A local OpenAI-compatible server never gets
    the cloud key by accident."""
    name = spec.params.get("key_env")
    if name:
        value = os.environ.get(name)
        if not value:
            raise ValueError(f"backend {spec.text!r}: key_env={name} but ${name} is not set")
        return value
    return os.environ.get(default_env) if official else None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def estimate_usage(req: ChatRequest, completion_text: str) -> Usage:
    """About 4 characters per token over the messages and the answer, flagged ``estimated``."""
    chars = sum(len(content_text(m.get("content"))) for m in req.messages)
    return Usage(prompt=math.ceil(chars / 4), completion=math.ceil(len(completion_text) / 4), estimated=True)


class Stream:
    """An open upstream stream of OpenAI chunks. ``usage``/``model_echoed``/``finish_reason`` are
    filled in while it is iterated; ``close()`` releases the upstream connection early."""

    def __init__(
        self,
        produce: Callable[[Stream], AsyncIterator[Chunk]],
        release: Callable[[], Awaitable[None] | None],
    ) -> None:
        self._release = release
        self.usage: Usage | None = None
        self.model_echoed: str | None = None
        self.finish_reason: str | None = None
        self.text_chars = 0
        self._chunks = produce(self)

    def __aiter__(self) -> AsyncIterator[Chunk]:
        return self._chunks

    async def close(self) -> None:
        aclose = getattr(self._chunks, "aclose", None)
        if aclose is not None:
            await aclose()
        result = self._release()
        if result is not None:
            await result


class Backend(ABC):
    """An upstream model server. Subclasses implement ``complete`` and ``open_stream``."""

    scheme = ""

    def __init__(self, spec: BackendSpec, options: BackendOptions) -> None:
        self.spec = spec
        self.options = options
        self.model = spec.model
        self._session: aiohttp.ClientSession | None = None

    @property
    def side(self) -> Side:
        return self.options.side

    @property
    def label(self) -> str:
        return f"{self.scheme}:{self.model}"

    def session(self) -> aiohttp.ClientSession:
        """One pooled session per backend, created on first use inside the router's loop."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=256, ttl_dns_cache=300),
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.options.connect_timeout_s),
                auto_decompress=True,
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def post(
        self, url: str, payload: bytes, headers: dict[str, str], timeout_s: float
    ) -> aiohttp.ClientResponse:
        """POST and return a 2xx response (body unread); map every failure to UpstreamError."""
        try:
            resp = await self.session().post(
                url,
                data=payload,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=None if math.isinf(timeout_s) else timeout_s),
            )
        except TimeoutError as exc:
            raise UpstreamError("timeout", f"{self.label}: no answer within {timeout_s:.1f}s") from exc
        except aiohttp.ClientConnectorError as exc:
            raise UpstreamError("connect", f"{self.label}: cannot connect to {url}: {exc.os_error}") from exc
        except aiohttp.ClientError as exc:
            raise UpstreamError("connect", f"{self.label}: {type(exc).__name__}: {exc}") from exc
        if resp.status >= 300:
            try:
                text = (await resp.text(errors="replace"))[:1000]
            except (aiohttp.ClientError, TimeoutError):
                text = ""
            finally:
                resp.release()
            raise UpstreamError(
                "http",
                f"{self.label} returned HTTP {resp.status}: {text}",
                status=resp.status,
                retry_after=parse_retry_after(resp.headers.get("Retry-After")),
            )
        return resp

    async def read_json(self, resp: aiohttp.ClientResponse) -> tuple[JSON, bytes]:
        try:
            raw = await resp.read()
        except TimeoutError as exc:
            raise UpstreamError("timeout", f"{self.label}: body not complete in time") from exc
        except aiohttp.ClientError as exc:
            raise UpstreamError("protocol", f"{self.label}: body read failed: {exc}") from exc
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            raise UpstreamError("protocol", f"{self.label}: answer is not JSON: {raw[:200]!r}") from exc
        if not isinstance(obj, dict):
            raise UpstreamError("protocol", f"{self.label}: answer is not a JSON object")
        return obj, raw

    @abstractmethod
    async def complete(self, req: ChatRequest, timeout_s: float) -> Completion:
        """The whole answer for ``req`` (which may have ``stream`` set; backends ignore it here).

        ``timeout_s`` bounds the whole call; it is ``math.inf`` when nothing bounds it (use
        :func:`within` rather than ``asyncio.timeout``)."""

    @abstractmethod
    async def open_stream(self, req: ChatRequest, timeout_s: float) -> Stream:
        """Send ``req`` streaming; return once the upstream answered 2xx (faults raise before).
        ``timeout_s`` (possibly ``math.inf``) bounds the whole stream, not just its start."""

    async def embed(self, texts: list[str], timeout_s: float) -> list[list[float]]:
        raise UpstreamError("config", f"{self.label}: this backend does not serve embeddings")


def iter_body(resp: aiohttp.ClientResponse, label: str) -> AsyncIterator[bytes]:
    """The response body as it arrives, with read faults mapped to UpstreamError(kind='stream')."""

    async def gen() -> AsyncIterator[bytes]:
        try:
            async for data in resp.content.iter_any():
                yield data
        except TimeoutError as exc:
            raise UpstreamError("timeout", f"{label}: stream stalled past the request timeout") from exc
        except aiohttp.ClientError as exc:
            raise UpstreamError("stream", f"{label}: stream broke: {exc}") from exc

    return gen()


def release_response(resp: aiohttp.ClientResponse) -> Callable[[], None]:
    def release() -> None:
        resp.release()

    return release


def as_json(obj: Any) -> JSON:
    return obj if isinstance(obj, dict) else {}
