"""Ollama's native API: ``/api/chat`` (NDJSON streaming) and ``/api/embed``.
Spec: ``ollama:<model>[@<url>]`` (default http://127.0.0.1:11434; a trailing /v1 is ignored)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from aiohttp import ClientResponse

from ..guards import guarded_body
from ..specs import BackendSpec
from ..wire.ollama import (
    ChunkTranslator,
    from_ollama_response,
    to_ollama_request,
    usage_from_ollama,
)
from ..wire.shapes import ChatRequest, Chunk, Completion
from ..wire.sse import LineSplitter
from .base import (
    Backend,
    BackendOptions,
    Stream,
    UpstreamError,
    estimate_usage,
    iter_body,
    release_response,
)

__all__ = ["OllamaBackend"]

_HEADERS = {"Content-Type": "application/json"}


class OllamaBackend(Backend):
    scheme = "ollama"

    def __init__(self, spec: BackendSpec, options: BackendOptions) -> None:
        super().__init__(spec, options)
        base = spec.base_url or "http://127.0.0.1:11434"
        self.base_url = base[: -len("/v1")] if base.endswith("/v1") else base

    def _payload(self, req: ChatRequest, stream: bool) -> bytes:
        body = to_ollama_request(
            guarded_body(req, self.options.guards), self.model, self.options.guards, stream
        )
        return json.dumps(body, separators=(",", ":")).encode()

    async def complete(self, req: ChatRequest, timeout_s: float) -> Completion:
        resp = await self.post(self.base_url + "/api/chat", self._payload(req, False), _HEADERS, timeout_s)
        obj, raw = await self.read_json(resp)
        if "message" not in obj:
            raise UpstreamError("protocol", f"{self.label}: /api/chat answer has no message: {raw[:200]!r}")
        body = from_ollama_response(obj, self.model)
        usage = usage_from_ollama(obj) or estimate_usage(req, str(obj["message"]))
        return Completion(body=body, usage=usage, model_echoed=body["model"])

    async def open_stream(self, req: ChatRequest, timeout_s: float) -> Stream:
        resp = await self.post(self.base_url + "/api/chat", self._payload(req, True), _HEADERS, timeout_s)
        return Stream(lambda s: self._events(resp, s, req), release_response(resp))

    async def _events(self, resp: ClientResponse, stream: Stream, req: ChatRequest) -> AsyncIterator[Chunk]:
        translator = ChunkTranslator(self.model)
        splitter = LineSplitter()
        async for data in iter_body(resp, self.label):
            for line in splitter.feed(data):
                for obj in self._translate(line, translator, stream):
                    yield Chunk(parsed=obj, usage_only="usage" in obj)
        for line in splitter.flush():
            for obj in self._translate(line, translator, stream):
                yield Chunk(parsed=obj, usage_only="usage" in obj)
        stream.model_echoed = translator.model
        stream.finish_reason = translator.finish_reason
        stream.usage = translator.usage or estimate_usage(req, "x" * stream.text_chars)

    def _translate(self, line: bytes, translator: ChunkTranslator, stream: Stream) -> list[dict[str, object]]:
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise UpstreamError("protocol", f"{self.label}: stream line is not JSON: {line[:200]!r}") from exc
        if not isinstance(obj, dict):
            raise UpstreamError("protocol", f"{self.label}: stream line is not an object")
        if "error" in obj:
            raise UpstreamError("stream", f"{self.label}: {obj['error']}")
        msg = obj.get("message")
        if isinstance(msg, dict) and isinstance(msg.get("content"), str):
            stream.text_chars += len(msg["content"])
        return translator.translate(obj)

    async def embed(self, texts: list[str], timeout_s: float) -> list[list[float]]:
        payload = json.dumps({"model": self.model, "input": texts}).encode()
        resp = await self.post(self.base_url + "/api/embed", payload, _HEADERS, timeout_s)
        obj, _ = await self.read_json(resp)
        vectors = obj.get("embeddings")
        if not isinstance(vectors, list) or len(vectors) != len(texts):
            raise UpstreamError(
                "protocol", f"{self.label}: /api/embed gave no embeddings for {len(texts)} inputs"
            )
        return [[float(x) for x in v] for v in vectors]
