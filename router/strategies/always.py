"""The two controls: every call local, or every call cloud."""

from __future__ import annotations

from ..specs import parse_backend_spec
from ..wire.shapes import ChatRequest
from .base import Decision, SessionContext, StrategyBase

__all__ = ["AlwaysCloud", "AlwaysLocal"]


class AlwaysLocal(StrategyBase):
    """``always-local@model=<backend spec>`` pins the cell's local side to that model: the plugin
    serves such cells from a router of their own whose local backend is the model (role sweeps,
    ``--arena-roles``, are made of these). The routing itself is unchanged: every call local."""

    name = "always-local"
    allowed = frozenset({"model"})

    def __init__(self, params: dict[str, str] | None = None) -> None:
        super().__init__(params)
        self.model = self.params.get("model")
        if self.model is not None:
            try:
                parse_backend_spec(self.model)
            except ValueError as exc:
                raise ValueError(f"strategy {self.name!r}: parameter model={self.model!r}: {exc}") from None

    async def decide(self, request: ChatRequest, context: SessionContext) -> Decision:
        return Decision("local", "always-local", 1.0)


class AlwaysCloud(StrategyBase):
    name = "always-cloud"

    async def decide(self, request: ChatRequest, context: SessionContext) -> Decision:
        return Decision("cloud", "always-cloud", 1.0)
