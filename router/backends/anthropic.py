"""Anthropic's Messages API. Spec: ``anthropic:<model>[@<base-url>][;key_env=NAME]``
(default https://api.anthropic.com; key from $ANTHROPIC_API_KEY for the official API)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from aiohttp import ClientResponse

from ..guards import guarded_body
from ..specs import BackendSpec
from ..wire.anthropic_out import (
    EventTranslator,
    from_anthropic_response,
    to_anthropic_request,
    usage_from_anthropic,
)
from ..wire.shapes import ChatRequest, Chunk, Completion
from ..wire.sse import SSESplitter, sse_field
from .base import (
    Backend,
    BackendOptions,
    Stream,
    UpstreamError,
    estimate_usage,
    iter_body,
    release_response,
    resolve_key,
)

__all__ = ["AnthropicBackend"]

API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 8192


class AnthropicBackend(Backend):
    scheme = "anthropic"

    def __init__(self, spec: BackendSpec, options: BackendOptions) -> None:
        super().__init__(spec, options)
        self.base_url = (spec.base_url or "https://api.anthropic.com").removesuffix("/v1")
        key = resolve_key(spec, "ANTHROPIC_API_KEY", official=spec.base_url is None)
        self._headers = {"Content-Type": "application/json", "anthropic-version": API_VERSION}
        if key:
            self._headers["x-api-key"] = key

    def _payload(self, req: ChatRequest, stream: bool) -> bytes:
        guards = self.options.guards
        default = (
            guards.max_tokens_cap if guards is not None and guards.max_tokens_cap > 0 else DEFAULT_MAX_TOKENS
        )
        body = to_anthropic_request(guarded_body(req, guards), self.model, default, stream)
        return json.dumps(body, separators=(",", ":")).encode()

    async def complete(self, req: ChatRequest, timeout_s: float) -> Completion:
        resp = await self.post(
            self.base_url + "/v1/messages", self._payload(req, False), self._headers, timeout_s
        )
        obj, raw = await self.read_json(resp)
        if obj.get("type") != "message":
            raise UpstreamError("protocol", f"{self.label}: not a message: {raw[:200]!r}")
        body = from_anthropic_response(obj, self.model)
        usage = usage_from_anthropic(obj.get("usage")) or estimate_usage(req, json.dumps(obj.get("content")))
        return Completion(body=body, usage=usage, model_echoed=body["model"])

    async def open_stream(self, req: ChatRequest, timeout_s: float) -> Stream:
        resp = await self.post(
            self.base_url + "/v1/messages", self._payload(req, True), self._headers, timeout_s
        )
        return Stream(lambda s: self._events(resp, s, req), release_response(resp))

    async def _events(self, resp: ClientResponse, stream: Stream, req: ChatRequest) -> AsyncIterator[Chunk]:
        translator = EventTranslator(self.model)
        splitter = SSESplitter()
        async for data in iter_body(resp, self.label):
            for event in splitter.feed(data):
                for obj in self._translate(event, translator):
                    yield Chunk(parsed=obj, usage_only="usage" in obj)
        stream.model_echoed = translator.model
        stream.finish_reason = translator.finish_reason
        stream.usage = translator.usage if translator.has_usage else estimate_usage(req, "")

    def _translate(self, event: bytes, translator: EventTranslator) -> list[dict[str, object]]:
        data = sse_field(event, b"data")
        if not data:
            return []
        try:
            obj = json.loads(data)
        except ValueError as exc:
            raise UpstreamError("protocol", f"{self.label}: event data is not JSON: {data[:200]!r}") from exc
        if not isinstance(obj, dict):
            return []
        if obj.get("type") == "error":
            raise UpstreamError("stream", f"{self.label}: error event: {obj.get('error')}")
        return translator.translate(obj)
