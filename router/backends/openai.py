"""Any OpenAI-compatible chat-completions server: OpenAI, vLLM, llama.cpp server, LM Studio,
Ollama's /v1. Spec: ``openai:<model>[@<base-url>][;key_env=NAME]``.

Non-streamed answers are kept byte for byte (``Completion.raw``) unless a tool call needs its
arguments stringified. Streams are relayed event by event as they arrive; the router always asks
for the final usage chunk (``stream_options.include_usage``) and only parses events that carry
usage, plus the first one (for the model the provider echoes).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from aiohttp import ClientResponse

from ..guards import guarded_body, reasoning_model_params
from ..specs import BackendSpec
from ..wire.openai import normalize_tool_calls, usage_from_openai
from ..wire.shapes import ChatRequest, Chunk, Completion, content_text
from ..wire.sse import SSESplitter
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

__all__ = ["OpenAIBackend"]

OFFICIAL_BASE = "https://api.openai.com/v1"


class OpenAIBackend(Backend):
    scheme = "openai"

    def __init__(self, spec: BackendSpec, options: BackendOptions) -> None:
        super().__init__(spec, options)
        self.base_url = spec.base_url or OFFICIAL_BASE
        self._key = resolve_key(spec, "OPENAI_API_KEY", official=spec.base_url is None)
        self._headers = {"Content-Type": "application/json"}
        if self._key:
            self._headers["Authorization"] = f"Bearer {self._key}"

    def build_body(self, req: ChatRequest, stream: bool) -> bytes:
        body = guarded_body(req, self.options.guards)
        body["model"] = self.model
        body["stream"] = stream
        if stream:
            opts = body.get("stream_options")
            body["stream_options"] = {**(opts if isinstance(opts, dict) else {}), "include_usage": True}
        else:
            body.pop("stream_options", None)
        if self.side != "local":  # a hosted mid tier may be a reasoning model too (gpt-5-mini)
            body = reasoning_model_params(body, self.model)
        return json.dumps(body, separators=(",", ":")).encode()

    async def complete(self, req: ChatRequest, timeout_s: float) -> Completion:
        resp = await self.post(
            self.base_url + "/chat/completions", self.build_body(req, False), self._headers, timeout_s
        )
        obj, raw = await self.read_json(resp)
        choices = obj.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise UpstreamError("protocol", f"{self.label}: answer has no choices: {raw[:200]!r}")
        message = choices[0].get("message")
        keep_raw: bytes | None = raw
        if isinstance(message, dict) and normalize_tool_calls(message):
            keep_raw = None
        usage = usage_from_openai(obj.get("usage"))
        if usage is None:
            msg = message if isinstance(message, dict) else {}
            usage = estimate_usage(
                req, content_text(msg.get("content")) + json.dumps(msg.get("tool_calls") or "")
            )
        model = obj.get("model")
        return Completion(
            body=obj, usage=usage, model_echoed=model if isinstance(model, str) else None, raw=keep_raw
        )

    async def open_stream(self, req: ChatRequest, timeout_s: float) -> Stream:
        resp = await self.post(
            self.base_url + "/chat/completions", self.build_body(req, True), self._headers, timeout_s
        )
        return Stream(lambda s: self._events(resp, s, req), release_response(resp))

    async def _events(self, resp: ClientResponse, stream: Stream, req: ChatRequest) -> AsyncIterator[Chunk]:
        splitter = SSESplitter()
        first = True
        async for data in iter_body(resp, self.label):
            for event in splitter.feed(data):
                chunk = self._chunk(event, stream, first)
                if chunk is not None:
                    first = False
                    yield chunk
        for event in splitter.flush():
            chunk = self._chunk(event, stream, first)
            if chunk is not None:
                yield chunk
        if stream.usage is None:
            stream.usage = estimate_usage(req, "x" * stream.text_chars)

    def _chunk(self, event: bytes, stream: Stream, first: bool) -> Chunk | None:
        if b"data:" not in event or b"[DONE]" in event[:32]:
            return None
        chunk = Chunk(raw=event)
        has_usage = b'"usage"' in event and b'"usage":null' not in event and b'"usage": null' not in event
        if first or has_usage or b'"finish_reason":"' in event or b'"finish_reason": "' in event:
            obj = chunk.data
            if first and isinstance(obj.get("model"), str):
                stream.model_echoed = obj["model"]
            usage = usage_from_openai(obj.get("usage"))
            if usage is not None:
                stream.usage = usage
                chunk.usage_only = not obj.get("choices")
            for choice in obj.get("choices") or []:
                if isinstance(choice, dict) and choice.get("finish_reason"):
                    stream.finish_reason = choice["finish_reason"]
        # Only for the estimate when a server ignores include_usage: an event's JSON envelope
        # is ~100 bytes around the delta text.
        stream.text_chars += max(0, len(event) - 100)
        return chunk
