"""The model-backed helpers strategies use (``context.services``): classifier and embeddings.

Both are bounded in time (the reference's had no timeout). Embeddings are cached per text on
success only, so the kNN corpus is embedded once, and a failed attempt is simply retried by the
next call rather than cached as an empty corpus.
"""

from __future__ import annotations

import asyncio

from .backends.base import Backend
from .strategies.classifier import CLASSIFIER_PROMPT
from .wire.shapes import ChatRequest, content_text

__all__ = ["RouterServices"]


class RouterServices:
    def __init__(
        self,
        classifier: Backend,
        embedder: Backend | None,
        classifier_timeout_s: float,
        embed_timeout_s: float,
    ) -> None:
        self.classifier = classifier
        self.embedder = embedder
        self.classifier_timeout_s = classifier_timeout_s
        self.embed_timeout_s = embed_timeout_s
        self._vectors: dict[str, list[float]] = {}
        self._embed_lock = asyncio.Lock()

    async def classify(self, text: str) -> str:
        body = {
            "model": self.classifier.model,
            "messages": [{"role": "system", "content": CLASSIFIER_PROMPT}, {"role": "user", "content": text}],
            "temperature": 0,
            "max_tokens": 4,
        }
        req = ChatRequest(body=body, stream=False, include_usage=False, model=self.classifier.model)
        async with asyncio.timeout(self.classifier_timeout_s):
            result = await self.classifier.complete(req, self.classifier_timeout_s)
        return content_text(result.message.get("content"))

    async def embed(self, texts: list[str]) -> list[list[float]] | None:
        if self.embedder is None:
            return None
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            async with self._embed_lock, asyncio.timeout(self.embed_timeout_s):
                missing = [t for t in missing if t not in self._vectors]
                if missing:
                    vectors = await self.embedder.embed(missing, self.embed_timeout_s)
                    self._vectors.update(zip(missing, vectors, strict=True))
        return [self._vectors[t] for t in texts]
