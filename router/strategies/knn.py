"""embedding-knn: embed the last user message, vote with its 5 nearest labelled examples.

Cosine similarity against every corpus example (``corpus.py``); the top k=5 add their similarity
to their label's weight; cloud wins only with a strictly larger weight; confidence = winning
weight / total. No embedding backend configured, or an embedding failure or timeout -> local 0.3.
Fixed against the reference: embedding calls are bounded in time, and a failed corpus embedding
is retried on the next call instead of being cached as an empty corpus until restart.
"""

from __future__ import annotations

import numpy as np

from ..wire.shapes import ChatRequest, Side
from .base import Decision, SessionContext, StrategyBase
from .corpus import CORPUS
from .features import last_user_text

__all__ = ["EmbeddingKNN", "knn_vote"]

MAX_CHARS = 4000


def knn_vote(
    query: list[float], examples: list[list[float]], labels: list[str], k: int
) -> tuple[Side, float, dict[str, float]]:
    """(winner, confidence, weights) of a similarity-weighted vote of the k nearest examples."""
    matrix = np.asarray(examples, dtype=np.float64)
    q = np.asarray(query, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(q) or 1.0)
    sims = matrix @ q / np.where(norms == 0, 1.0, norms)
    top = np.argsort(-sims, kind="stable")[:k]
    weights = {"local": 0.0, "cloud": 0.0}
    for i in top:
        weights[labels[int(i)]] += float(sims[int(i)])
    winner: Side = "cloud" if weights["cloud"] > weights["local"] else "local"
    total = weights["cloud"] + weights["local"]
    confidence = weights[winner] / total if total > 0 else 0.5
    return winner, confidence, weights


class EmbeddingKNN(StrategyBase):
    name = "embedding-knn"
    allowed = frozenset({"k"})

    def __init__(self, params: dict[str, str] | None = None) -> None:
        super().__init__(params)
        self.k = self.integer("k", 5) or 5

    async def decide(self, request: ChatRequest, context: SessionContext) -> Decision:
        texts = [text for text, _ in CORPUS]
        labels = [label for _, label in CORPUS]
        query = last_user_text(request.messages)[:MAX_CHARS]
        try:
            vectors = await context.services.embed([*texts, query])
        except Exception as exc:  # any failure routes local: the call itself must not fail
            return Decision(
                "local",
                f"embedding failed ({type(exc).__name__}) -> local",
                0.3,
                {"embed_error": str(exc)[:200]},
            )
        if vectors is None:
            return Decision("local", "no embedding backend -> local", 0.3, {"embedder": None})
        winner, confidence, weights = knn_vote(vectors[-1], vectors[:-1], labels, self.k)
        meta = {
            "k": self.k,
            "weight_local": round(weights["local"], 4),
            "weight_cloud": round(weights["cloud"], 4),
        }
        return Decision(
            winner,
            f"knn k={self.k}: cloud={weights['cloud']:.3f} local={weights['local']:.3f}",
            confidence,
            meta,
        )
