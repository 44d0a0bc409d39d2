"""The two controls: every call local, or every call cloud."""

from __future__ import annotations

from pytest_hybridarena.router.strategies.base import CellContext, Decision, StrategyBase
from pytest_hybridarena.router.wire.shapes import ChatRequest

__all__ = ["AlwaysCloud", "AlwaysLocal"]


class AlwaysLocal(StrategyBase):
    name = "always-local"

    async def decide(self, request: ChatRequest, context: CellContext) -> Decision:
        return Decision("local", "always-local", 1.0)


class AlwaysCloud(StrategyBase):
    name = "always-cloud"

    async def decide(self, request: ChatRequest, context: CellContext) -> Decision:
        return Decision("cloud", "always-cloud", 1.0)
